// Calls a running role's admin API from the command line: the role's URL from
// DIR/endpoints.json (or given), the bearer token from the role's token file.
#pragma once

#include <string>

#include "core/json.h"
#include "core/status.h"

namespace riik::cli {

// The URL of the first role of `kind` in DIR/endpoints.json, or "".
std::string RoleUrl(const std::string& dir, const std::string& kind);

class AdminClient {
 public:
  AdminClient() = default;
  // `ca_file`: what an https role's certificate chains to (the state root).
  AdminClient(std::string url, std::string token_path, std::string ca_file = "")
      : url_(std::move(url)), token_path_(std::move(token_path)), ca_file_(std::move(ca_file)) {}
  bool configured() const { return !url_.empty(); }
  const std::string& url() const { return url_; }

  // POSTs `body` to `path`; a non-200 answer becomes an error with the role's message
  // (404 NotFound, 409 FailedPrecondition/AlreadyExists, 401 PermissionDenied, 503
  // Unavailable, else InvalidArgument).
  Result<Json> Call(const std::string& path, const Json& body) const;

 private:
  std::string url_;
  std::string token_path_;
  std::string ca_file_;
};

}  // namespace riik::cli
