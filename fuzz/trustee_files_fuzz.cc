// Fuzzes what trustees hand each other during the key ceremony and the tally (election/
// trustee_files.h, record_json.h, tally.h), chosen by the input's first byte: 'k' a
// published transport key, 'm' a trustee's commitments file, 'd' a trustee's decryption
// parts, 's' a share box from trustee 1 to trustee 2 (their transport keys are fixed
// here, made from the seeds 32 × 0x01 and 32 × 0x02, for the election whose hash is
// SHA-256("riik fuzz election")). Every refusal says why; what parses writes back to what
// parses to the same. valid_ seeds: pieces of the test election's record, and a box
// sealed with the fixed keys.
//
// A trustee's own passphrase-sealed files (transport key, key share) are not fuzzed past
// their JSON: opening one runs Argon2id, with limits the file names within libsodium's
// bounds, up to a gibibyte of memory for an input, which is its job and not a parser's.
#include <sodium.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/sha256.h"
#include "election/record_json.h"
#include "election/tally.h"
#include "election/trustee_files.h"
#include "round_trip.h"

namespace {

using namespace riik;

using fuzz::Refused;
using fuzz::RoundTrip;

election::TransportKey FixedKey(uint32_t trustee) {
  election::TransportKey key{trustee, std::string(crypto_box_PUBLICKEYBYTES, '\0'),
                             std::string(crypto_box_SECRETKEYBYTES, '\0')};
  const std::string seed(crypto_box_SEEDBYTES, static_cast<char>(trustee));
  if (crypto_box_seed_keypair(reinterpret_cast<unsigned char*>(key.public_key.data()),
                              reinterpret_cast<unsigned char*>(key.secret_key.data()),
                              reinterpret_cast<const unsigned char*>(seed.data())) != 0) {
    std::abort();
  }
  return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (sodium_init() < 0) std::abort();
  static const election::TransportKey from = FixedKey(1), to = FixedKey(2);
  static const std::string election = DigestBytes(Sha256("riik fuzz election"));
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0]) {
    case 'k': {
      auto key = election::ParsePublicTransportKey(text);
      if (Refused(key)) return 0;
      RoundTrip(*key, election::PublicTransportKeyJson, election::ParsePublicTransportKey);
      break;
    }
    case 'm': {
      auto commitments = election::ParseCommitmentsFile(text);
      if (Refused(commitments)) return 0;
      RoundTrip(*commitments, election::CommitmentsFileJson, election::ParseCommitmentsFile);
      break;
    }
    case 'd': {
      auto decryption = election::ParseTrusteeDecryption(text);
      if (Refused(decryption)) return 0;
      RoundTrip(*decryption, election::TrusteeDecryptionToJson, election::ParseTrusteeDecryption);
      break;
    }
    case 's': {
      auto share = election::OpenShareBox(text, election, from, to);
      if (Refused(share)) return 0;
      // The share opened: sealed again, it opens to the same.
      auto box = election::SealShareBox(election, from, to, *share);
      if (!box.ok()) std::abort();
      auto again = election::OpenShareBox(*box, election, from, to);
      if (!again.ok() || again->Bytes() != share->Bytes()) std::abort();
      break;
    }
    default:
      fuzz::RequireValid(false, "the first byte names no parser");
      break;
  }
  return 0;
}
