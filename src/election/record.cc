// Writing the election record, and verifying it from nothing but its files.
#include "election/record.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/clock.h"
#include "core/encoding.h"
#include "core/file.h"
#include "crypto/json_fields.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "election/record_json.h"
#include "ledger/merkle_frontier.h"
#include "transparency/tree_head.h"
#include "trust/chain_checks.h"

namespace riik::election {
namespace {

// Prefixes an error with the record file it concerns.
Status In(std::string_view file, const Status& st) {
  return st.ok() ? st : Status(st.code(), std::string(file) + ": " + st.message());
}

template <typename T>
Result<T> In(std::string_view file, Result<T> r) {
  if (r.ok()) return r;
  return In(file, r.status());
}

// A published head of the board: its log and its signature checked, and when the TSA
// timestamped it, the token checked and its time.
struct PublishedHead {
  transparency::SignedTreeHead head;
  UnixMicros stamped_at = 0;  // the token's genTime; 0 without one
};

// The chain that signs a run of heads: a head's line carries "certificates" when its
// signer's chain is not the one before it, so a chain is written, parsed and checked once
// for its run. It is checked at the run's first and last head's times: each certificate
// is valid over one interval, so valid at both ends is valid in between.
struct HeadSigner {
  std::vector<UniquePtr<X509>> chain;
  std::vector<UniquePtr<X509>> intermediates;  // the chain's CAs: the TSA's may be among them
  std::string subject;
  size_t first = 0;  // the run's first head
  UnixMicros from = 0, until = 0;
};

constexpr size_t kMaxHeadLineBytes = 64 * 1024;
constexpr size_t kMaxTokenBytes = 16 * 1024;
constexpr UnixMicros kHeadClockSkew = 5 * 60'000'000LL;  // between the vote server's clock and the TSA's

// A record's file, read line by line: only a regular file (not a FIFO that never ends,
// not a directory).
Result<std::ifstream> OpenRegularFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return NotFound("not there, or not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot be read");
  return in;
}

Status CheckSigner(const HeadSigner& s, size_t last, X509* trust_root) {
  const std::string what = "head " + std::to_string(s.first) + "'s signer";
  RETURN_IF_ERROR(trust::VerifySignerChain(s.chain, trust_root, s.from, what));
  if (s.until != s.from) {
    RETURN_IF_ERROR(
        trust::VerifySignerChain(s.chain, trust_root, s.until, what + ", at head " + std::to_string(last) + "'s time"));
  }
  return OkStatus();
}

Result<HeadSigner> ParseSigner(const JsonFields& f, const std::string& what, const Manifest& manifest) {
  ASSIGN_OR_RETURN(std::vector<std::string> pems, f.Texts("certificates", 8, 16 * 1024));
  HeadSigner out;
  ASSIGN_OR_RETURN(out.chain, trust::ParseCertificateChain(pems));
  if (out.chain.empty()) return InvalidArgument(what + ".certificates is empty");
  // One path, each certificate issued by the next: the same path is checked at both ends.
  for (size_t i = 0; i + 1 < out.chain.size(); ++i) {
    if (X509_check_issued(out.chain[i + 1].get(), out.chain[i].get()) != X509_V_OK) {
      return InvalidArgument(what + ".certificates[" + std::to_string(i + 1) + "] did not issue the one before it");
    }
  }
  for (size_t i = 1; i < out.chain.size(); ++i) {
    X509_up_ref(out.chain[i].get());
    out.intermediates.emplace_back(out.chain[i].get());
  }
  if (DigestBytes(Sha256(PublicKeyDer(X509_get0_pubkey(out.chain[0].get())))) != manifest.board_key) {
    return DataLoss(what + " is signed by " + SubjectString(out.chain[0].get()) +
                    ", whose key is not the board key the manifest names");
  }
  out.subject = SubjectString(out.chain[0].get());
  return out;
}

// The heads, oldest first, each signed by the board key; every signer's chain checked.
// `signer`: the last head's signer.
Result<std::vector<PublishedHead>> ReadHeads(const std::string& path, const Manifest& manifest, X509* trust_root,
                                             std::string& signer) {
  ASSIGN_OR_RETURN(std::ifstream in, OpenRegularFile(path));
  std::vector<PublishedHead> heads;
  std::optional<HeadSigner> current;
  std::vector<char> line(kMaxHeadLineBytes + 2);
  while (in.getline(line.data(), static_cast<std::streamsize>(line.size()))) {
    const std::string what = "head " + std::to_string(heads.size());
    if (in.eof()) return InvalidArgument("its last line does not end with a newline");
    ASSIGN_OR_RETURN(Json j, ParseJson(std::string_view(line.data(), static_cast<size_t>(in.gcount()) - 1),
                                       JsonLimits{kMaxHeadLineBytes, 6}));
    ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, what, {"head"}, {"certificates", "timestamp"}));
    const bool with_chain = f.Has("certificates"), stamped = f.Has("timestamp");
    if (with_chain) {
      if (current) RETURN_IF_ERROR(CheckSigner(*current, heads.size() - 1, trust_root));
      ASSIGN_OR_RETURN(current, ParseSigner(f, what, manifest));
      current->first = heads.size();
    } else if (!current) {
      return InvalidArgument(what + " has no certificates, and no head before it does");
    }
    PublishedHead head;
    ASSIGN_OR_RETURN(head.head, transparency::TreeHeadFromJson(f["head"], what + ".head"));
    if (head.head.log_id != BoardLogId(manifest))
      return InvalidArgument(what + " is a head of log " + head.head.log_id);
    Status signature = transparency::VerifyTreeHeadSignature(head.head, current->chain[0].get());
    if (!signature.ok()) return DataLoss(what + ": " + signature.message());
    if (stamped) {
      ASSIGN_OR_RETURN(std::string token, f.Base64("timestamp", kMaxTokenBytes));
      ASSIGN_OR_RETURN(Digest imprint, transparency::TimestampImprint(head.head));
      Result<trust::TimestampInfo> info =
          trust::VerifyTimestampToken(token, imprint, trust_root, current->intermediates);
      if (!info.ok()) return DataLoss(what + ".timestamp: " + info.status().message());
      // A head dated after the TSA saw it is a head dated into the future (whose entries
      // the window would then leave open to rewriting until that date); clocks may differ.
      if (info->gen_time < head.head.time_us - kHeadClockSkew) {
        return DataLoss(what + " is dated " + FormatRfc3339(head.head.time_us) + ", after its timestamp (" +
                        FormatRfc3339(info->gen_time) + ")");
      }
      head.stamped_at = info->gen_time;
    }
    if (!heads.empty() && head.head.tree_size <= heads.back().head.tree_size) {
      return InvalidArgument(what + " does not cover more entries than the one before it");
    }
    if (!heads.empty() && head.head.time_us < heads.back().head.time_us) {
      return InvalidArgument(what + " is dated before the one before it");
    }
    if (current->first == heads.size()) current->from = head.head.time_us;
    current->until = head.head.time_us;
    heads.push_back(std::move(head));
  }
  if (in.bad()) return Internal("reading stopped at head " + std::to_string(heads.size()));
  if (!in.eof()) return InvalidArgument("head " + std::to_string(heads.size()) + " is too long");
  if (heads.empty()) return InvalidArgument("no signed head");
  RETURN_IF_ERROR(CheckSigner(*current, heads.size() - 1, trust_root));
  signer = current->subject;
  return heads;
}

}  // namespace

std::string BoardLogId(const Manifest& manifest) { return "election:" + manifest.id; }

Status WriteRecord(const std::string& dir, const ElectionRecord& record) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Internal("making " + dir + ": " + ec.message());
  std::string board, heads;
  for (const auto& leaf : record.board) board += leaf + "\n";
  for (const auto& head : record.board_heads) heads += head + "\n";
  for (const auto& [name, text] :
       std::vector<std::pair<std::string, std::string>>{{"manifest.json", record.manifest_json},
                                                        {"ceremony.json", CeremonyToJson(record.ceremony)},
                                                        {"voters.jsonl", record.voters.ToJsonLines()},
                                                        {"board.jsonl", board},
                                                        {"board_heads.jsonl", heads},
                                                        {"tally.json", TallyToJson(record.tally)}}) {
    RETURN_IF_ERROR(WriteFileAtomic(dir + "/" + name, text, /*secret=*/false));
  }
  return OkStatus();
}

Result<RecordReport> CountRecord(const std::string& dir, X509* trust_root,
                                 const std::function<void(uint64_t)>& progress) {
  RecordReport report;
  ASSIGN_OR_RETURN(std::string manifest_text,
                   In("manifest.json", ReadFileBounded(dir + "/manifest.json", kMaxManifestBytes)));
  ASSIGN_OR_RETURN(report.manifest, In("manifest.json", ParseManifest(manifest_text)));
  const Manifest& manifest = report.manifest;

  ASSIGN_OR_RETURN(std::string ceremony_text, In("ceremony.json", ReadFileBounded(dir + "/ceremony.json", 1 << 20)));
  ASSIGN_OR_RETURN(report.ceremony, In("ceremony.json", ParseCeremony(ceremony_text)));
  const auto& ceremony = report.ceremony;
  if (ceremony.size() != manifest.trustees) {
    return InvalidArgument("ceremony.json: " + std::to_string(ceremony.size()) + " trustees; the manifest has " +
                           std::to_string(manifest.trustees));
  }
  for (const auto& t : ceremony)
    RETURN_IF_ERROR(In("ceremony.json", VerifyCommitments(manifest.hash, manifest.threshold, t)));
  const Point key = ElectionKey(ceremony);

  ASSIGN_OR_RETURN(std::string voters_text,
                   In("voters.jsonl", ReadFileBounded(dir + "/voters.jsonl", uintmax_t{1} << 30)));
  ASSIGN_OR_RETURN(VoterList voters, In("voters.jsonl", VoterList::FromJsonLines(voters_text, manifest)));
  report.voters = voters.size();

  std::string signer;
  ASSIGN_OR_RETURN(auto heads,
                   In("board_heads.jsonl", ReadHeads(dir + "/board_heads.jsonl", manifest, trust_root, signer)));
  ASSIGN_OR_RETURN(std::ifstream board, In("board.jsonl", OpenRegularFile(dir + "/board.jsonl")));
  BoardCounter counter(manifest, key, voters);
  size_t next_head = 0;
  // With the manifest's board_timestamped_within: the first timestamped head at or after
  // each entry, which must be no later than that after the entry's time.
  size_t next_stamp = 0;
  auto stamp_for = [&](uint64_t index) -> const PublishedHead* {
    while (next_stamp < heads.size() &&
           (heads[next_stamp].stamped_at == 0 || heads[next_stamp].head.tree_size <= static_cast<int64_t>(index))) {
      ++next_stamp;
    }
    return next_stamp < heads.size() ? &heads[next_stamp] : nullptr;
  };
  // Lines read into a buffer of bounded size: a longer one is refused, not held.
  std::vector<char> line(kMaxBoardEntryBytes + 2);
  while (board.getline(line.data(), static_cast<std::streamsize>(line.size()))) {
    const uint64_t index = counter.size();
    if (board.eof()) return InvalidArgument("board.jsonl: its last line does not end with a newline");
    RETURN_IF_ERROR(
        In("board.jsonl", counter.Add(std::string_view(line.data(), static_cast<size_t>(board.gcount()) - 1))));
    if (manifest.board_timestamped_within > 0) {
      const PublishedHead* stamp = stamp_for(index);
      if (!stamp) {
        return DataLoss("board.jsonl: entry " + std::to_string(index) +
                        " is covered by no head the TSA timestamped, which the manifest requires");
      }
      if (stamp->stamped_at - manifest.board_timestamped_within > counter.last_time()) {
        return DataLoss("board.jsonl: entry " + std::to_string(index) + " (" + FormatRfc3339(counter.last_time()) +
                        ") was first timestamped at " + FormatRfc3339(stamp->stamped_at) + ", more than the " +
                        std::to_string(manifest.board_timestamped_within / 1'000'000) +
                        " s the manifest allows: the board's history there rests on the operator's word");
      }
      ++report.timestamped_entries;
    }
    if (next_head < heads.size() && heads[next_head].head.tree_size == static_cast<int64_t>(counter.size())) {
      const auto& head = heads[next_head].head;
      if (head.root != counter.Root()) {
        return DataLoss("board.jsonl: the first " + std::to_string(counter.size()) +
                        " entries are not those signed head " + std::to_string(next_head) +
                        " covered: entries were changed, dropped or reordered");
      }
      if (counter.last_time() > head.time_us) {
        return DataLoss("board.jsonl: signed head " + std::to_string(next_head) +
                        " is dated before the entries it covers");
      }
      ++next_head;
    }
    if (progress && (index + 1) % 1000 == 0) progress(index + 1);
  }
  if (board.bad()) return Internal("board.jsonl: reading stopped at entry " + std::to_string(counter.size()));
  if (!board.eof()) {
    return InvalidArgument("board.jsonl: entry " + std::to_string(counter.size()) + " is too long");
  }
  const uint64_t leaves = counter.size();
  if (progress) progress(leaves);
  if (next_head < heads.size()) {
    return DataLoss("board.jsonl has " + std::to_string(leaves) + " entries; signed head " + std::to_string(next_head) +
                    " covered " + std::to_string(heads[next_head].head.tree_size) + ": entries were dropped");
  }
  if (heads.back().head.tree_size != static_cast<int64_t>(leaves)) {
    return DataLoss("board.jsonl has " + std::to_string(leaves - heads.back().head.tree_size) +
                    " entries that no signed head covers");
  }
  ASSIGN_OR_RETURN(report.count, In("board.jsonl", counter.Finish()));
  report.board_root = HexEncode(report.count.board_root);
  report.board_signer = signer;
  for (const PublishedHead& h : heads) report.timestamps += h.stamped_at != 0;

  return report;
}

Result<RecordReport> VerifyRecord(const std::string& dir, X509* trust_root,
                                  const std::function<void(uint64_t)>& progress) {
  ASSIGN_OR_RETURN(RecordReport report, CountRecord(dir, trust_root, progress));
  ASSIGN_OR_RETURN(std::string tally_text, In("tally.json", ReadFileBounded(dir + "/tally.json", 128 << 20)));
  ASSIGN_OR_RETURN(report.tally, In("tally.json", ParseTally(tally_text)));
  RETURN_IF_ERROR(In("tally.json", VerifyTally(report.manifest, report.ceremony, report.count, report.tally)));
  return report;
}

}  // namespace riik::election
