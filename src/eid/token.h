// A citizen's eID token: two key pairs like the ID card, the authentication key behind
// PIN1 and the signing key behind PIN2, with a PUK to unblock a PIN after three wrong
// tries. Two kinds stand behind this one interface (docs/eid.md):
//   - a software token, a directory of PKCS#12 files (software_token.h);
//   - a PKCS#11 token, e.g. SoftHSM2 or a smart card through OpenSC (pkcs11_token.h).
// Keys are ECDSA P-384 and never leave the token; a PIN-unlocked key is handed out as
// an EVP_PKEY that signs on the token.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "crypto/handles.h"
#include "trust/ca.h"

namespace riik::eid {

using trust::EidKey;

// "PIN1" for the authentication key, "PIN2" for the signing key.
std::string_view PinName(EidKey key);

// PIN1 is 4–12 digits, PIN2 5–12, the PUK 8–12; InvalidArgument says which rule failed.
Status CheckPin(EidKey key, std::string_view pin);
Status CheckPuk(std::string_view puk);

// How many wrong entries a PIN has left before it blocks; -1 if the token does not say.
struct PinState {
  int tries_left = -1;
  bool blocked = false;
};

inline constexpr int kPinTries = 3;

class Token {
 public:
  virtual ~Token() = default;

  // Where the token is, for messages: a directory or a pkcs11: URI.
  virtual std::string Describe() const = 0;

  // Enrollment: makes a fresh P-384 key pair for `key` on the token, protected by `pin`
  // (and the PUK), replacing an old one. Returns the public key for the CA.
  virtual Result<UniquePtr<EVP_PKEY>> GenerateKey(EidKey key, std::string_view pin, std::string_view puk) = 0;
  // Stores the certificate the CA issued for `key`'s public key.
  virtual Status StoreCertificate(EidKey key, std::string_view pin, X509* cert) = 0;

  // The certificate of `key` (no PIN needed); NotFound before enrollment.
  virtual Result<UniquePtr<X509>> Certificate(EidKey key) = 0;
  virtual Result<PinState> State(EidKey key) = 0;

  // The private key, unlocked with its PIN. A wrong PIN fails with PermissionDenied
  // (saying how many tries are left) and counts towards the block; a blocked PIN fails
  // with FailedPrecondition until Unblock.
  virtual Result<UniquePtr<EVP_PKEY>> PrivateKey(EidKey key, std::string_view pin) = 0;

  // Sets a new PIN for `key` with the PUK and clears the block.
  virtual Status Unblock(EidKey key, std::string_view puk, std::string_view new_pin) = 0;
};

// Opens a token from its description: a directory (software token, created on first
// enrollment) or a PKCS#11 URI (RFC 7512), e.g.
//   pkcs11:token=EE38001085718?module-path=/usr/lib/softhsm/libsofthsm2.so
Result<std::unique_ptr<Token>> OpenToken(std::string_view where);

// Signs `data` with the signing key (PIN2): a detached CMS signature (DER) with the
// signer's certificate and ESS signingCertificateV2 (CAdES-BES), which
// `openssl cms -verify -binary -content DATA -CAfile eid-chain.pem` checks.
Result<std::string> SignDetached(Token& token, std::string_view pin2, std::string_view data);

}  // namespace riik::eid
