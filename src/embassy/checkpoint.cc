// Signing and checking checkpoints.
#include "embassy/checkpoint.h"

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "embassy/signed_document.h"

namespace riik::embassy {

Result<std::string> SignCheckpoint(const std::string& node, const store::StateDigest& digest, EVP_PKEY* key) {
  return SignDocument(Json{{"format", kCheckpointFormat},
                           {"node", node},
                           {"seq", digest.seq},
                           {"digest", HexEncode(digest.digest)},
                           {"tables", digest.tables},
                           {"rows", digest.rows},
                           {"time_us", NowMicros()}},
                      key);
}

Result<Checkpoint> CheckCheckpoint(std::string_view text, EVP_PKEY* signer) {
  ASSIGN_OR_RETURN(Json doc, CheckSignedDocument(text, kCheckpointFormat, signer));
  Checkpoint c;
  try {
    c.node = doc.at("node").get<std::string>();
    ASSIGN_OR_RETURN(c.seq, IntegerIn(doc.at("seq"), "a checkpoint's seq", 0, INT64_MAX));
    ASSIGN_OR_RETURN(c.tables, IntegerIn(doc.at("tables"), "a checkpoint's tables", 0, INT64_MAX));
    ASSIGN_OR_RETURN(c.rows, IntegerIn(doc.at("rows"), "a checkpoint's rows", 0, INT64_MAX));
    ASSIGN_OR_RETURN(c.time_us, IntegerIn(doc.at("time_us"), "a checkpoint's time_us", INT64_MIN, INT64_MAX));
    ASSIGN_OR_RETURN(c.digest, HexDecode(doc.at("digest").get<std::string>()));
  } catch (const std::exception&) {
    return InvalidArgument("a checkpoint needs node, seq, digest, tables, rows and time_us");
  }
  if (c.digest.size() != 32) return InvalidArgument("a checkpoint's digest is not a SHA-256");
  return c;
}

}  // namespace riik::embassy
