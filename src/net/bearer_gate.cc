// RefuseUnlessBearer.
#include "net/bearer_gate.h"

#include <string>

#include "crypto/random.h"

namespace riik::net {

std::optional<HttpResponse> RefuseUnlessBearer(std::string_view token, const HttpRequest& req) {
  if (!req.tls && !IsLoopbackRemote(req.remote)) {
    return JsonError(403, "plain_http_refused",
                     "operator calls over plain HTTP are taken only from this host; use the role's TLS listener");
  }
  std::string_view auth = req.headers.Get("Authorization");
  std::string want = "Bearer " + std::string(token);
  bool ok = !token.empty() && SameToken(auth, want);
  if (!ok)
    return JsonError(401, "unauthenticated", "this needs the operator's credential: Authorization: Bearer <token>");
  return std::nullopt;
}

}  // namespace riik::net
