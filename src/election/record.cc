// Writing the election record, and verifying it from nothing but its files.
#include "election/record.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/file.h"
#include "crypto/json_fields.h"
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
  Status signature = transparency::VerifyTreeHeadSignature(out.head, chain[0].get());
  if (!signature.ok()) return DataLoss(what + ": " + signature.message());
  RETURN_IF_ERROR(trust::VerifySignerChain(chain, trust_root, out.head.time_us, what + "'s signer"));
  out.signer = SubjectString(chain[0].get());
  return out;
}

Result<std::vector<PublishedHead>> ReadHeads(const std::string& path, const Manifest& manifest, X509* trust_root) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
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
  ASSIGN_OR_RETURN(std::string manifest_text, In("manifest.json", ReadFile(dir + "/manifest.json")));
  ASSIGN_OR_RETURN(report.manifest, In("manifest.json", ParseManifest(manifest_text)));
  const Manifest& manifest = report.manifest;

  ASSIGN_OR_RETURN(std::string ceremony_text, In("ceremony.json", ReadFile(dir + "/ceremony.json")));
  ASSIGN_OR_RETURN(report.ceremony, In("ceremony.json", ParseCeremony(ceremony_text)));
  const auto& ceremony = report.ceremony;
  if (ceremony.size() != manifest.trustees) {
    return InvalidArgument("ceremony.json: " + std::to_string(ceremony.size()) + " trustees; the manifest has " +
                           std::to_string(manifest.trustees));
  }
  for (const auto& t : ceremony)
    RETURN_IF_ERROR(In("ceremony.json", VerifyCommitments(manifest.hash, manifest.threshold, t)));
  const Point key = ElectionKey(ceremony);

  ASSIGN_OR_RETURN(std::string voters_text, In("voters.jsonl", ReadFile(dir + "/voters.jsonl")));
  ASSIGN_OR_RETURN(VoterList voters, In("voters.jsonl", VoterList::FromJsonLines(voters_text, manifest)));
  report.voters = voters.size();

  ASSIGN_OR_RETURN(auto heads, In("board_heads.jsonl", ReadHeads(dir + "/board_heads.jsonl", manifest, trust_root)));
  std::ifstream board(dir + "/board.jsonl", std::ios::binary);
  if (!board) return NotFound("board.jsonl: cannot be read");
  BoardCounter counter(manifest, key, voters);
  ledger::MerkleFrontier frontier;
  uint64_t leaves = 0;
  size_t next_head = 0;
  for (std::string line; std::getline(board, line);) {
    const std::string where = "board.jsonl: entry " + std::to_string(leaves);
    if (line.size() > kMaxBoardEntryBytes) return InvalidArgument(where + " is too long");
    frontier.Append(ledger::LeafHash(line));
    auto entry = ParseBoardEntry(line);
    if (!entry.ok()) return InvalidArgument(where + ": " + entry.status().message());
    RETURN_IF_ERROR(In("board.jsonl", counter.Add(*entry)));
    ++leaves;
    if (next_head < heads.size() && heads[next_head].head.tree_size == static_cast<int64_t>(leaves)) {
      if (heads[next_head].head.root != frontier.Root()) {
        return DataLoss("board.jsonl: the first " + std::to_string(leaves) + " entries are not those signed head " +
                        std::to_string(next_head) + " covered: entries were changed, dropped or reordered");
      }
      ++next_head;
    }
    if (progress && leaves % 1000 == 0) progress(leaves);
  }
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
  const ledger::Hash root = frontier.Root();
  report.board_root = HexEncode(std::string_view(reinterpret_cast<const char*>(root.data()), root.size()));
  report.board_signer = heads.back().signer;

  return report;
}

Result<RecordReport> VerifyRecord(const std::string& dir, X509* trust_root,
                                  const std::function<void(uint64_t)>& progress) {
  ASSIGN_OR_RETURN(RecordReport report, CountRecord(dir, trust_root, progress));
  ASSIGN_OR_RETURN(std::string tally_text, In("tally.json", ReadFile(dir + "/tally.json")));
  ASSIGN_OR_RETURN(report.tally, In("tally.json", ParseTally(tally_text)));
  RETURN_IF_ERROR(In("tally.json", VerifyTally(report.manifest, report.ceremony, report.count, report.tally)));
  return report;
}

}  // namespace riik::election
