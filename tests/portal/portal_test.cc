// The portal's pages without a browser: dates, money and names as people read them; the
// address form's checks; what "My data" shows for each answer (escaped), and the frame's
// security headers. The whole journey in a browser is e2e/js/portal_test.mjs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "portal/address.h"
#include "portal/format.h"
#include "portal/layout.h"
#include "portal/my_data.h"
#include "portal/tax_return.h"
#include "portal/tracker_view.h"
#include "sign/container.h"

namespace riik::portal {
namespace {

TEST(PortalFormat, DatesMoneyAndNames) {
  EXPECT_EQ(DateText("2006-06-03", "et"), "03.06.2006");
  EXPECT_EQ(DateText("2006-06-03", "en"), "3 June 2006");
  EXPECT_EQ(DateText("2006-13-03", "en"), "2006-13-03");
  EXPECT_EQ(DateText("soon", "et"), "soon");
  EXPECT_EQ(MoneyText(104040, "en"), "€1,040.40");
  EXPECT_EQ(MoneyText(104040, "et"), "1\u00a0040,40\u00a0€");
  EXPECT_EQ(MoneyText(-5, "en"), "−€0.05");
  EXPECT_EQ(MoneyText(123456789012, "en"), "€1,234,567,890.12");
  EXPECT_EQ(NameText("JAAK-KRISTJAN JÕEORG"), "Jaak-Kristjan Jõeorg");
  EXPECT_EQ(NameText("MARI-LIIS MÄNNIK"), "Mari-Liis Männik");
  EXPECT_EQ(NameText("ŽANNA ŠMIDT O'CONNOR"), "Žanna Šmidt O'Connor");
  EXPECT_EQ(NameText(""), "");
  EXPECT_EQ(NameText("\xff\xfe A"), "\xff\xfe A");  // not UTF-8: the bytes as they are
}

TEST(PortalAddress, TheFormIsCheckedInWords) {
  Form ok{
      {"settlement", " Tartu "}, {"street", "Rüütli tn"}, {"house", "5"}, {"apartment", "3"}, {"from", "2026-12-01"}};
  auto change = AddressChangeFromForm(ok, "en");
  ASSERT_TRUE(change.ok()) << change.status().ToString();
  EXPECT_EQ(*change, Json::parse(R"({"settlement":"Tartu","street":"Rüütli tn","house":5,"apartment":3,
                                     "from":"2026-12-01"})"));
  auto refused = [](Form f, std::string_view lang = "en") {
    auto r = AddressChangeFromForm(f, lang);
    return r.ok() ? std::string("accepted") : std::string(r.status().message());
  };
  EXPECT_EQ(refused({{"street", "Pikk tn"}, {"house", "1"}}), "Type the settlement.");
  EXPECT_EQ(refused({{"settlement", "Tartu"}, {"house", "1"}}, "et"), "Sisesta tänav.");
  for (const char* house : {"", "0", "1000", "5a", "-1", "99999999999999999999"}) {
    EXPECT_EQ(refused({{"settlement", "Tartu"}, {"street", "Pikk tn"}, {"house", house}}),
              "The house number is a number from 1 to 999.")
        << house;
  }
  EXPECT_EQ(refused({{"settlement", "Tartu"}, {"street", "Pikk tn"}, {"house", "1"}, {"apartment", "x"}}),
            "The apartment is a number from 1 to 999, or empty.");
  EXPECT_EQ(refused({{"settlement", "Tartu"}, {"street", "Pikk tn"}, {"house", "1"}, {"from", "1.12.2026"}}),
            "The date is written as YYYY-MM-DD, e.g. 2026-12-01.");
  EXPECT_EQ(refused({{"settlement", std::string(201, 'a')}, {"street", "Pikk tn"}, {"house", "1"}}),
            "A field is too long.");
}

TEST(PortalAddress, TheFormKeepsWhatWasTypedEscaped) {
  AddressPage page;
  page.values = {{"settlement", "<script>alert(1)</script>"}};
  page.error = "no settlement '<b>'";
  page.csrf = "token\"x";
  std::string html = AddressFormBody(page, "en");
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("no settlement &#39;&lt;b&gt;&#39;"), std::string::npos);
  EXPECT_NE(html.find("value=\"token&quot;x\""), std::string::npos);
  EXPECT_NE(html.find("<datalist id=\"streets\">"), std::string::npos);
}

TEST(PortalAddress, PropagationSaysWhoKnows) {
  std::vector<SubscriberState> states = {{registry::Kind::kTax, SubscriberState::kKnows},
                                         {registry::Kind::kBank, SubscriberState::kWaiting},
                                         {registry::Kind::kEducation, SubscriberState::kCannotAsk}};
  Json j = PropagationJson(states, "et");
  EXPECT_FALSE(j["done"].get<bool>());
  EXPECT_EQ(j["subscribers"][0]["state"], "knows");
  EXPECT_EQ(j["subscribers"][0]["name"], "Maksu- ja Tolliamet");
  EXPECT_EQ(j["subscribers"][1]["state"], "waiting");
  EXPECT_EQ(j["subscribers"][2]["state"], "cannot_ask");
  std::string html = PropagationList(states, "en");
  EXPECT_NE(html.find("data-registry=\"tax\" data-state=\"knows\""), std::string::npos);
  states[1].state = states[2].state = SubscriberState::kKnows;
  EXPECT_TRUE(PropagationJson(states, "en")["done"].get<bool>());
}

std::vector<DataItem> Answers() {
  std::vector<DataItem> items;
  for (const DataSource& s : MyDataSources()) items.push_back({&s, NotFound("404"), 1'700'000'000'000'000});
  items[0].answer = registry::ExchangeAnswer{
      Json::parse(R"({"code":"38001085718","given_name":"<img src=x onerror=alert(1)>","surname":"Jõeorg",
                      "birth_date":"1980-01-08","sex":"male","citizenship":"EST"})"),
      "01a2-xroad"};
  items[5].answer = registry::ExchangeAnswer{
      Json::parse(R"({"accounts":[{"iban":"EE179900999192539626","kind":"savings","opened":"2023-09-01",
                      "balance_cents":104040}]})"),
      "acc-id"};
  items[3].answer = registry::ExchangeAnswer{
      Json::parse(R"({"roles":[{"company":"11765059","name":"Ivanov Invest OÜ","role":"board","since":null}]})"), "r"};
  items[4].answer = registry::ExchangeAnswer{
      Json::parse(R"({"income":[{"employer":"11765059","year":2024,"total_cents":2020252}]})"), "i"};
  items[2].answer = Unavailable("calling … 38001085718 …");
  return items;
}

TEST(PortalMyData, EachSectionSaysWhereItCameFromOrWhyItIsEmpty) {
  std::string html = MyDataBody(Answers(), "en");
  EXPECT_EQ(html.find("<img"), std::string::npos) << "a registry's text is not escaped";
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("From the Population Register, read at <time datetime=\"2023-11-14T22:13:20"), std::string::npos)
      << html;
  EXPECT_NE(html.find("<code>01a2-xroad</code>"), std::string::npos);
  EXPECT_NE(html.find("8 January 1980"), std::string::npos);
  EXPECT_NE(html.find("€1,040.40"), std::string::npos);
  EXPECT_NE(html.find("The Education Register holds nothing about you."), std::string::npos);
  EXPECT_NE(html.find("The Population Register could not be asked just now."), std::string::npos);
  EXPECT_NE(html.find("<li>Ivanov Invest OÜ (11765059): board member</li>"), std::string::npos);
  EXPECT_NE(html.find("<td>Ivanov Invest OÜ (11765059)</td><td>2024</td><td>€20,202.52</td>"), std::string::npos)
      << "income does not name the employer the business register named";
  EXPECT_EQ(html.find("38001085718 …"), std::string::npos) << "an error's details reached the page";
  std::string et = MyDataBody(Answers(), "et");
  EXPECT_NE(et.find("Allikas: Rahvastikuregister"), std::string::npos);
  EXPECT_NE(et.find("08.01.1980"), std::string::npos);
}

TEST(PortalLayout, SecurityHeadersAndTheLanguageSwitch) {
  PageContext c{
      .lang = "et", .path = "/data", .auth_url = "https://auth.example", .name = "Jaak Jõeorg", .csrf = "csrf-token"};
  net::HttpResponse r = PortalPage(c, "Minu andmed", "<p>x</p>");
  std::string csp(r.headers.Get("Content-Security-Policy"));
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_NE(csp.find("form-action 'self' https://auth.example;"), std::string::npos);
  EXPECT_EQ(r.headers.Get("Cache-Control"), "no-store");
  EXPECT_NE(r.body.find("<html lang=\"et\">"), std::string::npos);
  EXPECT_NE(r.body.find("href=\"/lang?to=en&amp;back=%2Fdata\""), std::string::npos);
  EXPECT_NE(r.body.find("<a href=\"/data\" aria-current=\"page\">Minu andmed</a>"), std::string::npos);
  EXPECT_NE(r.body.find("name=\"csrf\" value=\"csrf-token\""), std::string::npos);
  EXPECT_EQ(r.body.find("<script>"), std::string::npos);
  EXPECT_EQ(LocalPath("/data"), "/data");
  for (const char* elsewhere : {"https://evil.example/", "//evil.example/", "/\\evil.example", "data", "/a\r\nb", ""}) {
    EXPECT_EQ(LocalPath(elsewhere), "/") << elsewhere;
  }
}

Json Draft() {
  return Json::parse(R"({"income":[{"cents":2020252,"employer":"11765059"}],"income_total_cents":2020252,
    "interest":[{"cents":3121,"iban":"EE179900999192539626"}],
    "interest_source":{"service":"EE/COM/10060701/bank/interest","x_road_id":"01a2-bank"},
    "interest_total_cents":3121,"person":"38001085718",
    "rules":{"basic_exemption_cents":784800,"flat_rate_basis_points":2000},"status":"draft","tax_cents":247715,
    "taxable_cents":1238573,"to_pay_cents":-625,"withheld_cents":247090,"year":2024})");
}

TEST(PortalTaxReturn, TheDraftItsSigningAndTheSubmittedReturn) {
  std::string draft = PortalPage({}, "t", TaxReturnBody(Draft(), nullptr, "tok", "en")).body;
  EXPECT_NE(draft.find("data-status=\"draft\""), std::string::npos);
  EXPECT_NE(draft.find("<th scope=\"row\">Refund</th><td id=\"to-pay\"><strong>€6.25</strong>"), std::string::npos)
      << "a negative amount to pay is a refund";
  EXPECT_NE(draft.find("20% above a basic exemption of €7,848.00 a year"), std::string::npos);
  EXPECT_NE(draft.find("<code>01a2-bank</code>"), std::string::npos);
  EXPECT_NE(draft.find("id=\"sign-return\""), std::string::npos);
  EXPECT_NE(draft.find("name=\"csrf\" value=\"tok\""), std::string::npos);

  SigningView signing{"waiting_for_signature", "4821", ""};
  std::string waiting = TaxReturnBody(Draft(), &signing, "tok", "et");
  EXPECT_NE(waiting.find("id=\"verification-code\">4821<"), std::string::npos);
  EXPECT_EQ(waiting.find("sign-return"), std::string::npos) << "a second signing offered while one runs";
  EXPECT_NE(waiting.find("Kontrolli koodi ja sisesta rakenduses PIN2."), std::string::npos);
  SigningView refused{"refused", "", "declined in the app"};
  EXPECT_EQ(SigningJson(refused, "en")["text"], "The signing did not complete: declined in the app");
  EXPECT_TRUE(SigningJson(refused, "en")["done"].get<bool>());
  EXPECT_FALSE(SigningJson(signing, "en")["done"].get<bool>());

  Json submitted = Draft();
  submitted["status"] = "submitted";
  submitted["signature"] = Json::parse(R"({"container_sha256":"0e4b","signer_id":"PNOEE-38001085718",
    "signed_at":"2026-12-04T19:05:34.000000Z","validation":{"x_road_id":"01a2-val"}})");
  std::string done = TaxReturnBody(submitted, nullptr, "tok", "en");
  EXPECT_NE(done.find("PNOEE-38001085718"), std::string::npos);
  EXPECT_NE(done.find("<time datetime=\"2026-12-04T19:05:34.000000Z\" data-date>2026-12-04 19:05:34 UTC</time>"),
            std::string::npos);
  EXPECT_NE(done.find("<code>01a2-val</code>"), std::string::npos);
  EXPECT_EQ(done.find("sign-return"), std::string::npos);
}

TEST(PortalTaxReturn, TheContainerHoldsTheDraftsVeryBytes) {
  const std::string bytes = R"({"person":"38001085718","status":"draft","year":2024})";
  auto container = ReturnContainer(bytes, 2024);
  ASSERT_TRUE(container.ok()) << container.status().ToString();
  auto read = sign::ReadContainer(*container);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->files.size(), 1u);
  EXPECT_EQ(read->files[0].name, "tax-return-2024.json");
  EXPECT_EQ(read->files[0].content, bytes);
  EXPECT_TRUE(read->signatures.empty());
  EXPECT_EQ(LatestIncomeYear(Json::parse(R"({"income":[{"year":2023},{"year":2024}]})"), 2025), 2024);
  EXPECT_EQ(LatestIncomeYear(Json::parse(R"({"income":[]})"), 2025), 2025);
}

TEST(PortalTrackers, EachRegistrySaysWhatItsListingSaid) {
  std::vector<TrackerItem> items;
  for (const registry::RegistryInfo& r : registry::Registries()) items.push_back({r.kind});
  items[0].listing = NotFound("… answered 404: nobody has been given anyone's data");
  items[1].listing = Unavailable("… answered 503: the newest head is not timestamped yet; try again later");
  items[2].listing = Unavailable("calling … through …: connection refused");
  items[3].listing = registry::ExchangeAnswer{Json(), "x", "{}", "application/json"};
  items[3].verified = InvalidArgument("record 17, listed before, is missing now");
  items[4].listing = registry::ExchangeAnswer{Json(), "x", "{}", "application/json"};
  items[4].verified = tracker::VerifiedListing{"38001085718", "tracker:EE/GOV/70000740/education"};
  std::string html = TrackerBody(items, "EE/GOV/70006317/portal", "en");
  EXPECT_NE(html.find("Nobody has read anyone&#39;s data in the Population Register yet."), std::string::npos);
  EXPECT_NE(html.find("The Business Register is still sealing its newest records."), std::string::npos);
  EXPECT_NE(html.find("The Tax and Customs Board could not be asked just now."), std::string::npos);
  EXPECT_NE(html.find("role=\"alert\">The Riik Demo Pank&#39;s listing does not verify: record 17"), std::string::npos)
      << html;
  EXPECT_NE(html.find("Nobody has been given your data from the Education Register yet."), std::string::npos);
  EXPECT_EQ(html.find("id=\"timeline\""), std::string::npos) << "a chart of nothing";

  tracker::VerifiedListing listing{"38001085718", "tracker:EE/COM/10060701/bank"};
  tracker::AccessRecord portal{
      "38001085718",   "EE/COM/10060701/bank", "accounts", {"accounts", "balances"}, "EE/GOV/70006317/portal",
      "EE38001085718", "own request",          "x1",       1'700'000'000'000'000};
  tracker::AccessRecord tax{"38001085718",         "EE/COM/10060701/bank", "interest",       {"interest earned"},
                            "EE/GOV/70000349/tax", "EE38001085718",        "Income Tax Act", "x2",
                            1'700'000'100'000'000};
  listing.entries = {{0, portal}, {1, tax}};
  items[3].verified = listing;
  html = TrackerBody(items, "EE/GOV/70006317/portal", "en");
  EXPECT_NE(html.find("id=\"timeline\" role=\"img\" aria-label=\"2 accesses to your data by 1 registries"),
            std::string::npos);
  size_t newest = html.find("Income Tax Act"), oldest = html.find("own request");
  EXPECT_LT(newest, oldest) << "the newest access first";
  EXPECT_NE(html.find("<td>this portal</td><td>you</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>Tax and Customs Board</td><td>you</td>"), std::string::npos);
  EXPECT_NE(html.find("data-registry=\"bank\" data-leaf=\"1\""), std::string::npos);
  EXPECT_NE(html.find("href=\"/tracker/bank.json\""), std::string::npos);
}

}  // namespace
}  // namespace riik::portal
