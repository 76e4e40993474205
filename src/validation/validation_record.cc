// The validation service's records: JSON form, strict reading, leaf check.
#include "validation/validation_record.h"

#include <map>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "crypto/json_fields.h"
#include "crypto/sha256.h"
#include "transparency/record_leaf.h"

namespace riik::validation {
namespace {

constexpr size_t kMaxText = 512;
constexpr size_t kMaxSignatures = 64;
constexpr size_t kMaxFiles = 1000;

Status CheckVerdict(const std::string& verdict, const std::string& where) {
  for (auto v :
       {sign::Verdict::kValid, sign::Verdict::kWarning, sign::Verdict::kIndeterminate, sign::Verdict::kInvalid})
    if (verdict == sign::VerdictName(v)) return OkStatus();
  return InvalidArgument(where + " is not a verdict");
}

Result<std::string> HexDigest(const JsonFields& fields, std::string_view key) {
  ASSIGN_OR_RETURN(Digest d, fields.Hash(key));
  return DigestHex(d);
}

}  // namespace

ValidationRecord RecordOf(const sign::VerificationReport& report, std::string_view report_sha256) {
  std::map<std::string, std::string> digests;
  for (const auto& f : report.files) digests[f.name] = f.sha256;
  ValidationRecord r;
  r.container_sha256 = report.container_sha256;
  r.verdict = std::string(sign::VerdictName(report.verdict));
  for (const sign::SignatureReport& s : report.signatures) {
    if (r.signatures.size() == 64) break;  // the record's limit; the report's hash covers every one
    // Who signed what is recorded only for a signature that held: an invalid one's
    // certificate and files are nobody's word.
    bool held = s.verdict == sign::Verdict::kValid || s.verdict == sign::Verdict::kWarning;
    SignatureSummary summary{std::string(Utf8Prefix(s.id, 64)),
                             std::string(sign::VerdictName(s.verdict)),
                             held ? std::string(Utf8Prefix(s.signer_id, 256)) : "",
                             held ? s.timestamp_time : 0,
                             {}};
    if (held)
      for (const std::string& name : s.signed_files) summary.files.push_back(SignedFile{name, digests[name]});
    r.signatures.push_back(std::move(summary));
  }
  r.report_sha256 = std::string(report_sha256);
  return r;
}

Json RecordToJson(const ValidationRecord& r) {
  Json signatures = Json::array();
  for (const SignatureSummary& s : r.signatures) {
    Json files = Json::array();
    for (const SignedFile& f : s.files) files.push_back({{"name", f.name}, {"sha256", f.sha256}});
    signatures.push_back({{"id", s.id},
                          {"verdict", s.verdict},
                          {"signer_id", s.signer_id},
                          {"timestamp_us", s.timestamp_us},
                          {"files", std::move(files)}});
  }
  return {{"format", kRecordFormat},
          {"container_sha256", r.container_sha256},
          {"verdict", r.verdict},
          {"signatures", std::move(signatures)},
          {"report_sha256", r.report_sha256},
          {"client", r.client},
          {"user_id", r.user_id},
          {"issue", r.issue},
          {"xroad_id", r.xroad_id},
          {"time_us", r.time_us}};
}

Result<ValidationRecord> RecordFromJson(const Json& json) {
  ASSIGN_OR_RETURN(JsonFields fields,
                   JsonFields::Of(json, "validation record",
                                  {"format", "container_sha256", "verdict", "signatures", "report_sha256", "client",
                                   "user_id", "issue", "xroad_id", "time_us"}));
  ASSIGN_OR_RETURN(std::string format, fields.Text("format", 64));
  if (format != kRecordFormat) return InvalidArgument("validation record: format is not " + std::string(kRecordFormat));
  ValidationRecord r;
  ASSIGN_OR_RETURN(r.container_sha256, HexDigest(fields, "container_sha256"));
  ASSIGN_OR_RETURN(r.verdict, fields.Text("verdict", 32));
  RETURN_IF_ERROR(CheckVerdict(r.verdict, fields.Name("verdict")));
  ASSIGN_OR_RETURN(r.report_sha256, HexDigest(fields, "report_sha256"));
  ASSIGN_OR_RETURN(r.client, fields.Text("client", kMaxText));
  ASSIGN_OR_RETURN(r.user_id, fields.Text("user_id", kMaxText));
  ASSIGN_OR_RETURN(r.issue, fields.Text("issue", kMaxText));
  ASSIGN_OR_RETURN(r.xroad_id, fields.Text("xroad_id", kMaxText));
  ASSIGN_OR_RETURN(r.time_us, fields.Int("time_us", 1, INT64_MAX));
  ASSIGN_OR_RETURN(const Json* signatures, fields.Array("signatures", kMaxSignatures));
  for (size_t i = 0; i < signatures->size(); ++i) {
    std::string where = "validation record.signatures[" + std::to_string(i) + "]";
    ASSIGN_OR_RETURN(JsonFields s,
                     JsonFields::Of((*signatures)[i], where, {"id", "verdict", "signer_id", "timestamp_us", "files"}));
    SignatureSummary summary;
    ASSIGN_OR_RETURN(summary.id, s.Text("id", 64));
    ASSIGN_OR_RETURN(summary.verdict, s.Text("verdict", 32));
    RETURN_IF_ERROR(CheckVerdict(summary.verdict, s.Name("verdict")));
    ASSIGN_OR_RETURN(summary.signer_id, s.Text("signer_id", kMaxText));
    ASSIGN_OR_RETURN(summary.timestamp_us, s.Int("timestamp_us", 0, INT64_MAX));
    ASSIGN_OR_RETURN(const Json* files, s.Array("files", kMaxFiles));
    for (size_t k = 0; k < files->size(); ++k) {
      ASSIGN_OR_RETURN(JsonFields f,
                       JsonFields::Of((*files)[k], where + ".files[" + std::to_string(k) + "]", {"name", "sha256"}));
      SignedFile file;
      ASSIGN_OR_RETURN(file.name, f.Text("name", kMaxText));
      ASSIGN_OR_RETURN(file.sha256, HexDigest(f, "sha256"));
      summary.files.push_back(std::move(file));
    }
    r.signatures.push_back(std::move(summary));
  }
  return r;
}

Result<std::string> RecordLeaf(const ValidationRecord& record) {
  RETURN_IF_ERROR(RecordFromJson(RecordToJson(record)).status());
  return CanonicalJson(RecordToJson(record));
}

Status CheckValidationLeaf(const std::string& key, const std::string& leaf) {
  static const transparency::RecordLeafFormat format{"validation record", RecordFromJson, RecordLeaf,
                                                     [](const ValidationRecord& r) { return r.container_sha256; },
                                                     "another container's hash"};
  return transparency::CheckRecordLeaf(format, key, leaf);
}

}  // namespace riik::validation
