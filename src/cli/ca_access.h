// The state CA as the command line reaches it: opened directly when no process owns
// the trust store, otherwise through the running trust role's admin API (with the
// admin token from DIR/trust, at the URL `riik up` wrote to DIR/endpoints.json).
// Used by `riik ca` and `riik id`.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/admin_client.h"
#include "core/json.h"
#include "core/status.h"
#include "store/store.h"
#include "trust/ca.h"

namespace CLI {
class App;
}

namespace riik::cli {

struct CaSelect {
  std::string dir = "riik-data";
  std::string passphrase_file;
  std::string ocsp_url;
  std::string ca_issuers_url;
  std::string state_name;
  std::string trust_url;  // the running trust role; empty: as DIR/endpoints.json names it
};

// --dir and --passphrase-file.
void AddCaOptions(CLI::App* cmd, CaSelect& s);

// The CA key passphrase: from --passphrase-file, else $RIIK_CA_PASSPHRASE.
Result<std::string> Passphrase(const CaSelect& s);

class CaAccess {
 public:
  // `create`: make the hierarchy if there is none (`riik ca init`); otherwise a missing
  // CA is NotFound with the command that makes one.
  static Result<CaAccess> Connect(const CaSelect& s, bool create = false);

  // The CA itself, when opened directly (null when reached through the trust role).
  trust::CertificateAuthority* local() const { return ca_.get(); }

  Result<trust::CertificateRecord> Issue(const trust::IssueRequest& request);
  Result<trust::CertificateRecord> IssueEid(const trust::EidRequest& request);
  Result<trust::CertificateRecord> Revoke(const std::string& serial, const std::string& reason);
  // Revokes every good eID certificate of a person; returns those revoked.
  Result<std::vector<trust::CertificateRecord>> RevokePerson(const std::string& code, const std::string& reason);

 private:
  AdminClient admin_;  // the running trust role, when it owns the store
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<trust::CertificateAuthority> ca_;
};

}  // namespace riik::cli
