// Ballots checked per second against the bare group operations that checking needs,
// measured in the same run (issue 19's benchmark, first part: the cast checks; the
// tally, the full verification and the record's size come with the election record).
//
//   build/release/bench/election_bench [SECONDS] [OPTIONS]
//
// One contest of OPTIONS (default 10) options, one choice. A ballot's check is
// OPTIONS 0-or-1 proofs and one proof of the total: per option 2 fixed-base and 6
// variable-base scalar multiplications, per ballot 1 and 3 more, and 7·OPTIONS+3 point
// additions (the small multiples j·G come from a table). The ratio says how close the check is to that floor; the
// projection says what 1,000,000 ballots would take on this machine's cores.
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "bench_util.h"
#include "election/ballot.h"
#include "election/fast_check.h"

namespace riik::election {
namespace {

std::string ManifestJson(int options) {
  std::string opts;
  for (int k = 0; k < options; ++k) {
    opts += std::string(k ? "," : "") + R"({"id":")" + std::to_string(100 + k) + R"(","name":"Candidate )" +
            std::to_string(k) + R"(","party":""})";
  }
  return R"({"format":"riik-election-v1","id":"bench","title":"Benchmark","opens":"2027-02-24T07:00:00Z",)"
         R"("closes":"2027-03-01T18:00:00Z","election_day":"2027-03-05","voter_list_cutoff":"2027-01-04",)"
         R"("minimum_age":18,"citizenship":"EST","trustees":5,"threshold":3,"board_key":")" +
         std::string(64, '0') +
         R"(",)"
         R"("districts":[{"id":"1","name":"Everywhere","counties":["Harju maakond"]}],)"
         R"("contests":[{"id":"c","district":"1","title":"Contest","min":1,"max":1,"options":[)" +
         opts + "]}]}";
}

}  // namespace
}  // namespace riik::election

int main(int argc, char** argv) {
  using namespace riik::election;
  using riik::bench::Must;
  using riik::bench::Rate;
  const double seconds = argc > 1 ? std::atof(argv[1]) : 3;
  const int options = argc > 2 ? std::atoi(argv[2]) : 10;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const Manifest manifest = Must(ParseManifest(ManifestJson(options)), "the benchmark's manifest");
  const Point key = BaseTimes(Scalar::Random());

  // The bare operations, one core.
  const Scalar k = Scalar::Random();
  Point p = BaseTimes(Scalar::Random());
  const double var_rate = Rate(1, seconds, [&] { return !(k * p).IsIdentity(); });
  const double base_rate = Rate(1, seconds, [&] { return !BaseTimes(k).IsIdentity(); });
  const Point q = BaseTimes(Scalar::Random());
  const double add_rate = Rate(1, seconds, [&] {
    p = p + q;
    return true;
  });
  std::printf(
      "ristretto255 (libsodium), one core: %.0f variable-base and %.0f fixed-base scalar multiplications/s, "
      "%.0f additions/s\n",
      var_rate, base_rate, add_rate);

  // Ballots: a pool made once, checked over and over.
  std::vector<std::string> pool;
  for (int i = 0; i < 64; ++i) {
    const std::vector<Choice> choice = {{"c", {std::to_string(100 + i % options)}}};
    auto cast = Must(EncryptBallot(manifest, key, "voter-" + std::to_string(i), "1", choice), "encrypting");
    pool.push_back(BallotToJson(cast.ballot));
  }
  std::atomic<size_t> next{0};
  const std::vector<Choice> choice = {{"c", {"100"}}};
  const double encrypt_rate = Rate(1, seconds, [&] { return EncryptBallot(manifest, key, "voter", "1", choice).ok(); });
  auto check = [&] {
    auto ballot = ParseBallot(pool[next++ % pool.size()]);
    return ballot.ok() && VerifyBallot(manifest, key, "1", *ballot).ok();
  };
  const double check_one = Rate(1, seconds, check);
  const double check_all = Rate(cores, seconds, check);
  // The same checks with the proofs of 256 ballots in one batch (batch_check.h), as the
  // board's counter and the record's verifier do.
  constexpr int kBatch = 256;
  auto check_batch = [&] {
    std::vector<Ballot> ballots;
    for (int i = 0; i < kBatch; ++i) {
      auto ballot = ParseBallot(pool[next++ % pool.size()]);
      if (!ballot.ok()) return false;
      ballots.push_back(std::move(*ballot));
    }
    std::vector<BallotToCheck> batch;
    for (auto& b : ballots) batch.push_back({"1", &b});
    return VerifyBallots(manifest, key, batch).ok();
  };
  const double batch_one = Rate(1, seconds, check_batch) * kBatch;
  const double batch_all = Rate(cores, seconds, check_batch) * kBatch;
  if (encrypt_rate < 0 || check_one < 0 || check_all < 0 || batch_one < 0 || batch_all < 0) {
    riik::bench::Die("a ballot did not encrypt or check");
  }

  const double floor_s =
      (2.0 * options + 1) / base_rate + (6.0 * options + 3) / var_rate + (7.0 * options + 3) / add_rate;
  const double floor_rate = 1 / floor_s;
  std::printf("one contest, %d options, one choice; ballot JSON %zu bytes\n", options, pool[0].size());
  std::printf("encrypting (with proofs), one core: %.0f ballots/s\n", encrypt_rate);
  std::printf(
      "checking (parse + every proof), one core: %.0f ballots/s; the same operations one by one at libsodium's rates "
      "%.0f/s: ratio %.2f\n",
      check_one, floor_rate, check_one / floor_rate);
  std::printf("checking on %d cores: %.0f ballots/s: 1,000,000 ballots in %.1f min\n", cores, check_all,
              1e6 / check_all / 60);
  std::printf(
      "checking in batches of %d, one core: %.0f ballots/s (%.2fx one by one, %.2fx libsodium's rates); "
      "on %d cores: %.0f ballots/s: 1,000,000 ballots in %.1f min\n",
      kBatch, batch_one, batch_one / check_one, batch_one / floor_rate, cores, batch_all, 1e6 / batch_all / 60);
  // The tally's sums: every counted ballot's α and β added into its option's sum, on
  // decoded points (PointSum, as the board's counter does) against libsodium's additions.
  PointSum sum;
  const double sum_rate = Rate(1, seconds, [&] {
    sum.Add(q);
    return true;
  });
  std::printf(
      "adding 1,000,000 ballots' ciphertexts into the tally (2 points per option), one core: %.1f min "
      "(%.0f points/s; with libsodium's additions %.1f min)\n",
      1e6 * 2 * options / sum_rate / 60, sum_rate, 1e6 * 2 * options / add_rate / 60);
  return 0;
}
