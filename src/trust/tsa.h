// The timestamping authority (RFC 3161): TimeStampReq in, TimeStampResp out, signed
// by the TSA certificate (EKU timeStamping, critical) from the organisations CA.
// SHA-256/384/512 imprints, nonce, the TSA policy OID, accuracy, and serial numbers
// that only ever grow (across restarts too: blocks of serials are reserved in the
// journaled trust store). Anything that is not a valid query gets a rejection
// status, never a crash. TimestampDigest() is the internal API that timestamps a batch
// root (a Merkle root) for the message log and the data tracker.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/status.h"
#include "trust/ca.h"

namespace riik::trust {

inline constexpr size_t kMaxTimestampQueryBytes = 16 * 1024;
inline constexpr const char* kTsaPolicyOid = "2.999.1.3.1";

class TimestampAuthority {
 public:
  static Result<std::unique_ptr<TimestampAuthority>> Create(CertificateAuthority& ca, store::Store& store);
  ~TimestampAuthority();

  // DER TimeStampReq in, DER TimeStampResp out (granted, or rejection with the reason).
  std::string Respond(std::string_view der_query);
  // Timestamps a SHA-256 digest (32 bytes) without a client query: returns the DER
  // TimeStampToken (a CMS SignedData), or an error.
  Result<std::string> TimestampDigest(std::string_view sha256_digest);

  // The next serial this TSA will give; for tests and /metrics.
  int64_t next_serial() const;

  struct Impl;

 private:
  explicit TimestampAuthority(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace riik::trust
