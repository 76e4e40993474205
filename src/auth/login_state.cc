// LoginStates (login_state.h).
#include "auth/login_state.h"

#include "core/big_endian.h"
#include "core/encoding.h"
#include "crypto/random.h"
#include "crypto/sha256.h"

namespace riik::auth {

static_assert((LoginStates::kTimeBytes + LoginStates::kRandomBytes + LoginStates::kTagBytes) * 4 / 3 + 1 ==
              LoginStates::kStateChars);

std::string LoginStates::Tag(std::string_view time_and_random) const {
  return DigestBytes(HmacSha256(key_, "riik login state\n" + std::string(time_and_random))).substr(0, kTagBytes);
}

LoginSecrets LoginStates::SecretsOf(std::string_view state) const {
  auto derive = [&](std::string_view label) {
    return Base64UrlEncode(DigestBytes(HmacSha256(key_, std::string(label) + "\n" + std::string(state))));
  };
  return {derive("riik login nonce"), derive("riik login PKCE verifier")};
}

Result<Login> LoginStates::Make(UnixMicros now) const {
  ASSIGN_OR_RETURN(std::string random, RandomBytes(kRandomBytes));
  std::string bytes = BigEndian(static_cast<uint64_t>(now), kTimeBytes);
  bytes += random;
  bytes += Tag(bytes);
  Login login;
  login.state = Base64UrlEncode(bytes);
  login.secrets = SecretsOf(login.state);
  return login;
}

Result<LoginSecrets> LoginStates::Open(std::string_view state, UnixMicros now) const {
  const Status not_made_here = InvalidArgument("the state was not made by this service");
  if (state.size() != kStateChars) return not_made_here;
  auto bytes = Base64UrlDecode(state);
  if (!bytes.ok() || bytes->size() != kTimeBytes + kRandomBytes + kTagBytes) return not_made_here;
  const std::string_view signed_part = std::string_view(*bytes).substr(0, kTimeBytes + kRandomBytes);
  if (!SameToken(std::string_view(*bytes).substr(signed_part.size()), Tag(signed_part))) return not_made_here;
  const uint64_t made = ReadBigEndian(signed_part.substr(0, kTimeBytes));
  // In unsigned arithmetic: a time near either end of the range does not overflow.
  const auto now_u = static_cast<uint64_t>(now);
  if (made < now_u && now_u - made > kLifetimeUs) return DeadlineExceeded("the state is older than 10 minutes");
  if (made > now_u + kClockSlackUs) return FailedPrecondition("the state was made ahead of this service's clock");
  return SecretsOf(state);
}

}  // namespace riik::auth
