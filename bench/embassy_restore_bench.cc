// embassy_restore_bench: restoring the population register holding 1.3 million citizens
// from a data embassy's archive, side by side with restic (Debian package) backing up
// and restoring the same store directory in the same run. The archive is what shipping
// leaves at an embassy (segments sealed, signed, chained; the data key wrapped to the
// master key; a snapshot in sealed chunks under a signed manifest, with its checkpoint);
// the restore is `riik embassy restore`'s (every segment checked and decrypted, every
// entry's hash checked; the snapshot written back, its journal filled in, the state
// digest met by the signed bytes), and beside it the same with the digest recomputed
// and by replaying the whole journal. Prints times, sizes and ratios.
//
// The headline compares commands with commands: the `riik embassy restore` command,
// with three of five custodians' share files (its start-up, Argon2id opening each share,
// Shamir's recombination included), against the `restic restore` command, in
// alternating rounds, each into a fresh directory; medians.
//
//   embassy_restore_bench [--count N] [--dir DIR] [--rounds R] [--riik PATH]
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_util.h"
#include "core/file.h"
#include "crypto/self_signed.h"
#include "crypto/x509.h"
#include "embassy/archive.h"
#include "embassy/checkpoint.h"
#include "embassy/custody.h"
#include "embassy/data_key.h"
#include "embassy/restore.h"
#include "embassy/segment.h"
#include "embassy/snapshot.h"
#include "registry/load.h"
#include "support/temp_dir.h"

using namespace riik;
using bench::DirBytes;
using bench::SecondsSince;
using SteadyClock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

using bench::Median;

constexpr size_t kSegmentBytes = 16 << 20;  // as the shipper's default

double Mb(uint64_t bytes) { return static_cast<double>(bytes) / 1e6; }

// Runs a shell command; its time in seconds, or a negative number if it failed.
double Timed(const std::string& command) {
  auto start = SteadyClock::now();
  int rc = std::system(command.c_str());
  if (rc != 0) {
    std::fprintf(stderr, "failed (%d): %s\n", rc, command.c_str());
    return -1;
  }
  return SecondsSince(start);
}

// Seals the whole journal of `store` into the archive at `root`, and a snapshot of it,
// as shipping would.
Status Ship(store::Store& store, const std::string& store_path, const std::string& work_dir, const std::string& root,
            const std::string& data_key, const std::string& master_public, EVP_PKEY* key, const std::string& cert_pem) {
  ASSIGN_OR_RETURN(auto archive, embassy::Archive::Open(root));
  RETURN_IF_ERROR(archive->PutSigner(store.node(), cert_pem));
  ASSIGN_OR_RETURN(std::string wrapped, embassy::WrapDataKey(data_key, master_public, store.node()));
  RETURN_IF_ERROR(archive->PutKey(store.node(), wrapped));
  std::string prev = embassy::FirstSegmentPrev();
  int64_t after = 0;
  while (true) {
    std::vector<store::JournalEntry> batch;
    size_t bytes = 0;
    while (bytes < kSegmentBytes) {
      ASSIGN_OR_RETURN(auto chunk, store.ReadJournal(after, 64));
      if (chunk.empty()) break;
      for (auto& e : chunk) {
        bytes += e.changes.size();
        after = e.seq;
        batch.push_back(std::move(e));
      }
    }
    if (batch.empty()) break;
    ASSIGN_OR_RETURN(embassy::SealedSegment sealed, embassy::SealSegment(batch, prev, data_key, key));
    RETURN_IF_ERROR(archive->Append(store.node(), sealed.bytes).status());
    prev = sealed.hash;
  }
  // The snapshot shipping takes now and then, with its checkpoint.
  ASSIGN_OR_RETURN(embassy::TakenSnapshot snapshot,
                   embassy::TakeSnapshot(store_path, store.node(), work_dir, data_key, key,
                                         [&](const store::JournalHead& head, size_t index, std::string_view bytes) {
                                           return archive->PutSnapshotChunk(store.node(), head.seq, index, bytes);
                                         }));
  RETURN_IF_ERROR(archive->PutSnapshot(store.node(), snapshot.manifest));
  return archive->PutCheckpoint(store.node(), snapshot.checkpoint);
}

}  // namespace

// The median of `v`.

// Writes the custodians' share files of `master` (3 of 5, the state root `root_der`
// sealed beside each) into `dir`; returns the --share arguments of the first three.
Result<std::string> WriteShares(const std::string& master, const std::string& root_der, const fs::path& dir) {
  std::vector<std::string> pins;
  for (int i = 1; i <= 5; ++i) pins.push_back("custodian-pin-" + std::to_string(i));
  ASSIGN_OR_RETURN(std::vector<std::string> files, embassy::SealShares(master, 3, pins, root_der));
  fs::create_directories(dir);
  std::string args;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string share = (dir / ("share-" + std::to_string(i + 1) + ".json")).string();
    const std::string pin = (dir / ("share-" + std::to_string(i + 1) + ".pin")).string();
    RETURN_IF_ERROR(WriteFileAtomic(share, files[i], true));
    RETURN_IF_ERROR(WriteFileAtomic(pin, pins[i] + "\n", true));
    if (i < 3) args += " --share " + share + ":" + pin;
  }
  return args;
}

int main(int argc, char** argv) {
  int64_t count = 1'300'000;
  int rounds = 3;
  std::string base;
  // The riik binary beside the bench directory (BUILD/riik), as make bench builds them.
  std::string riik = (fs::path(argv[0]).parent_path().parent_path() / "riik").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--count")
      count = std::stoll(argv[i + 1]);
    else if (flag == "--dir")
      base = argv[i + 1];
    else if (flag == "--rounds")
      rounds = std::atoi(argv[i + 1]);
    else if (flag == "--riik")
      riik = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: embassy_restore_bench [--count N] [--dir DIR] [--rounds R] [--riik PATH]\n");
      return 2;
    }
  }
  testing::TempDir tmp("riik-restore-bench");
  fs::path work = base.empty() ? tmp.path() : fs::path(base);
  fs::create_directories(work / "home" / "registry_population");
  const std::string node = "registry_population";
  const std::string store_dir = (work / "home" / node).string();

  // The population register, loaded once (not measured here: registry_load_bench is).
  registry::LoadOptions options;
  options.count = count;
  auto t0 = SteadyClock::now();
  auto pop = registry::GenerateFor(options);
  auto home = pop.ok() ? store::Store::Open({"sqlite:" + store_dir + "/store.db", node})
                       : Result<std::unique_ptr<store::Store>>(pop.status());
  Status loaded =
      home.ok() ? registry::LoadRegistry(registry::Kind::kPopulation, **home, *pop, options) : home.status();
  if (!loaded.ok()) {
    std::fprintf(stderr, "loading the population register: %s\n", loaded.ToString().c_str());
    return 1;
  }
  std::printf("population register: %lld citizens, %lld journal entries, loaded in %.1f s\n",
              static_cast<long long>(count), static_cast<long long>((*home)->Head().seq), SecondsSince(t0));

  // What shipping leaves at the embassy.
  std::string master = embassy::NewMasterSecret(), data_key = embassy::NewDataKey();
  auto master_public = embassy::MasterPublicKey(master);
  auto id = MakeSelfSigned("EE population register (bench)", {"localhost"}, 30);
  auto key = id.ok() ? ParsePrivateKeyPem(id->key_pem) : Result<UniquePtr<EVP_PKEY>>(id.status());
  std::string archive = (work / "embassy").string();
  t0 = SteadyClock::now();
  Status shipped = key.ok() && master_public.ok() ? Ship(**home, store_dir + "/store.db", work.string(), archive,
                                                         data_key, *master_public, key->get(), id->cert_pem)
                                                  : Internal("no keys");
  if (!shipped.ok()) {
    std::fprintf(stderr, "sealing the archive: %s\n", shipped.ToString().c_str());
    return 1;
  }
  double seal_s = SecondsSince(t0);
  (*home).reset();  // closed: restic backs up a quiet directory

  // riik: restore from the archive into a fresh store under `subdir`, timed; the
  // variants must give the default's state digest.
  embassy::RestoreOptions r;
  r.node_dir = archive + "/" + node;
  r.node = node;
  r.master_secret = master;
  r.trust_root_pem = id->cert_pem;  // the bench's signer is its own root
  auto restore_into = [&](const std::string& subdir, embassy::RestoreOptions o, double& seconds) {
    fs::create_directories(work / subdir);
    o.store_url = "sqlite:" + (work / subdir / "store.db").string();
    auto started = SteadyClock::now();
    auto restored = embassy::RestoreNode(o);
    seconds = SecondsSince(started);
    if (!restored.ok())
      std::fprintf(stderr, "restore into %s: %s\n", subdir.c_str(), restored.status().ToString().c_str());
    return restored;
  };
  double riik_restore_s = 0, recompute_restore_s = 0, replay_restore_s = 0;
  auto report = restore_into("riik-restored", r, riik_restore_s);
  // Recomputing the state digest from the written-back tables (as a drill does).
  embassy::RestoreOptions recompute = r;
  recompute.recompute_digest = true;
  auto recomputed = report.ok() ? restore_into("riik-recomputed", recompute, recompute_restore_s) : report;
  // Replaying the whole journal, without the snapshot (what a restore into PostgreSQL
  // does, and `riik embassy restore --full-replay`).
  embassy::RestoreOptions replay = r;
  replay.use_snapshots = false;
  auto replayed = recomputed.ok() ? restore_into("riik-replayed", replay, replay_restore_s) : recomputed;
  if (!replayed.ok()) return 1;
  if (recomputed->digest.digest != report->digest.digest || replayed->digest.digest != report->digest.digest) {
    std::fprintf(stderr, "the restores disagree on the state digest\n");
    return 1;
  }

  // restic: the same store directory, backed up and restored.
  std::string repo = (work / "restic-repo").string();
  std::string env = "RESTIC_PASSWORD=riik-bench RESTIC_CACHE_DIR=" + (work / "restic-cache").string() + " ";
  double init_s = Timed(env + "restic init --quiet --repo " + repo + " >/dev/null");
  double backup_s =
      init_s < 0 ? -1 : Timed(env + "restic backup --quiet --repo " + repo + " " + store_dir + " >/dev/null");
  if (backup_s < 0) return 1;

  // The commands, alternating: `riik embassy restore` with three share files against
  // `restic restore`, each into a fresh directory.
  auto root = ParseCertificatePem(id->cert_pem);
  auto share_args = root.ok() ? WriteShares(master, CertificateDer(root->get()), work / "custody")
                              : Result<std::string>(root.status());
  if (!share_args.ok()) {
    std::fprintf(stderr, "writing the share files: %s\n", share_args.status().ToString().c_str());
    return 1;
  }
  std::vector<double> riik_command_s, restic_s;
  for (int round = 1; round <= rounds; ++round) {
    const std::string riik_to = (work / ("riik-command-" + std::to_string(round))).string();
    riik_command_s.push_back(Timed(riik + " embassy restore --archive " + archive + " --node " + node + " --to " +
                                   riik_to + *share_args + " >/dev/null"));
    const std::string restic_to = (work / ("restic-restored-" + std::to_string(round))).string();
    restic_s.push_back(
        Timed(env + "restic restore --quiet --repo " + repo + " latest --target " + restic_to + " >/dev/null"));
    if (riik_command_s.back() < 0 || restic_s.back() < 0) return 1;
    std::fprintf(stderr, "round %d: riik embassy restore %.1f s, restic restore %.1f s\n", round, riik_command_s.back(),
                 restic_s.back());
    fs::remove_all(riik_to);
    fs::remove_all(restic_to);
  }
  const double riik_command = Median(riik_command_s), restic_restore_s = Median(restic_s);

  uint64_t store_bytes = DirBytes(store_dir), archive_bytes = DirBytes(archive), repo_bytes = DirBytes(repo);
  std::printf("store directory      %8.1f MB (SQLite, %lld rows)\n", Mb(store_bytes),
              static_cast<long long>(report->digest.rows));
  std::printf(
      "riik embassy archive %8.1f MB   sealed in %.1f s   restore %.1f s (%lld entries, digest %s the signed "
      "checkpoint, by %s)\n",
      Mb(archive_bytes), seal_s, riik_restore_s, static_cast<long long>(report->entries),
      report->checkpoint_seq == report->head.seq ? "matches" : "NOT CHECKED AGAINST",
      report->digest_checked_by.c_str());
  std::printf(
      "  riik restore: from the snapshot at seq %lld: written back %.1f s, journal filled in %.1f s, replay %.1f s, "
      "state digest %.1f s, waiting for segments to open %.1f s\n",
      static_cast<long long>(report->snapshot_seq), report->snapshot_s, report->journal_s, report->replay_s,
      report->digest_s, report->open_wait_s);
  std::printf("  riik restore recomputing the state digest too: %.1f s (state digest %.1f s)\n", recompute_restore_s,
              recomputed->digest_s);
  std::printf("  riik restore replaying the whole journal instead: %.1f s (replay %.1f s, state digest %.1f s)\n",
              replay_restore_s, replayed->replay_s, replayed->digest_s);
  std::printf("restic repository    %8.1f MB   backup %.1f s\n", Mb(repo_bytes), backup_s);
  std::printf(
      "commands, medians of %d alternating rounds: riik embassy restore (3 share files) %.1f s, restic "
      "restore %.1f s\n",
      rounds, riik_command, restic_restore_s);
  std::printf("ratios riik/restic:  size %.2f   restore command time %.2f   (goal: both below 1; restore under 60 s)\n",
              static_cast<double>(archive_bytes) / static_cast<double>(repo_bytes), riik_command / restic_restore_s);
  return 0;
}
