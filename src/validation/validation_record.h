// What the signature validation service records for every container it validates, as a
// leaf of its signed log under the container's SHA-256: the verdict, each signature's
// signer, time and files (by name and SHA-256), who asked and why, and the hash of the
// exact report it answered. A citizen holding the container can later prove that the
// state validated it, and what it said (docs/formats/validation.md).
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "sign/verify.h"

namespace riik::validation {

inline constexpr std::string_view kRecordFormat = "riik-validation-v1";

struct SignedFile {
  std::string name;
  std::string sha256;  // hex
};

struct SignatureSummary {
  std::string id;               // S0
  std::string verdict;          // VALID, WARNING, INDETERMINATE, INVALID
  std::string signer_id;        // PNOEE-38001085718
  UnixMicros timestamp_us = 0;  // 0 when none was trusted
  std::vector<SignedFile> files;
};

struct ValidationRecord {
  std::string container_sha256;  // hex; the key the record is stored under
  std::string verdict;
  std::vector<SignatureSummary> signatures;
  std::string report_sha256;  // hex, of the report's bytes as answered
  std::string client;         // X-Road-Client of the caller
  std::string user_id;        // X-Road-UserId: on whose behalf (may be empty)
  std::string issue;          // X-Road-Issue (may be empty)
  std::string xroad_id;       // X-Road-Id of the call
  UnixMicros time_us = 0;
};

// The record of `report` (its files' digests give each signature's files).
ValidationRecord RecordOf(const sign::VerificationReport& report, std::string_view report_sha256);

Json RecordToJson(const ValidationRecord& record);
// Strict: exactly the fields, bounded, hex digests in lower case, known verdicts.
// InvalidArgument names the field.
Result<ValidationRecord> RecordFromJson(const Json& json);
// The record's leaf: its canonical JSON.
Result<std::string> RecordLeaf(const ValidationRecord& record);
// The validation log's LeafCheck: a valid record in canonical form under its container's hash.
Status CheckValidationLeaf(const std::string& key, const std::string& leaf);

}  // namespace riik::validation
