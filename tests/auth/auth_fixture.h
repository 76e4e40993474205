// The state CA with its OCSP responder in process, two citizens with eIDs on software
// tokens, and a provider with two registered clients on a clock the test moves: what
// the sign-in tests run against.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "auth/key_ring.h"
#include "auth/provider.h"
#include "auth/webeid.h"
#include "core/encoding.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "eid/enroll.h"
#include "eid/software_token.h"
#include "net/http.h"
#include "support/temp_dir.h"
#include "trust/ocsp_responder.h"
#include "trust/test_ca.h"

namespace riik::auth {

inline constexpr const char* kPin1 = "0090";
inline constexpr const char* kOrigin = "https://auth.riik.test";
inline constexpr const char* kPortal = "EE/GOV/70000310/portal";
inline constexpr const char* kBank = "EE/COM/10060701/bank";
inline constexpr const char* kPortalSecret = "portal-secret-0123456789abcdefghijklmnop";
inline constexpr const char* kBrowser = "browser-one-0123456789012345678901";  // browsers' cookie ids
inline constexpr const char* kOtherBrowser = "browser-two-0123456789012345678901";
inline constexpr const char* kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";  // RFC 7636 appendix B

class AuthFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    trust::TestCa test_ca = trust::OpenTestCa(dir_);
    ASSERT_TRUE(test_ca.ca);
    store_ = std::move(test_ca.store);
    ca_ = std::move(test_ca.ca);
    auto ocsp = trust::OcspResponder::Create(*ca_);
    ASSERT_TRUE(ocsp.ok()) << ocsp.status().ToString();
    ocsp_ = std::move(*ocsp);
    jaan_ = Enroll("token-jaan", {"38001085718", "Jaan", "Tamm"});
    now_ = NowMicros();

    KeyRingOptions k;
    k.dir = dir_ / "keys";
    k.clock = TestClock();
    auto ring = KeyRing::Open(k);
    ASSERT_TRUE(ring.ok()) << ring.status().ToString();
    keys_ = std::move(*ring);

    Client portal;
    portal.id = kPortal;
    portal.name = "eesti.ee";
    portal.redirect_uris = {"https://portal.riik.test/callback"};
    portal.post_logout_redirect_uris = {"https://portal.riik.test/"};
    portal.secret_sha256 = DigestHex(Sha256(kPortalSecret));
    portal.backchannel_logout_uri = "https://portal.riik.test/backchannel";
    clients_[kPortal] = portal;
    Client bank;
    bank.id = kBank;
    bank.name = "Bank";
    bank.redirect_uris = {"https://bank.riik.test/cb"};
    bank.method = Client::Method::kPrivateKeyJwt;
    bank.id_token_alg = JwsAlg::kES256;
    bank.backchannel_logout_uri = "https://bank.riik.test/logout";
    auto bank_key = GenerateEcKey("P-256");
    ASSERT_TRUE(bank_key.ok());
    bank_key_ = std::move(*bank_key);
    auto jwk = PublicJwk(bank_key_.get(), "bank-1", JwsAlg::kES256);
    ASSERT_TRUE(jwk.ok());
    bank.jwks = Json{{"keys", {*jwk}}}.dump();
    clients_[kBank] = bank;
    MakeProvider();
  }

  void MakeProvider(ProviderOptions o = {}) {
    o.issuer = kOrigin;
    o.clock = TestClock();
    auto lookup = [this](std::string_view id) -> Result<Client> {
      auto it = clients_.find(std::string(id));
      if (it == clients_.end()) return NotFound("unknown client");
      return it->second;
    };
    provider_ = std::make_unique<Provider>(o, *keys_, lookup, Trust(),
                                           [this](auto, auto, const Refused& r, auto) { refusals_.push_back(r.why); });
  }

  riik::Clock TestClock() {
    return [this] { return now_; };
  }

  EidTrust Trust() {
    EidTrust t;
    t.eid_ca.reset(X509_dup(ca_->eid_certificate()));
    t.root.reset(X509_dup(ca_->root_certificate()));
    t.ocsp_url = "http://ocsp.riik.test/ocsp";
    t.post_ocsp = [this](const std::string&, std::string_view request) -> Result<std::string> {
      if (!ocsp_up_) return Unavailable("connection refused");
      return ocsp_->Respond(request);
    };
    t.disallowed_policies = {"2.999.1.1.2"};
    t.clock = TestClock();
    return t;
  }

  std::unique_ptr<eid::Token> Enroll(const std::string& name, const eid::Citizen& citizen) {
    auto token = eid::SoftwareToken::Open(dir_ / name, eid::kPublishedPinKdfIterations);
    EXPECT_TRUE(token.ok());
    if (!token.ok()) return nullptr;
    auto issue = [this](const trust::EidRequest& r) { return ca_->IssueEid(r); };
    auto enrolled = eid::Enroll(**token, issue, citizen, eid::Pins{kPin1, "01497", "17258403"});
    EXPECT_TRUE(enrolled.ok()) << enrolled.status().ToString();
    return std::move(*token);
  }

  // The second citizen, enrolled when a test needs her (an enrollment costs PBKDF2 rounds).
  eid::Token& Mari() {
    if (!mari_) mari_ = Enroll("token-mari", {"48705120271", "Mari", "Maasikas"});
    return *mari_;
  }

  // `token`'s authentication key, unlocked once per test (each PIN entry costs PBKDF2
  // rounds).
  EVP_PKEY* AuthKey(eid::Token& token) {
    auto& key = unlocked_[&token];
    if (!key) {
      auto k = token.PrivateKey(trust::EidKey::kAuthentication, kPin1);
      EXPECT_TRUE(k.ok()) << k.status().ToString();
      if (k.ok()) key = std::move(*k);
    }
    return key.get();
  }

  // What a stranger can make: a key of their own, and certificates for it that name the
  // person with `code` as an eID certificate would, one self-signed and one whose names
  // say the eID CA issued it (its signature is the stranger's).
  struct Forgery {
    UniquePtr<EVP_PKEY> key;
    std::vector<std::string> certificates;  // DER
  };
  Forgery ForgeFor(const std::string& code) {
    Forgery f{std::move(GenerateEcKey("P-384").value()), {}};
    const UnixMicros now = NowMicros(), day = 86'400'000'000;
    CertificateSpec spec{
        {{"C", "EE"}, {"CN", "TAMM,JAAN," + code}, {"SN", "TAMM"}, {"GN", "JAAN"}, {"serialNumber", "PNOEE-" + code}},
        "",
        now - day,
        now + day,
        "critical,CA:FALSE",
        "critical,digitalSignature,nonRepudiation"};
    for (X509* issuer : {static_cast<X509*>(nullptr), ca_->eid_certificate()}) {
      auto cert = IssueCertificate(spec, f.key.get(), issuer, f.key.get());
      EXPECT_TRUE(cert.ok()) << cert.status().ToString();
      if (cert.ok()) f.certificates.push_back(CertificateDer(cert->get()));
    }
    return f;
  }

  // `token`'s holder declining app request `id`: PIN1 over DeclineHash(id).
  AppAnswer Decline(eid::Token& token, const std::string& id) {
    auto cert = token.Certificate(trust::EidKey::kAuthentication);
    return AppAnswer{CertificateDer(cert->get()), SignAppHash(AuthKey(token), DeclineHash(id)).value()};
  }

  // A Web eID token from `token`'s authentication key over `origin` and `nonce`.
  std::string WebEidToken(eid::Token& token, const std::string& nonce, const std::string& origin = kOrigin) {
    auto cert = token.Certificate(trust::EidKey::kAuthentication);
    EXPECT_TRUE(cert.ok());
    auto made = MakeWebEidToken(AuthKey(token), cert->get(), origin, nonce);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return made.ok() ? *made : "";
  }

  AuthorizeParams Params(const std::string& client = kPortal) {
    AuthorizeParams p;
    p.response_type = "code";
    p.client_id = client;
    p.redirect_uri = client == kPortal ? "https://portal.riik.test/callback" : "https://bank.riik.test/cb";
    p.scope = "openid";
    p.state = "state-0123456789";
    p.nonce = "nonce-abc";
    p.code_challenge = Base64UrlEncode(DigestBytes(Sha256(kVerifier)));
    p.code_challenge_method = "S256";
    return p;
  }

  // The query parameter `name` of a redirect URL.
  static std::string QueryOf(const std::string& url, const std::string& name) {
    size_t q = url.find('?');
    if (q == std::string::npos) return "";
    auto form = net::ParseForm(url.substr(q + 1));
    return form.ok() && form->contains(name) ? form->at(name) : "";
  }

  // The id the browser named `browser` sends: the name itself until a sign-in gives it
  // a new one (as a browser keeps the cookie it is sent; Remember).
  std::string Jar(const std::string& browser) const {
    auto it = jar_.find(browser);
    return it == jar_.end() ? browser : it->second;
  }
  void Remember(const std::string& browser, const Checked<Redirect>& done) {
    if (Passed(done) && !std::get<Redirect>(done).browser.empty()) jar_[browser] = std::get<Redirect>(done).browser;
  }

  // Signs in with the ID-card through /authorize for `client`; the code's redirect.
  std::string SignInWithIdCard(eid::Token& token, const std::string& browser, const std::string& client = kPortal) {
    const std::string id = Jar(browser);
    AuthorizeOutcome out = provider_->Authorize(Params(client), id);
    if (auto* sso = std::get_if<Redirect>(&out)) return sso->url;  // signed in already
    auto* login = std::get_if<ShowLogin>(&out);
    EXPECT_TRUE(login);
    if (!login) return "";
    auto nonce = provider_->IdCardChallenge(login->request_id, id);
    EXPECT_TRUE(nonce.ok());
    Checked<Redirect> done = provider_->IdCardLogin(login->request_id, id, WebEidToken(token, *nonce), kOrigin);
    EXPECT_TRUE(Passed(done)) << (Passed(done) ? "" : std::get<Refused>(done).detail);
    Remember(browser, done);
    return Passed(done) ? std::get<Redirect>(done).url : "";
  }

  TokenRequest CodeExchange(const std::string& code, const std::string& client = kPortal) {
    TokenRequest t;
    t.grant_type = "authorization_code";
    t.code = code;
    t.redirect_uri = Params(client).redirect_uri;
    t.code_verifier = kVerifier;
    t.credentials.authorization = "Basic " + Base64Encode(std::string(kPortal) + ":" + kPortalSecret);
    return t;
  }

  riik::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<trust::CertificateAuthority> ca_;
  std::unique_ptr<trust::OcspResponder> ocsp_;
  std::unique_ptr<eid::Token> mari_, jaan_;
  std::map<eid::Token*, UniquePtr<EVP_PKEY>> unlocked_;
  std::unique_ptr<KeyRing> keys_;
  std::map<std::string, Client> clients_;
  std::map<std::string, std::string> jar_;  // Jar()
  UniquePtr<EVP_PKEY> bank_key_;
  std::unique_ptr<Provider> provider_;
  std::vector<Refusal> refusals_;
  UnixMicros now_ = 0;
  bool ocsp_up_ = true;
};

}  // namespace riik::auth
