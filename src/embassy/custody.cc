// Sealing and opening share files.
#include "embassy/custody.h"

#include <sodium.h>

#include <map>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/json.h"
#include "crypto/sha256.h"
#include "embassy/shamir.h"

namespace riik::embassy {
namespace {

// Argon2id's cost (crypto/passphrase_key.h): moderate for v2 files, so that guessing a
// custodian's PIN offline costs about a second and 256 MiB a guess; v1 files were sealed
// with the interactive limits. A v2 file records its limits ("argon2id"); one without
// them was sealed with the moderate ones. A file's limits are believed only within
// interactive..sensitive (WithinArgon2Bounds).
Result<std::string> PinKey(const std::string& pin, std::string_view salt, Argon2Limits cost) {
  return DeriveKeyFromPassphrase(pin, salt, cost, crypto_secretbox_KEYBYTES);
}

struct ParsedShare {
  bool v1 = false;
  std::string set;
  int index = 0, shares = 0, threshold = 0;
  std::vector<std::string> share_sha256;
  std::string secret_sha256;
  std::string salt, nonce, sealed;
  Argon2Limits cost = LimitsOf(PassphraseCost::kModerate);
};

Result<ParsedShare> Parse(const OpenedShare& s) {
  const std::string where = "share file " + s.name;
  if (s.file.size() > kMaxShareFileBytes) return InvalidArgument(where + " is too large to be a share file");
  auto doc = ParseJson(s.file, JsonLimits{kMaxShareFileBytes, 4});
  if (!doc.ok()) return InvalidArgument(where + ": " + doc.status().message());
  const Json& j = *doc;
  try {
    std::string format = j.is_object() ? j.value("format", "") : "";
    if (format != kShareFormat && format != kShareFormatV1)
      return InvalidArgument(where + " is not a " + kShareFormat + " file");
    ParsedShare p;
    p.v1 = format == kShareFormatV1;
    p.set = j.at("set").get<std::string>();
    // A split has 2..255 shares (one byte's x-coordinates); the cross-checks follow below.
    ASSIGN_OR_RETURN(int64_t index, IntegerIn(j.at("index"), where + ": index", 1, 255));
    ASSIGN_OR_RETURN(int64_t shares, IntegerIn(j.at("shares"), where + ": shares", 2, 255));
    ASSIGN_OR_RETURN(int64_t threshold, IntegerIn(j.at("threshold"), where + ": threshold", 2, 255));
    p.index = static_cast<int>(index), p.shares = static_cast<int>(shares), p.threshold = static_cast<int>(threshold);
    p.share_sha256 = j.at("share_sha256").get<std::vector<std::string>>();
    p.secret_sha256 = j.at("secret_sha256").get<std::string>();
    ASSIGN_OR_RETURN(p.salt, Base64Decode(j.at("salt").get<std::string>()));
    ASSIGN_OR_RETURN(p.nonce, Base64Decode(j.at("nonce").get<std::string>()));
    ASSIGN_OR_RETURN(p.sealed, Base64Decode(j.at("sealed").get<std::string>()));
    if (p.v1) p.cost = LimitsOf(PassphraseCost::kInteractive);
    if (!p.v1 && j.contains("argon2id")) {
      const Json& kdf = j.at("argon2id");
      if (!kdf.is_object() || !kdf.contains("opslimit") || !kdf.contains("memlimit")) {
        return InvalidArgument(where + ": argon2id needs opslimit and memlimit as whole numbers");
      }
      ASSIGN_OR_RETURN(int64_t ops, IntegerIn(kdf.at("opslimit"), where + ": argon2id.opslimit", 0, INT64_MAX));
      ASSIGN_OR_RETURN(int64_t mem, IntegerIn(kdf.at("memlimit"), where + ": argon2id.memlimit", 0, INT64_MAX));
      p.cost = {static_cast<unsigned long long>(ops), static_cast<size_t>(mem)};
      if (!WithinArgon2Bounds(p.cost)) {
        return InvalidArgument(where + ": Argon2id limits outside libsodium's interactive..sensitive range");
      }
    }
    if (p.shares < 2 || p.shares > 255 || p.threshold < 2 || p.threshold > p.shares || p.index < 1 ||
        p.index > p.shares || static_cast<int>(p.share_sha256.size()) != p.shares ||
        p.salt.size() != Argon2SaltBytes() || p.nonce.size() != crypto_secretbox_NONCEBYTES ||
        p.sealed.size() <= crypto_secretbox_MACBYTES) {
      return InvalidArgument(where + ": inconsistent fields");
    }
    return p;
  } catch (const Json::exception& e) {
    return InvalidArgument(where + ": " + e.what());
  }
}

// What v2 seals: the share and the state root, as canonical JSON.
Result<std::string> SealedPayload(std::string_view share, std::string_view root_der) {
  return CanonicalJson(Json{{"root", Base64Encode(root_der)}, {"share", Base64Encode(share)}});
}

}  // namespace

Result<std::vector<std::string>> SealShares(std::string_view secret, int threshold, std::span<const std::string> pins,
                                            std::string_view root_der, PinHardness hardness) {
  const Argon2Limits cost = LimitsOf(hardness);
  if (root_der.empty()) return InvalidArgument("sealing shares needs the state root certificate");
  for (const std::string& pin : pins) {
    if (pin.size() < kMinPinLength)
      return InvalidArgument("a custodian's PIN has at least " + std::to_string(kMinPinLength) + " characters");
  }
  ASSIGN_OR_RETURN(std::vector<Share> shares, SplitSecret(secret, static_cast<int>(pins.size()), threshold));
  unsigned char set[16];
  randombytes_buf(set, sizeof set);
  Json hashes = Json::array();
  for (const Share& s : shares) hashes.push_back(DigestHex(Sha256(s.bytes)));
  std::vector<std::string> files;
  for (size_t i = 0; i < shares.size(); ++i) {
    std::string salt(Argon2SaltBytes(), '\0'), nonce(crypto_secretbox_NONCEBYTES, '\0');
    randombytes_buf(salt.data(), salt.size());
    randombytes_buf(nonce.data(), nonce.size());
    ASSIGN_OR_RETURN(std::string key, PinKey(pins[i], salt, cost));
    ASSIGN_OR_RETURN(std::string payload, SealedPayload(shares[i].bytes, root_der));
    std::string sealed(payload.size() + crypto_secretbox_MACBYTES, '\0');
    crypto_secretbox_easy(reinterpret_cast<unsigned char*>(sealed.data()),
                          reinterpret_cast<const unsigned char*>(payload.data()), payload.size(),
                          reinterpret_cast<const unsigned char*>(nonce.data()),
                          reinterpret_cast<const unsigned char*>(key.data()));
    sodium_memzero(key.data(), key.size());
    sodium_memzero(shares[i].bytes.data(), shares[i].bytes.size());
    sodium_memzero(payload.data(), payload.size());
    Json file{{"format", kShareFormat},
              {"set", HexEncode(std::string(reinterpret_cast<char*>(set), sizeof set))},
              {"index", shares[i].index},
              {"shares", static_cast<int>(shares.size())},
              {"threshold", threshold},
              {"share_sha256", hashes},
              {"secret_sha256", DigestHex(Sha256(secret))},
              {"salt", Base64Encode(salt)},
              {"argon2id", {{"opslimit", cost.ops}, {"memlimit", cost.mem}}},
              {"nonce", Base64Encode(nonce)},
              {"sealed", Base64Encode(sealed)}};
    ASSIGN_OR_RETURN(std::string text, CanonicalJson(file));
    files.push_back(text + "\n");
  }
  return files;
}

Result<std::string> RestoreSecret(std::span<const OpenedShare> given) {
  ASSIGN_OR_RETURN(RestoredCustody restored, RestoreCustody(given));
  return std::move(restored.secret);
}

Result<RestoredCustody> RestoreCustody(std::span<const OpenedShare> given) {
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  if (given.empty()) return InvalidArgument("restoring needs share files");
  std::vector<ParsedShare> parsed;
  for (const OpenedShare& s : given) {
    ASSIGN_OR_RETURN(ParsedShare p, Parse(s));
    parsed.push_back(std::move(p));
  }
  // The split most files belong to: its id, threshold and manifest.
  std::map<std::string, int> votes;
  for (const ParsedShare& p : parsed) votes[p.set + "|" + p.secret_sha256]++;
  std::string majority;
  int best = 0;
  for (const auto& [set, n] : votes) {
    if (n > best) majority = set, best = n;
  }
  const ParsedShare* ref = nullptr;
  for (const ParsedShare& p : parsed) {
    if (p.set + "|" + p.secret_sha256 == majority) ref = &p;
  }
  std::vector<Share> shares;
  std::map<int, std::string> seen;
  std::string root_der;
  for (size_t i = 0; i < parsed.size(); ++i) {
    const ParsedShare& p = parsed[i];
    const std::string where = "share file " + given[i].name;
    if (p.set != ref->set || p.secret_sha256 != ref->secret_sha256 || p.share_sha256 != ref->share_sha256) {
      return DataLoss(where + " belongs to another split of another key (set " + p.set + ", the others " + ref->set +
                      ")");
    }
    if (seen.count(p.index))
      return InvalidArgument(where + " is share " + std::to_string(p.index) + " again (as " + seen[p.index] + ")");
    seen[p.index] = given[i].name;
    ASSIGN_OR_RETURN(std::string key, PinKey(given[i].pin, p.salt, p.cost));
    Share share{static_cast<uint8_t>(p.index), std::string(p.sealed.size() - crypto_secretbox_MACBYTES, '\0')};
    int opened = crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(share.bytes.data()),
                                            reinterpret_cast<const unsigned char*>(p.sealed.data()), p.sealed.size(),
                                            reinterpret_cast<const unsigned char*>(p.nonce.data()),
                                            reinterpret_cast<const unsigned char*>(key.data()));
    sodium_memzero(key.data(), key.size());
    if (opened != 0) return PermissionDenied(where + ": wrong PIN (or the sealed share was altered)");
    if (!p.v1) {  // the payload: the share and the root
      auto payload = ParseJson(share.bytes, JsonLimits{kMaxShareFileBytes, 2});
      sodium_memzero(share.bytes.data(), share.bytes.size());
      auto bytes = payload.ok() ? Base64Decode(StringOr(*payload, "share")) : Result<std::string>(payload.status());
      auto root = payload.ok() ? Base64Decode(StringOr(*payload, "root")) : Result<std::string>(payload.status());
      if (!bytes.ok() || !root.ok() || root->empty()) return DataLoss(where + ": the sealed share is malformed");
      share.bytes = std::move(*bytes);
      if (!root_der.empty() && *root != root_der) {
        return DataLoss(where + " names another state root than the other shares");
      }
      root_der = std::move(*root);
    } else if (!parsed[0].v1) {
      return DataLoss(where + " is of the old format without a state root, the others are not");
    }
    if (DigestHex(Sha256(share.bytes)) != ref->share_sha256[static_cast<size_t>(p.index - 1)]) {
      return DataLoss(where + ": share " + std::to_string(p.index) + " is not the one the split made");
    }
    shares.push_back(std::move(share));
  }
  if (static_cast<int>(shares.size()) < ref->threshold) {
    return InvalidArgument("restoring needs " + std::to_string(ref->threshold) + " of the " +
                           std::to_string(ref->shares) + " shares; " + std::to_string(shares.size()) + " given");
  }
  ASSIGN_OR_RETURN(std::string secret, CombineShares(shares, ref->threshold));
  for (Share& s : shares) sodium_memzero(s.bytes.data(), s.bytes.size());
  if (DigestHex(Sha256(secret)) != ref->secret_sha256)
    return DataLoss("the shares do not give the key their files name");
  return RestoredCustody{std::move(secret), std::move(root_der)};
}

}  // namespace riik::embassy
