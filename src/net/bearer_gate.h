// The operator's gate on admin and operator-only routes: a bearer token, compared in
// constant time, and never taken over plain HTTP from another host (a token must not
// cross a network in clear; on loopback it never leaves the machine).
#pragma once

#include <optional>
#include <string_view>

#include "net/http.h"

namespace riik::net {

// Nothing if `req` carries `Authorization: Bearer <token>` over TLS or from loopback;
// otherwise the refusal to send: 403 `plain_http_refused` for a plain-HTTP call from
// another host, 401 `unauthenticated` without the right token (an empty `token`
// refuses everyone: deny by default).
std::optional<HttpResponse> RefuseUnlessBearer(std::string_view token, const HttpRequest& req);

}  // namespace riik::net
