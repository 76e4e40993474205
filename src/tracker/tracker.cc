// Tracker: recording accesses and listing them with proofs.
#include "tracker/tracker.h"

#include <future>
#include <nlohmann/json.hpp>

namespace riik::tracker {

std::string TrackerLogId(const std::string& registry) { return "tracker:" + registry; }

Result<std::unique_ptr<Tracker>> Tracker::Open(store::Store& store, const std::string& registry,
                                               transparency::SignedLogOptions options) {
  options.log_id = TrackerLogId(registry);
  options.leaf_check = CheckAccessLeaf;
  ASSIGN_OR_RETURN(auto log, transparency::SignedLog::Open(store, std::move(options)));
  return std::unique_ptr<Tracker>(new Tracker(registry, std::move(log)));
}

Status Tracker::Record(const AccessRecord& record) {
  std::promise<Status> done;
  auto future = done.get_future();
  RecordAsync(record, [&done](Status recorded) { done.set_value(std::move(recorded)); });
  return future.get();
}

void Tracker::RecordAsync(const AccessRecord& record, std::function<void(Status)> done) {
  auto leaf = AccessLeaf(record);
  if (!leaf.ok()) return done(leaf.status());
  log_->Append(record.person, std::move(*leaf),
               [done = std::move(done)](Result<transparency::Receipt> receipt) { done(receipt.status()); });
}

Result<Json> Tracker::Listing(const std::string& person, int64_t since_size) {
  // The head first: every entry below is sealed under it or an earlier one.
  ASSIGN_OR_RETURN(Json current, log_->LatestHeadJson());
  ASSIGN_OR_RETURN(Json entries, log_->EntriesFor(person));
  const int64_t size = current["head"]["tree_size"].get<int64_t>();
  if (since_size < 0 || since_size > size) {
    return InvalidArgument("since_size " + std::to_string(since_size) + " is not a size of this tracker's log (" +
                           std::to_string(size) + " records): that head is not this log's");
  }
  ASSIGN_OR_RETURN(Json proof, log_->ConsistencyProof(since_size, size));
  Json kept = Json::array();
  for (Json& e : entries) {
    if (e["head"]["tree_size"].get<int64_t>() <= size) kept.push_back(std::move(e));
  }
  return Json{
      {"format", kListingFormat},          {"person", person},
      {"log_id", TrackerLogId(registry_)}, {"entries", std::move(kept)},
      {"current", std::move(current)},     {"consistency", {{"from_size", since_size}, {"proof", std::move(proof)}}}};
}

}  // namespace riik::tracker
