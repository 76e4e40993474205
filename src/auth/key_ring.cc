// The provider's rolling signing keys (key_ring.h).
#include "auth/key_ring.h"

#include <openssl/rsa.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/file.h"
#include "crypto/random.h"
#include "crypto/x509.h"

namespace riik::auth {
namespace {

Result<UniquePtr<EVP_PKEY>> NewKey(JwsAlg alg) {
  if (alg == JwsAlg::kES256) return GenerateEcKey("P-256");
  if (alg == JwsAlg::kES384) return GenerateEcKey("P-384");
  UniquePtr<EVP_PKEY> key(EVP_RSA_gen(2048));
  if (!key) return Internal("making an RSA key: " + OpenSslErrors());
  return key;
}

}  // namespace

Result<std::unique_ptr<KeyRing>> KeyRing::Open(KeyRingOptions options) {
  std::unique_ptr<KeyRing> ring(new KeyRing(std::move(options)));
  RETURN_IF_ERROR(MakePrivateDirectory(ring->options_.dir));
  RETURN_IF_ERROR(ring->Load());
  std::lock_guard lock(ring->mu_);
  for (JwsAlg alg : ring->options_.algorithms) {
    if (ring->LineLocked(alg).empty()) RETURN_IF_ERROR(ring->RotateLocked(alg));
  }
  return ring;
}

Status KeyRing::Load() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(options_.dir, ec)) {
    std::string name = entry.path().filename().string();
    if (!name.ends_with(".pem")) continue;
    std::string kid = name.substr(0, name.size() - 4);
    size_t dash1 = kid.find('-'), dash2 = kid.find('-', dash1 + 1);
    if (dash1 == std::string::npos || dash2 == std::string::npos) {
      return DataLoss(entry.path().string() + " is not named <alg>-<created>-<random>.pem");
    }
    Key k;
    k.kid = kid;
    ASSIGN_OR_RETURN(k.alg, ParseJwsAlg(kid.substr(0, dash1)));
    int64_t created_s = 0;
    const std::string digits = kid.substr(dash1 + 1, dash2 - dash1 - 1);
    // Unix seconds: at most 12 digits (until the year 33658), so the microseconds fit.
    if (digits.empty() || digits.size() > 12) {
      return DataLoss(entry.path().string() + ": the creation time is not a number of seconds");
    }
    for (char c : digits) {
      if (c < '0' || c > '9') return DataLoss(entry.path().string() + ": the creation time is not a number");
      created_s = created_s * 10 + (c - '0');
    }
    k.created = created_s * 1'000'000;
    ASSIGN_OR_RETURN(std::string pem, ReadSecretFile(entry.path().string()));
    ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> key, ParsePrivateKeyPem(pem));
    RETURN_IF_ERROR(CheckKeyFitsAlg(key.get(), k.alg).WithContext(entry.path().string()));
    k.key = std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free);
    keys_.push_back(std::move(k));
  }
  if (ec) return Unavailable("reading " + options_.dir + ": " + ec.message());
  std::sort(keys_.begin(), keys_.end(), [](const Key& a, const Key& b) { return a.created < b.created; });
  return OkStatus();
}

std::vector<const KeyRing::Key*> KeyRing::LineLocked(JwsAlg alg) const {
  std::vector<const Key*> line;
  for (const Key& k : keys_) {
    if (k.alg == alg) line.push_back(&k);
  }
  return line;
}

const KeyRing::Key* KeyRing::SigningLocked(JwsAlg alg) const {
  std::vector<const Key*> line = LineLocked(alg);
  if (line.empty()) return nullptr;
  UnixMicros ready_before = options_.clock() - static_cast<int64_t>(options_.publish_ahead.count()) * 1'000'000;
  const Key* signing = line.front();
  for (const Key* k : line) {
    if (k->created <= ready_before) signing = k;
  }
  return signing;
}

Result<KeyRing::Key> KeyRing::Signing(JwsAlg alg) const {
  std::lock_guard lock(mu_);
  const Key* k = SigningLocked(alg);
  if (!k) return FailedPrecondition("the provider has no " + std::string(JwsAlgName(alg)) + " key");
  return *k;
}

Result<KeyRing::Key> KeyRing::Find(std::string_view kid) const {
  std::lock_guard lock(mu_);
  for (const Key& k : keys_) {
    if (k.kid == kid) return k;
  }
  return NotFound("no signing key with kid " + std::string(kid.substr(0, 64)));
}

Json KeyRing::Jwks() const {
  std::lock_guard lock(mu_);
  Json keys = Json::array();
  for (const Key& k : keys_) {
    auto jwk = PublicJwk(k.key.get(), k.kid, k.alg);
    if (jwk.ok()) keys.push_back(std::move(*jwk));
  }
  return Json{{"keys", keys}};
}

Status KeyRing::RotateLocked(JwsAlg alg) {
  ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> key, NewKey(alg));
  ASSIGN_OR_RETURN(std::string pem, PrivateKeyPem(key.get()));
  ASSIGN_OR_RETURN(std::string suffix, RandomBytes(4));
  Key k;
  k.alg = alg;
  k.created = options_.clock();
  k.kid = std::string(JwsAlgName(alg)) + "-" + std::to_string(k.created / 1'000'000) + "-" + HexEncode(suffix);
  RETURN_IF_ERROR(WriteFileAtomic(options_.dir + "/" + k.kid + ".pem", pem, /*secret=*/true));
  // Keep the key that signs now (its tokens must still verify) and the new one; older
  // ones go.
  const Key* signing = SigningLocked(alg);
  UnixMicros keep_from = signing ? signing->created : 0;
  std::vector<Key> kept;
  for (Key& old : keys_) {
    if (old.alg == alg && old.created < keep_from) {
      std::error_code ec;
      std::filesystem::remove(options_.dir + "/" + old.kid + ".pem", ec);
      continue;
    }
    kept.push_back(std::move(old));
  }
  k.key = std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free);
  kept.push_back(std::move(k));
  keys_ = std::move(kept);
  return OkStatus();
}

Status KeyRing::Rotate(JwsAlg alg) {
  std::lock_guard lock(mu_);
  return RotateLocked(alg);
}

Status KeyRing::RotateIfDue() {
  std::lock_guard lock(mu_);
  UnixMicros due_before = options_.clock() - static_cast<int64_t>(options_.rotate_after.count()) * 1'000'000;
  for (JwsAlg alg : options_.algorithms) {
    std::vector<const Key*> line = LineLocked(alg);
    const Key* signing = SigningLocked(alg);
    bool waiting = !line.empty() && line.back() != signing;
    if (signing && signing->created <= due_before && !waiting) RETURN_IF_ERROR(RotateLocked(alg));
  }
  return OkStatus();
}

}  // namespace riik::auth
