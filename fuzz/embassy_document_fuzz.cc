// Fuzzes the documents the embassy and a restore read from others: checkpoints (a
// node's signed state digest), drill results, snapshot manifests and chunks, and
// wrapped data keys (src/embassy/). The first byte picks what the rest is: 0 a signed
// checkpoint or snapshot manifest as received (the signature path), 1 a JSON object
// that is signed here first and then read back (so the fields are parsed whatever they
// hold), 2 a wrapped data key, 3 a sealed snapshot chunk its manifest names (the
// decrypting and decompressing path). Every input must give a verdict with a reason,
// never a crash.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "core/json.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "embassy/checkpoint.h"
#include "embassy/data_key.h"
#include "embassy/segment.h"
#include "embassy/signed_document.h"
#include "embassy/snapshot.h"

namespace {

EVP_PKEY* Key() {
  static riik::UniquePtr<EVP_PKEY> key = std::move(*riik::GenerateEcKey("P-256"));
  return key.get();
}

void Check(const riik::Status& st) {
  if (!st.ok() && st.message().empty()) std::abort();  // every refusal says why
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      Check(riik::embassy::CheckCheckpoint(text, Key()).status());
      Check(riik::embassy::CheckSnapshotManifest(text, Key()).status());
      break;
    case 1: {
      auto doc = riik::ParseJson(text, riik::JsonLimits{4096, 4});
      if (!doc.ok() || !doc->is_object() || doc->contains("signature")) break;
      auto signed_text = riik::embassy::SignDocument(*doc, Key());
      if (!signed_text.ok()) break;
      Check(riik::embassy::CheckCheckpoint(*signed_text, Key()).status());
      Check(riik::embassy::CheckSignedDocument(*signed_text, "riik-drill-v1", Key()).status());
      Check(riik::embassy::CheckSnapshotManifest(*signed_text, Key()).status());
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
      m.chunks.push_back({riik::DigestBytes(riik::Sha256(text)), 4096});
      m.file_bytes = 4096;
      Check(riik::embassy::OpenSnapshotChunk(m, 0, text, data_key).status());
      break;
    }
  }
  return 0;
}
