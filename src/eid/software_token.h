// The software eID token: a directory holding, per key ("auth" behind PIN1, "sign"
// behind PIN2),
//   <key>.p12      the key and certificate in PKCS#12 (AES-256, PBKDF2) under the PIN,
//                  readable by `openssl pkcs12 -in auth.p12` with the PIN
//   <key>.puk.key  the same key as PKCS#8 under the PUK, so the PUK can set a new PIN
// and token.json with the tries left per PIN and for the PUK. A try is counted before
// the PIN is checked (a crash never gives a free guess) and restored on success; after
// three wrong tries the key stays blocked until Unblock. The counter guards the key
// against guessing through riik; against someone who copies the files only the PIN's
// (and the PUK's) strength stands, which is why real eIDs are smart cards (PKCS#11).
#pragma once

#include <memory>
#include <string>

#include "eid/token.h"

namespace riik::eid {

class SoftwareToken final : public Token {
 public:
  // Opens (creating on first use) the token directory `dir` (mode 0700).
  static Result<std::unique_ptr<SoftwareToken>> Open(const std::string& dir);

  std::string Describe() const override { return dir_; }
  Result<UniquePtr<EVP_PKEY>> GenerateKey(EidKey key, std::string_view pin, std::string_view puk) override;
  Status StoreCertificate(EidKey key, std::string_view pin, X509* cert) override;
  Result<UniquePtr<X509>> Certificate(EidKey key) override;
  Result<PinState> State(EidKey key) override;
  Result<UniquePtr<EVP_PKEY>> PrivateKey(EidKey key, std::string_view pin) override;
  Status Unblock(EidKey key, std::string_view puk, std::string_view new_pin) override;

 private:
  explicit SoftwareToken(std::string dir) : dir_(std::move(dir)) {}
  struct Unlocked;
  Result<Unlocked> Unlock(EidKey key, std::string_view pin);
  std::string Path(EidKey key, const char* suffix) const;

  std::string dir_;
};

}  // namespace riik::eid
