// Offline verification of message log evidence.
#include "exchange/evidence.h"

#include <nlohmann/json.hpp>

#include "crypto/json_fields.h"
#include "exchange/message_record.h"
#include "transparency/entry_check.h"

namespace riik::exchange {
namespace {

Result<VerifiedEvidence::Entry> CheckEntry(transparency::EntryChecker& checker, const Json& json,
                                           const std::string& what, const std::string& xroad_id, std::string& log_id) {
  ASSIGN_OR_RETURN(transparency::VerifiedEntry entry, checker.Check(json, what, log_id));
  Result<MessageRecord> record = RecordFromJson(json["record"]);
  if (!record.ok()) return record.status().WithContext(what);
  if (record->xroad_id != xroad_id) return DataLoss(what + ".record: carries another X-Road-Id");
  return VerifiedEvidence::Entry{entry.leaf_index, std::string(DirectionName(record->direction)), record->time_us,
                                 entry.timestamp_time, entry.signer_subject};
}

}  // namespace

Result<VerifiedEvidence> CheckEvidence(std::string_view text, X509* trust_root) {
  if (trust_root == nullptr) return InvalidArgument("verifying evidence needs the trust root certificate");
  std::string_view body = text.ends_with('\n') ? text.substr(0, text.size() - 1) : text;
  ASSIGN_OR_RETURN(Json doc, ParseJson(body, JsonLimits{kMaxEvidenceBytes, 8}));
  ASSIGN_OR_RETURN(std::string canonical, CanonicalJson(doc));
  if (canonical != body) {
    return InvalidArgument("the evidence document is not in canonical JSON form (it was changed after export)");
  }
  ASSIGN_OR_RETURN(JsonFields f, JsonFields::Of(doc, "evidence", {"entries", "format", "xroad_id"}));
  ASSIGN_OR_RETURN(std::string format, f.Text("format", 64));
  if (format != kEvidenceFormat) return InvalidArgument("evidence.format: not " + std::string(kEvidenceFormat));
  VerifiedEvidence out;
  ASSIGN_OR_RETURN(out.xroad_id, f.Text("xroad_id", kMaxXRoadIdBytes));
  ASSIGN_OR_RETURN(const Json* entries, f.Array("entries", kMaxEvidenceEntries));
  if (entries->empty()) return InvalidArgument("evidence.entries: empty");
  transparency::EntryChecker checker(trust_root);
  for (size_t i = 0; i < entries->size(); ++i) {
    ASSIGN_OR_RETURN(
        VerifiedEvidence::Entry entry,
        CheckEntry(checker, (*entries)[i], "entries[" + std::to_string(i) + "]", out.xroad_id, out.log_id));
    if (!out.entries.empty() && entry.leaf_index <= out.entries.back().leaf_index) {
      return DataLoss("entries[" + std::to_string(i) + "]: entries are not in leaf order");
    }
    out.entries.push_back(std::move(entry));
  }
  return out;
}

Status VerifyEvidence(std::string_view evidence_json, X509* trust_root) {
  return CheckEvidence(evidence_json, trust_root).status();
}

}  // namespace riik::exchange
