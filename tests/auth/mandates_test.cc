// Acting for a company (auth/mandates.h): the board seats read from the business
// register's answer, the choice after sign-in, and the claim the tokens then carry.
#include "auth/mandates.h"

#include <gtest/gtest.h>

#include "auth/pages.h"
#include "auth_fixture.h"
#include "identity/registry_code.h"

namespace riik::auth {
namespace {

std::string CompanyCode(int first_seven) { return identity::RegistryCode::Make(first_seven).value().code; }

Json Roles(const std::string& person, Json roles) { return {{"person", person}, {"roles", std::move(roles)}}; }

TEST(BoardSeatsTest, OnlyBoardSeatsAreMandates) {
  std::string a = CompanyCode(1000001), b = CompanyCode(1000002);
  auto seats = BoardSeats(Roles("38001085718", {{{"company", a}, {"name", "Tamme Ehitus OÜ"}, {"role", "board"}},
                                                {{"company", b}, {"name", "Kase Pood OÜ"}, {"role", "employee"}},
                                                {{"company", a}, {"name", "Tamme Ehitus OÜ"}, {"role", "board"}}}),
                          "38001085718");
  ASSERT_TRUE(seats.ok()) << seats.status().ToString();
  ASSERT_EQ(seats->size(), 1u);
  EXPECT_EQ((*seats)[0], (LegalPerson{a, "Tamme Ehitus OÜ"}));
  EXPECT_EQ(RepresentedParty((*seats)[0]), "COM/" + a);
  auto back = LegalPersonFromClaim(LegalPersonClaim((*seats)[0]));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, (*seats)[0]);
}

TEST(BoardSeatsTest, AnAnswerThatCannotBeTrustedIsRefused) {
  std::string a = CompanyCode(1000001);
  Json seat = {{"company", a}, {"name", "Tamme Ehitus OÜ"}, {"role", "board"}};
  EXPECT_EQ(BoardSeats(Roles("49403136526", {seat}), "38001085718").status().code(), Code::kDataLoss);
  EXPECT_EQ(BoardSeats(Json{{"person", "38001085718"}}, "38001085718").status().code(), Code::kDataLoss);
  Json bad_code = seat;
  bad_code["company"] = a.substr(0, 7) + std::to_string((a[7] - '0' + 1) % 10);  // the check digit off
  EXPECT_EQ(BoardSeats(Roles("38001085718", {bad_code}), "38001085718").status().code(), Code::kDataLoss);
  Json bad_name = seat;
  bad_name["name"] = "Tamme\nEhitus";
  EXPECT_EQ(BoardSeats(Roles("38001085718", {bad_name}), "38001085718").status().code(), Code::kDataLoss);
  Json many = Json::array();
  for (int i = 0; i <= static_cast<int>(kMaxMandates); ++i) {
    many.push_back({{"company", CompanyCode(1000000 + i)}, {"name", "Firma " + std::to_string(i)}, {"role", "board"}});
  }
  EXPECT_EQ(BoardSeats(Roles("38001085718", many), "38001085718").status().code(), Code::kDataLoss);
  EXPECT_FALSE(LegalPersonFromClaim(Json{{"registry_code", "1"}, {"name", "x"}}).ok());
}

TEST(RepresentPageTest, ListsTheCompaniesEscapedWithMyselfChosenFirst) {
  RepresentPageData d;
  d.request_id = "req";
  d.csrf = "csrf-token";
  d.lang = "et";
  d.person_name = "TÕNU TAMM";
  d.companies = {{CompanyCode(1234567), "<script>alert(1)</script> OÜ"}};
  std::string page = RepresentPage(d);
  EXPECT_NE(page.find("Kelle nimel tegutsed?"), std::string::npos);
  EXPECT_NE(page.find("id=\"party-self\" value=\"\" checked"), std::string::npos);
  EXPECT_NE(page.find("value=\"" + d.companies[0].registry_code + "\""), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  EXPECT_NE(page.find("<legend>"), std::string::npos);  // the radio group is named for screen readers
  d.companies.clear();
  d.register_unavailable = true;
  d.lang = "en";
  page = RepresentPage(d);
  EXPECT_NE(page.find("could not be asked"), std::string::npos);
  EXPECT_NE(page.find("role=\"alert\""), std::string::npos);
}

class MandateTest : public AuthFixture {
 protected:
  void SetUp() override {
    AuthFixture::SetUp();
    company_ = {CompanyCode(1234567), "Tamme Ehitus OÜ"};
    ProviderOptions o;
    o.mandates = [this](const Person& p) -> Result<std::vector<LegalPerson>> {
      ++lookups_;
      if (!register_up_) return Unavailable("the business register did not answer");
      if (p.code == "38001085718") return std::vector<LegalPerson>{company_};
      return std::vector<LegalPerson>{};
    };
    MakeProvider(o);
  }
  AuthorizeParams ForCompany(const std::string& client = kPortal) {
    AuthorizeParams p = Params(client);
    p.scope = "openid legalperson";
    return p;
  }
  // Signs in with the ID-card for a company; the request id, now waiting for the choice.
  std::string SignInForCompany() {
    AuthorizeOutcome out = provider_->Authorize(ForCompany(), kBrowser);
    auto* login = std::get_if<ShowLogin>(&out);
    EXPECT_TRUE(login);
    if (!login) return "";
    std::string id = login->request_id;
    auto nonce = provider_->IdCardChallenge(id, kBrowser);
    Checked<Redirect> done = provider_->IdCardLogin(id, kBrowser, WebEidToken(*jaan_, *nonce), kOrigin);
    EXPECT_TRUE(Passed(done));
    Remember(kBrowser, done);
    if (Passed(done)) {
      EXPECT_EQ(std::get<Redirect>(done).url, std::string(kOrigin) + "/login/" + id);
    }
    return id;
  }
  Json Claims(const std::string& redirect) {
    auto out = provider_->Token(CodeExchange(QueryOf(redirect, "code")));
    EXPECT_TRUE(std::holds_alternative<Json>(out));
    if (!std::holds_alternative<Json>(out)) return Json();
    tokens_ = std::get<Json>(out);
    auto jws = ParseJws(tokens_["id_token"].get<std::string>());
    return jws.ok() ? jws->payload : Json();
  }
  LegalPerson company_;
  int lookups_ = 0;
  bool register_up_ = true;
  Json tokens_;
};

TEST_F(MandateTest, APersonOnTheBoardActsForTheCompanyAndTheTokensSaySo) {
  std::string id = SignInForCompany();
  // The choice is the signed-in browser's, under its new id: not whoever's who knew the
  // one it began with (and could otherwise choose a company for the person).
  EXPECT_FALSE(provider_->View(id, kBrowser));
  EXPECT_EQ(provider_->Represent(id, kBrowser, "").status().code(), Code::kNotFound);
  auto view = provider_->View(id, Jar(kBrowser));
  ASSERT_TRUE(view);
  EXPECT_TRUE(view->choose_party);
  EXPECT_EQ(view->person_name, "JAAN TAMM");
  // Signed in already: the request takes no second sign-in meanwhile.
  EXPECT_FALSE(provider_->IdCardChallenge(id, Jar(kBrowser)).ok());
  auto companies = provider_->Mandates(id, Jar(kBrowser));
  ASSERT_TRUE(companies.ok()) << companies.status().ToString();
  EXPECT_EQ(*companies, std::vector<LegalPerson>{company_});
  EXPECT_TRUE(provider_->Mandates(id, Jar(kBrowser)).ok());
  EXPECT_EQ(lookups_, 1);  // read once per sign-in
  auto done = provider_->Represent(id, Jar(kBrowser), company_.registry_code);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  Json claims = Claims(done->url);
  EXPECT_EQ(claims["sub"], "EE38001085718");
  EXPECT_EQ(claims["represents_legal_person"], LegalPersonClaim(company_));
  auto info = provider_->UserInfo(tokens_["access_token"].get<std::string>());
  ASSERT_TRUE(info.ok());
  EXPECT_EQ((*info)["represents_legal_person"], LegalPersonClaim(company_));
  // A refreshed token still acts for the company.
  TokenRequest refresh = CodeExchange("");
  refresh.grant_type = "refresh_token";
  refresh.refresh_token = tokens_["refresh_token"];
  auto again = provider_->Token(refresh);
  ASSERT_TRUE(std::holds_alternative<Json>(again));
  auto jws = ParseJws(std::get<Json>(again)["id_token"].get<std::string>());
  EXPECT_EQ(jws->payload["represents_legal_person"], LegalPersonClaim(company_));
  EXPECT_FALSE(provider_->Represent(id, Jar(kBrowser), "").ok());  // the choice is made once
}

TEST_F(MandateTest, ACompanyTheRegisterDidNotNameIsRefused) {
  std::string id = SignInForCompany();
  EXPECT_EQ(provider_->Represent(id, Jar(kBrowser), company_.registry_code).status().code(),
            Code::kFailedPrecondition);  // not read yet
  ASSERT_TRUE(provider_->Mandates(id, Jar(kBrowser)).ok());
  EXPECT_EQ(provider_->Represent(id, Jar(kBrowser), CompanyCode(1000001)).status().code(), Code::kPermissionDenied);
  EXPECT_EQ(provider_->Represent(id, kOtherBrowser, company_.registry_code).status().code(), Code::kNotFound);
  // The person may still choose themselves: no claim then.
  auto done = provider_->Represent(id, Jar(kBrowser), "");
  ASSERT_TRUE(done.ok());
  EXPECT_FALSE(Claims(done->url).contains("represents_legal_person"));
}

TEST_F(MandateTest, WhenTheRegisterCannotBeAskedThePersonMayActForThemselves) {
  register_up_ = false;
  std::string id = SignInForCompany();
  EXPECT_EQ(provider_->Mandates(id, Jar(kBrowser)).status().code(), Code::kUnavailable);
  EXPECT_EQ(provider_->Represent(id, Jar(kBrowser), company_.registry_code).status().code(), Code::kFailedPrecondition);
  register_up_ = true;
  EXPECT_TRUE(provider_->Mandates(id, Jar(kBrowser)).ok());  // asked again: the failure was not remembered
  EXPECT_TRUE(provider_->Represent(id, Jar(kBrowser), company_.registry_code).ok());
}

TEST_F(MandateTest, WhenTheSessionEndsWhileChoosingTheSignInStartsAgain) {
  std::string id = SignInForCompany();
  now_ += 16 * 60 * 1'000'000LL;  // idle for longer than the session allows
  auto view = provider_->View(id, Jar(kBrowser));
  ASSERT_TRUE(view);
  EXPECT_FALSE(view->choose_party);                                 // the methods again
  EXPECT_TRUE(provider_->IdCardChallenge(id, Jar(kBrowser)).ok());  // the request takes a sign-in
  EXPECT_EQ(provider_->Represent(id, Jar(kBrowser), "").status().code(), Code::kNotFound);
}

TEST_F(MandateTest, SingleSignOnStillAsksWhomThePersonActsFor) {
  std::string id = SignInForCompany();
  ASSERT_TRUE(provider_->Represent(id, Jar(kBrowser), "").ok());
  // The bank, for a company: no second sign-in, but the choice again.
  AuthorizeOutcome bank = provider_->Authorize(ForCompany(kBank), Jar(kBrowser));
  auto* login = std::get_if<ShowLogin>(&bank);
  ASSERT_TRUE(login);
  auto view = provider_->View(login->request_id, Jar(kBrowser));
  ASSERT_TRUE(view);
  EXPECT_TRUE(view->choose_party);
  ASSERT_TRUE(provider_->Mandates(login->request_id, Jar(kBrowser)).ok());
  auto done = provider_->Represent(login->request_id, Jar(kBrowser), company_.registry_code);
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(done->url.starts_with("https://bank.riik.test/cb?code="));
  // Without a page to choose on (prompt=none) that is interaction_required.
  AuthorizeParams silent = ForCompany(kBank);
  silent.prompt = "none";
  AuthorizeOutcome refused = provider_->Authorize(silent, Jar(kBrowser));
  auto* error = std::get_if<OAuthError>(&refused);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error, "interaction_required");
}

TEST_F(MandateTest, AProviderWithoutTheRegisterRefusesTheScope) {
  MakeProvider();
  AuthorizeOutcome out = provider_->Authorize(ForCompany(), kBrowser);
  auto* error = std::get_if<OAuthError>(&out);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error, "invalid_scope");
  EXPECT_EQ(provider_->Discovery()["scopes_supported"], Json::array({"openid"}));
}

}  // namespace
}  // namespace riik::auth
