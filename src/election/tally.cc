// Decrypting and checking the tally.
#include "election/tally.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "core/encoding.h"
#include "core/json.h"
#include "crypto/json_fields.h"
#include "election/discrete_log.h"
#include "election/record_json.h"
#include "election/transcript.h"

namespace riik::election {
namespace {

// Bound to the board the sums come from: a part made for one board means nothing for
// another (a shorter one, say).
std::string DecryptionContext(const BoardCount& count, const std::string& contest, const std::string& option) {
  return ContextOf({"decryption", count.board_root, contest, option});
}

// What an option's sum holds when its α is the identity: β = m·G, m ≤ max.
Result<uint64_t> CountWithoutDecryption(const Ciphertext& sum, uint64_t max, const std::string& name) {
  auto m = SmallDiscreteLog(sum.beta, max);
  if (!m.ok()) return InvalidArgument(name + ": " + m.status().message());
  return *m;
}

std::string OptionName(const std::string& contest, const std::string& option) {
  return "contest " + contest + ", option " + option;
}

}  // namespace

Result<TrusteeDecryption> DecryptAsTrustee(const Manifest& manifest, std::span<const TrusteeCommitments> ceremony,
                                           const BoardCount& count, uint32_t trustee, const Scalar& key_share) {
  const Point public_share = PublicShare(ceremony, trustee);
  if (!(BaseTimes(key_share) == public_share)) {
    return InvalidArgument("trustee " + std::to_string(trustee) + "'s key share is not the one the ceremony made");
  }
  TrusteeDecryption out{trustee, {}};
  for (size_t c = 0; c < manifest.contests.size(); ++c) {
    const Contest& contest = manifest.contests[c];
    const ContestSum& sum = count.sums.at(c);
    std::vector<std::optional<DecryptionPart>> parts;
    for (size_t o = 0; o < contest.options.size(); ++o) {
      const Ciphertext& option_sum = sum.options.at(o);
      if (option_sum.alpha.IsIdentity()) {
        parts.emplace_back();  // nothing to decrypt
        continue;
      }
      parts.push_back(DecryptPart(manifest.hash, DecryptionContext(count, contest.id, contest.options[o].id), trustee,
                                  key_share, public_share, option_sum));
    }
    out.parts.push_back(std::move(parts));
  }
  return out;
}

Result<Tally> CombineTally(const Manifest& manifest, std::span<const TrusteeCommitments> ceremony,
                           const BoardCount& count, std::span<const TrusteeDecryption> decryptions) {
  std::set<uint32_t> trustees;
  for (const auto& d : decryptions) {
    if (d.trustee < 1 || d.trustee > manifest.trustees || !trustees.insert(d.trustee).second) {
      return InvalidArgument("decryptions from trustee " + std::to_string(d.trustee) +
                             ", who is not a trustee or appears twice");
    }
    if (d.parts.size() != manifest.contests.size()) {
      return InvalidArgument("trustee " + std::to_string(d.trustee) + "'s decryption has the wrong contests");
    }
  }
  if (trustees.size() < manifest.threshold) {
    return InvalidArgument(std::to_string(trustees.size()) + " trustees decrypted; the tally needs " +
                           std::to_string(manifest.threshold));
  }
  Tally tally;
  for (size_t c = 0; c < manifest.contests.size(); ++c) {
    const Contest& contest = manifest.contests[c];
    const ContestSum& sum = count.sums.at(c);
    ContestResult result{contest.id, sum.ballots, {}};
    for (size_t o = 0; o < contest.options.size(); ++o) {
      OptionResult option{contest.options[o].id, 0, sum.options.at(o), {}};
      const std::string name = OptionName(contest.id, option.option);
      if (option.sum.alpha.IsIdentity()) {
        ASSIGN_OR_RETURN(option.count, CountWithoutDecryption(option.sum, sum.ballots, name));
        result.options.push_back(std::move(option));
        continue;
      }
      for (const auto& d : decryptions) {
        if (d.parts[c].size() != contest.options.size() || !d.parts[c][o]) {
          return InvalidArgument("trustee " + std::to_string(d.trustee) + "'s decryption lacks " + name);
        }
        const DecryptionPart& part = *d.parts[c][o];
        if (part.trustee != d.trustee) return InvalidArgument(name + ": a part inside another trustee's decryption");
        Status held = VerifyPart(manifest.hash, DecryptionContext(count, contest.id, option.option),
                                 PublicShare(ceremony, d.trustee), option.sum, part);
        if (!held.ok()) return InvalidArgument(name + ": " + held.message());
        option.parts.push_back(part);
      }
      ASSIGN_OR_RETURN(Point mg, CombineParts(option.sum, option.parts));
      auto m = SmallDiscreteLog(mg, sum.ballots);
      if (!m.ok()) return InvalidArgument(name + ": " + m.status().message());
      option.count = *m;
      result.options.push_back(std::move(option));
    }
    tally.contests.push_back(std::move(result));
  }
  return tally;
}

Result<Tally> DecryptTally(const Manifest& manifest, std::span<const TrusteeCommitments> ceremony,
                           const BoardCount& count, const std::map<uint32_t, Scalar>& key_shares) {
  std::vector<TrusteeDecryption> decryptions;
  for (const auto& [trustee, share] : key_shares) {
    ASSIGN_OR_RETURN(TrusteeDecryption d, DecryptAsTrustee(manifest, ceremony, count, trustee, share));
    decryptions.push_back(std::move(d));
  }
  return CombineTally(manifest, ceremony, count, decryptions);
}

std::string TrusteeDecryptionToJson(const TrusteeDecryption& d) {
  Json contests = Json::array();
  for (const auto& parts : d.parts) {
    Json list = Json::array();
    for (const auto& p : parts) list.push_back(p ? DecryptionPartToJson(*p) : Json(nullptr));
    contests.push_back(list);
  }
  return Json{{"format", "riik-decryption-v1"}, {"trustee", d.trustee}, {"parts", contests}}.dump();
}

Result<TrusteeDecryption> ParseTrusteeDecryption(std::string_view json) {
  ASSIGN_OR_RETURN(Json j, ParseJson(json, JsonLimits{8 << 20, 6}));
  ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, "decryption", {"format", "trustee", "parts"}));
  ASSIGN_OR_RETURN(std::string format, f.Text("format", 32));
  if (format != "riik-decryption-v1") return InvalidArgument("decryption.format is not riik-decryption-v1");
  TrusteeDecryption d;
  ASSIGN_OR_RETURN(int64_t trustee, f.Int("trustee", 1, kMaxTrustees));
  d.trustee = static_cast<uint32_t>(trustee);
  ASSIGN_OR_RETURN(const Json* contests, f.Array("parts", kMaxContests));
  for (size_t c = 0; c < contests->size(); ++c) {
    const Json& list = (*contests)[c];
    if (!list.is_array() || list.size() > kMaxOptions) {
      return InvalidArgument("decryption.parts[" + std::to_string(c) + "] is not a list of at most 64 parts");
    }
    std::vector<std::optional<DecryptionPart>> parts;
    for (size_t o = 0; o < list.size(); ++o) {
      if (list[o].is_null()) {
        parts.emplace_back();
        continue;
      }
      ASSIGN_OR_RETURN(DecryptionPart part, DecryptionPartFromJson(list[o], "decryption.parts[" + std::to_string(c) +
                                                                                "][" + std::to_string(o) + "]"));
      parts.push_back(std::move(part));
    }
    d.parts.push_back(std::move(parts));
  }
  return d;
}

Status VerifyTally(const Manifest& manifest, std::span<const TrusteeCommitments> ceremony, const BoardCount& count,
                   const Tally& tally) {
  if (tally.contests.size() != manifest.contests.size()) {
    return InvalidArgument("the tally has " + std::to_string(tally.contests.size()) + " contests; the manifest " +
                           std::to_string(manifest.contests.size()));
  }
  std::map<uint32_t, Point> public_shares;
  for (size_t c = 0; c < manifest.contests.size(); ++c) {
    const Contest& contest = manifest.contests[c];
    const ContestResult& result = tally.contests[c];
    const ContestSum& sum = count.sums.at(c);
    if (result.contest != contest.id)
      return InvalidArgument("the tally's contest " + std::to_string(c) + " is not " + contest.id);
    if (result.ballots != sum.ballots) {
      return InvalidArgument("contest " + contest.id + ": the tally says " + std::to_string(result.ballots) +
                             " ballots counted; the board gives " + std::to_string(sum.ballots));
    }
    if (result.options.size() != contest.options.size()) {
      return InvalidArgument("contest " + contest.id + ": the tally's options are not the manifest's");
    }
    for (size_t o = 0; o < contest.options.size(); ++o) {
      const OptionResult& option = result.options[o];
      const std::string name = OptionName(contest.id, contest.options[o].id);
      if (option.option != contest.options[o].id) return InvalidArgument(name + ": the tally names another option");
      if (!(option.sum == sum.options.at(o))) {
        return InvalidArgument(name + ": the tally's encrypted sum is not the sum of the counted ballots on the board");
      }
      if (option.sum.alpha.IsIdentity()) {  // β is m·G: no decryption, and no part
        if (!option.parts.empty() || option.count > sum.ballots || !(BaseTimes(option.count) == option.sum.beta)) {
          return InvalidArgument(name + ": the published count " + std::to_string(option.count) +
                                 " is not what the sum holds (it needs no decryption)");
        }
        continue;
      }
      std::set<uint32_t> trustees;
      for (const auto& part : option.parts) {
        if (part.trustee < 1 || part.trustee > manifest.trustees || !trustees.insert(part.trustee).second) {
          return InvalidArgument(name + ": a decryption part from trustee " + std::to_string(part.trustee) +
                                 ", who is not a trustee or appears twice");
        }
        auto [it, fresh] = public_shares.try_emplace(part.trustee);
        if (fresh) it->second = PublicShare(ceremony, part.trustee);
        Status held = VerifyPart(manifest.hash, DecryptionContext(count, contest.id, option.option), it->second,
                                 option.sum, part);
        if (!held.ok()) return InvalidArgument(name + ": " + held.message());
      }
      if (trustees.size() < manifest.threshold) {
        return InvalidArgument(name + ": " + std::to_string(trustees.size()) + " decryption parts; the threshold is " +
                               std::to_string(manifest.threshold));
      }
      ASSIGN_OR_RETURN(Point mg, CombineParts(option.sum, option.parts));
      if (option.count > sum.ballots || !(BaseTimes(option.count) == mg)) {
        return InvalidArgument(name + ": the published count " + std::to_string(option.count) +
                               " is not what the trustees' decryption gives");
      }
    }
  }
  return OkStatus();
}

std::string TallyToJson(const Tally& tally) {
  Json contests = Json::array();
  for (const auto& c : tally.contests) {
    Json options = Json::array();
    for (const auto& o : c.options) {
      Json parts = Json::array();
      for (const auto& p : o.parts) parts.push_back(DecryptionPartToJson(p));
      options.push_back({{"option", o.option},
                         {"count", o.count},
                         {"alpha", Base64Encode(o.sum.alpha.Bytes())},
                         {"beta", Base64Encode(o.sum.beta.Bytes())},
                         {"parts", parts}});
    }
    contests.push_back({{"contest", c.contest}, {"ballots", c.ballots}, {"options", options}});
  }
  return Json{{"format", "riik-tally-v1"}, {"contests", contests}}.dump();
}

Result<Tally> ParseTally(std::string_view json) {
  ASSIGN_OR_RETURN(Json j, ParseJson(json, JsonLimits{128 << 20, 8}));
  ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, "tally", {"format", "contests"}));
  ASSIGN_OR_RETURN(std::string format, f.Text("format", 32));
  if (format != "riik-tally-v1") return InvalidArgument("tally.format is not riik-tally-v1");
  ASSIGN_OR_RETURN(const Json* contests, f.Array("contests", kMaxContests));
  Tally tally;
  for (size_t c = 0; c < contests->size(); ++c) {
    const std::string what = "tally.contests[" + std::to_string(c) + "]";
    ASSIGN_OR_RETURN(auto cf, JsonFields::Of((*contests)[c], what, {"contest", "ballots", "options"}));
    ContestResult result;
    ASSIGN_OR_RETURN(result.contest, cf.Text("contest", 64));
    ASSIGN_OR_RETURN(int64_t ballots, cf.Int("ballots", 0, kMaxVoters));
    result.ballots = static_cast<uint64_t>(ballots);
    ASSIGN_OR_RETURN(const Json* options, cf.Array("options", kMaxOptions));
    for (size_t o = 0; o < options->size(); ++o) {
      const std::string owhat = what + ".options[" + std::to_string(o) + "]";
      ASSIGN_OR_RETURN(auto of, JsonFields::Of((*options)[o], owhat, {"option", "count", "alpha", "beta", "parts"}));
      OptionResult option;
      ASSIGN_OR_RETURN(option.option, of.Text("option", 64));
      ASSIGN_OR_RETURN(int64_t n, of.Int("count", 0, kMaxVoters));
      option.count = static_cast<uint64_t>(n);
      ASSIGN_OR_RETURN(option.sum.alpha, ElementFromJson(of, "alpha", /*allow_identity=*/true));
      ASSIGN_OR_RETURN(option.sum.beta, ElementFromJson(of, "beta", /*allow_identity=*/true));
      ASSIGN_OR_RETURN(const Json* parts, of.Array("parts", kMaxTrustees));
      for (size_t p = 0; p < parts->size(); ++p) {
        ASSIGN_OR_RETURN(DecryptionPart part,
                         DecryptionPartFromJson((*parts)[p], owhat + ".parts[" + std::to_string(p) + "]"));
        option.parts.push_back(std::move(part));
      }
      result.options.push_back(std::move(option));
    }
    tally.contests.push_back(std::move(result));
  }
  return tally;
}

}  // namespace riik::election
