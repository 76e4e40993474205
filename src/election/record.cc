// Writing the election record, and verifying it from nothing but its files.
#include "election/record.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

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

// A published head of the board, checked on its own: log, signature, signer's chain.
struct PublishedHead {
  transparency::SignedTreeHead head;
  std::string signer;
};

Result<PublishedHead> ParsePublishedHead(std::string_view text, const std::string& what, const Manifest& manifest,
                                         X509* trust_root) {
  ASSIGN_OR_RETURN(Json j, ParseJson(text, JsonLimits{64 * 1024, 6}));
  ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, what, {"certificates", "head"}));
  ASSIGN_OR_RETURN(std::vector<std::string> pems, f.Texts("certificates", 8, 16 * 1024));
  ASSIGN_OR_RETURN(auto chain, trust::ParseCertificateChain(pems));
  if (chain.empty()) return InvalidArgument(what + ".certificates is empty");
  PublishedHead out;
  ASSIGN_OR_RETURN(out.head, transparency::TreeHeadFromJson(f["head"], what + ".head"));
  if (out.head.log_id != BoardLogId(manifest)) return InvalidArgument(what + " is a head of log " + out.head.log_id);
  const Digest key_hash = Sha256(PublicKeyDer(X509_get0_pubkey(chain[0].get())));
  if (std::string_view(reinterpret_cast<const char*>(key_hash.data()), key_hash.size()) != manifest.board_key) {
    return DataLoss(what + " is signed by " + SubjectString(chain[0].get()) +
                    ", whose key is not the board key the manifest names");
  }
  Status signature = transparency::VerifyTreeHeadSignature(out.head, chain[0].get());
  if (!signature.ok()) return DataLoss(what + ": " + signature.message());
  RETURN_IF_ERROR(trust::VerifySignerChain(chain, trust_root, out.head.time_us, what + "'s signer"));
  out.signer = SubjectString(chain[0].get());
  return out;
}

Result<std::vector<PublishedHead>> ReadHeads(const std::string& path, const Manifest& manifest, X509* trust_root) {
  ASSIGN_OR_RETURN(std::string text, ReadFileBounded(path, uintmax_t{512} << 20));
  std::vector<PublishedHead> heads;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    const std::string what = "head " + std::to_string(heads.size());
    ASSIGN_OR_RETURN(PublishedHead head,
                     ParsePublishedHead(std::string_view(text).substr(at, end - at), what, manifest, trust_root));
    if (!heads.empty() && head.head.tree_size <= heads.back().head.tree_size) {
      return InvalidArgument(what + " does not cover more entries than the one before it");
    }
    if (!heads.empty() && head.head.time_us < heads.back().head.time_us) {
      return InvalidArgument(what + " is dated before the one before it");
    }
    heads.push_back(std::move(head));
    at = end + 1;
  }
  if (heads.empty()) return InvalidArgument("no signed head");
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

  ASSIGN_OR_RETURN(std::string voters_text, In("voters.jsonl", ReadFileBounded(dir + "/voters.jsonl", uintmax_t{1} << 30)));
  ASSIGN_OR_RETURN(VoterList voters, In("voters.jsonl", VoterList::FromJsonLines(voters_text, manifest)));
  report.voters = voters.size();

  ASSIGN_OR_RETURN(auto heads, In("board_heads.jsonl", ReadHeads(dir + "/board_heads.jsonl", manifest, trust_root)));
  std::ifstream board(dir + "/board.jsonl", std::ios::binary);
  if (!board) return NotFound("board.jsonl: cannot be read");
  BoardCounter counter(manifest, key, voters);
  size_t next_head = 0;
  // Lines read into a buffer of bounded size: a longer one is refused, not held.
  std::vector<char> line(kMaxBoardEntryBytes + 2);
  while (board.getline(line.data(), static_cast<std::streamsize>(line.size()))) {
    const uint64_t index = counter.size();
    if (board.eof()) return InvalidArgument("board.jsonl: its last line does not end with a newline");
    RETURN_IF_ERROR(
        In("board.jsonl", counter.Add(std::string_view(line.data(), static_cast<size_t>(board.gcount()) - 1))));
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
  report.board_signer = heads.back().signer;

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
