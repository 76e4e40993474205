// Shipper: streams one store's journal to the data embassies. For each embassy a thread
// reads the entries after the last seq that embassy acknowledged, seals them into a
// segment (segment.h: zstd, the node's data key, signed, chained to the embassy's last
// segment) and sends it over mutual TLS; the embassy answers only once the segment is
// checked and durable. Woken by every commit (the store's commit observer), so the lag
// is one round trip plus an fsync when the embassy keeps up.
//
// Asynchronous mode: commits return at once and the lag is reported. Synchronous mode:
// a commit returns only once at least one embassy holds it (RPO 0); if none does within
// sync_timeout, the writer gets DeadlineExceeded (its transaction stays committed here).
//
// The shipper remembers what each embassy acknowledged; an embassy that later claims
// less, or another segment at that seq, has lost or altered segments: the shipper stops
// sending to it and reports it, instead of quietly sending everything again.
#pragma once

#include <openssl/evp.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/env.h"
#include "core/json.h"
#include "core/status.h"
#include "net/client.h"
#include "store/store.h"

namespace riik::embassy {

struct ShipperOptions {
  std::vector<std::string> embassies;  // base URLs (https://HOST:PORT)
  net::ClientOptions client;           // our TLS client certificate and the embassies' trust root
  std::string data_key;                // the node's (32 bytes)
  std::shared_ptr<EVP_PKEY> signing_key;
  std::string signer_pem;   // its certificate chain, leaf first
  std::string wrapped_key;  // the data key wrapped to the master public key (data_key.h)
  bool synchronous = false;
  std::chrono::milliseconds sync_timeout{10000};
  size_t max_segment_entries = 16384;
  size_t max_segment_bytes = 16 << 20;  // of entry text, before compression
  // What the embassies acknowledged, kept across restarts (store/state_file.h). The
  // STATE_FILE.json that versions before it wrote is read too (the higher seq of the two
  // counts) and removed once the state file holds it.
  std::string state_file;
  // How often a signed checkpoint (the store's state digest, checkpoint.h) follows the
  // segments; one is also sent when the shipper stops with everything delivered.
  std::chrono::milliseconds checkpoint_interval{300'000};
  // The store's URL: checkpoints digest it through a read-only connection of their own,
  // so its writer carries on meanwhile (empty: on the store's own connection).
  std::string store_url;
  // Snapshots (snapshot.h) of an SQLite store (store_url "sqlite:PATH"): a directory to
  // write one in while it is sealed, and how much journal text acknowledged since the
  // last calls for the next (0: none), and at least as much as the last one's file.
  // Sent once the embassy holds its seq, with a checkpoint at that seq.
  std::string snapshot_work_dir;
  uint64_t snapshot_every_bytes = 0;
  // Its state file, wall time and the checkpoint and snapshot schedule go through it.
  Env* env = &Env::Default();
};

struct EmbassyProgress {
  std::string url;
  int64_t acked_seq = 0;
  UnixMicros last_ack_us = 0;
  uint64_t segments = 0, bytes = 0;  // sent and acknowledged since start
  std::string error;                 // the last failure, until the next acknowledgement
  bool halted = false;               // the embassy lost or altered segments: not sent to
  int64_t checkpoint_seq = 0;        // the latest checkpoint it accepted
  int64_t snapshot_seq = 0;          // the latest snapshot it holds
  std::string last_drill;            // its latest restore drill's signed result (JSON), if any
};

struct ShippingStatus {
  std::string node;
  bool synchronous = false;
  int64_t head_seq = 0;
  int64_t acked_seq = 0;    // the most any embassy holds
  int64_t lag_entries = 0;  // head_seq - acked_seq
  double lag_seconds = 0;   // age of the oldest entry no embassy holds yet
  std::vector<EmbassyProgress> embassies;
  Json ToJson() const;
};

class Shipper {
 public:
  static Result<std::unique_ptr<Shipper>> Start(store::Store& store, ShipperOptions options);
  ~Shipper();  // Stop()
  // Stops the threads; first gives them up to `drain` to send what is committed.
  void Stop(std::chrono::milliseconds drain = std::chrono::milliseconds(2000));

  // The store's commit observer (Store::SetCommitObserver).
  Status Committed(int64_t seq);
  // Blocks until an embassy holds `seq`, or `timeout`.
  Status WaitAcknowledged(int64_t seq, std::chrono::milliseconds timeout);

  ShippingStatus Progress() const;

  struct State;

 private:
  explicit Shipper(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace riik::embassy
