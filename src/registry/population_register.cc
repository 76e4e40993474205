// The population register: persons, addresses with history, family links.
//   GET /person/{code}   names, birth date, sex, citizenship, status
//   GET /address/{code}  the current address and every earlier one
//   GET /family/{code}   mother, father, spouse, children (code and names)
#include <nlohmann/json.hpp>

#include "population/citizenship.h"
#include "population/geography.h"
#include "registry/address_change.h"
#include "registry/outbox.h"
#include "registry/personal_data.h"
#include "registry/personal_route.h"
#include "registry/registers.h"
#include "registry/row_values.h"
#include "registry/voter_roll.h"
#include "store/row_fields.h"

namespace riik::registry {
namespace population_register {
namespace {

using store::ColumnType;
using store::Row;
using store::TextOr;

const std::string kPersons = "persons";
const std::string kAddresses = "addresses";

std::vector<store::TableSchema> Tables() {
  std::vector<store::TableSchema> tables = Outbox::Tables();
  std::vector<store::TableSchema> own = {
      {kPersons,
       {{"code", ColumnType::kText},
        {"given_name", ColumnType::kText},
        {"surname", ColumnType::kText},
        {"birth_date", ColumnType::kText},
        {"sex", ColumnType::kText},
        {"citizenship", ColumnType::kText},
        {"status", ColumnType::kText},
        {"death_date", ColumnType::kText, true},
        {"mother", ColumnType::kText, true},
        {"father", ColumnType::kText, true},
        {"spouse", ColumnType::kText, true}},
       {"code"},
       {{"mother"}, {"father"}}},
      {kAddresses,
       WithAddressColumns(
           {{"person", ColumnType::kText}, {"from_date", ColumnType::kText}, {"to_date", ColumnType::kText, true}}),
       {"person", "from_date"},
       {}},
  };
  tables.insert(tables.end(), own.begin(), own.end());
  return tables;
}

int64_t RowCount(const population::Population& pop) {
  return static_cast<int64_t>(pop.persons.size() + pop.residences.size());
}

Status Load(const population::Population& pop, RowSink& loader) {
  const std::vector<uint32_t> order = KeyOrder(pop.persons.size(), [&](uint32_t i) { return pop.persons[i].code(); });
  for (uint32_t i : order) {
    const population::Person& p = pop.persons[i];
    Row row{{"code", std::string(p.code())},
            {"given_name", std::string(pop.GivenNameOf(i))},
            {"surname", std::string(pop.SurnameOf(i))},
            {"birth_date", population::FormatDay(p.birth)},
            {"sex", p.sex == identity::Sex::kMale ? "male" : "female"},
            {"citizenship", std::string(population::Citizenships()[p.citizenship])},
            {"status", p.alive() ? "alive" : "deceased"},
            {"death_date", DayOrNull(p.death)},
            {"mother", CodeOrNull(pop, p.mother)},
            {"father", CodeOrNull(pop, p.father)},
            {"spouse", CodeOrNull(pop, p.spouse)}};
    RETURN_IF_ERROR(loader.Put(kPersons, std::move(row)));
  }
  for (uint32_t i : order) {  // a person's residences are consecutive, oldest first
    size_t end = i + 1 < pop.first_residence.size() ? pop.first_residence[i + 1] : pop.residences.size();
    for (size_t k = pop.first_residence[i]; k < end; ++k) {
      const population::Residence& r = pop.residences[k];
      Row row = AddressRow(pop.dwellings[r.dwelling]);
      row["person"] = std::string(pop.persons[r.person].code());
      row["from_date"] = population::FormatDay(r.from);
      row["to_date"] = DayOrNull(r.to);
      RETURN_IF_ERROR(loader.Put(kAddresses, std::move(row)));
    }
  }
  return OkStatus();
}

Json PersonJson(const Row& row) {
  return {{"code", TextOr(row, "code")},       {"given_name", TextOr(row, "given_name")},
          {"surname", TextOr(row, "surname")}, {"birth_date", TextOr(row, "birth_date")},
          {"sex", TextOr(row, "sex")},         {"citizenship", TextOr(row, "citizenship")},
          {"status", TextOr(row, "status")},   {"death_date", NullableText(row, "death_date")}};
}

// Code and names of a relative, or null.
Result<Json> RelativeJson(store::Store& store, const Row& person, const std::string& column) {
  std::optional<std::string> code = store::TextField(person, column);
  if (!code) return Json(nullptr);
  ASSIGN_OR_RETURN(std::optional<Row> relative, store.Get(kPersons, {{"code", *code}}));
  if (!relative) return Json(nullptr);
  return Json{
      {"code", *code}, {"given_name", TextOr(*relative, "given_name")}, {"surname", TextOr(*relative, "surname")}};
}

// A population register service: `answer` gets the person's row (404 if there is none).
template <typename Answer>
void AddPersonService(net::Router& router, RegistryContext& context, const std::string& service,
                      std::vector<std::string> fields, Answer answer) {
  AddPersonalRoute(router, context, "GET", "/" + service + "/{code}", service, std::move(fields),
                   [answer](RegistryContext& c, const Inquiry& inquiry, const net::HttpRequest&) {
                     auto person = c.store.Get(kPersons, {{"code", inquiry.person}});
                     if (!person.ok()) return net::ErrorResponse(person.status());
                     if (!*person) {
                       return net::JsonError(404, "not_found",
                                             "no person " + inquiry.person + " in the population register");
                     }
                     Result<Json> body = answer(c.store, **person);
                     return body.ok() ? net::JsonResponse(*body) : net::ErrorResponse(body.status());
                   });
}

void AddRoutes(net::Router& router, RegistryContext& context) {
  AddPersonService(router, context, "person", {"names", "birth date", "sex", "citizenship", "status"},
                   [](store::Store&, const Row& person) -> Result<Json> { return PersonJson(person); });
  AddPersonService(router, context, "address", {"current address", "address history"},
                   [](store::Store& store, const Row& person) -> Result<Json> {
                     ASSIGN_OR_RETURN(auto rows,
                                      store.Query("SELECT * FROM addresses WHERE person = ? ORDER BY from_date",
                                                  {TextOr(person, "code")}));
                     Json history = Json::array();
                     for (const Row& row : rows) history.push_back(AddressJson(row));
                     Json current = history.empty() ? Json(nullptr) : history.back();
                     return Json{{"person", TextOr(person, "code")}, {"current", current}, {"history", history}};
                   });
  AddPersonService(router, context, "family", {"parents", "spouse", "children"},
                   [](store::Store& store, const Row& person) -> Result<Json> {
                     std::string code = TextOr(person, "code");
                     Json family{{"person", code}};
                     for (const char* relation : {"mother", "father", "spouse"}) {
                       ASSIGN_OR_RETURN(family[relation], RelativeJson(store, person, relation));
                     }
                     ASSIGN_OR_RETURN(
                         auto children,
                         store.Query("SELECT code, given_name, surname FROM persons WHERE mother = ? "
                                     "UNION SELECT code, given_name, surname FROM persons WHERE father = ? "
                                     "ORDER BY code",
                                     {code, code}));
                     family["children"] = Json::array();
                     for (const Row& child : children) {
                       family["children"].push_back({{"code", TextOr(child, "code")},
                                                     {"given_name", TextOr(child, "given_name")},
                                                     {"surname", TextOr(child, "surname")}});
                     }
                     return family;
                   });
  AddTrackerRoute(router, context);
  AddVoterRollRoute(router, context);
  AddAddressChangeRoute(router, context);
  // A member subscribes (through the exchange: the grant decides who may) to be told of
  // changes at its own notify service.
  router.AddAsync(
      "POST", "/subscriptions",
      [&context](net::HttpRequest&& req, net::Responder respond) {
        auto body = ParseJson(req.body);
        if (!body.ok() || !body->is_object() || body->value("event", "") != "address_changed" ||
            !(*body)["notify"].is_string()) {
          return respond(net::JsonError(
              400, "invalid_argument",
              "a subscription is {\"event\":\"address_changed\",\"notify\":\"YOUR/SUBSYSTEM/SERVICE\"}"));
        }
        std::string subscriber(req.headers.Get("X-Road-Client"));
        if (subscriber.empty())
          return respond(net::JsonError(400, "invalid_argument", "X-Road-Client names the subscriber"));
        AnswerOnWorker(
            context, std::move(respond), [&context, subscriber, notify = (*body)["notify"].get<std::string>()] {
              Status st = Outbox::Subscribe(context.store, subscriber, "address_changed", notify);
              if (!st.ok()) return net::ErrorResponse(st);
              if (context.outbox != nullptr) context.outbox->Wake();
              return net::JsonResponse({{"subscriber", subscriber}, {"event", "address_changed"}, {"notify", notify}});
            });
      },
      "application/json");
}

}  // namespace
}  // namespace population_register

const Register kPopulationRegister{population_register::Tables, population_register::RowCount,
                                   population_register::Load, population_register::AddRoutes};

}  // namespace riik::registry
