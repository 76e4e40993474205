// The counting rules over the board.
#include "election/board_count.h"

#include <algorithm>
#include <thread>

#include "election/fast_check.h"

namespace riik::election {

Status BoardCounter::Add(std::string_view leaf) {
  const std::string where = "board entry " + std::to_string(index_);
  if (leaf.size() > kMaxBoardEntryBytes) return InvalidArgument(where + " is too long");
  auto entry = ParseBoardEntry(leaf);
  if (!entry.ok()) return InvalidArgument(where + ": " + entry.status().message());
  RETURN_IF_ERROR(AddEntry(*entry, where));
  frontier_.Append(ledger::LeafHash(leaf));
  ++index_;
  return OkStatus();
}

Status BoardCounter::AddEntry(const BoardEntry& entry, const std::string& where) {
  if (closed_) return InvalidArgument(where + ": an entry after the board's closing");
  if (entry.time_us < last_time_) return InvalidArgument(where + ": its time goes back before the entry before it");
  last_time_ = entry.time_us;
  if (!opened_) {
    if (entry.kind != EntryKind::kOpening)
      return InvalidArgument(where + ": the board does not start with its opening");
    if (entry.election != manifest_.hash) return InvalidArgument(where + ": the opening is for another manifest");
    if (!(entry.key == key_)) return InvalidArgument(where + ": the opening's key is not the ceremony's election key");
    if (entry.voter_list_root != voters_.Root()) {
      return InvalidArgument(where + ": the opening commits to another voter list");
    }
    opened_ = true;
    return OkStatus();
  }
  switch (entry.kind) {
    case EntryKind::kOpening:
      return InvalidArgument(where + ": a second opening");
    case EntryKind::kBallot:
      return AddBallot(entry, where);
    case EntryKind::kCancel: {
      if (!voters_.DistrictOf(entry.voter)) return InvalidArgument(where + ": cancels for a voter not on the list");
      state_[entry.voter].cancelled = true;
      return OkStatus();
    }
    case EntryKind::kRefused:
      ++refused_;
      return OkStatus();
    case EntryKind::kClosing:
      if (entry.time_us < manifest_.closes) {
        return InvalidArgument(where + ": the board is closed before the polls close (" + FormatRfc3339(entry.time_us) +
                               ")");
      }
      closed_ = true;
      return OkStatus();
  }
  return InvalidArgument(where + ": an unknown kind");
}

Status BoardCounter::AddBallot(const BoardEntry& entry, const std::string& where) {
  const std::string* district = voters_.DistrictOf(entry.voter);
  if (!district) return InvalidArgument(where + ": a ballot from a voter not on the list");
  if (entry.time_us < manifest_.opens || entry.time_us >= manifest_.closes) {
    return InvalidArgument(where + ": a ballot registered outside the polls' window (" + FormatRfc3339(entry.time_us) +
                           ")");
  }
  auto ballot = ParseBallot(entry.ballot);
  if (!ballot.ok()) return InvalidArgument(where + ": " + ballot.status().message());
  if (ballot->voter != entry.voter) return InvalidArgument(where + ": the ballot is another voter's");
  VoterState& state = state_[entry.voter];
  if (state.cancelled) return InvalidArgument(where + ": a ballot after the voter's i-votes were cancelled");
  superseded_ += state.has_ballot ? 1 : 0;
  state.has_ballot = true;
  state.ballot.clear();
  for (const auto& contest : ballot->contests) {
    std::vector<Ciphertext> selections;
    for (const auto& s : contest.selections) selections.push_back(s.vote);
    state.ballot.push_back(std::move(selections));
  }
  ++ballots_;
  // The proofs are checked in batches (a board whose ballot does not hold is refused
  // whole, so when does not matter, only that every one is).
  pending_.push_back({index_, *district, std::move(*ballot)});
  pending_bytes_ += entry.ballot.size();
  constexpr size_t kBatch = 256, kBatchBytes = 16 << 20;  // ballots, and their JSON
  return pending_.size() >= kBatch || pending_bytes_ >= kBatchBytes ? CheckPending() : OkStatus();
}

BoardCounter::BoardCounter(const Manifest& manifest, const Point& key, const VoterList& voters, unsigned threads)
    : manifest_(manifest), key_(key), voters_(voters) {
  threads_ = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
}

BoardCounter::~BoardCounter() {
  for (auto& f : checking_) f.wait();  // a board abandoned half-way: its threads end first
}

Status BoardCounter::CheckBatch(const Manifest& manifest, const Point& key, std::vector<Pending>& pending) {
  std::vector<BallotToCheck> batch;
  for (auto& p : pending) batch.push_back({p.district, &p.ballot});
  if (Status all = VerifyBallots(manifest, key, batch); !all.ok()) {
    for (auto& p : pending) {  // name the entry of the first that does not hold
      Status one = VerifyBallot(manifest, key, p.district, p.ballot);
      if (!one.ok()) return InvalidArgument("board entry " + std::to_string(p.index) + ": " + one.message());
    }
    return all;  // a batch that fails while each holds: never hidden
  }
  return OkStatus();
}

Status BoardCounter::WaitOldest() {
  Status verdict = checking_.front().get();
  checking_.pop_front();
  return verdict;
}

Status BoardCounter::CheckPending() {
  if (pending_.empty()) return OkStatus();
  while (checking_.size() >= threads_) RETURN_IF_ERROR(WaitOldest());
  checking_.push_back(std::async(std::launch::async, [this, batch = std::move(pending_)]() mutable {
    return CheckBatch(manifest_, key_, batch);
  }));
  pending_.clear();
  pending_bytes_ = 0;
  return OkStatus();
}

Result<BoardCount> BoardCounter::Finish() {
  RETURN_IF_ERROR(CheckPending());
  while (!checking_.empty()) RETURN_IF_ERROR(WaitOldest());
  if (!opened_) return FailedPrecondition("the board has no opening entry");
  if (!closed_) return FailedPrecondition("the board has no closing entry: it is not final, and nothing is counted");
  BoardCount out;
  out.entries = index_;
  out.board_root = DigestBytes(frontier_.Root());
  out.ballots = ballots_;
  out.superseded = superseded_;
  out.refused = refused_;
  // The sums, added on decoded points (fast_check.h) and encoded once.
  std::vector<std::vector<std::pair<PointSum, PointSum>>> sums;
  for (const auto& contest : manifest_.contests) {
    out.sums.push_back({contest.id, {}, 0});
    sums.emplace_back(contest.options.size());
  }
  for (const auto& [voter, state] : state_) {
    if (state.cancelled) {
      out.cancelled += state.has_ballot ? 1 : 0;
      continue;
    }
    if (!state.has_ballot) continue;
    ++out.counted;
    // The voter's district's contests, in the manifest's order, as the ballot holds them.
    const std::string& district = *voters_.DistrictOf(voter);
    size_t k = 0;
    for (size_t c = 0; c < manifest_.contests.size(); ++c) {
      if (manifest_.contests[c].district != district) continue;
      const auto& selections = state.ballot[k++];
      for (size_t o = 0; o < selections.size(); ++o) {
        sums[c][o].first.Add(selections[o].alpha);
        sums[c][o].second.Add(selections[o].beta);
      }
      ++out.sums[c].ballots;
    }
  }
  for (size_t c = 0; c < sums.size(); ++c) {
    for (const auto& [alpha, beta] : sums[c]) out.sums[c].options.push_back({alpha.Total(), beta.Total()});
  }
  return out;
}

}  // namespace riik::election
