// The voter list and its commitment.
#include "election/voter_list.h"

#include <nlohmann/json.hpp>

#include "core/json.h"
#include "crypto/json_fields.h"
#include "ledger/merkle_frontier.h"

namespace riik::election {
namespace {

std::string Line(const std::string& voter, const std::string& district) {
  return Json{{"district", district}, {"voter", voter}}.dump();
}

}  // namespace

Status VoterList::Add(std::string voter, std::string district) {
  if (voter.empty() || voter.size() > 64) return InvalidArgument("a voter id is 1-64 bytes");
  if (voters_.size() >= kMaxVoters) return InvalidArgument("more than " + std::to_string(kMaxVoters) + " voters");
  if (!voters_.emplace(std::move(voter), std::move(district)).second) return InvalidArgument("a voter is listed twice");
  return OkStatus();
}

const std::string* VoterList::DistrictOf(std::string_view voter) const {
  auto it = voters_.find(voter);
  return it == voters_.end() ? nullptr : &it->second;
}

std::string VoterList::Root() const {
  ledger::MerkleFrontier frontier;
  for (const auto& [voter, district] : voters_) frontier.Append(ledger::LeafHash(Line(voter, district)));
  return DigestBytes(frontier.Root());
}

std::string VoterList::ToJsonLines() const {
  std::string out;
  for (const auto& [voter, district] : voters_) out += Line(voter, district) + "\n";
  return out;
}

Result<VoterList> VoterList::FromJsonLines(std::string_view text, const Manifest& manifest) {
  const std::string_view original = text;
  VoterList list;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_no;
    const std::string what = "voters.jsonl line " + std::to_string(line_no);
    ASSIGN_OR_RETURN(Json j, ParseJson(line, JsonLimits{1024, 2}));
    ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, what, {"district", "voter"}));
    ASSIGN_OR_RETURN(std::string voter, f.Text("voter", 64));
    ASSIGN_OR_RETURN(std::string district, f.Text("district", 64));
    if (!manifest.FindDistrict(district)) return InvalidArgument(what + ": no district " + district);
    Status added = list.Add(voter, district);
    if (!added.ok()) return InvalidArgument(what + ": " + added.message());
  }
  // One spelling only, as the root is computed over it: canonical lines, sorted by id,
  // each ending with a newline.
  if (list.ToJsonLines() != original) {
    return InvalidArgument(
        "voters.jsonl is not in its one form: a canonical JSON line per voter, sorted by id, each "
        "ending with a newline");
  }
  return list;
}

}  // namespace riik::election
