// Fuzzes what the sign-in service's token endpoint reads from a client (src/auth/
// clients.h, jose.h, net/http.h): the input's first line is the Authorization header,
// the rest the form body. The form is parsed (a parameter given twice is refused), the
// client authenticated against two registrations (a secret's SHA-256; a JWKS with the
// fixture key) by HTTP Basic or by a client assertion (a compact JWS, its header, its
// claims), and any JSON object in the body read as a JWK. Never crashes; nothing but
// the right secret or a JWT signed by the fixture key authenticates; valid_ seeds do.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "auth/clients.h"
#include "auth/jose.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "net/http.h"
#include "seeds.h"

using namespace riik;

namespace {

constexpr std::string_view kSecret = "fuzz-client-secret-0123456789abcdef";

auth::ClientAuthenticator& Authenticator() {
  static auth::ClientAuthenticator* a = [] {
    auto key = ParsePrivateKeyPem(fuzz::kFixtureKeyPem);
    if (!key.ok()) std::abort();
    auto jwk = auth::PublicJwk(key->get(), "fixture", auth::JwsAlg::kES256);
    if (!jwk.ok()) std::abort();
    auto lookup = [jwks = Json{{"keys", {*jwk}}}.dump()](std::string_view id) -> Result<auth::Client> {
      auth::Client c;
      c.id = std::string(id);
      if (id == "EE/GOV/1/secret") {
        c.secret_sha256 = DigestHex(Sha256(kSecret));
        return c;
      }
      if (id == "EE/GOV/1/key") {
        c.method = auth::Client::Method::kPrivateKeyJwt;
        c.jwks = jwks;
        return c;
      }
      return NotFound("unknown client");
    };
    // A fixed time, so that seeds' assertions stay within their lifetime.
    return new auth::ClientAuthenticator(lookup, {"https://auth.riik.test/token"},
                                         [] { return UnixMicros{1'796'000'000'000'000}; });
  }();
  return *a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  std::string_view header = newline == std::string_view::npos ? input : input.substr(0, newline);
  std::string_view body = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  auto form = net::ParseForm(body);
  if (!form.ok()) {
    if (form.status().message().empty()) std::abort();
    fuzz::RequireValid(false, form.status().message());
    return 0;
  }
  auto get = [&](const char* k) { return form->contains(k) ? form->at(k) : std::string(); };
  auth::ClientCredentials c{std::string(header), get("client_id"), get("client_assertion_type"),
                            get("client_assertion")};
  auto client = Authenticator().Authenticate(c);
  if (client.ok()) {
    // Only the right secret, or an assertion the fixture key signed, gets here.
    if (client->id == "EE/GOV/1/secret") {
      auto basic = auth::ParseBasicAuthorization(header);
      if (!basic.ok() || basic->second != kSecret) std::abort();
    } else {
      auto jws = auth::ParseJws(c.assertion);
      auto key = ParsePrivateKeyPem(fuzz::kFixtureKeyPem);
      if (!jws.ok() || !key.ok() || !auth::VerifyJws(*jws, key->get()).value()) std::abort();
    }
  } else {
    if (client.status().message().empty()) std::abort();
    fuzz::RequireValid(false, client.status().message());
  }
  if (auto json = ParseJson(body, JsonLimits{16 * 1024, 8}); json.ok() && json->is_object()) {
    auto key = auth::KeyFromJwk(*json);
    if (!key.ok() && key.status().message().empty()) std::abort();
  }
  return 0;
}
