// An election's manifest: what is being decided, by whom, when, and how the key is held.
// Its hash is the `election` bound into every proof, so a ballot or a decryption made
// for one election means nothing in another (docs/formats/election-record.md, "Manifest").
//
// Parsed strictly: exactly the documented keys, identifiers unique, limits that a count
// proof can cover, times in UTC with the polls closing after they open.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace riik::election {

inline constexpr size_t kMaxManifestBytes = 1 << 20;
inline constexpr size_t kMaxDistricts = 64;
inline constexpr size_t kMaxContests = 64;
inline constexpr size_t kMaxOptions = 64;  // per contest

struct Option {
  std::string id;
  std::string name;
  std::string party;  // may be empty: an independent candidate
};

struct Contest {
  std::string id;
  std::string district;  // the district whose voters it is for
  std::string title;
  uint32_t min = 1, max = 1;  // how many options a ballot selects
  std::vector<Option> options;
  int OptionIndex(std::string_view id) const;  // -1 if none
};

struct District {
  std::string id;
  std::string name;
  std::vector<std::string> counties;  // a voter's county on the cut-off date places them here
};

struct Manifest {
  std::string id;  // e.g. "riigikogu-2027"
  std::string title;
  UnixMicros opens = 0, closes = 0;  // i-voting's window
  int64_t election_day = 0;          // days since 1970: the age limit is reached by then
  int64_t voter_list_cutoff = 0;     // days since 1970: the address that decides the district
  uint32_t minimum_age = 18;
  std::string citizenship;  // ISO 3166 alpha-3 of those who may vote, e.g. "EST"
  uint32_t trustees = 0, threshold = 0;
  // SHA-256 of the DER SubjectPublicKeyInfo of the key that signs the board's heads (the
  // vote server's): every head must be signed by it (32 bytes).
  std::string board_key;
  // How soon every board entry must be covered by a head the TSA timestamped, in
  // microseconds (the manifest's "board_timestamped_within", in seconds); 0: the manifest
  // asks for none, and the board's history rests on its key alone. What stops an operator
  // from rewriting the board after the fact: a rewritten entry changes every later root,
  // and no TSA dates a new head into the past.
  UnixMicros board_timestamped_within = 0;
  // The polling stations' officials, who alone may sign a paper vote's statement: the
  // SHA-256 (hex) of each one's signing certificate (the manifest's
  // "paper_vote_officials"; the manifest is public, so not their personal codes). Empty:
  // anyone's eID but the voter's, and the auditors match the names the annex's check prints.
  std::vector<std::string> paper_vote_officials;
  std::vector<District> districts;
  std::vector<Contest> contests;

  std::string hash;  // 32 bytes: SHA-256 of the manifest's canonical JSON
  std::string text;  // that canonical JSON

  const Contest* FindContest(std::string_view id) const;
  const District* FindDistrict(std::string_view id) const;
  // The district whose counties include `county`; nullptr if none.
  const District* DistrictOfCounty(std::string_view county) const;
};

// Parses and checks a manifest; InvalidArgument naming the field and what is wrong.
Result<Manifest> ParseManifest(std::string_view json);

}  // namespace riik::election
