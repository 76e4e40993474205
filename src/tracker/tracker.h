// The data tracker of one registry: every access to a person's data it gives out, in a
// signed log of its own (transparency/signed_log.h: batch-signed tree heads with the
// registry's signing key, timestamped by the TSA), looked up by personal code. A citizen's listing carries each
// record's inclusion proof, the latest signed head and a consistency proof from the head of their previous listing, so
// a record removed or changed since is detectable offline (listing.h).
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "tracker/access_record.h"
#include "transparency/signed_log.h"

namespace riik::tracker {

inline constexpr const char* kListingFormat = "riik-tracker-listing-v1";
// The error type of a registry's 404 for a listing while its tracker holds no records at
// all: nobody has been given anyone's data yet, so there is no signed head to list under.
inline constexpr const char* kNoRecordsYet = "no_records_yet";

// The tracker's log id for a registry subsystem: "tracker:EE/GOV/70000013/population".
std::string TrackerLogId(const std::string& registry);

class Tracker {
 public:
  // `options.log_id` is set to TrackerLogId(registry) and its leaf check to the access
  // record's; the rest (key, certificates, TSA) as for any signed log.
  static Result<std::unique_ptr<Tracker>> Open(store::Store& store, const std::string& registry,
                                               transparency::SignedLogOptions options);

  // Records the access durably under a signed head before returning.
  Status Record(const AccessRecord& record);
  // The same without waiting: `done` runs once, on a sealing thread, when the
  // record is durable under a signed head (OK) or could not be made so. The caller's
  // thread is free meanwhile (a registry's worker serves the next call).
  void RecordAsync(const AccessRecord& record, std::function<void(Status)> done);

  // The person's listing (docs/formats/tracker.md): every access recorded and sealed so
  // far, each with its proofs; the latest signed head; a consistency proof from
  // `since_size` (the size of the head in the person's previous listing, 0 for none).
  // Unavailable while a record's head awaits its timestamp.
  Result<Json> Listing(const std::string& person, int64_t since_size);

  Status Verify() { return log_->VerifyLog(); }
  transparency::SignedLog& log() { return *log_; }
  const std::string& registry() const { return registry_; }

 private:
  Tracker(std::string registry, std::unique_ptr<transparency::SignedLog> log)
      : registry_(std::move(registry)), log_(std::move(log)) {}
  std::string registry_;
  std::unique_ptr<transparency::SignedLog> log_;
};

}  // namespace riik::tracker
