// The checks on one signature file of a container (verify.h runs them for each).
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <map>
#include <string>
#include <utility>

#include "core/status.h"
#include "sign/container.h"
#include "sign/verify.h"

namespace riik::sign::impl {

// At most this many signature files are checked in one container, and this many OCSP
// answers in one signature: what real containers hold, many times over.
inline constexpr size_t kMaxSignaturesChecked = 64;
inline constexpr size_t kMaxOcspAnswersChecked = 4;

// The hashing a container's check does, bounded by the container's own size however many
// signatures it holds: each data file hashed at most once per digest algorithm, shared by
// every signature that references it; and archive timestamps, which each hash the data
// again, together at most kArchivePasses times the container's data.
class FileDigests {
 public:
  static constexpr size_t kArchivePasses = 16;

  explicit FileDigests(const Container& container);
  // Data file `index`'s digest with `md`, computed on first use.
  Result<std::string> Of(size_t index, const EVP_MD* md);
  // Takes one pass over the data from the archive timestamps' allowance; false once it is
  // spent.
  bool TakeArchivePass();

 private:
  const Container& container_;
  std::map<std::pair<size_t, const EVP_MD*>, std::string> digests_;
  size_t archive_passes_left_ = kArchivePasses;
};

// Fills everything of `report` but `file`, which the caller sets. `digests` holds the
// container's file digests, shared by its signatures.
void CheckSignature(const Container& container, const SignatureFile& signature, const VerifyOptions& options,
                    SignatureReport& report, FileDigests& digests);

}  // namespace riik::sign::impl
