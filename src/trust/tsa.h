// The timestamping authority (RFC 3161): TimeStampReq in, TimeStampResp out, signed
// by the TSA certificate (EKU timeStamping, critical) from the organisations CA.
// SHA-256/384/512 imprints, nonce, the TSA policy OID, accuracy, and serial numbers
// that only ever grow (across restarts too: blocks of serials are reserved in the
// journaled trust store). Anything that is not a valid query gets a rejection
// status, never a crash. Requests are answered in parallel: only taking a serial
// holds a lock. TimestampDigest() is the internal API that timestamps a batch root (a
// Merkle root) for the message log and the data tracker.
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
  // Sets up the TSA with the CA's timestamping certificate (issued on first use) and
  // the serial counter kept in `store`; both must outlive the TSA. `clock` gives genTime
  // and signingTime (tests inject one). Fails if the key is not ECDSA P-256 or the
  // store cannot be read.
  static Result<std::unique_ptr<TimestampAuthority>> Create(CertificateAuthority& ca, store::Store& store,
                                                            Clock clock = SystemClock());
  ~TimestampAuthority();

  // DER TimeStampReq in, DER TimeStampResp out (granted, or rejection with a
  // statusString and failInfo: badDataFormat, badAlg, unacceptedPolicy,
  // unacceptedExtension, addInfoNotAvailable when no serial can be reserved). The token
  // carries the certificates only if the query sets certReq. Empty only when memory
  // runs out. Safe to call from many threads at once.
  std::string Respond(std::string_view der_query);
  // The TimeStampResp for a query not taken because the TSA is busy or not serving yet:
  // rejection, failInfo systemFailure, a statusString saying to send it again (the HTTP
  // answer around it says when).
  static std::string Busy();
  // Timestamps a SHA-256 digest (32 bytes) without a client query: returns the DER
  // TimeStampToken (a CMS ContentInfo with SignedData, certificates included), or an
  // error. Thread-safe.
  Result<std::string> TimestampDigest(std::string_view sha256_digest);

  // The next serial this TSA will give; for tests and /metrics.
  int64_t next_serial() const;

  struct Impl;

 private:
  explicit TimestampAuthority(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace riik::trust
