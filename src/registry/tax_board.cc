// The Tax and Customs Board: employer-reported income per person, employer and month,
// and the rules a tax return is computed with (flat rate, basic exemption) per year.
//   GET /income/{code}[?year=YYYY]  income per employer and month, with totals
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/json.h"
#include "crypto/sha256.h"
#include "net/bearer_gate.h"
#include "net/http.h"
#include "registry/notifications.h"
#include "registry/params.h"
#include "registry/personal_data.h"
#include "registry/personal_route.h"
#include "registry/registers.h"
#include "registry/row_values.h"
#include "registry/tax_return.h"
#include "store/row_fields.h"

namespace riik::registry {
namespace tax_board {
namespace {

using store::ColumnType;
using store::Row;
using store::TextOr;

const std::string kIncome = "income";
const std::string kRules = "tax_rules";
const std::string kReturns = "tax_returns";

// Estonia's income tax as of the 2024 income year, simplified: a flat 20% above a basic
// exemption of 654 euros a month (the exemption's taper for high incomes is left out).
constexpr int64_t kFlatRateBasisPoints = 2000;
constexpr int64_t kBasicExemptionCentsPerYear = 654 * 12 * 100;

std::vector<store::TableSchema> Tables() {
  std::vector<store::TableSchema> tables = NotificationTables();
  std::vector<store::TableSchema> own = {
      {kIncome,
       {{"person", ColumnType::kText},
        {"employer", ColumnType::kText},
        {"year", ColumnType::kInt},
        {"monthly_gross_cents", ColumnType::kText},  // JSON array of 12 integers, January first
        {"total_cents", ColumnType::kInt}},
       {"person", "employer", "year"},
       {}},
      {kRules,
       {{"year", ColumnType::kInt},
        {"flat_rate_basis_points", ColumnType::kInt},
        {"basic_exemption_cents", ColumnType::kInt}},
       {"year"},
       {}},
      // status: draft, submitted or accepted; document: the return (tax_return.h) as
      // canonical JSON, with submitted_at/accepted_at once it has them.
      {kReturns,
       {{"person", ColumnType::kText},
        {"year", ColumnType::kInt},
        {"status", ColumnType::kText},
        {"document", ColumnType::kText},
        {"updated_us", ColumnType::kInt}},
       {"person", "year"},
       {}},
  };
  tables.insert(tables.end(), own.begin(), own.end());
  return tables;
}

int64_t RowCount(const population::Population& pop) { return static_cast<int64_t>(pop.employments.size()) + 2; }

Status Load(const population::Population& pop, RowSink& loader) {
  const auto order =
      KeyOrder(pop.employments.size(), [&](uint32_t i) { return pop.persons[pop.employments[i].person].code(); });
  for (uint32_t i : order) {  // one job per person: the primary key's order
    const population::Employment& e = pop.employments[i];
    int64_t total = 0;
    for (int32_t cents : e.monthly_gross_cents) total += cents;
    RETURN_IF_ERROR(
        loader.Put(kIncome, {{"person", std::string(pop.persons[e.person].code())},
                             {"employer", std::string(pop.companies[e.company].code())},
                             {"year", int64_t{pop.income_year}},
                             {"monthly_gross_cents", fmt::format("[{}]", fmt::join(e.monthly_gross_cents, ","))},
                             {"total_cents", total}}));
  }
  for (int year : {pop.income_year - 1, pop.income_year}) {
    RETURN_IF_ERROR(loader.Put(kRules, {{"year", int64_t{year}},
                                        {"flat_rate_basis_points", kFlatRateBasisPoints},
                                        {"basic_exemption_cents", kBasicExemptionCentsPerYear}}));
  }
  return OkStatus();
}

void AddRoutes(net::Router& router, RegistryContext& context) {
  AddPersonalRoute(router, context, "GET", "/income/{code}", "income", {"employer-reported income"},
                   [](RegistryContext& c, const Inquiry& inquiry, const net::HttpRequest& req) {
                     auto year = YearParam(req);
                     if (!year.ok()) return net::ErrorResponse(year.status());
                     auto rows = QueryPersonYear(
                         c.store,
                         "SELECT employer, year, monthly_gross_cents, total_cents FROM income WHERE person = ?",
                         inquiry.person, *year, "ORDER BY year, employer");
                     if (!rows.ok()) return net::ErrorResponse(rows.status());
                     Json income = Json::array();
                     int64_t total = 0;
                     for (const Row& r : *rows) {
                       auto months = ParseJson(TextOr(r, "monthly_gross_cents"));
                       int64_t cents = store::IntField(r, "total_cents").value_or(0);
                       income.push_back({{"employer", TextOr(r, "employer")},
                                         {"year", store::IntField(r, "year").value_or(0)},
                                         {"monthly_gross_cents", months.ok() ? *months : Json::array()},
                                         {"total_cents", cents}});
                       total += cents;
                     }
                     Json body{{"person", inquiry.person}, {"income", income}, {"total_cents", total}};
                     if (*year) body["year"] = **year;
                     return net::JsonResponse(body);
                   });
}

// The stored return, or null if there is none.
Result<Json> StoredReturn(store::Store& store, const std::string& person, int64_t year) {
  ASSIGN_OR_RETURN(std::optional<Row> row, store.Get(kReturns, {{"person", person}, {"year", year}}));
  if (!row) return Json(nullptr);
  return ParseJson(TextOr(*row, "document"));
}

// Builds the draft: the board's own income data, the bank's interest through the
// exchange on the citizen's behalf, the year's rules. Stores it unless one was stored
// meanwhile; returns the stored return.
Result<Json> PrefilledReturn(RegistryContext& context, const std::string& person, int64_t year) {
  store::Store& store = context.store;
  ASSIGN_OR_RETURN(Json stored, StoredReturn(store, person, year));
  if (!stored.is_null()) return stored;
  ASSIGN_OR_RETURN(std::optional<Row> rules, store.Get(kRules, {{"year", year}}));
  if (!rules)
    return NotFound("the board has no tax rules for " + std::to_string(year) + ": no return can be pre-filled");
  ReturnDraft draft;
  draft.person = person;
  draft.year = year;
  draft.rules = {store::IntField(*rules, "flat_rate_basis_points").value_or(0),
                 store::IntField(*rules, "basic_exemption_cents").value_or(0)};
  ASSIGN_OR_RETURN(auto income, QueryPersonYear(store, "SELECT employer, total_cents FROM income WHERE person = ?",
                                                person, year, "ORDER BY employer"));
  for (const Row& r : income)
    draft.income.push_back({TextOr(r, "employer"), store::IntField(r, "total_cents").value_or(0)});
  if (context.exchange == nullptr) {
    return Unavailable(
        "this tax board is not connected to the exchange (setting exchange_url): it cannot ask the bank");
  }
  draft.interest_source = InfoOf(Kind::kBank).ClientId() + "/interest";
  auto interest = context.exchange->Get(draft.interest_source, "/" + person + "?year=" + std::to_string(year),
                                        {"EE" + person, InterestIssue(year)});
  if (interest.ok()) {
    draft.interest_xroad_id = interest->xroad_id;
    // The bank's figures go into a person's tax: a line that is not a whole number of
    // cents up to a billion euros, or more than kMaxInterestLines of them, stops the
    // draft rather than counting as nothing (and the sums stay far from overflowing).
    constexpr size_t kMaxInterestLines = 1000;
    const Json none = Json::array();
    const Json& lines =
        interest->body.is_object() && interest->body.contains("interest") ? interest->body.at("interest") : none;
    if (!lines.is_array() || lines.size() > kMaxInterestLines) {
      return Unavailable("the bank's interest answer is not a list of at most " + std::to_string(kMaxInterestLines) +
                         " lines, so no draft was made");
    }
    for (const Json& line : lines) {
      auto cents = line.is_object() && line.contains("cents") ? IntegerIn(line.at("cents"), "cents", 0, 100'000'000'000)
                                                              : Result<int64_t>(InvalidArgument("cents: missing"));
      if (!cents.ok()) {
        return Unavailable("the bank's interest for " + std::to_string(year) + " has a malformed line (" +
                           cents.status().message() + "), so no draft was made");
      }
      draft.interest.push_back({StringOr(line, "iban"), *cents});
    }
  } else if (interest.status().code() != Code::kNotFound) {  // not the bank's customer: no interest
    return Unavailable("the bank's interest for " + std::to_string(year) +
                       " could not be fetched, so no draft was made: " + interest.status().message());
  }
  Json doc = ReturnDocument(draft);
  ASSIGN_OR_RETURN(std::string text, CanonicalJson(doc));
  Json answer = doc;
  RETURN_IF_ERROR(store
                      .Write([&](store::WriteTxn& txn) -> Status {
                        ASSIGN_OR_RETURN(auto existing, txn.Get(kReturns, {{"person", person}, {"year", year}}));
                        if (existing) {  // made by a concurrent call: that one stands
                          ASSIGN_OR_RETURN(answer, ParseJson(TextOr(*existing, "document")));
                          return OkStatus();
                        }
                        return txn.Put(kReturns, {{"person", person},
                                                  {"year", year},
                                                  {"status", "draft"},
                                                  {"document", text},
                                                  {"updated_us", NowMicros()}});
                      })
                      .status());
  return answer;
}

// Moves a stored return from status `from` to `to`, stamping `<to>_at` and adding
// `annotation`'s fields (the signature of a submitted return).
Result<Json> AdvanceReturn(store::Store& store, const std::string& person, int64_t year, const std::string& from,
                           const std::string& to, const Json& annotation = Json::object()) {
  Json answer;
  RETURN_IF_ERROR(
      store
          .Write([&](store::WriteTxn& txn) -> Status {
            ASSIGN_OR_RETURN(auto row, txn.Get(kReturns, {{"person", person}, {"year", year}}));
            const std::string which = "the " + std::to_string(year) + " return of " + person;
            if (!row) return NotFound("no draft of " + which + " yet: GET it first to have the pre-filled draft");
            ASSIGN_OR_RETURN(Json doc, ParseJson(TextOr(*row, "document")));
            std::string status = TextOr(*row, "status");
            if (status != from) {
              return FailedPrecondition(which + " is " + status + (status == to ? " already" : "") + "; only a " +
                                        from + " return can become " + to);
            }
            UnixMicros now = NowMicros();
            doc["status"] = to;
            doc[to + "_at"] = FormatRfc3339(now);
            for (const auto& [key, value] : annotation.items()) doc[key] = value;
            ASSIGN_OR_RETURN(std::string text, CanonicalJson(doc));
            answer = doc;
            return txn.Put(
                kReturns,
                {{"person", person}, {"year", year}, {"status", to}, {"document", text}, {"updated_us", now}});
          })
          .status());
  return answer;
}

constexpr const char* kAsicMediaType = "application/vnd.etsi.asic-e+zip";

// The stored draft's canonical text, the document the citizen signs (GET answers it).
Result<std::string> DraftText(store::Store& store, const std::string& person, int64_t year) {
  ASSIGN_OR_RETURN(auto rows, store.Query("SELECT status, document FROM " + kReturns + " WHERE person = ? AND year = ?",
                                          {person, year}));
  const std::string which = "the " + std::to_string(year) + " return of " + person;
  if (rows.empty()) return NotFound("no draft of " + which + " yet: GET it first to have the pre-filled draft");
  std::string status = TextOr(rows[0], "status");
  if (status != "draft")
    return FailedPrecondition(which + " is " + status + (status == "submitted" ? " already" : "") +
                              "; only a draft return can become submitted");
  return TextOr(rows[0], "document");
}

// Submitting a return: only as an ASiC-E container in which the citizen signed the
// draft exactly as the board gave it, and only as the validation service judges it
// (through the exchange, recorded in its log); the board never checks a signature itself.
// The return, submitted if the validation service's answer shows `person` signed the
// stored draft (whose SHA-256 is `draft_sha256`) in exactly this container.
Result<Json> AcceptIfSigned(RegistryContext& c, const std::string& person, int64_t year, const std::string& container,
                            const std::string& draft_sha256, const ExchangeAnswer& answer) {
  const Json& report = answer.body.value("report", Json::object());
  auto refuse = [&](const std::string& why) {
    return InvalidArgument("the container is not the " + std::to_string(year) + " return signed by " + person + ": " +
                           why);
  };
  std::string verdict = report.value("verdict", "");
  if (report.value("container_sha256", "") != DigestHex(Sha256(container)))
    return Internal("the validation service judged another container");
  if (verdict != "VALID" && verdict != "WARNING") {
    std::string why = report.value("container_error", "");
    for (const auto& sig : report.value("signatures", Json::array()))
      for (const auto& e : sig.value("errors", Json::array()))
        if (e.is_string()) why += (why.empty() ? "" : "; ") + e.get<std::string>();
    return refuse("the validation service says " + verdict + (why.empty() ? "" : " (" + why + ")"));
  }
  std::map<std::string, std::string> file_sha256;
  for (const auto& f : report.value("files", Json::array())) file_sha256[f.value("name", "")] = f.value("sha256", "");
  for (const auto& sig : report.value("signatures", Json::array())) {
    std::string sig_verdict = sig.value("verdict", "");
    if ((sig_verdict != "VALID" && sig_verdict != "WARNING") || sig.value("signer_id", "") != "PNOEE-" + person)
      continue;
    for (const auto& name : sig.value("signed_files", Json::array())) {
      if (!name.is_string() || file_sha256[name.get<std::string>()] != draft_sha256) continue;
      Json signature = {{"container_sha256", report.value("container_sha256", "")},
                        {"signer_id", sig.value("signer_id", "")},
                        {"signed_at", sig.value("timestamp_time", Json())},
                        {"validation",
                         {{"service", c.validation_service},
                          {"x_road_id", answer.xroad_id},
                          {"record", answer.body.value("record", Json::object())}}}};
      return AdvanceReturn(c.store, person, year, "draft", "submitted", Json{{"signature", signature}});
    }
  }
  return refuse("no valid signature of " + person + " covers the draft as the board gave it");
}

// Submitting a return: only as an ASiC-E container in which the citizen signed the
// draft exactly as the board gave it, and only as the validation service judges it
// (through the exchange, recorded in its log); the board never checks a signature itself.
Result<Json> SubmitSigned(RegistryContext& c, const std::string& person, int64_t year, const std::string& container) {
  if (!c.exchange || c.validation_service.empty())
    return Unavailable("the tax board is not connected to the signature validation service");
  ASSIGN_OR_RETURN(std::string draft, DraftText(c.store, person, year));
  auto answer = c.exchange->PostBytes(
      c.validation_service, "", container, kAsicMediaType,
      CallPurpose{"EE" + person, "Income Tax Act: a signed income tax return for " + std::to_string(year)});
  if (answer.status().code() == Code::kInvalidArgument)
    return InvalidArgument("the validation service refused the container: " + answer.status().message());
  if (!answer.ok()) return Unavailable("the validation service could not be asked: " + answer.status().message());
  try {
    return AcceptIfSigned(c, person, year, container, DigestHex(Sha256(draft)), *answer);
  } catch (const Json::exception& e) {
    return Internal(std::string("the validation service's answer is malformed: ") + e.what());
  }
}

// A return route: the year checked, then `act` (on a worker, the access recorded).
template <typename Act>
void AddReturnRoute(net::Router& router, RegistryContext& context, const char* method, const std::string& pattern,
                    Act act) {
  AddPersonalRoute(router, context, method, pattern, "return", {"income tax return"},
                   [act](RegistryContext& c, const Inquiry& inquiry, const net::HttpRequest& req) {
                     auto year = ParseYear(req.Param("year"));
                     if (!year.ok()) return net::ErrorResponse(year.status());
                     Result<Json> doc = act(c, inquiry.person, *year);
                     if (!doc.ok()) return net::ErrorResponse(doc.status());
                     // Canonical JSON: the bytes the board stores, which a citizen signs as they are.
                     auto text = CanonicalJson(*doc);
                     if (!text.ok()) return net::ErrorResponse(text.status());
                     net::HttpResponse response;
                     response.body = std::move(*text);
                     return response;
                   });
}

void AddReturnRoutes(net::Router& router, RegistryContext& context) {
  AddReturnRoute(router, context, "GET", "/return/{code}/{year}", PrefilledReturn);
  AddPersonalRoute(router, context, "POST", "/return/{code}/{year}/submit", "return", {"income tax return"},
                   [](RegistryContext& c, const Inquiry& inquiry, const net::HttpRequest& req) {
                     auto year = ParseYear(req.Param("year"));
                     if (!year.ok()) return net::ErrorResponse(year.status());
                     if (!net::HasMediaType(req, kAsicMediaType))
                       return net::JsonError(415, "unsupported_media_type",
                                             "submit the return signed: the draft as GET gave it, in an ASiC-E "
                                             "container (riik sign), Content-Type " +
                                                 std::string(kAsicMediaType));
                     Result<Json> doc = SubmitSigned(c, inquiry.person, *year, req.body);
                     return doc.ok() ? net::JsonResponse(*doc) : net::ErrorResponse(doc.status());
                   });
  AddReturnRoute(router, context, "POST", "/return/{code}/{year}/accept",
                 [](RegistryContext& c, const std::string& person, int64_t year) {
                   return AdvanceReturn(c.store, person, year, "submitted", "accepted");
                 });
}

// The board's rules for a year: PUT /rules/{year} {"flat_rate_basis_points", "basic_exemption_cents"}
// (drafts made afterwards use them; stored returns keep the rules they were made with),
// for the operator alone (Authorization: Bearer, the registry's admin token).
void AddRulesRoutes(net::Router& router, RegistryContext& context) {
  router.AddAsync(
      "PUT", "/rules/{year}",
      [&context](net::HttpRequest&& req, net::Responder respond) {
        auto year = ParseYear(req.Param("year"));
        if (!year.ok()) return respond(net::ErrorResponse(year.status()));
        auto body = ParseJson(req.body);
        auto number = [&](const char* key, int64_t max) -> int64_t {
          if (!body.ok() || !body->is_object() || !(*body)[key].is_number_integer()) return -1;
          int64_t v = (*body)[key].get<int64_t>();
          return v >= 0 && v <= max ? v : -1;
        };
        const int64_t rate = number("flat_rate_basis_points", 10000),
                      exemption = number("basic_exemption_cents", 100'000'000);
        if (rate < 0 || exemption < 0) {
          return respond(net::JsonError(400, "invalid_argument",
                                        "rules are {\"flat_rate_basis_points\": 0..10000, \"basic_exemption_cents\": "
                                        "0..100000000}"));
        }
        AnswerOnWorker(context, std::move(respond), [&context, y = *year, rate, exemption] {
          Row row{{"year", y}, {"flat_rate_basis_points", rate}, {"basic_exemption_cents", exemption}};
          auto w = context.store.Write([&](store::WriteTxn& txn) { return txn.Put(kRules, row); });
          if (!w.ok()) return net::ErrorResponse(w.status());
          return net::JsonResponse(
              {{"year", y}, {"flat_rate_basis_points", rate}, {"basic_exemption_cents", exemption}});
        });
      },
      "application/json",
      // The board's operator sets the rules, never a caller through the exchange.
      [&context](const net::HttpRequest& req) { return net::RefuseUnlessBearer(context.operator_token, req); });
}

void AddAllRoutes(net::Router& router, RegistryContext& context) {
  AddRoutes(router, context);
  AddRulesRoutes(router, context);
  AddReturnRoutes(router, context);
  AddTrackerRoute(router, context);
  AddNotificationRoutes(router, context);
}

}  // namespace
}  // namespace tax_board

const Register kTaxBoard{tax_board::Tables, tax_board::RowCount, tax_board::Load, tax_board::AddAllRoutes};

}  // namespace riik::registry
