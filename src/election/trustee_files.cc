// Transport keys, share boxes and passphrase-sealed key shares.
#include "election/trustee_files.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/json.h"
#include "crypto/json_fields.h"

namespace riik::election {
namespace {

const unsigned char* U(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// What a passphrase seal binds its contents to.
std::string SealContext(std::string_view kind, std::string_view election, uint32_t trustee) {
  return std::string(kind) + "|" + HexEncode(election) + "|" + std::to_string(trustee);
}

// {"format","kind","trustee","opslimit","memlimit","salt","nonce","sealed"}: `plain`
// under a key derived from the passphrase.
Result<std::string> SealUnderPassphrase(std::string_view kind, std::string_view election, uint32_t trustee,
                                        std::string_view plain, std::string_view passphrase, SealCost cost) {
  if (passphrase.size() < kMinPassphraseBytes) {
    return InvalidArgument("a passphrase has at least " + std::to_string(kMinPassphraseBytes) + " characters");
  }
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  const Argon2Limits limits = LimitsOf(cost);
  std::string salt(Argon2SaltBytes(), '\0'), nonce(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, '\0');
  randombytes_buf(salt.data(), salt.size());
  randombytes_buf(nonce.data(), nonce.size());
  ASSIGN_OR_RETURN(std::string key,
                   DeriveKeyFromPassphrase(passphrase, salt, limits, crypto_aead_xchacha20poly1305_ietf_KEYBYTES));
  const std::string ad = SealContext(kind, election, trustee);
  std::string sealed(plain.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long n = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char*>(sealed.data()), &n, U(plain),
                                             plain.size(), U(ad), ad.size(), nullptr, U(nonce), U(key));
  sodium_memzero(key.data(), key.size());
  return Json{{"format", "riik-trustee-seal-v1"},
              {"kind", kind},
              {"trustee", trustee},
              {"opslimit", limits.ops},
              {"memlimit", limits.mem},
              {"salt", Base64Encode(salt)},
              {"nonce", Base64Encode(nonce)},
              {"sealed", Base64Encode(sealed)}}
      .dump();
}

Result<std::string> OpenUnderPassphrase(std::string_view kind, std::string_view election, uint32_t trustee,
                                        std::string_view file, std::string_view passphrase) {
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  ASSIGN_OR_RETURN(Json j, ParseJson(file, JsonLimits{16 * 1024, 2}));
  ASSIGN_OR_RETURN(auto f,
                   JsonFields::Of(j, std::string(kind),
                                  {"format", "kind", "trustee", "opslimit", "memlimit", "salt", "nonce", "sealed"}));
  ASSIGN_OR_RETURN(std::string format, f.Text("format", 32));
  ASSIGN_OR_RETURN(std::string file_kind, f.Text("kind", 32));
  if (format != "riik-trustee-seal-v1" || file_kind != kind) {
    return InvalidArgument("not a sealed " + std::string(kind) + " (it is a " + file_kind + ")");
  }
  ASSIGN_OR_RETURN(int64_t file_trustee, f.Int("trustee", 1, 64));
  if (static_cast<uint32_t>(file_trustee) != trustee) {
    return InvalidArgument("the file is trustee " + std::to_string(file_trustee) + "'s, not trustee " +
                           std::to_string(trustee) + "'s");
  }
  // Within libsodium's interactive..sensitive limits (WithinArgon2Bounds), so a file
  // cannot make us spend without bound.
  ASSIGN_OR_RETURN(int64_t ops,
                   f.Int("opslimit", crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_OPSLIMIT_SENSITIVE));
  ASSIGN_OR_RETURN(int64_t mem,
                   f.Int("memlimit", crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_SENSITIVE));
  ASSIGN_OR_RETURN(std::string salt, f.Base64("salt", Argon2SaltBytes()));
  ASSIGN_OR_RETURN(std::string nonce, f.Base64("nonce", crypto_aead_xchacha20poly1305_ietf_NPUBBYTES));
  ASSIGN_OR_RETURN(std::string sealed, f.Base64("sealed", 1024));
  if (salt.size() != Argon2SaltBytes() || nonce.size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
      sealed.size() < crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return InvalidArgument("a sealed " + std::string(kind) + " with a salt, nonce or contents of the wrong size");
  }
  ASSIGN_OR_RETURN(std::string key,
                   DeriveKeyFromPassphrase(passphrase, salt, {static_cast<uint64_t>(ops), static_cast<size_t>(mem)},
                                           crypto_aead_xchacha20poly1305_ietf_KEYBYTES));
  const std::string ad = SealContext(kind, election, trustee);
  std::string plain(sealed.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long n = 0;
  const int opened =
      crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(plain.data()), &n, nullptr, U(sealed),
                                                 sealed.size(), U(ad), ad.size(), U(nonce), U(key));
  sodium_memzero(key.data(), key.size());
  if (opened != 0) {
    return PermissionDenied("the " + std::string(kind) +
                            " does not open: a wrong passphrase, or a file for another election or trustee");
  }
  return plain;
}

}  // namespace

TransportKey NewTransportKey(uint32_t trustee) {
  if (sodium_init() < 0) std::abort();  // no randomness: no key can be made safely
  TransportKey key{trustee, std::string(crypto_box_PUBLICKEYBYTES, '\0'), std::string(crypto_box_SECRETKEYBYTES, '\0')};
  crypto_box_keypair(reinterpret_cast<unsigned char*>(key.public_key.data()),
                     reinterpret_cast<unsigned char*>(key.secret_key.data()));
  return key;
}

std::string PublicTransportKeyJson(const TransportKey& key) {
  return Json{{"format", "riik-trustee-key-v1"}, {"public", Base64Encode(key.public_key)}, {"trustee", key.trustee}}
      .dump();
}

Result<TransportKey> ParsePublicTransportKey(std::string_view json) {
  ASSIGN_OR_RETURN(Json j, ParseJson(json, JsonLimits{4096, 2}));
  ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, "transport key", {"format", "public", "trustee"}));
  ASSIGN_OR_RETURN(std::string format, f.Text("format", 32));
  if (format != "riik-trustee-key-v1") return InvalidArgument("not a trustee's transport key");
  TransportKey key;
  ASSIGN_OR_RETURN(int64_t trustee, f.Int("trustee", 1, 64));
  key.trustee = static_cast<uint32_t>(trustee);
  ASSIGN_OR_RETURN(key.public_key, f.Base64("public", crypto_box_PUBLICKEYBYTES));
  if (key.public_key.size() != crypto_box_PUBLICKEYBYTES) return InvalidArgument("a transport key is 32 bytes");
  return key;
}

Result<std::string> SealTransportKey(const TransportKey& key, std::string_view election, std::string_view passphrase,
                                     SealCost cost) {
  return SealUnderPassphrase("transport key", election, key.trustee, key.public_key + key.secret_key, passphrase, cost);
}

Result<TransportKey> OpenTransportKey(std::string_view file, std::string_view election, std::string_view passphrase) {
  ASSIGN_OR_RETURN(Json j, ParseJson(file, JsonLimits{16 * 1024, 2}));
  const int64_t trustee = IntOr(j, "trustee");
  ASSIGN_OR_RETURN(std::string plain,
                   OpenUnderPassphrase("transport key", election, static_cast<uint32_t>(trustee), file, passphrase));
  if (plain.size() != crypto_box_PUBLICKEYBYTES + crypto_box_SECRETKEYBYTES) {
    return DataLoss("a sealed transport key of the wrong size");
  }
  TransportKey key{static_cast<uint32_t>(trustee), plain.substr(0, crypto_box_PUBLICKEYBYTES),
                   plain.substr(crypto_box_PUBLICKEYBYTES)};
  sodium_memzero(plain.data(), plain.size());
  unsigned char derived[crypto_box_PUBLICKEYBYTES];
  crypto_scalarmult_base(derived, U(key.secret_key));
  if (sodium_memcmp(derived, U(key.public_key), sizeof derived) != 0) {
    return DataLoss("the sealed transport key's halves do not belong together");
  }
  return key;
}

Result<std::string> SealShareBox(std::string_view election, const TransportKey& from, const TransportKey& to,
                                 const Scalar& share) {
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  if (from.secret_key.size() != crypto_box_SECRETKEYBYTES || to.public_key.size() != crypto_box_PUBLICKEYBYTES) {
    return InvalidArgument("a share box needs the sender's key pair and the recipient's public key");
  }
  const std::string plain = Json{
      {"election", HexEncode(election)},
      {"from", from.trustee},
      {"share", Base64Encode(share.Bytes())},
      {"to", to.trustee}}.dump();
  std::string nonce(crypto_box_NONCEBYTES, '\0'), box(plain.size() + crypto_box_MACBYTES, '\0');
  randombytes_buf(nonce.data(), nonce.size());
  if (crypto_box_easy(reinterpret_cast<unsigned char*>(box.data()), U(plain), plain.size(), U(nonce), U(to.public_key),
                      U(from.secret_key)) != 0) {
    return InvalidArgument("trustee " + std::to_string(to.trustee) + "'s transport key is not a usable X25519 key");
  }
  return Json{{"format", "riik-share-box-v1"},
              {"from", from.trustee},
              {"to", to.trustee},
              {"nonce", Base64Encode(nonce)},
              {"box", Base64Encode(box)}}
      .dump();
}

Result<Scalar> OpenShareBox(std::string_view file, std::string_view election, const TransportKey& from,
                            const TransportKey& to) {
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  ASSIGN_OR_RETURN(Json j, ParseJson(file, JsonLimits{8192, 2}));
  ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, "share box", {"format", "from", "to", "nonce", "box"}));
  ASSIGN_OR_RETURN(std::string format, f.Text("format", 32));
  ASSIGN_OR_RETURN(int64_t outer_from, f.Int("from", 1, 64));
  ASSIGN_OR_RETURN(int64_t outer_to, f.Int("to", 1, 64));
  if (format != "riik-share-box-v1" || static_cast<uint32_t>(outer_from) != from.trustee ||
      static_cast<uint32_t>(outer_to) != to.trustee) {
    return InvalidArgument("not a share box from trustee " + std::to_string(from.trustee) + " to trustee " +
                           std::to_string(to.trustee));
  }
  ASSIGN_OR_RETURN(std::string nonce, f.Base64("nonce", crypto_box_NONCEBYTES));
  ASSIGN_OR_RETURN(std::string box, f.Base64("box", 1024));
  if (nonce.size() != crypto_box_NONCEBYTES || box.size() <= crypto_box_MACBYTES) {
    return InvalidArgument("a share box with a nonce or contents of the wrong size");
  }
  std::string plain(box.size() - crypto_box_MACBYTES, '\0');
  if (crypto_box_open_easy(reinterpret_cast<unsigned char*>(plain.data()), U(box), box.size(), U(nonce),
                           U(from.public_key), U(to.secret_key)) != 0) {
    return PermissionDenied("the share box was not made by trustee " + std::to_string(from.trustee) +
                            "'s transport key for trustee " + std::to_string(to.trustee) + "'s");
  }
  ASSIGN_OR_RETURN(Json inner, ParseJson(plain, JsonLimits{1024, 2}));
  ASSIGN_OR_RETURN(auto g, JsonFields::Of(inner, "share", {"election", "from", "share", "to"}));
  ASSIGN_OR_RETURN(Digest e, g.Hash("election"));
  ASSIGN_OR_RETURN(int64_t inner_from, g.Int("from", 1, 64));
  ASSIGN_OR_RETURN(int64_t inner_to, g.Int("to", 1, 64));
  if (DigestBytes(e) != election || static_cast<uint32_t>(inner_from) != from.trustee ||
      static_cast<uint32_t>(inner_to) != to.trustee) {
    return DataLoss("the share box is for another election or another pair of trustees than " +
                    std::to_string(from.trustee) + " to " + std::to_string(to.trustee));
  }
  ASSIGN_OR_RETURN(std::string bytes, g.Base64("share", kElementBytes));
  sodium_memzero(plain.data(), plain.size());
  auto share = DecodeScalar(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  if (!share.ok()) return DataLoss("the share in the box: " + share.status().message());
  return *share;
}

std::string TransportKeysFingerprint(std::span<const TransportKey> keys) {
  crypto_hash_sha256_state h;
  crypto_hash_sha256_init(&h);
  for (const auto& k : keys) {
    const std::string published = PublicTransportKeyJson(k);
    crypto_hash_sha256_update(&h, U(published), published.size());
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&h, digest);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

Result<std::string> SealKeyShare(std::string_view election, uint32_t trustee, const Scalar& share,
                                 std::string_view passphrase, SealCost cost) {
  return SealUnderPassphrase("key share", election, trustee, share.Bytes(), passphrase, cost);
}

Result<Scalar> OpenKeyShare(std::string_view file, std::string_view election, uint32_t trustee,
                            std::string_view passphrase) {
  ASSIGN_OR_RETURN(std::string plain, OpenUnderPassphrase("key share", election, trustee, file, passphrase));
  auto share = DecodeScalar(plain);
  if (!share.ok()) return DataLoss("the sealed key share: " + share.status().message());
  return *share;
}

}  // namespace riik::election
