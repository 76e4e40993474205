// The published voter list: pseudonymous voter ids, each with the district it votes in,
// and a commitment to the whole list (the root of a Merkle tree, RFC 9162, over the
// entries sorted by id) that the board's opening entry carries. A voter can be shown
// their entry's inclusion under that root without the list changing afterwards.
//
// One entry per line of voters.jsonl: {"district":"1","voter":"…"} (canonical JSON).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/status.h"
#include "election/manifest.h"

namespace riik::election {

inline constexpr size_t kMaxVoters = 10'000'000;

class VoterList {
 public:
  // Adds a voter; InvalidArgument for an id that is empty, too long or already listed.
  Status Add(std::string voter, std::string district);
  // The district a voter votes in, or nullptr if not listed.
  const std::string* DistrictOf(std::string_view voter) const;
  size_t size() const { return voters_.size(); }
  // Every voter and their district, by id.
  const std::map<std::string, std::string, std::less<>>& entries() const { return voters_; }

  // The root over the entries sorted by id (32 bytes).
  std::string Root() const;
  // voters.jsonl, sorted by id.
  std::string ToJsonLines() const;
  // Reads voters.jsonl, checking each district is the manifest's; InvalidArgument naming
  // the line otherwise.
  static Result<VoterList> FromJsonLines(std::string_view text, const Manifest& manifest);

 private:
  std::map<std::string, std::string, std::less<>> voters_;  // id → district
};

}  // namespace riik::election
