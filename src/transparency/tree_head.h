// Signed tree heads: a signed log's statement "my tree of tree_size leaves has this root,
// at this time", signed with its owner's signing key (ECDSA P-256 with SHA-256, one
// signature per batch of leaves). The bytes signed and the bytes timestamped are
// canonical JSON (docs/formats/signed_log.md, "Signed tree head").
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "crypto/handles.h"
#include "ledger/merkle.h"

namespace riik {
class PreparedSigner;
}

namespace riik::transparency {

struct SignedTreeHead {
  std::string log_id;
  int64_t tree_size = 0;
  ledger::Hash root{};
  UnixMicros time_us = 0;
  std::string signature;  // DER ECDSA-Sig-Value over ToBeSigned(); empty before signing
  bool operator==(const SignedTreeHead&) const = default;
};

inline constexpr size_t kMaxLogIdBytes = 256;
inline constexpr size_t kMaxSignatureBytes = 160;

// Log ids: 1–256 bytes of UTF-8 without control characters.
Status ValidateLogId(std::string_view log_id);

// Canonical JSON of {log_id, root (hex), time_us, tree_size, version}: what is signed.
Result<std::string> ToBeSigned(const SignedTreeHead& head);
// The head's JSON object, signature (base64) included; its canonical form is what the
// TSA timestamps (see TimestampImprint).
Json TreeHeadToJson(const SignedTreeHead& head);
// SHA-256 of the canonical JSON of TreeHeadToJson(head): the timestamp's message imprint.
Result<Digest> TimestampImprint(const SignedTreeHead& head);
// Reads TreeHeadToJson's form strictly; `what` names it in error messages.
Result<SignedTreeHead> TreeHeadFromJson(const Json& json, const std::string& what);

// Signs the head with `key` (ECDSA P-256); returns the DER signature.
Result<std::string> SignTreeHead(const SignedTreeHead& head, EVP_PKEY* key);
// The same with a signer prepared for its key (a signed log's, which signs every batch).
Result<std::string> SignTreeHead(const SignedTreeHead& head, const PreparedSigner& signer);
// Checks head.signature with the public key of `signer`. DataLoss if it does not verify.
Status VerifyTreeHeadSignature(const SignedTreeHead& head, X509* signer);

// Whether `key` is an ECDSA key on P-256 (the only kind the log signs with).
bool IsP256Key(EVP_PKEY* key);

}  // namespace riik::transparency
