// Ballots: encrypting, checking, opening, and their JSON.
#include "election/ballot.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/json.h"
#include "crypto/json_fields.h"
#include "crypto/sha256.h"
#include "election/batch_check.h"
#include "election/fast_check.h"
#include "election/record_json.h"
#include "election/transcript.h"

namespace riik::election {
namespace {

// Every proof of a ballot is bound to the voter and to all of the ballot's ciphertexts
// (`ciphertexts`: SHA-256 over every α and β, contest by contest, option by option), so
// that no contest or selection of one ballot passes inside another, even the same voter's.
std::string SelectionContext(std::string_view voter, std::string_view ciphertexts, const Contest& contest,
                             const Option& option) {
  return ContextOf({"selection", voter, ciphertexts, contest.id, option.id});
}

std::string TotalContext(std::string_view voter, std::string_view ciphertexts, const Contest& contest) {
  return ContextOf({"total", voter, ciphertexts, contest.id});
}

std::string CiphertextsHash(const std::vector<ContestBallot>& contests) {
  Sha256Hasher h;
  for (const auto& cb : contests) {
    for (const auto& s : cb.selections) {
      h.Update(s.vote.alpha.Bytes());
      h.Update(s.vote.beta.Bytes());
    }
  }
  return DigestBytes(h.Finish());
}

// The district's contests, in the manifest's order.
std::vector<const Contest*> ContestsOf(const Manifest& manifest, std::string_view district) {
  std::vector<const Contest*> out;
  for (const auto& c : manifest.contests) {
    if (c.district == district) out.push_back(&c);
  }
  return out;
}

Json ElementJson(const Point& p) { return Base64Encode(p.Bytes()); }
Json ScalarJson(const Scalar& s) { return Base64Encode(s.Bytes()); }

Json ProofJson(const RangeProof& proof) {
  Json branches = Json::array();
  for (size_t j = 0; j < proof.branches.size(); ++j) {
    const auto& b = proof.branches[j];
    Json o = {{"a", ElementJson(b.a)}, {"b", ElementJson(b.b)}, {"v", ScalarJson(b.response)}};
    if (j + 1 < proof.branches.size()) o["c"] = ScalarJson(b.challenge);
    branches.push_back(std::move(o));
  }
  return branches;
}

Result<RangeProof> ParseProof(const JsonFields& parent, std::string_view key) {
  ASSIGN_OR_RETURN(const Json* branches, parent.Array(key, kMaxRangeBranches));
  if (branches->empty()) return InvalidArgument(parent.Name(key) + " has no branches");
  RangeProof proof;
  for (size_t j = 0; j < branches->size(); ++j) {
    const bool last = j + 1 == branches->size();
    const std::string what = parent.Name(key) + "[" + std::to_string(j) + "]";
    auto f = last ? JsonFields::Of((*branches)[j], what, {"a", "b", "v"})
                  : JsonFields::Of((*branches)[j], what, {"a", "b", "c", "v"});
    if (!f.ok()) return f.status();
    RangeProof::Branch b;
    ASSIGN_OR_RETURN(b.a, ElementFromJson(*f, "a"));
    ASSIGN_OR_RETURN(b.b, ElementFromJson(*f, "b"));
    ASSIGN_OR_RETURN(b.response, ScalarFromJson(*f, "v"));
    if (!last) {
      ASSIGN_OR_RETURN(b.challenge, ScalarFromJson(*f, "c"));
    }
    proof.branches.push_back(b);
  }
  return proof;
}

Result<EncryptedSelection> ParseSelection(const Json& j, const std::string& what) {
  ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, what, {"alpha", "beta", "proof"}));
  EncryptedSelection s;
  ASSIGN_OR_RETURN(s.vote.alpha, ElementFromJson(f, "alpha"));
  ASSIGN_OR_RETURN(s.vote.beta, ElementFromJson(f, "beta"));
  ASSIGN_OR_RETURN(s.proof, ParseProof(f, "proof"));
  return s;
}

Result<ContestBallot> ParseContestBallot(const Json& j, const std::string& what) {
  ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, what, {"contest", "selections", "total_proof"}));
  ContestBallot c;
  ASSIGN_OR_RETURN(c.contest, f.Text("contest", 64));
  ASSIGN_OR_RETURN(const Json* selections, f.Array("selections", kMaxOptions));
  for (size_t i = 0; i < selections->size(); ++i) {
    ASSIGN_OR_RETURN(EncryptedSelection s,
                     ParseSelection((*selections)[i], what + ".selections[" + std::to_string(i) + "]"));
    c.selections.push_back(std::move(s));
  }
  ASSIGN_OR_RETURN(c.total_proof, ParseProof(f, "total_proof"));
  return c;
}

}  // namespace

Ciphertext ContestBallot::Total() const {
  // On every ballot's check: added on decoded points, encoded once (not libsodium's
  // decode-add-encode per addition).
  PointSum alpha, beta;
  for (const auto& s : selections) {
    alpha.Add(s.vote.alpha);
    beta.Add(s.vote.beta);
  }
  return {alpha.Total(), beta.Total()};
}

Result<EncryptedBallot> EncryptBallot(const Manifest& manifest, const Point& key, std::string_view voter,
                                      std::string_view district, std::span<const Choice> choices) {
  if (voter.empty() || voter.size() > kMaxVoterIdBytes) return InvalidArgument("a voter id is 1-64 bytes");
  const auto contests = ContestsOf(manifest, district);
  if (contests.empty()) return InvalidArgument("district " + std::string(district) + " has no contests");
  for (const Choice& choice : choices) {
    auto it = std::find_if(contests.begin(), contests.end(), [&](auto* c) { return c->id == choice.contest; });
    if (it == contests.end())
      return InvalidArgument("contest " + choice.contest + " is not district " + std::string(district) + "'s");
    if (std::count_if(choices.begin(), choices.end(), [&](const Choice& o) { return o.contest == choice.contest; }) >
        1) {
      return InvalidArgument("contest " + choice.contest + " is chosen in twice");
    }
  }
  EncryptedBallot out;
  std::vector<std::vector<uint64_t>> values;  // what each selection encrypts
  out.ballot.election = manifest.hash;
  out.ballot.voter = std::string(voter);
  for (const Contest* contest : contests) {
    auto choice =
        std::find_if(choices.begin(), choices.end(), [&](const Choice& c) { return c.contest == contest->id; });
    if (choice == choices.end()) return InvalidArgument("no choice for contest " + contest->id);
    std::vector<bool> selected(contest->options.size(), false);
    for (const std::string& id : choice->selected) {
      const int k = contest->OptionIndex(id);
      if (k < 0) return InvalidArgument("contest " + contest->id + " has no option " + id);
      if (selected[k]) return InvalidArgument("option " + id + " is selected twice");
      selected[k] = true;
    }
    const auto count = static_cast<uint64_t>(choice->selected.size());
    if (count < contest->min || count > contest->max) {
      return InvalidArgument("contest " + contest->id + " takes " + std::to_string(contest->min) + " to " +
                             std::to_string(contest->max) + " selections, not " + std::to_string(count));
    }
    ContestBallot cb;
    cb.contest = contest->id;
    std::vector<Scalar> rs;
    std::vector<uint64_t> votes;
    for (size_t k = 0; k < contest->options.size(); ++k) {
      rs.push_back(Scalar::Random());
      votes.push_back(selected[k] ? 1 : 0);
      cb.selections.push_back({Encrypt(key, votes.back(), rs.back()), {}});
    }
    out.ballot.contests.push_back(std::move(cb));
    out.randomness.push_back(std::move(rs));
    values.push_back(std::move(votes));
  }
  // Then the proofs, once every ciphertext they are bound to is known.
  const std::string ciphertexts = CiphertextsHash(out.ballot.contests);
  for (size_t i = 0; i < contests.size(); ++i) {
    const Contest& contest = *contests[i];
    ContestBallot& cb = out.ballot.contests[i];
    Scalar r_total;
    uint64_t count = 0;
    for (size_t k = 0; k < contest.options.size(); ++k) {
      const Scalar& r = out.randomness[i][k];
      const uint64_t m = values[i][k];
      ASSIGN_OR_RETURN(cb.selections[k].proof,
                       ProveRange(manifest.hash, SelectionContext(voter, ciphertexts, contest, contest.options[k]), key,
                                  cb.selections[k].vote, m, r, 0, 1));
      r_total = r_total + r;
      count += m;
    }
    ASSIGN_OR_RETURN(cb.total_proof, ProveRange(manifest.hash, TotalContext(voter, ciphertexts, contest), key,
                                                cb.Total(), count, r_total, contest.min, contest.max));
  }
  return out;
}

namespace {

// The checks of a ballot's shape: this election, exactly the district's contests in the
// manifest's order, one selection per option. The district's contests, or why not.
Result<std::vector<const Contest*>> CheckShape(const Manifest& manifest, std::string_view district,
                                               const Ballot& ballot) {
  if (ballot.election != manifest.hash) return InvalidArgument("the ballot is for another election");
  auto contests = ContestsOf(manifest, district);
  if (ballot.contests.size() != contests.size()) {
    return InvalidArgument("the ballot has " + std::to_string(ballot.contests.size()) + " contests; district " +
                           std::string(district) + " has " + std::to_string(contests.size()));
  }
  for (size_t i = 0; i < contests.size(); ++i) {
    const Contest& contest = *contests[i];
    const ContestBallot& cb = ballot.contests[i];
    if (cb.contest != contest.id) {
      return InvalidArgument("the ballot's contest " + std::to_string(i) + " is " + cb.contest + ", not " + contest.id);
    }
    if (cb.selections.size() != contest.options.size()) {
      return InvalidArgument("contest " + contest.id + " has " + std::to_string(contest.options.size()) +
                             " options; the ballot has " + std::to_string(cb.selections.size()) + " selections");
    }
  }
  return contests;
}

std::string NotZeroOrOne(const Contest& contest, size_t k, const Status& why) {
  return "contest " + contest.id + ", option " + contest.options[k].id + ": not shown to be 0 or 1 (" + why.message() +
         ")";
}

std::string TotalNotWithin(const Contest& contest, const Status& why) {
  return "contest " + contest.id + ": the number of selections is not shown to be within " +
         std::to_string(contest.min) + " to " + std::to_string(contest.max) + " (" + why.message() + ")";
}

}  // namespace

Status VerifyBallot(const Manifest& manifest, const Point& key, std::string_view district, Ballot& ballot) {
  ASSIGN_OR_RETURN(auto contests, CheckShape(manifest, district, ballot));
  const std::string ciphertexts = CiphertextsHash(ballot.contests);
  for (size_t i = 0; i < contests.size(); ++i) {
    const Contest& contest = *contests[i];
    ContestBallot& cb = ballot.contests[i];
    for (size_t k = 0; k < cb.selections.size(); ++k) {
      Status held = VerifyRange(manifest.hash, SelectionContext(ballot.voter, ciphertexts, contest, contest.options[k]),
                                key, cb.selections[k].vote, 0, 1, cb.selections[k].proof);
      if (!held.ok()) return InvalidArgument(NotZeroOrOne(contest, k, held));
    }
    Status total = VerifyRange(manifest.hash, TotalContext(ballot.voter, ciphertexts, contest), key, cb.Total(),
                               contest.min, contest.max, cb.total_proof);
    if (!total.ok()) return InvalidArgument(TotalNotWithin(contest, total));
  }
  return OkStatus();
}

Status VerifyBallots(const Manifest& manifest, const Point& key, std::span<BallotToCheck> ballots) {
  BatchCheck batch(key);
  for (size_t b = 0; b < ballots.size(); ++b) {
    Ballot& ballot = *ballots[b].ballot;
    const std::string which = "ballot " + std::to_string(b) + ": ";
    auto contests = CheckShape(manifest, ballots[b].district, ballot);
    if (!contests.ok()) return InvalidArgument(which + contests.status().message());
    const std::string ciphertexts = CiphertextsHash(ballot.contests);
    for (size_t i = 0; i < contests->size(); ++i) {
      const Contest& contest = *(*contests)[i];
      ContestBallot& cb = ballot.contests[i];
      std::vector<Ciphertext> all;
      for (size_t k = 0; k < cb.selections.size(); ++k) {
        auto& s = cb.selections[k];
        Status shape =
            CompleteRange(manifest.hash, SelectionContext(ballot.voter, ciphertexts, contest, contest.options[k]), key,
                          s.vote, 0, 1, s.proof);
        if (!shape.ok()) return InvalidArgument(which + NotZeroOrOne(contest, k, shape));
        batch.AddRange(std::span(&s.vote, 1), 0, s.proof);
        all.push_back(s.vote);
      }
      Status shape = CompleteRange(manifest.hash, TotalContext(ballot.voter, ciphertexts, contest), key, cb.Total(),
                                   contest.min, contest.max, cb.total_proof);
      if (!shape.ok()) return InvalidArgument(which + TotalNotWithin(contest, shape));
      batch.AddRange(all, contest.min, cb.total_proof);
    }
  }
  if (batch.Holds()) return OkStatus();
  // Something does not hold: find it, one ballot at a time.
  for (size_t b = 0; b < ballots.size(); ++b) {
    Status one = VerifyBallot(manifest, key, ballots[b].district, *ballots[b].ballot);
    if (!one.ok()) return InvalidArgument("ballot " + std::to_string(b) + ": " + one.message());
  }
  return Internal("the batch of ballots does not hold, yet each ballot does");
}

Result<std::vector<Choice>> OpenBallot(const Manifest& manifest, const Point& key, const Ballot& ballot,
                                       const BallotRandomness& randomness) {
  if (randomness.size() != ballot.contests.size()) return InvalidArgument("the randomness is not this ballot's");
  std::vector<Choice> out;
  for (size_t i = 0; i < ballot.contests.size(); ++i) {
    const ContestBallot& cb = ballot.contests[i];
    const Contest* contest = manifest.FindContest(cb.contest);
    if (!contest || randomness[i].size() != cb.selections.size() || cb.selections.size() != contest->options.size()) {
      return InvalidArgument("the randomness is not this ballot's");
    }
    Choice choice{cb.contest, {}};
    for (size_t k = 0; k < cb.selections.size(); ++k) {
      auto m = OpenWithRandomness(cb.selections[k].vote, key, randomness[i][k], 1);
      if (!m)
        return InvalidArgument("contest " + cb.contest + ", option " + contest->options[k].id +
                               ": the randomness does not open it");
      if (*m == 1) choice.selected.push_back(contest->options[k].id);
    }
    out.push_back(std::move(choice));
  }
  return out;
}

Result<std::vector<Choice>> OpenCheckedBallot(const Manifest& manifest, const Point& key, Ballot& ballot,
                                              const BallotRandomness& randomness) {
  if (ballot.contests.empty()) return InvalidArgument("the ballot has no contests");
  const Contest* first = manifest.FindContest(ballot.contests[0].contest);
  if (!first) return InvalidArgument("contest " + ballot.contests[0].contest + " is not the election's");
  Status proofs = VerifyBallot(manifest, key, first->district, ballot);
  if (!proofs.ok()) {
    return InvalidArgument("the ballot's proofs do not hold under the election key given for the check: " +
                           proofs.message());
  }
  return OpenBallot(manifest, key, ballot, randomness);
}

std::string BallotToJson(const Ballot& ballot) {
  Json contests = Json::array();
  for (const auto& cb : ballot.contests) {
    Json selections = Json::array();
    for (const auto& s : cb.selections) {
      selections.push_back(
          {{"alpha", ElementJson(s.vote.alpha)}, {"beta", ElementJson(s.vote.beta)}, {"proof", ProofJson(s.proof)}});
    }
    contests.push_back(
        {{"contest", cb.contest}, {"selections", selections}, {"total_proof", ProofJson(cb.total_proof)}});
  }
  Json j = {{"format", "riik-ballot-v1"},
            {"election", HexEncode(ballot.election)},
            {"voter", ballot.voter},
            {"contests", contests}};
  return j.dump();  // nlohmann sorts keys and adds no whitespace: canonical JSON
}

Result<Ballot> ParseBallot(std::string_view json) {
  ASSIGN_OR_RETURN(Json j, ParseJson(json, JsonLimits{kMaxBallotBytes, 8}));
  ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, "ballot", {"format", "election", "voter", "contests"}));
  ASSIGN_OR_RETURN(std::string format, f.Text("format", 32));
  if (format != "riik-ballot-v1") return InvalidArgument("ballot.format is not riik-ballot-v1");
  Ballot b;
  ASSIGN_OR_RETURN(Digest election, f.Hash("election"));
  b.election = DigestBytes(election);
  ASSIGN_OR_RETURN(b.voter, f.Text("voter", kMaxVoterIdBytes));
  if (b.voter.empty()) return InvalidArgument("ballot.voter is empty");
  ASSIGN_OR_RETURN(const Json* contests, f.Array("contests", kMaxContests));
  for (size_t i = 0; i < contests->size(); ++i) {
    ASSIGN_OR_RETURN(ContestBallot cb,
                     ParseContestBallot((*contests)[i], "ballot.contests[" + std::to_string(i) + "]"));
    b.contests.push_back(std::move(cb));
  }
  return b;
}

std::string BallotHash(std::string_view ballot_json) { return DigestBytes(Sha256(ballot_json)); }

std::string RandomnessToJson(const BallotRandomness& randomness) {
  Json out = Json::array();
  for (const auto& contest : randomness) {
    Json scalars = Json::array();
    for (const Scalar& r : contest) scalars.push_back(Base64Encode(r.Bytes()));
    out.push_back(std::move(scalars));
  }
  return out.dump();
}

Result<BallotRandomness> ParseRandomness(std::string_view json) {
  const std::string what = "the ballot's randomness is a JSON array of arrays of base64 scalars";
  if (json.size() > 64 * 1024) return InvalidArgument("the ballot's randomness is too long");
  auto parsed = ParseJson(json);
  if (!parsed.ok() || !parsed->is_array() || parsed->size() > kMaxContests) return InvalidArgument(what);
  BallotRandomness out;
  for (const Json& contest : *parsed) {
    if (!contest.is_array() || contest.size() > kMaxOptions) return InvalidArgument(what);
    std::vector<Scalar> scalars;
    for (const Json& r : contest) {
      if (!r.is_string()) return InvalidArgument(what);
      auto bytes = CanonicalBase64Decode(r.get<std::string>());
      if (!bytes.ok()) return InvalidArgument(what);
      auto scalar = DecodeScalar(*bytes);
      if (!scalar.ok()) return InvalidArgument("the ballot's randomness: " + scalar.status().message());
      scalars.push_back(*scalar);
    }
    out.push_back(std::move(scalars));
  }
  return out;
}

}  // namespace riik::election
