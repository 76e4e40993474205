// Admin routes behind a bearer token.
#include "node/admin_api.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "node/node.h"

namespace riik::node {
namespace {

bool Authorized(const std::string& token, const net::HttpRequest& req) {
  std::string_view auth = req.headers.Get("Authorization");
  std::string want = "Bearer " + token;
  return !token.empty() && auth.size() == want.size() && CRYPTO_memcmp(auth.data(), want.data(), want.size()) == 0;
}

}  // namespace

std::string AdminTokenPath(const std::string& dir) { return dir + "/admin-token"; }

Result<std::string> LoadOrCreateToken(const std::string& path) {
  std::ifstream in(path);
  std::string token;
  if (in && std::getline(in, token) && token.size() >= 32) return token;
  unsigned char random[32];
  if (RAND_bytes(random, sizeof random) != 1) return Internal("no randomness for the admin token");
  token = HexEncode(std::string(reinterpret_cast<char*>(random), sizeof random));
  mode_t old = umask(077);
  std::ofstream(path, std::ios::trunc) << token << "\n";
  umask(old);
  chmod(path.c_str(), 0600);
  std::ifstream check(path);
  std::string written;
  if (!std::getline(check, written) || written != token) return Unavailable("cannot write the admin token " + path);
  return token;
}

void AddAdminRoute(Node& node, net::Router& router, std::shared_ptr<AdminApi> api, const std::string& path,
                   std::function<net::HttpResponse(const Json&)> action) {
  router.AddAsync(
      "POST", path,
      [&node, api, action = std::move(action)](net::HttpRequest&& req, net::Responder respond) {
        if (!api->ready) return respond(net::JsonError(503, "unavailable", "the service is still starting"));
        if (!Authorized(api->token, req)) {
          return respond(
              net::JsonError(401, "unauthenticated", "admin calls need Authorization: Bearer <admin token>"));
        }
        auto body = net::ParseJsonBody(req);
        if (!body.ok()) return respond(net::ErrorResponse(body.status()));
        auto shared = std::make_shared<net::Responder>(std::move(respond));
        node.blocking().Submit([shared, action, json = std::move(*body)] { (*shared)(action(json)); });
      },
      "application/json");
}

}  // namespace riik::node
