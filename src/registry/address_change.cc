// Moving a person: validation, the two address rows and the events, in one transaction.
#include "registry/address_change.h"

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "population/calendar.h"
#include "population/geography.h"
#include "registry/outbox.h"
#include "registry/personal_data.h"
#include "registry/row_values.h"
#include "store/row_fields.h"

namespace riik::registry {
namespace {

using store::Row;
using store::TextOr;

// The dwelling the body names; InvalidArgument says which part is wrong.
Result<population::Dwelling> DwellingFrom(const Json& body) {
  if (!body.is_object())
    return InvalidArgument("the body is a JSON object: settlement, street, house, apartment, from");
  auto text = [&](const char* key) {
    return body.contains(key) && body[key].is_string() ? body[key].get<std::string>() : "";
  };
  const std::string settlement = text("settlement"), municipality = text("municipality"), street = text("street");
  population::Dwelling d;
  int found = 0;
  for (size_t i = 0; i < population::Settlements().size(); ++i) {
    const auto& s = population::Settlements()[i];
    if (s.name != settlement || (!municipality.empty() && s.municipality != municipality)) continue;
    d.settlement = static_cast<uint16_t>(i);
    ++found;
  }
  if (found == 0)
    return InvalidArgument("no settlement '" + settlement + "'" + (municipality.empty() ? "" : " in " + municipality));
  if (found > 1)
    return InvalidArgument("there are several settlements '" + settlement + "': name the municipality too");
  bool street_found = false;
  for (size_t i = 0; i < population::Streets().size(); ++i) {
    if (population::Streets()[i] == street) {
      d.street = static_cast<uint16_t>(i);
      street_found = true;
    }
  }
  if (!street_found)
    return InvalidArgument("no street '" + street + "' (streets are named with their kind, e.g. 'Pikk tn')");
  auto number = [&](const char* key, int min, int max, int fallback) -> Result<int> {
    if (!body.contains(key) || body[key].is_null()) return fallback;
    if (!body[key].is_number_integer() || body[key].get<int64_t>() < min || body[key].get<int64_t>() > max) {
      return InvalidArgument(std::string(key) + " must be a number from " + std::to_string(min) + " to " +
                             std::to_string(max));
    }
    return static_cast<int>(body[key].get<int64_t>());
  };
  ASSIGN_OR_RETURN(int house, number("house", 1, 999, -1));
  if (house < 0) return InvalidArgument("house is required");
  ASSIGN_OR_RETURN(int apartment, number("apartment", 1, 999, 0));
  d.house = static_cast<uint16_t>(house);
  d.apartment = static_cast<uint16_t>(apartment);
  return d;
}

Result<Json> Move(RegistryContext& context, const std::string& person, const Json& body) {
  ASSIGN_OR_RETURN(population::Dwelling dwelling, DwellingFrom(body));
  auto from = static_cast<population::Day>(NowMicros() / 86'400'000'000LL);  // today (UTC)
  if (body.contains("from")) {
    if (!body["from"].is_string()) return InvalidArgument("from is a date YYYY-MM-DD");
    ASSIGN_OR_RETURN(from, population::ParseDay(body["from"].get<std::string>()));
  }
  const std::string from_text = population::FormatDay(from);
  Row moved = AddressRow(dwelling);
  moved["person"] = person;
  moved["from_date"] = from_text;
  moved["to_date"] = std::monostate{};
  RETURN_IF_ERROR(
      context.store
          .Write([&](store::WriteTxn& txn) -> Status {
            ASSIGN_OR_RETURN(auto who, txn.Get("persons", {{"code", person}}));
            if (!who) return NotFound("no person " + person + " in the population register");
            if (TextOr(*who, "status") != "alive") return FailedPrecondition(person + " is deceased");
            ASSIGN_OR_RETURN(auto current,
                             txn.Query("SELECT * FROM addresses WHERE person = ? AND to_date IS NULL", {person}));
            for (Row row : current) {
              const std::string since = TextOr(row, "from_date");
              if (from_text < since) {
                return InvalidArgument("from " + from_text + " is before the current address's start " + since);
              }
              if (from_text == since) continue;  // replaced below: a correction on the same day
              row["to_date"] = from_text;
              RETURN_IF_ERROR(txn.Put("addresses", row));
            }
            RETURN_IF_ERROR(txn.Put("addresses", moved));
            Json event{{"person", person}, {"address", AddressJson(moved)}};
            return Outbox::Enqueue(txn, context.registry_id, "address_changed", person, event);
          })
          .status());
  if (context.outbox != nullptr) context.outbox->Wake();
  return Json{{"person", person}, {"current", AddressJson(moved)}};
}

}  // namespace

void AddAddressChangeRoute(net::Router& router, RegistryContext& context) {
  router.AddAsync(
      "POST", "/address/{code}",
      [&context](net::HttpRequest&& req, net::Responder respond) {
        auto inquiry = CheckPersonalDataCall(req);
        if (!inquiry.ok()) return respond(RefusedInquiry(inquiry.status()));
        // On a person's behalf, only their own address: an official moving someone says
        // why in X-Road-Issue instead.
        if (!inquiry->user_id.empty() && inquiry->user_id != "EE" + inquiry->person) {
          return respond(
              net::JsonError(403, "permission_denied",
                             "a person may change only their own address (X-Road-UserId is " + inquiry->user_id + ")"));
        }
        auto body = ParseJson(req.body);
        if (!body.ok()) return respond(net::ErrorResponse(body.status()));
        AnswerOnWorker(context, std::move(respond), [&context, person = inquiry->person, b = std::move(*body)] {
          auto moved = Move(context, person, b);
          return moved.ok() ? net::JsonResponse(*moved) : net::ErrorResponse(moved.status());
        });
      },
      "application/json");
}

}  // namespace riik::registry
