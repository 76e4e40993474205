// CheckListing.
#include "tracker/listing.h"

#include <nlohmann/json.hpp>

#include "crypto/json_fields.h"
#include "identity/personal_code.h"
#include "tracker/tracker.h"
#include "transparency/entry_check.h"

namespace riik::tracker {
namespace {

std::string Describe(const AccessRecord& r) {
  return FormatRfc3339(r.time_us) + ", " + r.client + " asked " + r.registry + "/" + r.service +
         (r.issue.empty() ? "" : " (" + r.issue + ")");
}

}  // namespace

Result<VerifiedListing> CheckListing(std::string_view text, X509* trust_root, const VerifiedListing* previous) {
  if (trust_root == nullptr) return InvalidArgument("verifying a listing needs the trust root certificate");
  std::string_view body = text.ends_with('\n') ? text.substr(0, text.size() - 1) : text;
  ASSIGN_OR_RETURN(Json doc, ParseJson(body, JsonLimits{kMaxListingBytes, 8}));
  ASSIGN_OR_RETURN(std::string canonical, CanonicalJson(doc));
  if (canonical != body)
    return InvalidArgument("the listing is not in canonical JSON form (it was changed after it was made)");
  ASSIGN_OR_RETURN(JsonFields f,
                   JsonFields::Of(doc, "listing", {"consistency", "current", "entries", "format", "log_id", "person"}));
  ASSIGN_OR_RETURN(std::string format, f.Text("format", 64));
  if (format != kListingFormat) return InvalidArgument("listing.format: not " + std::string(kListingFormat));
  VerifiedListing out;
  ASSIGN_OR_RETURN(out.person, f.Text("person", 11));
  if (auto code = identity::PersonalCode::Parse(out.person); !code.ok()) {
    return InvalidArgument("listing.person: " + code.status().message());
  }
  ASSIGN_OR_RETURN(out.log_id, f.Text("log_id", 300));

  ASSIGN_OR_RETURN(transparency::SignedTreeHead current,
                   transparency::CheckSignedHead(f["current"], "listing.current", trust_root));
  if (current.log_id != out.log_id) return DataLoss("listing.current: the head is another log's");
  out.size = current.tree_size;
  out.root = current.root;
  out.head_time = current.time_us;

  ASSIGN_OR_RETURN(const Json* entries, f.Array("entries", 100000));
  transparency::EntryChecker checker(trust_root);
  for (size_t i = 0; i < entries->size(); ++i) {
    const std::string what = "listing.entries[" + std::to_string(i) + "]";
    std::string log_id = out.log_id;
    ASSIGN_OR_RETURN(transparency::VerifiedEntry entry, checker.Check((*entries)[i], what, log_id));
    Result<AccessRecord> record = AccessFromJson((*entries)[i]["record"]);
    if (!record.ok()) return record.status().WithContext(what);
    if (record->person != out.person) return DataLoss(what + ": records an access to another person's data");
    if (entry.head.tree_size > out.size) return DataLoss(what + ": is under a head beyond the listing's current head");
    if (!out.entries.empty() && entry.leaf_index <= out.entries.back().leaf_index) {
      return DataLoss(what + ": entries are not in leaf order");
    }
    out.entries.push_back({entry.leaf_index, std::move(*record), entry.timestamp_time});
  }

  ASSIGN_OR_RETURN(JsonFields consistency,
                   JsonFields::Of(f["consistency"], "listing.consistency", {"from_size", "proof"}));
  ASSIGN_OR_RETURN(int64_t from_size, consistency.Int("from_size", 0, out.size));
  ASSIGN_OR_RETURN(std::vector<ledger::Hash> proof, consistency.Hashes("proof", transparency::kMaxProofHashes));
  if (previous == nullptr) return out;

  if (previous->person != out.person || previous->log_id != out.log_id) {
    return InvalidArgument("the previous listing is of another person or another registry's tracker");
  }
  if (from_size != previous->size) {
    return InvalidArgument("this listing proves consistency from " + std::to_string(from_size) +
                           " records, the previous listing's head has " + std::to_string(previous->size) +
                           ": ask with since_size=" + std::to_string(previous->size));
  }
  if (previous->size == out.size) {
    if (previous->root != out.root) return DataLoss("the tracker's log was rewritten: the same size, another root");
  } else if (previous->size > 0) {
    Status consistent = ledger::VerifyConsistency(static_cast<uint64_t>(previous->size),
                                                  static_cast<uint64_t>(out.size), previous->root, out.root, proof);
    if (!consistent.ok()) {
      return DataLoss("the tracker's log is not an extension of the one the previous listing showed: " +
                      consistent.message());
    }
  }
  for (const VerifiedListing::Entry& before : previous->entries) {
    bool found = false;
    for (const VerifiedListing::Entry& now : out.entries) {
      if (now.leaf_index != before.leaf_index) continue;
      if (!(AccessToJson(now.record) == AccessToJson(before.record))) {
        return DataLoss("record " + std::to_string(before.leaf_index) +
                        " was changed since the previous listing: " + Describe(before.record));
      }
      found = true;
    }
    if (!found) {
      return DataLoss("record " + std::to_string(before.leaf_index) +
                      ", listed before, is missing now: it was removed from the tracker (" + Describe(before.record) +
                      ")");
    }
  }
  return out;
}

}  // namespace riik::tracker
