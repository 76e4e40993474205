// The electoral roll (voter_roll.h).
#include "registry/voter_roll.h"

#include <atomic>
#include <charconv>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "registry/personal_data.h"
#include "store/row_fields.h"

namespace riik::registry {
namespace {

struct RollQuery {
  std::string election_day, cutoff, born_by, citizenship;
  int64_t minimum_age = 0;
};

Result<RollQuery> ReadRollQuery(const net::HttpRequest& req) {
  RollQuery q;
  q.election_day = req.QueryParam("election_day");
  q.cutoff = req.QueryParam("cutoff");
  q.citizenship = req.QueryParam("citizenship");
  if (!ParseIsoDate(q.election_day).ok()) return InvalidArgument("election_day must be a date, YYYY-MM-DD");
  if (!ParseIsoDate(q.cutoff).ok()) return InvalidArgument("cutoff must be a date, YYYY-MM-DD");
  if (q.cutoff > q.election_day) return InvalidArgument("the cut-off date is after election day");
  if (q.citizenship.size() != 3 || q.citizenship.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) {
    return InvalidArgument("citizenship must be a three-letter country code, e.g. EST");
  }
  const std::string age = req.QueryParam("minimum_age");
  auto [end, ec] = std::from_chars(age.data(), age.data() + age.size(), q.minimum_age);
  if (ec != std::errc() || end != age.data() + age.size() || q.minimum_age < 0 || q.minimum_age > 150) {
    return InvalidArgument("minimum_age must be a number of years, 0 to 150");
  }
  // Of age on election day: born on or before the same date minimum_age years earlier
  // (dates compare as text in this form).
  const int year = std::stoi(q.election_day.substr(0, 4)) - static_cast<int>(q.minimum_age);
  if (year < 1) return InvalidArgument("minimum_age reaches before year 1");
  char born_by[16];
  std::snprintf(born_by, sizeof born_by, "%04d", year);
  q.born_by = std::string(born_by) + q.election_day.substr(4);
  return q;
}

}  // namespace

void AddVoterRollRoute(net::Router& router, RegistryContext& context) {
  router.AddAsync("GET", "/voters", [&context](net::HttpRequest&& req, net::Responder respond) {
    auto query = ReadRollQuery(req);
    if (!query.ok()) return respond(net::ErrorResponse(query.status()));
    const std::string issue(req.headers.Get("X-Road-Issue"));
    if (issue.empty()) {
      return respond(
          net::JsonError(403, "purpose_required", "the roll is given only for a stated purpose: send X-Road-Issue"));
    }
    if (Status st = CheckIssue(issue); !st.ok()) return respond(net::ErrorResponse(st));
    auto held = std::make_shared<net::Responder>(std::move(respond));
    auto work = [&context, q = std::move(*query), held, issue, client = std::string(req.headers.Get("X-Road-Client")),
                 xroad_id = std::string(req.headers.Get("X-Road-Id"))] {
      auto rows = context.store.Query(
          "SELECT p.code AS code, a.county AS county FROM persons p JOIN addresses a ON a.person = p.code "
          "WHERE p.status = 'alive' AND p.citizenship = ? AND p.birth_date <= ? "
          "AND (a.from_date IS NULL OR a.from_date <= ?) AND (a.to_date IS NULL OR a.to_date > ?) "
          "ORDER BY p.code LIMIT ?",
          {q.citizenship, q.born_by, q.cutoff, q.cutoff, kMaxRollPersons + 1});
      if (!rows.ok()) return (*held)(net::ErrorResponse(rows.status()));
      if (static_cast<int64_t>(rows->size()) > kMaxRollPersons) {
        return (*held)(net::JsonError(413, "too_large", "the roll is larger than this service gives in one answer"));
      }
      auto body = std::make_shared<net::HttpResponse>();
      body->content_type = "application/x-ndjson";
      for (const store::Row& row : *rows) {
        body->body += Json{{"code", store::TextOr(row, "code")}, {"county", store::TextOr(row, "county")}}.dump();
        body->body += '\n';
      }
      if (context.tracker == nullptr || rows->empty()) return (*held)(std::move(*body));
      // Every person listed is recorded; the roll goes out once all are durable, or not at all.
      struct Pending {
        std::atomic<size_t> left;
        std::mutex mu;
        Status failed;
      };
      auto pending = std::make_shared<Pending>();
      pending->left = rows->size();
      const UnixMicros now = NowMicros();
      for (const store::Row& row : *rows) {
        tracker::AccessRecord access{store::TextOr(row, "code"),
                                     context.tracker->registry(),
                                     "voters",
                                     {"right to vote", "county of residence"},
                                     client,
                                     "",
                                     issue,
                                     xroad_id,
                                     now};
        context.tracker->RecordAsync(access, [pending, held, body](Status recorded) {
          if (!recorded.ok()) {
            std::lock_guard lock(pending->mu);
            if (pending->failed.ok()) pending->failed = recorded;
          }
          if (--pending->left != 0) return;
          if (!pending->failed.ok()) {
            return (*held)(net::JsonError(503, "unavailable",
                                          "the roll is withheld: its accesses could not be recorded in the data "
                                          "tracker: " +
                                              pending->failed.message()));
          }
          (*held)(std::move(*body));
        });
      }
    };
    if (context.workers == nullptr) return work();
    context.workers->Submit(std::move(work));
  });
}

}  // namespace riik::registry
