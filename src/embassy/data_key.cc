// Wrapping and unwrapping node data keys.
#include "embassy/data_key.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/json.h"
#include "crypto/bytes.h"
#include "embassy/segment.h"

namespace riik::embassy {
namespace {

constexpr const char* kWrappedFormat = "riik-wrapped-key-v1";
constexpr size_t kMaxNodeName = 128;

}  // namespace

std::string NewDataKey() {
  if (sodium_init() < 0) std::abort();
  std::string key(kDataKeyBytes, '\0');
  randombytes_buf(key.data(), key.size());
  return key;
}

std::string NewMasterSecret() {
  if (sodium_init() < 0) std::abort();
  std::string secret(kMasterKeyBytes, '\0');
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

Result<std::string> MasterPublicKey(std::string_view master_secret) {
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  if (master_secret.size() != kMasterKeyBytes) return InvalidArgument("the master secret is 32 bytes");
  std::string pub(crypto_box_PUBLICKEYBYTES, '\0');
  crypto_scalarmult_base(reinterpret_cast<unsigned char*>(pub.data()), Uchars(master_secret));
  return pub;
}

Result<std::string> WrapDataKey(std::string_view data_key, std::string_view master_public, const std::string& node) {
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  if (data_key.size() != kDataKeyBytes || master_public.size() != crypto_box_PUBLICKEYBYTES) {
    return InvalidArgument("the data key and the master public key are 32 bytes");
  }
  if (node.empty() || node.size() > kMaxNodeName) return InvalidArgument("a node name is 1 to 128 bytes");
  // The plaintext binds the key to its node: length, name, key.
  std::string plain(1, static_cast<char>(node.size()));
  plain += node;
  plain += data_key;
  std::string sealed(plain.size() + crypto_box_SEALBYTES, '\0');
  crypto_box_seal(reinterpret_cast<unsigned char*>(sealed.data()), Uchars(plain), plain.size(), Uchars(master_public));
  sodium_memzero(plain.data(), plain.size());
  return CanonicalJson(Json{
      {"format", kWrappedFormat}, {"key_id", DataKeyId(data_key)}, {"node", node}, {"sealed", Base64Encode(sealed)}});
}

Result<std::string> UnwrapDataKey(std::string_view wrapped, std::string_view master_secret, const std::string& node) {
  ASSIGN_OR_RETURN(std::string master_public, MasterPublicKey(master_secret));
  auto doc = ParseJson(wrapped, JsonLimits{4096, 2});
  if (!doc.ok() || !doc->is_object() || StringOr(*doc, "format") != kWrappedFormat) {
    return InvalidArgument("not a " + std::string(kWrappedFormat) + " document");
  }
  if (StringOr(*doc, "node") != node) {
    return DataLoss("this wrapped key is node " + StringOr(*doc, "node", "?") + "'s, not " + node + "'s");
  }
  auto sealed = Base64Decode(StringOr(*doc, "sealed"));
  if (!sealed.ok() || sealed->size() < crypto_box_SEALBYTES + 1 + kDataKeyBytes ||
      sealed->size() > crypto_box_SEALBYTES + 1 + kMaxNodeName + kDataKeyBytes) {
    return InvalidArgument("the wrapped key's sealed key is malformed");
  }
  std::string plain(sealed->size() - crypto_box_SEALBYTES, '\0');
  int opened = crypto_box_seal_open(reinterpret_cast<unsigned char*>(plain.data()), Uchars(*sealed), sealed->size(),
                                    Uchars(master_public), Uchars(master_secret));
  if (opened != 0) return PermissionDenied("the wrapped data key of " + node + " does not open with this master key");
  size_t name_length = static_cast<unsigned char>(plain[0]);
  if (plain.size() != 1 + name_length + kDataKeyBytes || plain.compare(1, name_length, node) != 0) {
    sodium_memzero(plain.data(), plain.size());
    return DataLoss("the wrapped data key was sealed for another node than " + node);
  }
  std::string data_key = plain.substr(1 + name_length);
  sodium_memzero(plain.data(), plain.size());
  if (DataKeyId(data_key) != StringOr(*doc, "key_id")) {
    return DataLoss("the unwrapped key is not the one its key_id names");
  }
  return data_key;
}

}  // namespace riik::embassy
