// Voters' pseudonyms (pseudonym.h).
#include "vote/pseudonym.h"

#include "crypto/sha256.h"

namespace riik::vote {

std::string VoterPseudonym(std::string_view secret, std::string_view personal_code) {
  return DigestHex(HmacSha256(secret, personal_code));
}

}  // namespace riik::vote
