// Offline verification of a message log's evidence document (docs/formats/evidence.md)
// with nothing but the document and the state's root certificate: every record's leaf
// hash and inclusion proof, the signed tree heads and their signers' certificate chains,
// consistency to a later head where the timestamp is on one, and the RFC 3161 token.
// Any changed byte fails, with a message naming the entry and what did not hold.
#pragma once

#include <openssl/x509.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "exchange/tree_head.h"

namespace riik::exchange {

inline constexpr const char* kEvidenceFormat = "riik-message-evidence-v1";
inline constexpr size_t kMaxEvidenceEntries = 1000;
inline constexpr size_t kMaxEvidenceBytes = 8 << 20;
inline constexpr size_t kMaxProofHashes = 64;

// What a verified document proves, for a report.
struct VerifiedEvidence {
  std::string xroad_id;
  std::string log_id;
  struct Entry {
    int64_t leaf_index = 0;
    std::string direction;
    UnixMicros record_time = 0;
    UnixMicros timestamp_time = 0;  // the TSA's genTime
    std::string signer_subject;
  };
  std::vector<Entry> entries;
};

// One evidence entry ({certificates, head, inclusion_proof, leaf_index, record,
// timestamp}) checked on its own terms, whatever its record is: the record's canonical
// JSON is the leaf, included under the signed head, whose signer chains to the root and
// which a timestamp covers. `log_id`: empty to accept the entry's log (it is set), or
// the log it must belong to. Callers check the record's own content.
struct VerifiedEntry {
  int64_t leaf_index = 0;
  UnixMicros timestamp_time = 0;
  std::string signer_subject;
  SignedTreeHead head;  // the head the record is included under
};
Result<VerifiedEntry> CheckEvidenceEntry(const Json& entry, const std::string& what, X509* trust_root,
                                         std::string& log_id);
// A signed head with its signer's chain ({certificates, head}), the signature checked
// and the chain verified to the root at the head's own time.
Result<SignedTreeHead> CheckSignedHead(const Json& json, const std::string& what, X509* trust_root);

// Checks the document (its exact bytes: canonical JSON, optionally followed by one
// newline) against `trust_root`. Untrusted input: malformed, oversized or tampered
// documents get an error naming what failed, never a crash.
Result<VerifiedEvidence> CheckEvidence(std::string_view evidence_json, X509* trust_root);
Status VerifyEvidence(std::string_view evidence_json, X509* trust_root);

}  // namespace riik::exchange
