// The central authority's registry in its store.
#include "exchange/central_registry.h"

#include <map>
#include <nlohmann/json.hpp>

#include "store/row_fields.h"

namespace riik::exchange {
namespace {

using store::ColumnType;
using store::Row;

const std::vector<store::TableSchema>& Tables() {
  static const std::vector<store::TableSchema> tables = {
      {"members", {{"id", ColumnType::kText}, {"name", ColumnType::kText}}, {"id"}, {}},
      {"subsystems", {{"id", ColumnType::kText}, {"member", ColumnType::kText}}, {"id"}, {}},
      {"security_servers",
       {{"id", ColumnType::kText},
        {"owner", ColumnType::kText},
        {"code", ColumnType::kText},
        {"address", ColumnType::kText},
        {"auth_cert_sha256", ColumnType::kText}},
       {"id"},
       {}},
      {"server_clients", {{"server", ColumnType::kText}, {"client", ColumnType::kText}}, {"server", "client"}, {}},
      {"services", {{"id", ColumnType::kText}, {"description", ColumnType::kText}}, {"id"}, {}},
      // One row per sign-in client; the URI lists as JSON arrays.
      {"signin_clients",
       {{"id", ColumnType::kText},
        {"name", ColumnType::kText},
        {"redirect_uris", ColumnType::kText},
        {"auth_method", ColumnType::kText},
        {"secret_sha256", ColumnType::kText},
        {"jwks", ColumnType::kText},
        {"id_token_alg", ColumnType::kText},
        {"backchannel_logout_uri", ColumnType::kText},
        {"post_logout_redirect_uris", ColumnType::kText}},
       {"id"},
       {}},
  };
  return tables;
}

std::string Text(const Row& row, const char* column) { return store::TextOr(row, column); }

bool IsHexSha256(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<CentralRegistry>> CentralRegistry::Open(store::Store& store, std::string instance) {
  RETURN_IF_ERROR(CheckIdentifierPart("the X-Road instance", instance));
  RETURN_IF_ERROR(store.EnsureTables(Tables()));
  return std::unique_ptr<CentralRegistry>(new CentralRegistry(store, std::move(instance)));
}

Status CentralRegistry::CheckInstance(const MemberId& id) const {
  if (id.instance != instance_) {
    return InvalidArgument(id.ToString() + " is not in instance " + instance_);
  }
  return OkStatus();
}

Status CentralRegistry::AddMember(const MemberId& id, const std::string& name) {
  RETURN_IF_ERROR(CheckInstance(id));
  if (name.empty() || name.size() > 255) return InvalidArgument("a member needs a name of 1 to 255 bytes");
  return store_
      .Write([&](store::WriteTxn& txn) -> Status {
        ASSIGN_OR_RETURN(auto existing, txn.Get("members", {{"id", id.ToString()}}));
        if (existing) return AlreadyExists("member " + id.ToString() + " is already registered");
        return txn.Put("members", {{"id", id.ToString()}, {"name", name}});
      })
      .status();
}

Status CentralRegistry::AddSubsystem(const ClientId& id) {
  RETURN_IF_ERROR(CheckInstance(id.member));
  if (id.subsystem.empty()) return InvalidArgument("give a subsystem: INSTANCE/CLASS/CODE/SUBSYSTEM");
  return store_
      .Write([&](store::WriteTxn& txn) -> Status {
        ASSIGN_OR_RETURN(auto member, txn.Get("members", {{"id", id.member.ToString()}}));
        if (!member) return NotFound("no member " + id.member.ToString() + "; add it first");
        ASSIGN_OR_RETURN(auto existing, txn.Get("subsystems", {{"id", id.ToString()}}));
        if (existing) return AlreadyExists("subsystem " + id.ToString() + " is already registered");
        return txn.Put("subsystems", {{"id", id.ToString()}, {"member", id.member.ToString()}});
      })
      .status();
}

Status CentralRegistry::PutServer(const SecurityServer& server) {
  RETURN_IF_ERROR(CheckInstance(server.owner));
  RETURN_IF_ERROR(CheckIdentifierPart("the security server code", server.code));
  if (server.address.rfind("https://", 0) != 0) {
    return InvalidArgument("a security server's address is its https:// URL (mutual TLS between servers)");
  }
  if (!IsHexSha256(server.auth_cert_sha256)) {
    return InvalidArgument("the authentication certificate is named by its SHA-256: 64 lower-case hex digits");
  }
  return store_
      .Write([&](store::WriteTxn& txn) -> Status {
        ASSIGN_OR_RETURN(auto owner, txn.Get("members", {{"id", server.owner.ToString()}}));
        if (!owner) return NotFound("no member " + server.owner.ToString() + "; add it first");
        for (const auto& c : server.clients) {
          ASSIGN_OR_RETURN(auto sub, txn.Get("subsystems", {{"id", c.ToString()}}));
          if (!sub) return NotFound("no subsystem " + c.ToString() + "; add it first");
        }
        std::string id = server.Id();
        // One server per address and per certificate: peers are pinned by them.
        ASSIGN_OR_RETURN(auto taken, txn.Query("SELECT id, address FROM security_servers WHERE (address = ? OR "
                                               "auth_cert_sha256 = ?) AND id <> ?",
                                               {server.address, server.auth_cert_sha256, id}));
        if (!taken.empty()) {
          const std::string other = Text(taken[0], "id");
          return AlreadyExists(Text(taken[0], "address") == server.address
                                   ? "address " + server.address + " is security server " + other + "'s already"
                                   : "that authentication certificate is security server " + other + "'s already");
        }
        RETURN_IF_ERROR(txn.Put("security_servers", {{"id", id},
                                                     {"owner", server.owner.ToString()},
                                                     {"code", server.code},
                                                     {"address", server.address},
                                                     {"auth_cert_sha256", server.auth_cert_sha256}}));
        ASSIGN_OR_RETURN(auto old, txn.Query("SELECT client FROM server_clients WHERE server = ?", {id}));
        for (const auto& row : old)
          RETURN_IF_ERROR(txn.Delete("server_clients", {{"server", id}, {"client", Text(row, "client")}}));
        for (const auto& c : server.clients) {
          RETURN_IF_ERROR(txn.Put("server_clients", {{"server", id}, {"client", c.ToString()}}));
        }
        return OkStatus();
      })
      .status();
}

Status CentralRegistry::PutSignInClient(const SignInClient& client) {
  RETURN_IF_ERROR(CheckInstance(client.id.member));
  RETURN_IF_ERROR(client.Check());
  return store_
      .Write([&](store::WriteTxn& txn) -> Status {
        ASSIGN_OR_RETURN(auto sub, txn.Get("subsystems", {{"id", client.id.ToString()}}));
        if (!sub) return NotFound("no subsystem " + client.id.ToString() + "; add it first");
        return txn.Put("signin_clients",
                       {{"id", client.id.ToString()},
                        {"name", client.name},
                        {"redirect_uris", Json(client.redirect_uris).dump()},
                        {"auth_method", client.auth_method},
                        {"secret_sha256", client.secret_sha256},
                        {"jwks", client.jwks},
                        {"id_token_alg", client.id_token_alg},
                        {"backchannel_logout_uri", client.backchannel_logout_uri},
                        {"post_logout_redirect_uris", Json(client.post_logout_redirect_uris).dump()}});
      })
      .status();
}

Status CentralRegistry::AddService(const ServiceId& id, const std::string& description) {
  RETURN_IF_ERROR(CheckInstance(id.provider.member));
  RETURN_IF_ERROR(CheckIdentifierPart("the service code", id.code));
  return store_
      .Write([&](store::WriteTxn& txn) -> Status {
        ASSIGN_OR_RETURN(auto sub, txn.Get("subsystems", {{"id", id.provider.ToString()}}));
        if (!sub) return NotFound("no subsystem " + id.provider.ToString() + "; add it first");
        return txn.Put("services", {{"id", id.ToString()}, {"description", description}});
      })
      .status();
}

Status CentralRegistry::RemoveService(const ServiceId& id) {
  return store_
      .Write([&](store::WriteTxn& txn) -> Status {
        ASSIGN_OR_RETURN(auto existing, txn.Get("services", {{"id", id.ToString()}}));
        if (!existing) return NotFound("no service " + id.ToString());
        return txn.Delete("services", {{"id", id.ToString()}});
      })
      .status();
}

Result<GlobalConf> CentralRegistry::Build(UnixMicros now, int64_t validity_s, const std::string& ocsp_url,
                                          const std::string& tsa_url) {
  GlobalConf conf;
  conf.instance = instance_;
  conf.version = store_.Head().seq;
  conf.generated_at = now;
  conf.expires_at = now + validity_s * 1'000'000;
  conf.ocsp_url = ocsp_url;
  conf.tsa_url = tsa_url;
  std::map<std::string, Member> members;
  ASSIGN_OR_RETURN(auto member_rows, store_.Query("SELECT id, name FROM members ORDER BY id"));
  for (const auto& row : member_rows) {
    ASSIGN_OR_RETURN(MemberId id, ParseMemberId(Text(row, "id")));
    members[Text(row, "id")] = Member{id, Text(row, "name"), {}};
  }
  ASSIGN_OR_RETURN(auto sub_rows, store_.Query("SELECT id, member FROM subsystems ORDER BY id"));
  for (const auto& row : sub_rows) {
    ASSIGN_OR_RETURN(ClientId id, ParseClientId(Text(row, "id")));
    members[Text(row, "member")].subsystems.push_back(id.subsystem);
  }
  for (auto& [_, m] : members) conf.members.push_back(std::move(m));
  ASSIGN_OR_RETURN(auto server_rows, store_.Query("SELECT * FROM security_servers ORDER BY id"));
  for (const auto& row : server_rows) {
    SecurityServer s;
    ASSIGN_OR_RETURN(s.owner, ParseMemberId(Text(row, "owner")));
    s.code = Text(row, "code");
    s.address = Text(row, "address");
    s.auth_cert_sha256 = Text(row, "auth_cert_sha256");
    ASSIGN_OR_RETURN(auto clients,
                     store_.Query("SELECT client FROM server_clients WHERE server = ? ORDER BY client", {s.Id()}));
    for (const auto& c : clients) {
      ASSIGN_OR_RETURN(ClientId id, ParseClientId(Text(c, "client")));
      s.clients.push_back(std::move(id));
    }
    conf.servers.push_back(std::move(s));
  }
  ASSIGN_OR_RETURN(auto service_rows, store_.Query("SELECT id, description FROM services ORDER BY id"));
  for (const auto& row : service_rows) {
    ASSIGN_OR_RETURN(auto path, ParseServicePath("/r1/" + Text(row, "id")));
    conf.services.push_back(Service{path.service, Text(row, "description")});
  }
  ASSIGN_OR_RETURN(auto client_rows, store_.Query("SELECT * FROM signin_clients ORDER BY id"));
  for (const auto& row : client_rows) {
    SignInClient c;
    ASSIGN_OR_RETURN(c.id, ParseClientId(Text(row, "id")));
    c.name = Text(row, "name");
    c.auth_method = Text(row, "auth_method");
    c.secret_sha256 = Text(row, "secret_sha256");
    c.jwks = Text(row, "jwks");
    c.id_token_alg = Text(row, "id_token_alg");
    c.backchannel_logout_uri = Text(row, "backchannel_logout_uri");
    for (auto [column, list] : {std::pair{"redirect_uris", &c.redirect_uris},
                                std::pair{"post_logout_redirect_uris", &c.post_logout_redirect_uris}}) {
      ASSIGN_OR_RETURN(Json uris, ParseJson(Text(row, column)));
      for (const auto& u : uris) {
        if (u.is_string()) list->push_back(u.get<std::string>());
      }
    }
    conf.signin_clients.push_back(std::move(c));
  }
  return conf;
}

}  // namespace riik::exchange
