// AddPersonalRoute and the tracker listing route.
#include "registry/personal_route.h"

#include <charconv>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/clock.h"

namespace riik::registry {

void AddPersonalRoute(net::Router& router, RegistryContext& context, const std::string& method,
                      const std::string& pattern, const std::string& service, std::vector<std::string> fields,
                      PersonalAnswer answer) {
  router.AddAsync(method, pattern, [&context, service, fields, answer](net::HttpRequest&& req, net::Responder respond) {
    auto inquiry = CheckPersonalDataCall(req);
    if (!inquiry.ok()) return respond(RefusedInquiry(inquiry.status()));
    auto call = std::make_shared<net::HttpRequest>(std::move(req));
    auto held = std::make_shared<net::Responder>(std::move(respond));
    // The answer is made on a worker; the worker does not wait for the record to be
    // sealed (a batch's fsync): the answer goes out from the sealing thread once it is durable.
    auto work = [&context, service, fields, answer, call, held, who = std::move(*inquiry)] {
      net::HttpResponse resp = answer(context, who, *call);
      if (resp.status != 200 || context.tracker == nullptr) return (*held)(std::move(resp));
      tracker::AccessRecord access{
          who.person, context.tracker->registry(), service, fields, who.client, who.user_id, who.issue, who.xroad_id,
          NowMicros()};
      auto given = std::make_shared<net::HttpResponse>(std::move(resp));
      context.tracker->RecordAsync(access, [held, given](Status recorded) {
        if (recorded.ok()) return (*held)(std::move(*given));
        (*held)(net::JsonError(
            503, "unavailable",
            "the data is withheld: this access could not be recorded in the data tracker: " + recorded.message()));
      });
    };
    if (context.workers == nullptr) return work();
    context.workers->Submit(std::move(work));
  });
}

void AddTrackerRoute(net::Router& router, RegistryContext& context) {
  router.AddAsync("GET", "/tracker/{code}", [&context](net::HttpRequest&& req, net::Responder respond) {
    auto inquiry = CheckPersonalDataCall(req);
    if (!inquiry.ok()) return respond(RefusedInquiry(inquiry.status()));
    if (inquiry->user_id != "EE" + inquiry->person) {
      return respond(net::JsonError(
          403, "not_the_person",
          "a tracker listing is given only on the person's own behalf: X-Road-UserId EE" + inquiry->person));
    }
    int64_t since = 0;
    if (std::string text = req.QueryParam("since_size"); !text.empty()) {
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), since);
      if (ec != std::errc() || end != text.data() + text.size() || since < 0) {
        return respond(
            net::JsonError(400, "invalid_argument", "since_size must be a record count, got '" + text + "'"));
      }
    }
    AnswerOnWorker(context, std::move(respond), [&context, person = inquiry->person, since] {
      if (context.tracker == nullptr) {
        return net::JsonError(503, "unavailable", "this registry keeps no data tracker (it has no signing key)");
      }
      if (context.tracker->log().size() == 0) {
        // Nothing to list and no signed head to list it under: say so plainly.
        return net::JsonError(404, tracker::kNoRecordsYet,
                              "nobody has been given anyone's data from " + context.tracker->registry() +
                                  " yet: its data tracker holds no records");
      }
      auto listing = context.tracker->Listing(person, since);
      return listing.ok() ? net::JsonResponse(*listing) : net::ErrorResponse(listing.status());
    });
  });
}

}  // namespace riik::registry
