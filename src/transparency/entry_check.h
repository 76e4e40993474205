// Offline checks of what a signed log hands out, with nothing but the bytes and the
// state's root certificate: an entry (one leaf with its inclusion proof under a signed
// tree head, the signer's certificate chain, and the RFC 3161 token of that head or of a
// later one with a consistency proof), and a signed head on its own. The users' document
// formats (the exchange's evidence, the tracker's listings) are made of these
// (docs/formats/signed_log.md, "Entry"). Untrusted input: an error names the field and
// what did not hold, never a crash.
#pragma once

#include <openssl/x509.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "crypto/handles.h"
#include "transparency/tree_head.h"

namespace riik {
class JsonFields;  // crypto/json_fields.h
}

namespace riik::transparency {

inline constexpr size_t kMaxEntries = 1000;  // entries under one key that one export carries
inline constexpr size_t kMaxProofHashes = 64;

// What a checked entry proves.
struct VerifiedEntry {
  int64_t leaf_index = 0;
  UnixMicros timestamp_time = 0;  // the TSA's genTime
  std::string signer_subject;
  SignedTreeHead head;  // the head the leaf is included under
};

// Checks the entries of one document. A document's entries mostly share their signer's
// chain and often one timestamp token (the log stamps its newest head at most once a
// second), so the checker remembers what it has parsed and verified: a chain's PEM is
// parsed, and a token with the same imprint and certificates, or a chain at the same
// time, verified once per document, not once per entry. Only successes are remembered,
// under the SHA-256 of the check's inputs, and a remembered check is the same call with
// the same bytes, so the verdicts are those of checking each entry alone. At most
// kMaxRemembered of each are kept, so memory stays bounded however many different
// chains and tokens a document holds.
class EntryChecker {
 public:
  explicit EntryChecker(X509* trust_root) : trust_root_(trust_root) {}
  EntryChecker(const EntryChecker&) = delete;
  EntryChecker& operator=(const EntryChecker&) = delete;

  // One entry ({certificates, head, inclusion_proof, leaf_index, record, timestamp}) on
  // its own terms, whatever its leaf says: the canonical JSON of `record` is the leaf,
  // included under the signed head, whose signer chains to the root and which a timestamp
  // covers. `log_id`: empty to accept the entry's log (it is then set), or the log it must
  // belong to. Callers check the leaf's content.
  Result<VerifiedEntry> Check(const Json& entry, const std::string& what, std::string& log_id);

 private:
  struct SignedHead;  // a signed head with its signer's chain, as read (entry_check.cc)
  friend Result<SignedTreeHead> CheckSignedHead(const Json& json, const std::string& what, X509* trust_root);

  Result<SignedHead> ReadSignedHead(const JsonFields& f, const std::string& what);
  Result<UnixMicros> CheckTimestamp(const Json& json, const std::string& what, const SignedHead& head);
  Status VerifySignerChain(const std::vector<UniquePtr<X509>>& chain, UnixMicros at, std::string_view what);
  Result<std::vector<UniquePtr<X509>>> ParseChain(const std::vector<std::string>& pems);

  static constexpr size_t kMaxRemembered = 64;

  X509* trust_root_;
  std::map<std::string, std::vector<UniquePtr<X509>>> parsed_;  // SHA-256 of PEM chains -> certificates
  std::map<std::string, UnixMicros> tokens_;                    // of token, imprint and certificates -> genTime
  std::set<std::string> chains_;                                // of chain and time
};

// One entry on its own (EntryChecker::Check).
Result<VerifiedEntry> CheckEntry(const Json& entry, const std::string& what, X509* trust_root, std::string& log_id);

// A signed head with its signer's chain ({certificates, head}), the signature checked
// and the chain verified to the root at the head's own time.
Result<SignedTreeHead> CheckSignedHead(const Json& json, const std::string& what, X509* trust_root);

}  // namespace riik::transparency
