// Wrapping and unwrapping node data keys.
#include "embassy/data_key.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/json.h"
#include "embassy/segment.h"

namespace riik::embassy {
namespace {

constexpr const char* kWrappedFormat = "riik-wrapped-key-v1";

// The master key and the node's name, hashed into the key that seals: a wrapped key
// cannot be passed off as another node's.
std::string SealingKey(std::string_view master_key, const std::string& node) {
  std::string key(crypto_secretbox_KEYBYTES, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(key.data()), key.size(),
                     reinterpret_cast<const unsigned char*>(node.data()), node.size(),
                     reinterpret_cast<const unsigned char*>(master_key.data()), master_key.size());
  return key;
}

}  // namespace

std::string NewDataKey() {
  if (sodium_init() < 0) std::abort();
  std::string key(kDataKeyBytes, '\0');
  randombytes_buf(key.data(), key.size());
  return key;
}

Result<std::string> WrapDataKey(std::string_view data_key, std::string_view master_key, const std::string& node) {
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  if (data_key.size() != kDataKeyBytes || master_key.size() != kMasterKeyBytes) {
    return InvalidArgument("data and master keys are 32 bytes");
  }
  std::string nonce(crypto_secretbox_NONCEBYTES, '\0');
  randombytes_buf(nonce.data(), nonce.size());
  std::string key = SealingKey(master_key, node);
  std::string sealed(data_key.size() + crypto_secretbox_MACBYTES, '\0');
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(sealed.data()),
                        reinterpret_cast<const unsigned char*>(data_key.data()), data_key.size(),
                        reinterpret_cast<const unsigned char*>(nonce.data()),
                        reinterpret_cast<const unsigned char*>(key.data()));
  sodium_memzero(key.data(), key.size());
  return CanonicalJson(Json{{"format", kWrappedFormat},
                            {"key_id", DataKeyId(data_key)},
                            {"node", node},
                            {"nonce", Base64Encode(nonce)},
                            {"sealed", Base64Encode(sealed)}});
}

Result<std::string> UnwrapDataKey(std::string_view wrapped, std::string_view master_key, const std::string& node) {
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  if (master_key.size() != kMasterKeyBytes) return InvalidArgument("the master key is 32 bytes");
  auto doc = ParseJson(wrapped, JsonLimits{4096, 2});
  if (!doc.ok() || !doc->is_object() || doc->value("format", "") != kWrappedFormat) {
    return InvalidArgument("not a " + std::string(kWrappedFormat) + " document");
  }
  if (doc->value("node", "") != node) {
    return DataLoss("this wrapped key is node " + doc->value("node", std::string("?")) + "'s, not " + node + "'s");
  }
  auto nonce = Base64Decode(doc->value("nonce", ""));
  auto sealed = Base64Decode(doc->value("sealed", ""));
  if (!nonce.ok() || !sealed.ok() || nonce->size() != crypto_secretbox_NONCEBYTES ||
      sealed->size() != kDataKeyBytes + crypto_secretbox_MACBYTES) {
    return InvalidArgument("the wrapped key's nonce or sealed key is malformed");
  }
  std::string key = SealingKey(master_key, node);
  std::string data_key(kDataKeyBytes, '\0');
  int opened = crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(data_key.data()),
                                          reinterpret_cast<const unsigned char*>(sealed->data()), sealed->size(),
                                          reinterpret_cast<const unsigned char*>(nonce->data()),
                                          reinterpret_cast<const unsigned char*>(key.data()));
  sodium_memzero(key.data(), key.size());
  if (opened != 0) return PermissionDenied("the wrapped data key of " + node + " does not open with this master key");
  if (DataKeyId(data_key) != doc->value("key_id", ""))
    return DataLoss("the unwrapped key is not the one its key_id names");
  return data_key;
}

}  // namespace riik::embassy
