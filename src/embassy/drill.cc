// Restore drills.
#include "embassy/drill.h"

#include <openssl/crypto.h>
#include <stdlib.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/file.h"
#include "embassy/archive.h"
#include "embassy/restore.h"
#include "embassy/signed_document.h"

namespace riik::embassy {

Result<std::string> RunDrill(const DrillOptions& o) {
  auto started = std::chrono::steady_clock::now();
  Json result = {{"format", kDrillFormat}, {"node", o.node}, {"time_us", NowMicros()}, {"ok", false}};
  auto checkpoints = ListCheckpoints(o.node_dir);
  if (!checkpoints.ok() || checkpoints->empty()) {
    result["message"] = "no signed checkpoint of " + o.node + " to restore to";
  } else {
    // A fresh private directory of its own (mkdtemp: 0700, a name nobody can predict):
    // the restored store holds the node's rows in clear.
    std::string scratch = o.scratch_dir + "/drill-" + o.node + "-XXXXXX";
    std::error_code ec;
    if (::mkdtemp(scratch.data()) == nullptr) {
      return Unavailable("cannot make a scratch directory in " + o.scratch_dir + ": " + std::strerror(errno));
    }
    // The restore as an operator would run it, from the latest snapshot, its digest
    // recomputed; and, when it started from a snapshot, the whole journal replayed too,
    // so both the snapshot and the journal alone are proven to rebuild the state.
    RestoreOptions r;
    r.node_dir = o.node_dir;
    r.node = o.node;
    r.master_secret = o.master_secret;
    r.trust_root_pem = o.trust_root_pem;
    r.store_url = "sqlite:" + scratch + "/store.db";
    r.until_seq = checkpoints->back().seq;
    r.recompute_digest = true;
    auto report = RestoreNode(r);
    if (report.ok() && report->snapshot_seq > 0) {
      result["snapshot_seq"] = report->snapshot_seq;
      RestoreOptions replay = r;
      replay.use_snapshots = false;
      replay.store_url = "sqlite:" + scratch + "/replayed.db";
      auto replayed = RestoreNode(replay);
      OPENSSL_cleanse(replay.master_secret.data(), replay.master_secret.size());
      if (!replayed.ok()) {
        report = replayed.status().WithContext("replaying the whole journal");
      } else if (replayed->checkpoint_seq != report->checkpoint_seq) {
        report = DataLoss("replaying the whole journal did not reach the checkpoint");
      }
    }
    OPENSSL_cleanse(r.master_secret.data(), r.master_secret.size());  // both restores are done with it
    result["seq"] = checkpoints->back().seq;
    if (!report.ok()) {
      result["message"] = report.status().message();
    } else {
      result["entries"] = report->entries;
      result["restored_digest"] = HexEncode(report->digest.digest);
      result["expected_digest"] = HexEncode(report->checkpoint_digest);
      result["ok"] = report->checkpoint_seq == checkpoints->back().seq;
      result["message"] = result["ok"].get<bool>() ? "the state rebuilt matches the digest the node signed"
                                                   : "the restore did not reach the checkpoint";
    }
    std::filesystem::remove_all(scratch, ec);
  }
  result["millis"] =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  ASSIGN_OR_RETURN(std::string text, SignDocument(result, o.signing_key));
  std::string dir = o.node_dir + "/drills";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Unavailable("cannot create " + dir + ": " + ec.message());
  std::string stamp = std::to_string(result["time_us"].get<int64_t>());
  RETURN_IF_ERROR(WriteFileAtomic(dir + "/" + std::string(20 - stamp.size(), '0') + stamp + ".json", text, false));
  return text;
}

}  // namespace riik::embassy
