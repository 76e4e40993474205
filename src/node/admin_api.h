// A role's admin API: POST routes for the operator's changes, allowed only with
// `Authorization: Bearer <token>`, the token kept (random, 0600) in a file of the
// role's directory that only the operator can read. Deny by default: no token file, no
// admin calls. Shared by the trust and central roles; the CLI reads the same file.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "core/json.h"
#include "core/status.h"
#include "net/router.h"

namespace riik::node {

class Node;

// Where a role keeps its admin token: DIR/admin-token.
std::string AdminTokenPath(const std::string& dir);
// Reads the token at `path`, creating a random one (mode 0600, atomically) if there is
// none. A token file that others may read is refused, naming it (core/file.h).
Result<std::string> LoadOrCreateToken(const std::string& path);

struct AdminApi {
  std::string token;  // set when the role starts; empty refuses every call
  std::atomic<bool> ready{false};
};

// Adds POST `path`, gated by the token (net/bearer_gate.h) instead of the router's gate:
// 503 until `api.ready`, 401 without the token, 403 over plain HTTP from another host,
// 400 for a body that is not JSON; otherwise runs `action` on the node's
// blocking pool (it may write the store) and answers with its response.
void AddAdminRoute(Node& node, net::Router& router, std::shared_ptr<AdminApi> api, const std::string& path,
                   std::function<net::HttpResponse(const Json&)> action);

}  // namespace riik::node
