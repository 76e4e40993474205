// Admin calls to a running role.
#include "cli/admin_client.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/file.h"
#include "net/client.h"

namespace riik::cli {

std::string RoleUrl(const std::string& dir, const std::string& kind) {
  auto text = ReadFile(dir + "/endpoints.json");
  auto endpoints = text.ok() ? ParseJson(*text) : Result<Json>(text.status());
  if (!endpoints.ok() || !endpoints->contains("roles") || !(*endpoints)["roles"].is_object()) return "";
  for (const auto& [name, role] : (*endpoints)["roles"].items()) {
    if (role.is_object() && role.value("kind", "") == kind && role.contains("url") && role["url"].is_string()) {
      return role["url"].get<std::string>();
    }
  }
  return "";
}

Result<Json> AdminClient::Call(const std::string& path, const Json& body) const {
  auto text = ReadSecretFile(token_path_);
  if (!text.ok()) return PermissionDenied("cannot read the admin token: " + text.status().message());
  std::string token = text->substr(0, text->find('\n'));
  net::Headers h;
  h.Add("Authorization", "Bearer " + token);
  h.Add("Content-Type", "application/json");
  ASSIGN_OR_RETURN(net::HttpResponse resp,
                   net::Fetch("POST", url_ + path, h, body.dump(), net::ClientOptions{.ca_file = ca_file_}));
  auto json = ParseJson(resp.body);
  if (resp.status != 200) {
    std::string message = json.ok() && json->is_object() && json->contains("message") && (*json)["message"].is_string()
                              ? (*json)["message"].get<std::string>()
                              : resp.body.substr(0, 200);
    Code code = resp.status == 404   ? Code::kNotFound
                : resp.status == 409 ? Code::kFailedPrecondition
                : resp.status == 401 ? Code::kPermissionDenied
                : resp.status == 503 ? Code::kUnavailable
                                     : Code::kInvalidArgument;
    return Status(code, message + " (from " + url_ + ")");
  }
  return json;
}

}  // namespace riik::cli
