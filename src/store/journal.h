// Journal entries: the hash chain every Store appends to in the same transaction as
// its changes. Format and hashing rules: docs/formats/journal.md.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"

namespace riik::store {

inline constexpr size_t kHashSize = 32;

struct JournalHead {
  int64_t seq = 0;      // 0 for an empty journal
  std::string hash;     // 32 raw bytes; 32 zero bytes for an empty journal
  UnixMicros time = 0;  // time of the head entry
};

struct JournalEntry {
  int64_t seq = 0;
  std::string prev_hash;  // 32 raw bytes
  std::string hash;       // 32 raw bytes
  UnixMicros time = 0;
  std::string node;
  std::string changes;  // canonical JSON array of change objects
};

// The all-zero hash that the first entry links to.
const std::string& GenesisHash();

// SHA-256 over the entry's canonical preimage (everything but `hash`).
std::string ComputeEntryHash(const JournalEntry& e);

// The JSON form used by `riik journal show` and the HTTP API (hashes in hex).
Json EntryToJson(const JournalEntry& e);
// Parses the JSON form of an entry received from elsewhere; checks field types and
// sizes, not the chain.
Result<JournalEntry> EntryFromJson(const Json& j);

// Checks one entry against the one before it (or the genesis when prev is null):
// contiguous seq, prev_hash link, recomputed hash, the node name, and that `changes`
// is a canonical JSON array. Returns a DataLoss status naming the seq and what is wrong.
Status CheckLink(const JournalEntry* prev, const JournalEntry& e, const std::string& node);
// The same without the look inside `changes` (whose text the hash covers): for whoever
// parses the changes next anyway.
Status CheckChainLink(const JournalEntry* prev, const JournalEntry& e, const std::string& node);
// That `parsed` (the entry's changes, parsed) is an array whose canonical form is its
// text; DataLoss naming the seq if not.
Status CheckCanonicalChanges(const JournalEntry& e, const Json& parsed);

}  // namespace riik::store
