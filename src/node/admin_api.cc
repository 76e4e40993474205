// Admin routes behind a bearer token.
#include "node/admin_api.h"

#include <openssl/rand.h>

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/file.h"
#include "net/bearer_gate.h"
#include "node/node.h"

namespace riik::node {

std::string AdminTokenPath(const std::string& dir) { return dir + "/admin-token"; }

Result<std::string> LoadOrCreateToken(const std::string& path) {
  if (auto text = ReadSecretFile(path); text.ok()) {
    std::string token = text->substr(0, text->find('\n'));
    if (token.size() >= 32) return token;
  } else if (text.status().code() != Code::kNotFound) {
    return text.status();
  }
  unsigned char random[32];
  if (RAND_bytes(random, sizeof random) != 1) return Internal("no randomness for the admin token");
  std::string token = HexEncode(std::string(reinterpret_cast<char*>(random), sizeof random));
  RETURN_IF_ERROR(WriteFileAtomic(path, token + "\n", /*secret=*/true));
  return token;
}

void AddAdminRoute(Node& node, net::Router& router, std::shared_ptr<AdminApi> api, const std::string& path,
                   std::function<net::HttpResponse(const Json&)> action) {
  router.AddAsync(
      "POST", path,
      [&node, action = std::move(action)](net::HttpRequest&& req, net::Responder respond) {
        auto body = net::ParseJsonBody(req);
        if (!body.ok()) return respond(net::ErrorResponse(body.status()));
        auto shared = std::make_shared<net::Responder>(std::move(respond));
        node.blocking().Submit([shared, action, json = std::move(*body)] { (*shared)(action(json)); });
      },
      "application/json",
      [api](const net::HttpRequest& req) -> std::optional<net::HttpResponse> {
        if (!api->ready) return net::JsonError(503, "unavailable", "the service is still starting");
        return net::RefuseUnlessBearer(api->token, req);
      });
}

}  // namespace riik::node
