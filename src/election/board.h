// The bulletin board's entries: what the vote server registered, in order, as leaves of
// the election's signed log (transparency/), so that anyone holding the board and its
// signed head can recompute which ballots count. Each leaf is the canonical JSON of one
// entry (docs/formats/election-record.md, "Board"):
//
//   opening  the election's manifest hash, its key and the voter list's root: first, once
//   ballot   a voter's i-vote as cast (its exact JSON), registered at time_us
//   cancel   a voter's i-votes cancelled (a paper vote): none of theirs counts
//   refused  a ballot the server would not register, and why (its hash only)
//   closing  the board is final (at or after the polls' close): nothing may follow
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "election/group.h"

namespace riik::election {

inline constexpr size_t kMaxBoardEntryBytes = 600 * 1024;  // a ballot and its envelope
inline constexpr size_t kMaxReasonBytes = 512;

enum class EntryKind { kOpening, kBallot, kCancel, kRefused, kClosing };

struct BoardEntry {
  EntryKind kind = EntryKind::kBallot;
  UnixMicros time_us = 0;
  std::string voter;  // ballot, cancel, refused

  // opening
  std::string election;         // the manifest's hash (32 bytes)
  Point key;                    // the election key
  std::string voter_list_root;  // 32 bytes (voter_list.h)

  std::string ballot;       // ballot: its JSON exactly as cast
  std::string ballot_hash;  // refused: SHA-256 of what was sent (32 bytes)
  std::string reason;       // cancel, refused
};

// The entry's leaf: canonical JSON.
std::string BoardEntryToLeaf(const BoardEntry& entry);
// Reads a leaf strictly (exactly the keys of its kind); InvalidArgument saying what is
// wrong. A ballot's JSON is kept as it is, not parsed here.
Result<BoardEntry> ParseBoardEntry(std::string_view leaf);

}  // namespace riik::election
