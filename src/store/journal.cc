// Journal entry hashing, JSON form and chain checks.
#include "store/journal.h"

#include <nlohmann/json.hpp>

#include "core/big_endian.h"
#include "core/encoding.h"
#include "crypto/sha256.h"

namespace riik::store {
namespace {

constexpr std::string_view kDomain = "riik-journal-v1";

void AppendBytes(std::string& out, std::string_view b) {
  AppendBigEndian(out, b.size());
  out.append(b);
}

}  // namespace

const std::string& GenesisHash() {
  static const std::string zero(kHashSize, '\0');
  return zero;
}

std::string ComputeEntryHash(const JournalEntry& e) {
  std::string pre;
  pre.reserve(kDomain.size() + 64 + e.node.size() + e.changes.size());
  AppendBytes(pre, kDomain);
  AppendBigEndian(pre, static_cast<uint64_t>(e.seq));
  AppendBytes(pre, e.prev_hash);
  AppendBigEndian(pre, static_cast<uint64_t>(e.time));
  AppendBytes(pre, e.node);
  AppendBytes(pre, e.changes);
  return DigestBytes(Sha256(pre));
}

Json EntryToJson(const JournalEntry& e) {
  Json changes = Json::parse(e.changes, nullptr, /*allow_exceptions=*/false);
  return {{"seq", e.seq},
          {"prev_hash", HexEncode(e.prev_hash)},
          {"hash", HexEncode(e.hash)},
          {"time", FormatRfc3339(e.time)},
          {"time_us", e.time},
          {"node", e.node},
          {"changes", changes}};
}

Result<JournalEntry> EntryFromJson(const Json& j) {
  if (!j.is_object()) return InvalidArgument("journal entry must be a JSON object");
  for (const char* k : {"seq", "prev_hash", "hash", "time_us", "node", "changes"}) {
    if (!j.contains(k)) return InvalidArgument(std::string("journal entry lacks field ") + k);
  }
  if (!j["seq"].is_number_integer() || j["seq"].get<int64_t>() < 1)
    return InvalidArgument("seq must be a positive integer");
  if (!j["time_us"].is_number_integer()) return InvalidArgument("time_us must be an integer");
  if (!j["prev_hash"].is_string() || !j["hash"].is_string() || !j["node"].is_string()) {
    return InvalidArgument("prev_hash, hash and node must be strings");
  }
  if (!j["changes"].is_array()) return InvalidArgument("changes must be a JSON array");
  JournalEntry e;
  e.seq = j["seq"].get<int64_t>();
  e.time = j["time_us"].get<int64_t>();
  e.node = j["node"].get<std::string>();
  ASSIGN_OR_RETURN(e.prev_hash, HexDecode(j["prev_hash"].get<std::string>()));
  ASSIGN_OR_RETURN(e.hash, HexDecode(j["hash"].get<std::string>()));
  if (e.prev_hash.size() != kHashSize || e.hash.size() != kHashSize) return InvalidArgument("hashes must be 32 bytes");
  ASSIGN_OR_RETURN(e.changes, CanonicalJson(j["changes"]));
  return e;
}

Status CheckChainLink(const JournalEntry* prev, const JournalEntry& e, const std::string& node) {
  auto bad = [&](const std::string& why) {
    return DataLoss("journal entry seq " + std::to_string(e.seq) + ": " + why);
  };
  int64_t want_seq = prev ? prev->seq + 1 : 1;
  if (e.seq != want_seq) return bad("expected seq " + std::to_string(want_seq) + " (gap or reordering)");
  const std::string& want_prev = prev ? prev->hash : GenesisHash();
  if (e.prev_hash != want_prev) return bad("prev_hash does not match the hash of the entry before it");
  if (e.node != node) return bad("belongs to node '" + e.node + "', not '" + node + "'");
  if (ComputeEntryHash(e) != e.hash) return bad("hash does not match its contents (entry altered)");
  return OkStatus();
}

Status CheckCanonicalChanges(const JournalEntry& e, const Json& parsed) {
  auto bad = [&](const std::string& why) {
    return DataLoss("journal entry seq " + std::to_string(e.seq) + ": " + why);
  };
  if (parsed.is_discarded() || !parsed.is_array()) return bad("changes are not a JSON array");
  auto canon = CanonicalJson(parsed);
  if (!canon.ok() || *canon != e.changes) return bad("changes are not in canonical JSON form");
  return OkStatus();
}

Status CheckLink(const JournalEntry* prev, const JournalEntry& e, const std::string& node) {
  RETURN_IF_ERROR(CheckChainLink(prev, e, node));
  return CheckCanonicalChanges(e, Json::parse(e.changes, nullptr, false));
}

}  // namespace riik::store
