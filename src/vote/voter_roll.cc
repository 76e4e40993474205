// The voter list from the roll (voter_roll.h).
#include "vote/voter_roll.h"

#include <nlohmann/json.hpp>

#include "core/json.h"
#include "identity/personal_code.h"
#include "vote/pseudonym.h"

namespace riik::vote {

Result<RollOutcome> VoterListFromRoll(std::string_view roll, const election::Manifest& manifest,
                                      std::string_view pseudonym_secret) {
  if (roll.size() > kMaxRollBytes) return InvalidArgument("the roll is larger than 256 MiB");
  RollOutcome out;
  size_t at = 0, line_number = 0;
  while (at < roll.size()) {
    size_t end = roll.find('\n', at);
    if (end == std::string_view::npos) end = roll.size();
    std::string_view line = roll.substr(at, end - at);
    at = end + 1;
    ++line_number;
    const std::string where = "the roll's line " + std::to_string(line_number);
    auto json = ParseJson(line);
    if (!json.ok() || !json->is_object() || json->size() != 2 || !(*json)["code"].is_string() ||
        !(*json)["county"].is_string()) {
      return InvalidArgument(where + " is not {\"code\": …, \"county\": …}");
    }
    const std::string code = (*json)["code"].get<std::string>();
    if (!identity::PersonalCode::Parse(code).ok()) return InvalidArgument(where + ": not a valid personal code");
    const election::District* district = manifest.DistrictOfCounty((*json)["county"].get<std::string>());
    if (!district) {
      ++out.outside;
      continue;
    }
    Status added = out.voters.Add(VoterPseudonym(pseudonym_secret, code), district->id);
    if (!added.ok()) return InvalidArgument(where + ": " + added.message());
  }
  return out;
}

}  // namespace riik::vote
