// The message log on the signed log: records as leaves, evidence documents from entries.
#include "exchange/message_log.h"

#include <nlohmann/json.hpp>

#include "exchange/evidence.h"
#include "transparency/stored_log.h"

namespace riik::exchange {
namespace {

Result<Json> Document(const std::string& log_id, const std::string& xroad_id, Json entries) {
  if (entries.empty()) return NotFound("no message with X-Road-Id " + xroad_id + " in message log " + log_id);
  return Json{{"entries", std::move(entries)}, {"format", kEvidenceFormat}, {"xroad_id", xroad_id}};
}

}  // namespace

Result<std::unique_ptr<MessageLog>> MessageLog::Open(store::Store& store, transparency::SignedLogOptions options) {
  options.leaf_check = CheckMessageLeaf;
  ASSIGN_OR_RETURN(std::unique_ptr<transparency::SignedLog> log,
                   transparency::SignedLog::Open(store, std::move(options)));
  return std::unique_ptr<MessageLog>(new MessageLog(std::move(log)));
}

void MessageLog::Append(const MessageRecord& record, transparency::SignedLog::Done done) {
  Result<std::string> leaf = LeafData(record);
  if (!leaf.ok()) {
    done(leaf.status());
    return;
  }
  log_->Append(record.xroad_id, std::move(*leaf), std::move(done));
}

Result<Json> MessageLog::Evidence(const std::string& xroad_id) {
  ASSIGN_OR_RETURN(Json entries, log_->EntriesFor(xroad_id));
  return Document(log_->log_id(), xroad_id, std::move(entries));
}

Result<Json> EvidenceFromStore(store::Store& store, const std::string& log_id, const std::string& xroad_id) {
  ASSIGN_OR_RETURN(Json entries, transparency::EntriesFromStore(store, log_id, xroad_id));
  return Document(log_id, xroad_id, std::move(entries));
}

}  // namespace riik::exchange
