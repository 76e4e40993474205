// Fuzzes a relying party's checks on what the sign-in service sends it (auth/
// id_token_check.h): an ID token from the token endpoint, and a back-channel logout
// token posted to the service by anyone who can reach it. The input's first line says
// which ("id" or "logout"); an ID token's input then gives the nonce sent and the access
// token on a line each, and the rest is the token. The JWKS holds the fixture key
// (seeds.h, as ES256 under kid "fuzz"). Every refusal says why; an accepted token has the
// claims its check promises. valid_ seeds are tokens signed with the fixture key.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/id_token_check.h"
#include "auth/jose.h"
#include "crypto/x509.h"
#include "seeds.h"

namespace {

// The next line of `rest` (without its newline), and `rest` moved past it.
std::string_view Line(std::string_view& rest) {
  size_t nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace riik;
  static const Json* jwks = [] {
    auto key = ParsePrivateKeyPem(fuzz::kFixtureKeyPem);
    if (!key.ok()) std::abort();
    auto jwk = auth::PublicJwk(key->get(), "fuzz", auth::JwsAlg::kES256);
    if (!jwk.ok()) std::abort();
    return new Json{{"keys", Json::array({*jwk})}};
  }();
  const auth::ExpectedToken expected{"https://auth.riik.test", "fuzz-client", 1'796'000'000'000'000};
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view kind = Line(rest);
  if (kind == "id") {
    const std::string nonce(Line(rest));
    const std::string access(Line(rest));
    auto claims = auth::CheckIdToken(rest, *jwks, expected, nonce, access);
    if (!claims.ok()) {
      if (claims.status().message().empty()) std::abort();
      return fuzz::RequireValid(false, claims.status().message()), 0;
    }
    if (StringOr(*claims, "iss") != expected.issuer || StringOr(*claims, "nonce") != nonce ||
        StringOr(*claims, "sub").empty()) {
      std::abort();
    }
  } else if (kind == "logout") {
    auto claims = auth::CheckLogoutToken(rest, *jwks, expected);
    if (!claims.ok()) {
      if (claims.status().message().empty()) std::abort();
      return fuzz::RequireValid(false, claims.status().message()), 0;
    }
    if (StringOr(*claims, "iss") != expected.issuer || claims->contains("nonce") || StringOr(*claims, "sid").empty()) {
      std::abort();
    }
  } else {
    fuzz::RequireValid(false, "the first line is neither id nor logout");
  }
  return 0;
}
