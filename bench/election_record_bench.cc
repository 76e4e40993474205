// An election of N ballots end to end, as the record's producers and its verifiers would
// run it, against peers measured in the same run (issue 19's benchmark): casting
// (encrypting with proofs, on every core), the tally (the board counted, its sums
// decrypted by 3 of 5 trustees with proofs) and the full verification of the record
// (riik vote verify), each as the CPU of how many bare ristretto255 scalar
// multiplications per ballot; writing the record against the same bytes written plainly
// and synced; and the record's size.
//
//   build/release/bench/election_record_bench [BALLOTS] [DIR]   (DIR: a fresh one under /tmp)
//
// One contest of 10 options, one choice, every voter in one district. The 1,000,000-
// ballot figures are projected from BALLOTS (default 20,000) and said to be so.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "bench_util.h"
#include "core/encoding.h"
#include "core/file.h"
#include "core/json.h"
#include "crypto/self_signed.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "election/record.h"
#include "ledger/merkle_frontier.h"
#include "transparency/tree_head.h"

namespace riik::election {
namespace {

using bench::Die;
using bench::Must;

constexpr int kOptions = 10;
const char* kOpens = "2027-02-24T07:00:00Z";

std::string ManifestJson(const std::string& board_key) {
  std::string opts;
  for (int k = 0; k < kOptions; ++k) {
    opts += std::string(k ? "," : "") + R"({"id":")" + std::to_string(100 + k) + R"(","name":"Candidate )" +
            std::to_string(k) + R"(","party":""})";
  }
  return std::string(R"({"format":"riik-election-v1","id":"bench","title":"Benchmark","opens":")") + kOpens +
         R"(","closes":"2027-03-01T18:00:00Z","election_day":"2027-03-05","voter_list_cutoff":"2027-01-04",)"
         R"("minimum_age":18,"citizenship":"EST","trustees":5,"threshold":3,"board_key":")" +
         board_key +
         R"(","districts":[{"id":"1","name":"Everywhere","counties":["Harju maakond"]}],)"
         R"("contests":[{"id":"c","district":"1","title":"Contest","min":1,"max":1,"options":[)" +
         opts + "]}]}";
}

std::string Voter(size_t i) { return "v" + std::to_string(i); }

}  // namespace
}  // namespace riik::election

int main(int argc, char** argv) {
  using namespace riik;
  using namespace riik::election;
  const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20000;
  // A fresh private directory unless one is given: nobody else can have put anything there.
  std::string dir = argc > 2 ? argv[2] : "";
  if (dir.empty()) {
    char tmpl[] = "/tmp/riik-election-bench-XXXXXX";
    if (!mkdtemp(tmpl)) Die("making a temporary directory");
    dir = tmpl;
  }
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::filesystem::remove_all(dir);

  // The peer: libsodium's variable-base scalar multiplications per second, one core.
  const Scalar s = Scalar::Random();
  const Point p = BaseTimes(Scalar::Random());
  const double mults = bench::Rate(1, 2, [&] { return !(s * p).IsIdentity(); });

  // The election: a board signer, the manifest pinning it, a 3-of-5 ceremony, N voters.
  auto signer = Must(MakeSelfSigned("riik election board", {}), "a board signer");
  auto signer_cert = Must(ParseCertificatePem(signer.cert_pem), "its certificate");
  auto signer_key = Must(ParsePrivateKeyPem(signer.key_pem), "its key");
  const Digest key_hash = Sha256(PublicKeyDer(signer_key.get()));
  const std::string manifest_json = ManifestJson(DigestHex(key_hash));
  const Manifest manifest = Must(ParseManifest(manifest_json), "the manifest");
  std::vector<Polynomial> polys;
  std::vector<TrusteeCommitments> ceremony;
  for (uint32_t i = 1; i <= 5; ++i) {
    polys.push_back(NewPolynomial(3));
    ceremony.push_back(Commit(manifest.hash, i, polys.back()));
  }
  std::map<uint32_t, Scalar> shares;
  for (uint32_t j : {1u, 3u, 5u}) {
    for (const auto& f : polys) shares[j] = shares[j] + f.At(j);
  }
  const Point key = ElectionKey(ceremony);
  VoterList voters;
  for (size_t i = 0; i < n; ++i) {
    if (!voters.Add(Voter(i), "1").ok()) Die("the voter list");
  }

  // Casting and the board, a chunk of ballots at a time: every core encrypts the chunk's
  // ballots, then they go on the board in order, written to the record's files as they
  // come (1,000,000 ballots' board is 5.7 GB: never held at once). The board: the
  // opening, the ballots, the closing; a head signed every 10,000 entries.
  std::filesystem::create_directories(dir);
  std::ofstream board_out(dir + "/board.jsonl.part", std::ios::binary),
      heads_out(dir + "/board_heads.jsonl.part", std::ios::binary);
  if (!board_out || !heads_out) Die("writing the board into " + dir);
  const UnixMicros opens = *ParseRfc3339Utc(kOpens);
  ledger::MerkleFrontier frontier;
  uint64_t entries = 0;
  auto append = [&](const BoardEntry& e) {
    const std::string leaf = BoardEntryToLeaf(e);
    board_out << leaf << '\n';
    frontier.Append(ledger::LeafHash(leaf));
    if (++entries % 10000 == 0 || e.kind == EntryKind::kClosing) {
      transparency::SignedTreeHead head{BoardLogId(manifest), static_cast<int64_t>(entries), frontier.Root(),
                                        e.time_us + 1, ""};
      head.signature = Must(transparency::SignTreeHead(head, signer_key.get()), "signing a head");
      heads_out
          << Json{{"certificates", Json::array({signer.cert_pem})}, {"head", transparency::TreeHeadToJson(head)}}.dump()
          << '\n';
    }
  };
  append({EntryKind::kOpening, opens, "", manifest.hash, key, voters.Root(), "", "", ""});
  constexpr size_t kChunk = 10000;
  std::vector<std::string> ballots;
  double cast_s = 0, write_s = 0;
  for (size_t from = 0; from < n; from += kChunk) {
    ballots.assign(std::min(kChunk, n - from), std::string());
    auto start = std::chrono::steady_clock::now();
    std::atomic<size_t> next{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < cores; ++t) {
      workers.emplace_back([&] {
        for (size_t i; (i = next++) < ballots.size();) {
          const std::vector<Choice> choice = {{"c", {std::to_string(100 + (from + i) % kOptions)}}};
          auto cast = EncryptBallot(manifest, key, Voter(from + i), "1", choice);
          if (!cast.ok()) std::abort();
          ballots[i] = BallotToJson(cast->ballot);
        }
      });
    }
    for (auto& w : workers) w.join();
    cast_s += bench::SecondsSince(start);
    start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < ballots.size(); ++i) {
      append({EntryKind::kBallot,
              opens + 1 + static_cast<int64_t>(from + i),
              Voter(from + i),
              "",
              {},
              "",
              ballots[i],
              "",
              ""});
    }
    write_s += bench::SecondsSince(start);
  }
  ballots.clear();
  auto start = std::chrono::steady_clock::now();
  append({EntryKind::kClosing, manifest.closes, "", "", {}, "", "", "", ""});
  board_out.close();
  heads_out.close();
  if (!board_out || !heads_out) Die("writing the board into " + dir);
  // The other files; then the board's, streamed above, in their place.
  ElectionRecord record{manifest_json, ceremony, voters, {}, {}, {}};
  if (Status st = WriteRecord(dir, record); !st.ok()) Die("writing the record: " + st.message());
  for (const char* name : {"board.jsonl", "board_heads.jsonl"}) {
    std::filesystem::rename(dir + "/" + name + ".part", dir + "/" + name);
  }
  write_s += bench::SecondsSince(start);

  // The tally: the board counted from the record, each trustee's parts, combined.
  start = std::chrono::steady_clock::now();
  auto counted = Must(CountRecord(dir, signer_cert.get()), "counting the record");
  const double count_s = bench::SecondsSince(start);
  start = std::chrono::steady_clock::now();
  std::vector<TrusteeDecryption> parts;
  for (const auto& [j, x] : shares) {
    parts.push_back(Must(DecryptAsTrustee(manifest, ceremony, counted.count, j, x), "a trustee's decryption"));
  }
  record.tally = Must(CombineTally(manifest, ceremony, counted.count, parts), "the tally");
  if (Status st = WriteFileAtomic(dir + "/tally.json", TallyToJson(record.tally), false); !st.ok()) {
    Die("writing the tally: " + st.message());
  }
  const double decrypt_s = bench::SecondsSince(start);

  // The verification: riik vote verify's whole check, from the files.
  start = std::chrono::steady_clock::now();
  auto verified = Must(VerifyRecord(dir, signer_cert.get()), "verifying the record");
  const double verify_s = bench::SecondsSince(start);
  uint64_t total = 0;
  for (const auto& o : verified.tally.contests[0].options) total += o.count;
  if (total != n) Die("the tally counts " + std::to_string(total) + " of " + std::to_string(n));
  const uint64_t bytes = bench::DirBytes(dir);
  // The peer for writing: the same number of bytes written plainly to one file and synced.
  start = std::chrono::steady_clock::now();
  {
    const std::string plain_path = dir + "/plain-write";
    std::FILE* f = std::fopen(plain_path.c_str(), "wb");
    if (!f) Die("writing " + plain_path);
    const std::string block(1 << 20, 'x');
    for (uint64_t left = bytes; left > 0;) {
      const size_t part = static_cast<size_t>(std::min<uint64_t>(left, block.size()));
      if (std::fwrite(block.data(), 1, part, f) != part) Die("writing " + plain_path);
      left -= part;
    }
    if (std::fflush(f) != 0 || fsync(fileno(f)) != 0 || std::fclose(f) != 0) Die("syncing " + plain_path);
    std::filesystem::remove(plain_path);
  }
  const double plain_write_s = bench::SecondsSince(start);
  // Per ballot, CPU seconds in the unit of the peer: libsodium's scalar multiplications.
  auto in_mults = [&](double seconds, int threads) { return seconds * threads / static_cast<double>(n) * mults; };

  const double scale = 1e6 / static_cast<double>(n);
  std::printf(
      "%zu ballots, one contest of %d options, one choice; %d cores; libsodium: %.0f scalar "
      "multiplications/s on one core\n",
      n, kOptions, cores, mults);
  std::printf(
      "casting (encrypting with proofs, %d cores): %.1f s, %.0f ballots/s; per ballot the CPU of %.1f scalar "
      "multiplications\n",
      cores, cast_s, n / cast_s, in_mults(cast_s, cores));
  std::printf(
      "writing the board and the record: %.1f s; the same bytes written plainly and synced: %.2f s; ratio %.2f\n",
      write_s, plain_write_s, plain_write_s / write_s);
  std::printf(
      "tally: counting the board (every proof, in batches) %.1f s (per ballot the CPU of %.1f scalar "
      "multiplications) + 3 trustees' decryptions with proofs %.2f s\n",
      count_s, in_mults(count_s, cores), decrypt_s);
  std::printf(
      "verifying the whole record (%d cores): %.1f s, %.0f ballots/s; per ballot the CPU of %.1f libsodium "
      "scalar multiplications (a ballot's proofs take 63 checked one by one)\n",
      cores, verify_s, n / verify_s, in_mults(verify_s, cores));
  std::printf("record: %.1f MB, %.0f bytes per ballot\n", bytes / 1e6, static_cast<double>(bytes) / n);
  std::printf(
      "projected to 1,000,000 ballots (linear from %zu): tally %.1f min (goal 5), verification %.1f min "
      "(goal 15), record %.2f GB\n",
      n, (count_s + decrypt_s) * scale / 60, verify_s * scale / 60, bytes * scale / 1e9);
  std::filesystem::remove_all(dir);
  return 0;
}
