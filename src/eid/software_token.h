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

// PBKDF2-HMAC-SHA256 iterations for the files a token writes under a PIN or the PUK:
// each PIN entry costs a few tens of ms, and so does each offline guess.
inline constexpr int kPinKdfIterations = 100'000;
// For tokens whose PINs are published, so that no guess needs slowing down: `riik up`'s
// demo citizens (the PINs printed on Estonia's public test ID cards) and the tests'.
// OpenSSL's own default count, and the least a token accepts. Each file records its
// count, so every reader opens either kind.
inline constexpr int kPublishedPinKdfIterations = 2'048;

class SoftwareToken final : public Token {
 public:
  // Opens (creating on first use) the token directory `dir` (mode 0700); the files it
  // writes from now on are sealed at `kdf_iterations`.
  static Result<std::unique_ptr<SoftwareToken>> Open(const std::string& dir, int kdf_iterations = kPinKdfIterations);

  std::string Describe() const override { return dir_; }
  Result<UniquePtr<EVP_PKEY>> GenerateKey(EidKey key, std::string_view pin, std::string_view puk) override;
  Status StoreCertificate(EidKey key, std::string_view pin, X509* cert) override;
  Result<UniquePtr<X509>> Certificate(EidKey key) override;
  Result<PinState> State(EidKey key) override;
  Result<UniquePtr<EVP_PKEY>> PrivateKey(EidKey key, std::string_view pin) override;
  Status Unblock(EidKey key, std::string_view puk, std::string_view new_pin) override;

 private:
  SoftwareToken(std::string dir, int kdf_iterations) : dir_(std::move(dir)), kdf_iterations_(kdf_iterations) {}
  struct Unlocked;
  Result<Unlocked> Unlock(EidKey key, std::string_view pin);
  std::string Path(EidKey key, const char* suffix) const;

  std::string dir_;
  int kdf_iterations_;
};

}  // namespace riik::eid
