// Voters' pseudonymous ids: what the voter list, the ballots and the board know a voter
// by. HMAC-SHA-256 of the personal code under the election's pseudonym secret, which
// only the vote service (and whoever builds its voter list) holds: the published list and
// board name nobody, while the service finds a signed-in voter's entry.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace riik::vote {

inline constexpr size_t kPseudonymSecretBytes = 32;

// 64 lower-case hex digits.
std::string VoterPseudonym(std::string_view secret, std::string_view personal_code);

// The secret in `path` (64 hex digits, a 0600 file), made at random if there is none.
Result<std::string> LoadOrMakePseudonymSecret(const std::string& path);
// The secret from `path` (a file LoadOrMakePseudonymSecret wrote), never made: for the
// auditors' check of the annex (annex.h).
Result<std::string> ReadPseudonymSecret(const std::string& path);

}  // namespace riik::vote
