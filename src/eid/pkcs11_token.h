// An eID on a PKCS#11 token: SoftHSM2 in tests, a smart card through OpenSC in the
// field. Like the ID card under OpenSC, one eID is two tokens: "<name> (PIN1)" holding
// the authentication key and "<name> (PIN2)" holding the signing key, each with its
// own user PIN and the PUK as the security officer's PIN. Keys are generated on the
// token and never leave it (CKA_SENSITIVE, not extractable); signatures are made by
// the token (CKM_ECDSA). The token itself enforces its PIN tries (a card blocks after
// three; SoftHSM2 does not count).
//
// Named by an RFC 7512 URI:
//   pkcs11:token=NAME[?module-path=/path/to/module.so]
// The module defaults to $RIIK_PKCS11_MODULE, else Debian's SoftHSM2.
#pragma once

#include <memory>
#include <string>

#include "eid/token.h"

namespace riik::eid {

class Pkcs11Module;

// The parts of a pkcs11: URI riik uses; other attributes are ignored. Values are
// percent-decoded; the module defaults as above. InvalidArgument says what is wrong.
struct Pkcs11Uri {
  std::string token;
  std::string module_path;
};
Result<Pkcs11Uri> ParsePkcs11Uri(std::string_view uri);

class Pkcs11Token final : public Token {
 public:
  // Loads the module and remembers the token name; the tokens need not exist yet
  // (enrollment initialises free ones).
  static Result<std::unique_ptr<Pkcs11Token>> Open(std::string_view uri);
  ~Pkcs11Token() override;

  std::string Describe() const override { return uri_; }
  Result<UniquePtr<EVP_PKEY>> GenerateKey(EidKey key, std::string_view pin, std::string_view puk) override;
  Status StoreCertificate(EidKey key, std::string_view pin, X509* cert) override;
  Result<UniquePtr<X509>> Certificate(EidKey key) override;
  Result<PinState> State(EidKey key) override;
  Result<UniquePtr<EVP_PKEY>> PrivateKey(EidKey key, std::string_view pin) override;
  Status Unblock(EidKey key, std::string_view puk, std::string_view new_pin) override;

  // The label of the token that holds `key`: "<name> (PIN1)" or "<name> (PIN2)".
  std::string Label(EidKey key) const;

 private:
  Pkcs11Token(std::string uri, std::string name, std::shared_ptr<Pkcs11Module> module);
  std::string uri_;
  std::string name_;
  std::shared_ptr<Pkcs11Module> module_;
};

}  // namespace riik::eid
