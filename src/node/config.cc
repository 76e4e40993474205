// TOML node configuration (docs/config.md).
#include "node/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace riik::node {
namespace {

Result<ListenConfig> ParseListen(const toml::table& role, const std::string& where) {
  ListenConfig l;
  if (auto listen = role["listen"].value<std::string>()) {
    size_t colon = listen->rfind(':');
    if (colon == std::string::npos) return InvalidArgument(where + ".listen must be HOST:PORT, got '" + *listen + "'");
    l.host = listen->substr(0, colon);
    if (l.host.starts_with("[") && l.host.ends_with("]")) l.host = l.host.substr(1, l.host.size() - 2);
    std::string port = listen->substr(colon + 1);
    char* end = nullptr;
    long p = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end || p < 0 || p > 65535)
      return InvalidArgument(where + ".listen has a bad port '" + port + "'");
    l.port = static_cast<uint16_t>(p);
  } else if (role.contains("listen")) {
    return InvalidArgument(where + ".listen must be a string HOST:PORT");
  }
  if (auto t = role["threads"].value<int64_t>()) {
    if (*t < 1 || *t > 256) return InvalidArgument(where + ".threads must be between 1 and 256");
    l.threads = static_cast<int>(*t);
  }
  if (const toml::table* tls = role["tls"].as_table()) {
    net::TlsServerConfig t;
    t.cert_file = (*tls)["cert"].value_or(std::string());
    t.key_file = (*tls)["key"].value_or(std::string());
    t.client_ca_file = (*tls)["client_ca"].value_or(std::string());
    if (t.cert_file.empty() || t.key_file.empty()) return InvalidArgument(where + ".tls needs cert and key");
    l.tls = std::move(t);
  }
  return l;
}

}  // namespace

const std::vector<std::string>& KnownRoles() {
  static const std::vector<std::string> kinds = {"status",  "trust", "central", "exchange", "registry",
                                                 "embassy", "sign",  "auth",    "rp",       "portal"};
  return kinds;
}

Result<NodeConfig> ParseNodeConfig(std::string_view toml_text, std::string_view source_name) {
  toml::table root;
  try {  // this toml++ build reports parse errors by exception; they stop here
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& err) {
    return InvalidArgument(std::string(source_name) + ":" + std::to_string(err.source().begin.line) + ":" +
                           std::to_string(err.source().begin.column) + ": " + std::string(err.description()));
  }
  static const std::set<std::string> known_top = {"data_dir", "log", "stores", "role", "shipping"};
  for (const auto& [key, value] : root) {
    if (!known_top.count(std::string(key.str()))) {
      return InvalidArgument("unknown key '" + std::string(key.str()) +
                             "' (expected data_dir, log, stores, shipping or [[role]])");
    }
  }
  NodeConfig c;
  c.data_dir = root["data_dir"].value_or(c.data_dir);
  if (const toml::table* log = root["log"].as_table()) {
    if (auto f = (*log)["format"].value<std::string>()) {
      ASSIGN_OR_RETURN(c.log_format, ParseLogFormat(*f));
    }
    c.log_level = (*log)["level"].value<std::string>();
  }
  if (const toml::table* stores = root["stores"].as_table()) {
    for (const auto& [name, url] : *stores) {
      auto s = url.value<std::string>();
      if (!s) return InvalidArgument("stores." + std::string(name.str()) + " must be a URL string");
      c.store_urls[std::string(name.str())] = *s;
    }
  }
  if (root.contains("shipping")) {
    const toml::table* t = root["shipping"].as_table();
    if (!t) return InvalidArgument("shipping must be a table");
    RoleConfig shipping{"shipping", "shipping", {}, {}};
    for (const auto& [key, value] : *t) {
      auto text = value.value<std::string>();
      if (!text) return InvalidArgument("shipping." + std::string(key.str()) + " must be a string");
      shipping.settings[std::string(key.str())] = *text;
    }
    c.shipping = std::move(shipping);
  }
  const toml::array* roles = root["role"].as_array();
  if (!roles || roles->empty())
    return InvalidArgument("the config names no roles; add at least one [[role]] with kind = \"…\"");
  std::set<std::string> names;
  for (size_t i = 0; i < roles->size(); ++i) {
    std::string where = "role[" + std::to_string(i) + "]";
    const toml::table* t = (*roles)[i].as_table();
    if (!t) return InvalidArgument(where + " must be a table");
    RoleConfig r;
    r.kind = (*t)["kind"].value_or(std::string());
    const auto& kinds = KnownRoles();
    if (std::find(kinds.begin(), kinds.end(), r.kind) == kinds.end()) {
      std::string list;
      for (const auto& k : kinds) list += (list.empty() ? "" : ", ") + k;
      return InvalidArgument(where + ".kind '" + r.kind + "' is not a role this riik can run (known: " + list + ")");
    }
    r.name = (*t)["name"].value_or(r.kind);
    if (!names.insert(r.name).second) return InvalidArgument(where + ": two roles are named '" + r.name + "'");
    ASSIGN_OR_RETURN(r.listen, ParseListen(*t, where));
    for (const auto& [key, value] : *t) {
      std::string k(key.str());
      if (k == "kind" || k == "name" || k == "listen" || k == "threads" || k == "tls") continue;
      if (const toml::table* sub = value.as_table()) {  // [role.backend] x = "…" becomes "backend.x"
        for (const auto& [sub_key, sub_value] : *sub) {
          auto text = sub_value.value<std::string>();
          std::string name = k + "." + std::string(sub_key.str());
          if (!text) return InvalidArgument(where + "." + name + " must be a string");
          r.settings[name] = *text;
        }
        continue;
      }
      auto text = value.value<std::string>();
      if (!text) return InvalidArgument(where + "." + k + " must be a string");
      r.settings[k] = *text;
    }
    c.roles.push_back(std::move(r));
  }
  return c;
}

Result<NodeConfig> LoadNodeConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot read config file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseNodeConfig(ss.str(), path);
}

std::string RoleConfig::Setting(const std::string& key, std::string fallback) const {
  auto it = settings.find(key);
  return it == settings.end() ? fallback : it->second;
}

Result<std::string> RoleConfig::Required(const std::string& key, std::string_view what) const {
  std::string value = Setting(key);
  if (value.empty()) return InvalidArgument("the " + kind + " role needs " + key + " (" + std::string(what) + ")");
  return value;
}

std::vector<std::string> RoleConfig::List(const std::string& key) const {
  std::string text = Setting(key);
  std::vector<std::string> items;
  for (size_t at = 0; at <= text.size();) {
    size_t comma = std::min(text.find(',', at), text.size());
    if (comma > at) items.push_back(text.substr(at, comma - at));
    at = comma + 1;
  }
  return items;
}

Result<RoleConfig::SessionTimeouts> RoleConfig::Sessions() const {
  ASSIGN_OR_RETURN(int64_t idle, Number("session_idle_s", 15 * 60, 60, 24 * 3600));
  ASSIGN_OR_RETURN(int64_t absolute, Number("session_absolute_s", 12 * 3600, 60, 7 * 24 * 3600));
  return SessionTimeouts{std::chrono::seconds(idle), std::chrono::seconds(absolute)};
}

Result<int64_t> RoleConfig::Number(const std::string& key, int64_t fallback, int64_t min, int64_t max) const {
  std::string text = Setting(key);
  if (text.empty()) return fallback;
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (*end != '\0' || v < min || v > max) {
    return InvalidArgument(name + "." + key + " must be a whole number from " + std::to_string(min) + " to " +
                           std::to_string(max) + ", not '" + text + "'");
  }
  return static_cast<int64_t>(v);
}

}  // namespace riik::node
