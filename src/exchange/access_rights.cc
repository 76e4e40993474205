// Access rights: the grants table and the in-memory copy that checks calls.
#include "exchange/access_rights.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <tuple>
#include <nlohmann/json.hpp>

#include "net/http.h"

namespace riik::exchange {
namespace {

const store::TableSchema kGrantsTable = {
    "access_rights",
    {{"service", store::ColumnType::kText},
     {"client", store::ColumnType::kText},
     {"method", store::ColumnType::kText},
     {"path", store::ColumnType::kText},
     {"granted_at", store::ColumnType::kInt}},
    {"service", "client", "method", "path"},
    {}};

constexpr size_t kMaxPathPrefixBytes = 1024;

store::Row KeyOf(const AccessGrant& g) {
  return {{"service", g.service.ToString()}, {"client", g.client.ToString()}, {"method", g.method},
          {"path", g.path_prefix}};
}

auto OrderKey(const AccessGrant& g) { return std::tie(g.service, g.client, g.method, g.path_prefix); }

std::string Text(const Json& json, const char* key) {
  return json.contains(key) && json[key].is_string() ? json[key].get<std::string>() : "";
}

Result<AccessGrant> GrantFromRow(const store::Row& row) {
  auto text = [&](const char* k) -> std::string {
    auto it = row.find(k);
    auto* s = it == row.end() ? nullptr : std::get_if<std::string>(&it->second);
    return s ? *s : "";
  };
  AccessGrant g;
  ASSIGN_OR_RETURN(g.service, ParseServiceId(text("service")));
  ASSIGN_OR_RETURN(g.client, ParseClientId(text("client")));
  g.method = text("method");
  g.path_prefix = text("path");
  if (auto it = row.find("granted_at"); it != row.end()) {
    if (auto* t = std::get_if<int64_t>(&it->second)) g.granted_at = *t;
  }
  return g;
}

}  // namespace

Json AccessGrant::ToJson() const {
  return {{"service", service.ToString()}, {"client", client.ToString()}, {"method", method},
          {"path", path_prefix},           {"granted_at", granted_at}};
}

Result<AccessGrant> AccessGrant::FromJson(const Json& json) {
  if (!json.is_object()) return InvalidArgument("a grant is a JSON object with service and client");
  AccessGrant g;
  auto service = ParseServiceId(Text(json, "service"));
  if (!service.ok()) return service.status().WithContext("service");
  g.service = *service;
  auto client = ParseClientId(Text(json, "client"));
  if (!client.ok()) return client.status().WithContext("client");
  g.client = *client;
  g.method = Text(json, "method");
  for (char& c : g.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  g.path_prefix = Text(json, "path");
  RETURN_IF_ERROR(CheckGrant(g));
  return g;
}

Status CheckGrant(const AccessGrant& grant) {
  if (grant.method.size() > 32) return InvalidArgument("method: at most 32 characters");
  for (char c : grant.method) {
    if (!std::isupper(static_cast<unsigned char>(c))) return InvalidArgument("method: an HTTP method such as GET or POST");
  }
  const std::string& p = grant.path_prefix;
  if (p.empty()) return OkStatus();
  if (p.size() > kMaxPathPrefixBytes || p.front() != '/' || p.find_first_of("?#") != std::string::npos) {
    return InvalidArgument("path: empty, or /… without a query, at most 1024 bytes");
  }
  for (size_t i = 0; i < p.size();) {
    size_t j = std::min(p.find('/', i + 1), p.size());
    std::string_view segment(p.data() + i + 1, j - i - 1);
    if (segment == "." || segment == "..") return InvalidArgument("path: no '.' or '..' segments");
    i = j;
  }
  for (unsigned char c : p) {
    if (c < 0x21 || c == 0x7f) return InvalidArgument("path: no spaces or control characters");
  }
  return OkStatus();
}

Status CheckRequestPath(std::string_view path) {
  if (!path.empty() && path.front() != '/') return InvalidArgument("the path below the service must start with /");
  for (size_t i = 0; i < path.size();) {
    size_t j = std::min(path.find('/', i + 1), path.size());
    std::string segment = net::PercentDecode(path.substr(i + 1, j - i - 1));
    if (segment == "." || segment == "..") return InvalidArgument("the path may not hold '.' or '..' segments");
    if (segment.find_first_of("/\\") != std::string::npos || segment.find('\0') != std::string::npos) {
      return InvalidArgument("the path may not hold encoded '/', '\\' or NUL characters");
    }
    i = j;
  }
  return OkStatus();
}

bool PathWithin(std::string_view path, std::string_view prefix) {
  if (prefix.empty() || prefix == "/") return true;
  if (prefix.back() == '/') prefix.remove_suffix(1);
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

Result<std::unique_ptr<AccessRights>> AccessRights::Open(store::Store& store, bool create) {
  std::unique_ptr<AccessRights> rights(new AccessRights(store));
  if (!store.Schema(kGrantsTable.name).ok()) {
    if (!create) return rights;
    RETURN_IF_ERROR(store.EnsureTables({kGrantsTable}));
  }
  RETURN_IF_ERROR(rights->Load());
  return rights;
}

Status AccessRights::Load() {
  ASSIGN_OR_RETURN(auto rows, store_.Query("SELECT * FROM access_rights"));
  std::vector<AccessGrant> grants;
  for (const auto& row : rows) {
    auto g = GrantFromRow(row);
    if (!g.ok()) return DataLoss("a stored access right is malformed: " + g.status().message());
    grants.push_back(std::move(*g));
  }
  std::sort(grants.begin(), grants.end(), [](const auto& a, const auto& b) { return OrderKey(a) < OrderKey(b); });
  std::unique_lock lock(mu_);
  grants_ = std::move(grants);
  return OkStatus();
}

Status AccessRights::Write(const AccessGrant& grant, bool remove) {
  // Without this a concurrent grant's reload could finish after a revoke's and bring the
  // revoked grant back into force.
  std::lock_guard writer(write_mu_);
  auto head = store_.Write([&](store::WriteTxn& txn) -> Status {
    ASSIGN_OR_RETURN(auto existing, txn.Get(kGrantsTable.name, KeyOf(grant)));
    if (remove) {
      if (!existing) return NotFound("no such grant: " + grant.ToJson().dump());
      return txn.Delete(kGrantsTable.name, KeyOf(grant));
    }
    if (existing) return AlreadyExists("the grant exists already: " + grant.ToJson().dump());
    store::Row row = KeyOf(grant);
    row["granted_at"] = grant.granted_at;
    return txn.Put(kGrantsTable.name, row);
  });
  RETURN_IF_ERROR(head);
  return Load();
}

Status AccessRights::Grant(AccessGrant grant) {
  RETURN_IF_ERROR(CheckGrant(grant));
  if (grant.granted_at == 0) grant.granted_at = NowMicros();
  return Write(grant, false);
}

Status AccessRights::Revoke(const AccessGrant& grant) { return Write(grant, true); }

std::vector<AccessGrant> AccessRights::List(const ServiceId* service) const {
  std::shared_lock lock(mu_);
  std::vector<AccessGrant> out;
  for (const auto& g : grants_) {
    if (!service || g.service == *service) out.push_back(g);
  }
  return out;
}

bool AccessRights::Allows(const ServiceId& service, const ClientId& client, std::string_view method,
                          std::string_view path) const {
  std::shared_lock lock(mu_);
  return std::any_of(grants_.begin(), grants_.end(), [&](const AccessGrant& g) {
    return g.service == service && g.client == client && (g.method.empty() || g.method == method) &&
           PathWithin(path, g.path_prefix);
  });
}

}  // namespace riik::exchange
