// Restore drills: proof that what an embassy holds can be brought back. A drill
// restores a node into a scratch store up to the node's latest signed checkpoint and
// compares the state digest with the one the node signed; the result is signed with the
// embassy's key and kept beside the segments (NODE/drills/TIME.json), so that "the
// backup is restorable" is a checkable fact. Document (signed_document.h):
//   {"format":"riik-drill-v1","node","seq","expected_digest","restored_digest","ok",
//    "entries","millis","time_us","message","signature"}
#pragma once

#include <openssl/evp.h>

#include <string>

#include "core/status.h"

namespace riik::embassy {

inline constexpr const char* kDrillFormat = "riik-drill-v1";

struct DrillOptions {
  std::string node_dir, node;
  std::string master_secret;
  std::string trust_root_pem;  // the state root (from the shares): the signer must chain to it
  std::string scratch_dir;     // the scratch store goes here and is removed afterwards
  EVP_PKEY* signing_key = nullptr;
};

// Runs the drill and keeps its signed result; returns the result's text. A drill that
// fails (no checkpoint, a segment that does not open, a digest that differs) is still
// a result, with ok false and the reason in message; only failing to keep the result
// is an error.
Result<std::string> RunDrill(const DrillOptions& options);

}  // namespace riik::embassy
