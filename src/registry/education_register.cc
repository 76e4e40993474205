// The education register: schools and their pupils.
//   GET /pupil/{code}   the pupil's school and grade
#include <nlohmann/json.hpp>

#include "population/geography.h"
#include "registry/notifications.h"
#include "registry/personal_data.h"
#include "registry/personal_route.h"
#include "registry/registers.h"
#include "registry/row_values.h"
#include "store/row_fields.h"

namespace riik::registry {
namespace education_register {
namespace {

using store::ColumnType;
using store::Row;
using store::TextOr;

const std::string kSchools = "schools";
const std::string kPupils = "pupils";

std::vector<store::TableSchema> Tables() {
  std::vector<store::TableSchema> tables = NotificationTables();
  std::vector<store::TableSchema> own = {
      {kSchools,
       {{"registry_code", ColumnType::kText}, {"name", ColumnType::kText}, {"county", ColumnType::kText}},
       {"registry_code"},
       {}},
      {kPupils,
       {{"person", ColumnType::kText}, {"school", ColumnType::kText}, {"grade", ColumnType::kInt}},
       {"person"},
       {{"school"}}},
  };
  tables.insert(tables.end(), own.begin(), own.end());
  return tables;
}

int64_t RowCount(const population::Population& pop) {
  return static_cast<int64_t>(pop.schools.size() + pop.pupils.size());
}

Status Load(const population::Population& pop, RowSink& loader) {
  for (const population::School& s : pop.schools) {
    RETURN_IF_ERROR(loader.Put(kSchools, {{"registry_code", s.registry_code},
                                          {"name", s.name},
                                          {"county", std::string(population::Counties()[s.county].name)}}));
  }
  for (uint32_t i : KeyOrder(pop.pupils.size(), [&](uint32_t k) { return pop.persons[pop.pupils[k].person].code(); })) {
    const population::Pupil& p = pop.pupils[i];
    RETURN_IF_ERROR(loader.Put(kPupils, {{"person", std::string(pop.persons[p.person].code())},
                                         {"school", pop.schools[p.school].registry_code},
                                         {"grade", int64_t{p.grade}}}));
  }
  return OkStatus();
}

// The pupil's school district: the municipality of their current address, which the
// population register holds (asked through the exchange, never stored here); whether the
// school is in the same county. Null with the reason when the register cannot be asked.
Json SchoolDistrict(RegistryContext& c, const std::string& person, const std::string& school_county) {
  if (c.exchange == nullptr) return Json{{"error", "not connected to the exchange"}};
  auto address = c.exchange->Get(InfoOf(Kind::kPopulation).ClientId() + "/address", "/" + person,
                                 {"", "Basic Schools and Upper Secondary Schools Act: the school district"});
  if (!address.ok()) return Json{{"error", address.status().message()}};
  const Json current = address->body.value("current", Json::object());
  return Json{{"municipality", current.value("municipality", "")},
              {"county", current.value("county", "")},
              {"school_in_county", current.value("county", "") == school_county},
              {"x_road_id", address->xroad_id}};
}

void AddRoutes(net::Router& router, RegistryContext& context) {
  AddPersonalRoute(router, context, "GET", "/pupil/{code}", "pupil", {"school", "grade"},
                   [](RegistryContext& c, const Inquiry& inquiry, const net::HttpRequest&) {
                     auto rows = c.store.Query(
                         "SELECT p.grade, s.registry_code, s.name, s.county FROM pupils p JOIN schools s ON "
                         "s.registry_code = p.school "
                         "WHERE p.person = ?",
                         {inquiry.person});
                     if (!rows.ok()) return net::ErrorResponse(rows.status());
                     if (rows->empty())
                       return net::JsonError(404, "not_found", inquiry.person + " is not enrolled in a school");
                     const Row& r = rows->front();
                     return net::JsonResponse({{"person", inquiry.person},
                                               {"grade", store::IntField(r, "grade").value_or(0)},
                                               {"school",
                                                {{"registry_code", TextOr(r, "registry_code")},
                                                 {"name", TextOr(r, "name")},
                                                 {"county", TextOr(r, "county")}}},
                                               {"district", SchoolDistrict(c, inquiry.person, TextOr(r, "county"))}});
                   });
  AddTrackerRoute(router, context);
  AddNotificationRoutes(router, context);
}

}  // namespace
}  // namespace education_register

const Register kEducationRegister{education_register::Tables, education_register::RowCount, education_register::Load,
                                  education_register::AddRoutes};

}  // namespace riik::registry
