// Offline verification of a message log's evidence document (docs/formats/evidence.md)
// with nothing but the document and the state's root certificate: each entry as the
// signed log checks it (transparency/entry_check.h: the leaf's inclusion proof, the
// signed tree heads and their signers' chains, the RFC 3161 token), and each record as a
// message with the document's X-Road-Id. Any changed byte fails, with a message naming
// the entry and what did not hold.
#pragma once

#include <openssl/x509.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "transparency/entry_check.h"

namespace riik::exchange {

inline constexpr const char* kEvidenceFormat = "riik-message-evidence-v1";
inline constexpr size_t kMaxEvidenceEntries = transparency::kMaxEntries;
inline constexpr size_t kMaxEvidenceBytes = 8 << 20;

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

// Checks the document (its exact bytes: canonical JSON, optionally followed by one
// newline) against `trust_root`. Untrusted input: malformed, oversized or tampered
// documents get an error naming what failed, never a crash.
Result<VerifiedEvidence> CheckEvidence(std::string_view evidence_json, X509* trust_root);
Status VerifyEvidence(std::string_view evidence_json, X509* trust_root);

}  // namespace riik::exchange
