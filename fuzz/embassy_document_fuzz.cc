// Fuzzes the documents the embassy and a restore read from others: checkpoints (a
// node's signed state digest), drill results, snapshot manifests and chunks, and
// wrapped data keys (src/embassy/). The first byte picks what the rest is: 0 a signed
// checkpoint or snapshot manifest as received (the signature path), 1 a JSON object
// that is signed here first and then read back (so the fields are parsed whatever they
// hold), 2 a wrapped data key, 3 a sealed snapshot chunk its manifest names (the
// decompressing path: the rest is encrypted here under the chunk's data key and
// associated data, so it passes the AEAD tag and reaches zstd). Every input must give a
// verdict with a reason, never a crash; valid_ seeds must be accepted (seeds.h).
// Signatures are the fixture key's (seeds.h).
#include <sodium.h>
#include <zstd.h>

#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "core/json.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "embassy/checkpoint.h"
#include "embassy/data_key.h"
#include "embassy/sealing.h"
#include "embassy/segment.h"
#include "embassy/signed_document.h"
#include "embassy/snapshot.h"
#include "seeds.h"

namespace {

EVP_PKEY* Key() {
  static riik::UniquePtr<EVP_PKEY> key = std::move(*riik::ParsePrivateKeyPem(riik::fuzz::kFixtureKeyPem));
  return key.get();
}

// True when accepted; a refusal must say why.
bool Check(const riik::Status& st) {
  if (!st.ok() && st.message().empty()) std::abort();
  return st.ok();
}

// `compressed` sealed as chunk 0 of `m` would be: nonce, then XChaCha20-Poly1305 under
// `key` with the chunk's associated data (the node seals zstd output this way).
std::string SealAsChunk(const riik::embassy::SnapshotManifest& m, std::string_view compressed, std::string_view key) {
  std::string nonce(riik::embassy::kSealNonceBytes, '\x05');
  std::string aad = riik::embassy::SnapshotChunkAad(m, 0);
  std::string out(compressed.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long n = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<unsigned char*>(out.data()), &n, reinterpret_cast<const unsigned char*>(compressed.data()),
      compressed.size(), reinterpret_cast<const unsigned char*>(aad.data()), aad.size(), nullptr,
      reinterpret_cast<const unsigned char*>(nonce.data()), reinterpret_cast<const unsigned char*>(key.data()));
  out.resize(n);
  return nonce + out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      bool accepted = Check(riik::embassy::CheckCheckpoint(text, Key()).status());
      accepted |= Check(riik::embassy::CheckSnapshotManifest(text, Key()).status());
      riik::fuzz::RequireValid(accepted, "neither a checkpoint nor a snapshot manifest signed by the fixture key");
      break;
    }
    case 1: {
      auto doc = riik::ParseJson(text, riik::JsonLimits{4096, 4});
      auto signed_text = doc.ok() && doc->is_object() && !doc->contains("signature")
                             ? riik::embassy::SignDocument(*doc, Key())
                             : riik::Result<std::string>(riik::InvalidArgument("not an unsigned JSON object"));
      bool accepted = false;
      if (signed_text.ok()) {
        accepted |= Check(riik::embassy::CheckCheckpoint(*signed_text, Key()).status());
        accepted |= Check(riik::embassy::CheckSignedDocument(*signed_text, "riik-drill-v1", Key()).status());
        accepted |= Check(riik::embassy::CheckSnapshotManifest(*signed_text, Key()).status());
      }
      riik::fuzz::RequireValid(accepted, "no document kind accepted the object");
      break;
    }
    case 2: {
      static const std::string master(riik::embassy::kMasterKeyBytes, '\x07');
      Check(riik::embassy::UnwrapDataKey(text, master, "population").status());
      break;
    }
    case 3: {
      static const std::string data_key(riik::embassy::kDataKeyBytes, '\x09');
      riik::embassy::SnapshotManifest m;
      m.node = "population";
      m.seq = 7;
      m.head_hash = std::string(32, '\x01');
      m.key_id = riik::embassy::DataKeyId(data_key);
      // The size the manifest names: the frame's own claim when it makes one.
      unsigned long long claimed = ZSTD_getFrameContentSize(text.data(), text.size());
      int64_t bytes =
          claimed >= 1 && claimed <= riik::embassy::kSnapshotChunkBytes ? static_cast<int64_t>(claimed) : 4096;
      std::string sealed = SealAsChunk(m, text, data_key);
      m.chunks.push_back({riik::DigestBytes(riik::Sha256(sealed)), bytes});
      m.file_bytes = bytes;
      riik::fuzz::RequireValid(Check(riik::embassy::OpenSnapshotChunk(m, 0, sealed, data_key).status()),
                               "the sealed chunk did not open");
      break;
    }
  }
  return 0;
}
