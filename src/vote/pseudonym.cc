// Voters' pseudonyms (pseudonym.h).
#include "vote/pseudonym.h"

#include <filesystem>

#include "core/encoding.h"
#include "core/file.h"
#include "crypto/random.h"
#include "crypto/sha256.h"

namespace riik::vote {

std::string VoterPseudonym(std::string_view secret, std::string_view personal_code) {
  return DigestHex(HmacSha256(secret, personal_code));
}

Result<std::string> LoadOrMakePseudonymSecret(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    ASSIGN_OR_RETURN(std::string secret, RandomBytes(kPseudonymSecretBytes));
    RETURN_IF_ERROR(WriteFileAtomic(path, HexEncode(secret) + "\n", /*secret=*/true));
  }
  return ReadPseudonymSecret(path);
}

Result<std::string> ReadPseudonymSecret(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadSecretFile(path));
  auto secret = HexDecode(text.substr(0, text.find('\n')));
  if (!secret.ok() || secret->size() < kPseudonymSecretBytes) {
    return InvalidArgument(path + " must hold the pseudonym secret: 64 hex digits");
  }
  return *secret;
}

}  // namespace riik::vote
