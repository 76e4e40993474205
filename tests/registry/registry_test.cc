// The base registries: loading a generated population into each store (once, through
// the journal, consistent across registries), and their services' answers and refusals.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "identity/demo_people.h"
#include "population/adopt.h"
#include "population/citizenship.h"
#include "population/generator.h"
#include "registry/load.h"
#include "registry/registers.h"
#include "store/row_fields.h"
#include "support/temp_dir.h"

namespace riik::registry {
namespace {

constexpr const char* kDemoCode = "38001085718";  // Jaak-Kristjan Jõeorg, the first demo citizen

class RegistryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    options_ = new LoadOptions{800, 5, true};
    auto pop = GenerateFor(*options_);
    ASSERT_TRUE(pop.ok()) << pop.status().ToString();
    pop_ = new population::Population(std::move(*pop));
  }
  static void TearDownTestSuite() {
    delete pop_;
    delete options_;
  }

  store::Store& Loaded(Kind kind) {
    const std::string name = InfoOf(kind).name;
    auto st = store::Store::Open({"sqlite:" + dir_ / (name + ".db"), name});
    EXPECT_TRUE(st.ok()) << st.status().ToString();
    stores_.push_back(std::move(*st));
    store::Store& s = *stores_.back();
    Status loaded = LoadRegistry(kind, s, *pop_, *options_);
    EXPECT_TRUE(loaded.ok()) << loaded.ToString();
    return s;
  }

  // GET `target` from the registry's routes, with the X-Road headers its security
  // server would pass on.
  net::HttpResponse Get(Kind kind, store::Store& s, const std::string& target, bool with_purpose = true) {
    net::Router router;
    contexts_.push_back(std::make_unique<RegistryContext>(RegistryContext{s}));
    RegisterOf(kind).add_routes(router, *contexts_.back());
    net::HttpRequest req;
    req.method = "GET";
    req.target = target;
    size_t q = target.find('?');
    req.path = target.substr(0, q);
    req.query = q == std::string::npos ? "" : target.substr(q + 1);
    req.headers.Add("X-Road-Client", "EE/GOV/70000349/tax");
    if (with_purpose) req.headers.Add("X-Road-UserId", std::string("EE") + kDemoCode);
    // Without workers every answer, synchronous or not, is given before Dispatch returns.
    std::optional<net::HttpResponse> resp;
    router.Dispatch(std::move(req), net::Responder([&resp](net::HttpResponse r) { resp = std::move(r); }));
    EXPECT_TRUE(resp.has_value());
    return resp ? *resp : net::HttpResponse{};
  }

  static Json Body(const net::HttpResponse& r) {
    auto j = ParseJson(r.body);
    return j.ok() ? *j : Json();
  }

  static LoadOptions* options_;
  static population::Population* pop_;
  riik::testing::TempDir dir_;
  std::vector<std::unique_ptr<store::Store>> stores_;
  std::vector<std::unique_ptr<RegistryContext>> contexts_;
};

LoadOptions* RegistryTest::options_ = nullptr;
population::Population* RegistryTest::pop_ = nullptr;

TEST_F(RegistryTest, EachRegistryLoadsItsPartOnceThroughTheJournal) {
  for (const RegistryInfo& info : Registries()) {
    store::Store& s = Loaded(info.kind);
    auto record = LoadedFrom(s);
    ASSERT_TRUE(record.ok() && *record) << info.name;
    EXPECT_EQ((*record)->count, 800);
    EXPECT_EQ((*record)->seed, 5u);
    EXPECT_EQ((*record)->rows, RegisterOf(info.kind).row_count(*pop_)) << info.name;
    int64_t rows = 0;
    for (const store::TableSchema& t : RegisterOf(info.kind).tables()) {
      auto n = s.Query("SELECT COUNT(*) AS n FROM " + t.name);
      ASSERT_TRUE(n.ok());
      rows += *store::IntField((*n)[0], "n");
    }
    EXPECT_EQ(rows, (*record)->rows) << info.name;
    // A second load is refused; EnsureLoaded keeps what is there.
    EXPECT_EQ(LoadRegistry(info.kind, s, *pop_, *options_).code(), Code::kAlreadyExists);
    int64_t head = s.Head().seq;
    EXPECT_TRUE(EnsureLoaded(info.kind, s, *options_).ok());
    EXPECT_EQ(s.Head().seq, head);
    auto verified = s.VerifyJournal(/*replay=*/true);
    ASSERT_TRUE(verified.ok());
    EXPECT_TRUE(verified->status.ok()) << info.name << ": " << verified->status.ToString();
  }
}

TEST_F(RegistryTest, TheRegistriesAgreeOnWhoEveryoneIs) {
  store::Store& population = Loaded(Kind::kPopulation);
  for (Kind kind : {Kind::kBusiness, Kind::kTax, Kind::kBank, Kind::kEducation}) {
    store::Store& s = Loaded(kind);
    const char* sql = kind == Kind::kBusiness ? "SELECT DISTINCT person AS code FROM company_roles"
                      : kind == Kind::kTax    ? "SELECT DISTINCT person AS code FROM income"
                      : kind == Kind::kBank   ? "SELECT DISTINCT owner AS code FROM accounts"
                                              : "SELECT person AS code FROM pupils";
    auto codes = s.Query(sql);
    ASSERT_TRUE(codes.ok());
    ASSERT_FALSE(codes->empty()) << InfoOf(kind).name;
    for (const store::Row& row : *codes) {
      std::string code = store::TextOr(row, "code");
      auto person = population.Get("persons", {{"code", code}});
      ASSERT_TRUE(person.ok());
      EXPECT_TRUE(person->has_value()) << InfoOf(kind).name << " knows " << code
                                       << ", the population register does not";
    }
  }
}

TEST_F(RegistryTest, PopulationRegisterAnswersPersonAddressAndFamily) {
  store::Store& s = Loaded(Kind::kPopulation);
  auto person = Get(Kind::kPopulation, s, std::string("/person/") + kDemoCode);
  ASSERT_EQ(person.status, 200) << person.body;
  EXPECT_EQ(Body(person)["surname"], "Jõeorg");
  EXPECT_EQ(Body(person)["birth_date"], "1980-01-08");
  EXPECT_EQ(Body(person)["status"], "alive");

  auto address = Get(Kind::kPopulation, s, std::string("/address/") + kDemoCode);
  ASSERT_EQ(address.status, 200) << address.body;
  Json a = Body(address);
  ASSERT_FALSE(a["history"].empty());
  EXPECT_EQ(a["current"], a["history"].back());
  EXPECT_TRUE(a["current"]["to"].is_null());
  EXPECT_FALSE(a["current"]["address"].get<std::string>().empty());

  // A parent's family lists the child, and the child's lists the parent.
  const population::Person* child = nullptr;
  for (const auto& p : pop_->persons) {
    if (p.mother != population::kNone) child = &p;
  }
  ASSERT_NE(child, nullptr);
  std::string mother(pop_->persons[child->mother].code());
  auto family = Get(Kind::kPopulation, s, "/family/" + std::string(child->code()));
  ASSERT_EQ(family.status, 200) << family.body;
  EXPECT_EQ(Body(family)["mother"]["code"], mother);
  auto of_mother = Body(Get(Kind::kPopulation, s, "/family/" + mother));
  bool listed = false;
  for (const auto& c : of_mother["children"]) listed = listed || c["code"] == std::string(child->code());
  EXPECT_TRUE(listed) << of_mother.dump();
}

TEST_F(RegistryTest, BadInputGetsAClearRefusal) {
  store::Store& population = Loaded(Kind::kPopulation);
  auto bad = Get(Kind::kPopulation, population, "/person/38001085719");  // wrong check digit
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("is not a personal code"), std::string::npos) << bad.body;
  auto impossible = Get(Kind::kPopulation, population, "/person/38002305718");  // 30 February, check digit right
  EXPECT_EQ(impossible.status, 400) << impossible.body;
  // Valid, but nobody in this population (born in 1899).
  auto unknown = Get(Kind::kPopulation, population, "/person/18912310006");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_NE(unknown.body.find("no person 18912310006"), std::string::npos) << unknown.body;
  auto no_purpose = Get(Kind::kPopulation, population, std::string("/person/") + kDemoCode, /*with_purpose=*/false);
  EXPECT_EQ(no_purpose.status, 403);
  EXPECT_EQ(Body(no_purpose)["type"], "purpose_required");
  EXPECT_NE(no_purpose.body.find("X-Road-UserId"), std::string::npos);

  store::Store& business = Loaded(Kind::kBusiness);
  auto bad_company = Get(Kind::kBusiness, business, "/company/10000812");
  EXPECT_EQ(bad_company.status, 400);
  EXPECT_NE(bad_company.body.find("is not a registry code"), std::string::npos) << bad_company.body;
  store::Store& tax = Loaded(Kind::kTax);
  auto bad_year = Get(Kind::kTax, tax, std::string("/income/") + kDemoCode + "?year=20x4");
  EXPECT_EQ(bad_year.status, 400);
  EXPECT_NE(bad_year.body.find("year must be a year"), std::string::npos) << bad_year.body;
}

TEST_F(RegistryTest, IncomeAndInterestAddUp) {
  store::Store& tax = Loaded(Kind::kTax);
  store::Store& bank = Loaded(Kind::kBank);
  const population::Employment& job = pop_->employments.front();
  std::string code(pop_->persons[job.person].code());
  int64_t expected = 0;
  for (int32_t cents : job.monthly_gross_cents) expected += cents;
  auto income = Get(Kind::kTax, tax, "/income/" + code + "?year=" + std::to_string(pop_->income_year));
  ASSERT_EQ(income.status, 200) << income.body;
  EXPECT_EQ(Body(income)["total_cents"], expected);
  EXPECT_EQ(Body(income)["income"][0]["monthly_gross_cents"].size(), 12u);

  const population::Account* saver = nullptr;
  for (const auto& a : pop_->accounts) {
    if (a.interest_cents_income_year > 0) saver = &a;
  }
  ASSERT_NE(saver, nullptr);
  std::string owner(pop_->persons[saver->owner].code());
  int64_t interest = 0;
  for (const auto& a : pop_->accounts) interest += a.owner == saver->owner ? a.interest_cents_income_year : 0;
  auto earned = Get(Kind::kBank, bank, "/interest/" + owner + "?year=" + std::to_string(pop_->income_year));
  ASSERT_EQ(earned.status, 200) << earned.body;
  EXPECT_EQ(Body(earned)["total_cents"], interest);
  auto accounts = Get(Kind::kBank, bank, "/accounts/" + owner);
  ASSERT_EQ(accounts.status, 200);
  EXPECT_FALSE(Body(accounts)["accounts"].empty());
}

TEST_F(RegistryTest, BusinessAndEducationRegistersAnswer) {
  store::Store& business = Loaded(Kind::kBusiness);
  const population::Company& c = pop_->companies.front();
  auto company = Get(Kind::kBusiness, business, "/company/" + std::string(c.code()));
  ASSERT_EQ(company.status, 200) << company.body;
  EXPECT_EQ(Body(company)["name"], c.name);
  EXPECT_EQ(Body(company)["employees"], c.employment_count);
  std::string board_member(pop_->persons[c.board[0]].code());
  auto roles = Body(Get(Kind::kBusiness, business, "/roles/" + board_member));
  bool on_board = false;
  for (const auto& r : roles["roles"])
    on_board = on_board || (r["company"] == std::string(c.code()) && r["role"] == "board");
  EXPECT_TRUE(on_board) << roles.dump();

  store::Store& education = Loaded(Kind::kEducation);
  const population::Pupil& p = pop_->pupils.front();
  auto pupil = Get(Kind::kEducation, education, "/pupil/" + std::string(pop_->persons[p.person].code()));
  ASSERT_EQ(pupil.status, 200) << pupil.body;
  EXPECT_EQ(Body(pupil)["grade"], p.grade);
  EXPECT_EQ(Body(pupil)["school"]["registry_code"], pop_->schools[p.school].registry_code);
  auto not_a_pupil = Get(Kind::kEducation, education, std::string("/pupil/") + kDemoCode);
  EXPECT_EQ(not_a_pupil.status, 404);
}

TEST(AdoptIdentitiesTest, DemoCitizensBecomeMembersOfThePopulation) {
  population::GenerateOptions options;
  options.count = 2000;
  auto pop = population::Generate(options);
  ASSERT_TRUE(pop.ok());
  auto placed = population::AdoptIdentities(*pop, identity::kDemoPeople);
  ASSERT_TRUE(placed.ok());
  EXPECT_EQ(*placed, static_cast<int>(std::size(identity::kDemoPeople)));
  int found = 0;
  for (uint32_t i = 0; i < pop->persons.size(); ++i) {
    if (pop->persons[i].code() != kDemoCode) continue;
    ++found;
    EXPECT_EQ(pop->GivenNameOf(i), "Jaak-Kristjan");
    EXPECT_EQ(pop->SurnameOf(i), "Jõeorg");
    EXPECT_EQ(population::FormatDay(pop->persons[i].birth), "1980-01-08");
    EXPECT_TRUE(pop->persons[i].alive());
    EXPECT_GE(pop->CurrentResidence(i).from, pop->persons[i].birth);
    // A plausible Estonian: an Estonian citizen, whose spouse and children bear the name.
    EXPECT_EQ(population::Citizenships()[pop->persons[i].citizenship], "EST");
    if (uint32_t spouse = pop->persons[i].spouse; spouse != population::kNone) {
      EXPECT_EQ(population::Citizenships()[pop->persons[spouse].citizenship], "EST");
      EXPECT_EQ(pop->SurnameOf(spouse), "Jõeorg");
    }
    for (uint32_t child : pop->ChildrenOf(i)) EXPECT_EQ(pop->SurnameOf(child), "Jõeorg");
  }
  EXPECT_EQ(found, 1);
  // A demo citizen marked on_board sits on a company's board (they act for it at sign-in).
  for (const identity::DemoPerson& fixed : identity::kDemoPeople) {
    if (!fixed.on_board) continue;
    std::string code =
        identity::PersonalCode::Make(fixed.sex, fixed.year, fixed.month, fixed.day, fixed.serial).value().code;
    int seats = 0;
    for (const population::Company& c : pop->companies) {
      for (uint32_t member : c.board) seats += member != population::kNone && pop->persons[member].code() == code;
    }
    EXPECT_GE(seats, 1) << fixed.given;
  }
  // The same population and list: the same hosts.
  auto again = population::Generate(options);
  ASSERT_TRUE(population::AdoptIdentities(*again, identity::kDemoPeople).ok());
  for (size_t i = 0; i < pop->persons.size(); ++i) ASSERT_EQ(pop->persons[i].code(), again->persons[i].code());
}

}  // namespace
}  // namespace riik::registry
