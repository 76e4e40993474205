// The security server's message log: every request and response it handles becomes a
// record (message_record.h), logged under its X-Road-Id in the member's signed log
// (transparency/signed_log.h: batch-signed tree heads with the member's signing key,
// timestamped by the TSA). Evidence() exports the document for one X-Road-Id that
// evidence.h checks offline (docs/formats/evidence.md).
//
// Thread-safe, as the signed log: Append's callback runs on a sealing thread (on the
// thread closing the log for what is queued then) and must not block.
#pragma once

#include <memory>
#include <string>

#include "core/json.h"
#include "core/status.h"
#include "exchange/message_record.h"
#include "store/store.h"
#include "transparency/signed_log.h"

namespace riik::exchange {

class MessageLog {
 public:
  // Opens the member's log (SignedLog::Open); its leaves are checked with CheckMessageLeaf.
  static Result<std::unique_ptr<MessageLog>> Open(store::Store& store, transparency::SignedLogOptions options);

  // Logs `record`: `done` gets the receipt once it is durable (under a signed head, or
  // with a head interval signed within it), or the error (an invalid record: at once, on
  // the calling thread, InvalidArgument).
  void Append(const MessageRecord& record, transparency::SignedLog::Done done);

  // The evidence document for every record with this X-Road-Id, as canonical JSON.
  // NotFound if there is none; Unavailable if a record is not under a signed tree head
  // yet, or its head not covered by a timestamp yet (retry later).
  Result<Json> Evidence(const std::string& xroad_id);

  transparency::SignedLog& log() { return *log_; }

 private:
  explicit MessageLog(std::unique_ptr<transparency::SignedLog> log) : log_(std::move(log)) {}
  std::unique_ptr<transparency::SignedLog> log_;
};

// The same document read from a store alone (transparency/stored_log.h), for
// `riik exchange evidence` on a store its security server is serving.
Result<Json> EvidenceFromStore(store::Store& store, const std::string& log_id, const std::string& xroad_id);

}  // namespace riik::exchange
