// Access rights on the provider's security server: which client subsystems may call
// which of its services, optionally only with one HTTP method and below one path
// prefix. Deny by default: a call is allowed only if a grant covers it. Grants live in
// the table "access_rights" of the security server's store (every change journaled); a
// copy in memory answers Allows() without touching the store.
//
// Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "exchange/identifiers.h"
#include "store/store.h"

namespace riik::exchange {

struct AccessGrant {
  ServiceId service;
  ClientId client;
  std::string method;       // "GET", "POST", …; empty: any method
  std::string path_prefix;  // "/persons": that path and everything below it; empty: any path
  UnixMicros granted_at = 0;

  Json ToJson() const;
  // Reads {"service", "client", "method"?, "path"?} (an admin call's body) and checks it
  // with CheckGrant. InvalidArgument names the field.
  static Result<AccessGrant> FromJson(const Json& json);
};

// Checks the method (an HTTP token, upper-cased by FromJson/the CLI) and the path prefix
// ("" or "/…", at most 1024 bytes, no query, no "." or ".." segments).
Status CheckGrant(const AccessGrant& grant);

// Checks a request's path below the service before grants are matched against it: no
// "." or ".." segments and no encoded '/', '\' or NUL, so that a path the grant's
// prefix covers cannot name another resource once the backend decodes it.
Status CheckRequestPath(std::string_view path);

// Whether `path` (a request path below the service, "" or "/…") lies within `prefix`:
// equal to it, or below it at a segment boundary ("/a" covers "/a/b", not "/ab").
bool PathWithin(std::string_view path, std::string_view prefix);

class AccessRights {
 public:
  // Loads the grants from `store` (which must outlive this), creating the table if the
  // store is writable and has none.
  // `create` false (a read-only store): a store without the table has no grants.
  static Result<std::unique_ptr<AccessRights>> Open(store::Store& store, bool create = true);

  // AlreadyExists if the same grant is there; FailedPrecondition on a read-only store.
  Status Grant(AccessGrant grant);
  // NotFound if no grant has exactly this service, client, method and path.
  Status Revoke(const AccessGrant& grant);
  // Every grant, or those of `service` if given, ordered by service, client, method, path.
  std::vector<AccessGrant> List(const ServiceId* service = nullptr) const;

  // Whether `client` may call `method` on `path` of `service`.
  bool Allows(const ServiceId& service, const ClientId& client, std::string_view method, std::string_view path) const;

 private:
  explicit AccessRights(store::Store& store) : store_(store) {}
  Status Load();
  Status Write(const AccessGrant& grant, bool remove);

  store::Store& store_;
  mutable std::shared_mutex mu_;
  std::mutex write_mu_;  // one change at a time: its store write and the reload after it
  std::vector<AccessGrant> grants_;
};

}  // namespace riik::exchange
