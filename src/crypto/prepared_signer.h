// A key made ready to sign many messages with one digest. OpenSSL's set-up for each
// signature (fetching the signature algorithm and the digest, binding the key) is done
// once, when the signer is made; each Sign starts from a copy of that ready context. The
// set-up was a seventh of an ECDSA P-256 signature's CPU measured alone, a quarter of it
// inside the busy exchange (docs/benchmarks.md). For whoever signs all day with one
// key: a signed log's tree heads, one per batch.
//
// Thread-safe.
#pragma once

#include <openssl/evp.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/status.h"
#include "crypto/handles.h"

namespace riik {

class PreparedSigner {
 public:
  // `key` (which the signer keeps a reference to) with `md`. Internal if OpenSSL cannot
  // set it up.
  static Result<std::unique_ptr<PreparedSigner>> Create(EVP_PKEY* key, const EVP_MD* md);
  PreparedSigner(const PreparedSigner&) = delete;
  PreparedSigner& operator=(const PreparedSigner&) = delete;

  // The signature of `data`, as SignWith(key, md, data) makes it (DER for ECDSA). A key
  // whose provider cannot copy a signing context (some tokens), or a signature the copy
  // could not finish, is made by SignWith instead.
  Result<std::string> Sign(std::string_view data) const;
  // Signatures made from the prepared context so far (the rest by SignWith).
  uint64_t prepared_signatures() const { return prepared_.load(); }

 private:
  PreparedSigner() = default;

  UniquePtr<EVP_PKEY> key_;
  const EVP_MD* md_ = nullptr;
  size_t max_size_ = 0;          // EVP_PKEY_get_size: the longest signature
  mutable std::mutex mu_;        // guards ready_ while it is copied
  UniquePtr<EVP_MD_CTX> ready_;  // initialised for signing, never updated
  mutable std::atomic<uint64_t> prepared_{0};
};

}  // namespace riik
