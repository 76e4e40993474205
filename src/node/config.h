// NodeConfig: what one riik process runs: which roles, where they listen, where state
// lives. Built by `riik up` for the whole state on one machine, or read from a TOML
// file by `riik serve --config FILE` (format: docs/config.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/log.h"
#include "core/status.h"
#include "net/server.h"

namespace riik::node {

// Open connections one IP address may hold on a role's listener, unless the role sets
// max_connections_per_address (0: no cap). Far above what one well-behaved client keeps.
inline constexpr int64_t kDefaultConnectionsPerAddress = 1024;
// Open connections a role's listener holds in all, unless the role sets max_connections.
inline constexpr int64_t kDefaultMaxConnections = 4096;

struct ListenConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  int threads = 1;
  std::optional<net::TlsServerConfig> tls;
};

struct RoleConfig {
  std::string kind;  // "status", … (see KnownRoles())
  std::string name;  // unique in the process; defaults to kind
  ListenConfig listen;
  // The role's own string settings (every other key of its [[role]] table), e.g. the
  // trust role's passphrase_file.
  std::map<std::string, std::string> settings;

  // A setting, or `fallback` when absent.
  std::string Setting(const std::string& key, std::string fallback = "") const;
  // A setting that must be there; the error names it and `what` it is for.
  Result<std::string> Required(const std::string& key, std::string_view what) const;
  // A comma-separated setting's items, empty ones left out (none when absent).
  std::vector<std::string> List(const std::string& key) const;
  // A whole-number setting in [min, max], or `fallback` when absent.
  Result<int64_t> Number(const std::string& key, int64_t fallback, int64_t min, int64_t max) const;
  // session_idle_s and session_absolute_s: how long a session lasts without a request and
  // in all (the sign-in service's single sign-on, a web service's own); 15 minutes and 12
  // hours unless set.
  struct SessionTimeouts {
    std::chrono::seconds idle, absolute;
  };
  Result<SessionTimeouts> Sessions() const;
};

struct NodeConfig {
  std::string data_dir = "riik-data";
  // From the [log] table; when absent, the command line's --log-format/--log-level hold.
  std::optional<LogFormat> log_format;
  std::optional<std::string> log_level;
  // Store URL per store name; absent names use sqlite:DATA_DIR/NAME/store.db.
  std::map<std::string, std::string> store_urls;
  std::vector<RoleConfig> roles;
  // The [shipping] table: every store's journal streamed to the data embassies
  // (docs/embassy.md). Its settings are read like a role's (kind "shipping").
  std::optional<RoleConfig> shipping;
};

// The role kinds this build can run.
const std::vector<std::string>& KnownRoles();

// Parses TOML text; errors name the key and what was expected.
Result<NodeConfig> ParseNodeConfig(std::string_view toml_text, std::string_view source_name = "config");
Result<NodeConfig> LoadNodeConfig(const std::string& path);

}  // namespace riik::node
