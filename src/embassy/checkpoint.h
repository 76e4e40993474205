// Checkpoints: a node's signed statement of its state digest at a journal seq
// (Store::Digest), shipped to the embassies beside the segments. A restore that reaches
// a checkpoint's seq compares the digest it rebuilt with the one the node signed; a
// drill does so on purpose. Document (signed_document.h):
//   {"format":"riik-checkpoint-v1","node","seq","digest":hex,"tables","rows","time_us","signature"}
#pragma once

#include <openssl/evp.h>

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "store/store.h"

namespace riik::embassy {

inline constexpr const char* kCheckpointFormat = "riik-checkpoint-v1";

struct Checkpoint {
  std::string node;
  int64_t seq = 0;
  std::string digest;  // 32 raw bytes
  int64_t tables = 0, rows = 0;
  UnixMicros time_us = 0;
};

Result<std::string> SignCheckpoint(const std::string& node, const store::StateDigest& digest, EVP_PKEY* key);
Result<Checkpoint> CheckCheckpoint(std::string_view text, EVP_PKEY* signer);

}  // namespace riik::embassy
