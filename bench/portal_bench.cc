// "My data" under load (issue 18): `--sessions` people signed in to the citizen portal
// (`riik up`'s, set up by bench/portal_bench.sh) each load /data again as soon as the
// last answer came — seven services of five registries through the exchange on their
// behalf, every call logged by both security servers and recorded in the registry's
// data tracker — against, in the same run, the same seven calls made directly through
// the portal's security server as the portal's subsystem (all seven at once per page,
// as the portal makes them). Prints each side's pages per second, p50 and p99 latency,
// and the portal's own overhead as the ratio of the medians.
//
//   portal_bench --dir RIIK_UP_DIR [--sessions N] [--seconds S] [--rounds R]
//
// The sessions are signed in first, untimed, with the demo citizens' ID-cards (Web eID
// tokens, PIN1), round robin: N browser sessions of the four demo citizens.
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench_util.h"
#include "core/file.h"
#include "core/json.h"
#include "eid/token.h"
#include "idcard_login.h"
#include "net/client.h"
#include "net/client_pool.h"
#include "net/event_loops.h"

using namespace riik;

namespace {

constexpr const char* kPortalSubsystem = "EE/GOV/70006317/portal";
// The seven services of "My data" (portal/my_data.cc), by INSTANCE/CLASS/CODE/SUBSYSTEM/SERVICE.
constexpr const char* kServices[] = {"EE/GOV/70000013/population/person", "EE/GOV/70000013/population/address",
                                     "EE/GOV/70000013/population/family", "EE/GOV/70000310/business/roles",
                                     "EE/GOV/70000349/tax/income",        "EE/COM/10060701/bank/accounts",
                                     "EE/GOV/70000740/education/pupil"};

using bench::Die;
using bench::Must;

struct Session {
  std::string cookie;  // __Host-portal_session=…
  std::string code;    // the person's
};

// Signs one browser session in to the portal with the citizen's ID-card.
Session SignIn(const std::string& portal_url, const std::string& auth_url, const net::ClientOptions& tls,
               const std::string& code, EVP_PKEY* key, X509* cert) {
  auto portal = Must(net::HttpClient::Create(portal_url, tls), "a client to the portal");
  auto auth = Must(net::HttpClient::Create(auth_url, tls), "a client to the sign-in service");
  auto login = Must(portal->Get("/login"), "GET /login");
  std::string to_auth(login.headers.Get("Location"));
  if (login.status != 303 || !to_auth.starts_with(auth_url)) Die("/login answered " + std::to_string(login.status));
  std::string login_cookie = bench::FirstCookie(login);
  auto prepared =
      Must(bench::PrepareIdCardLogin(*auth, auth_url, to_auth.substr(auth_url.size()), key, cert), "the sign-in page");
  std::string back = Must(bench::PostIdCardToken(*auth, prepared), "the ID-card");
  if (!back.starts_with(portal_url)) Die("the sign-in service sent the browser to " + back);
  net::Headers h;
  h.Add("Cookie", login_cookie);
  auto callback = Must(portal->Send("GET", back.substr(portal_url.size()), h), "the callback");
  std::string session = bench::FirstCookie(callback);
  if (callback.status != 303 || session.find("portal_session=") == std::string::npos) {
    Die("the callback answered " + std::to_string(callback.status) + " " + callback.body.substr(0, 200));
  }
  return {session, code};
}

struct Latencies {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<double> ms;
  int in_flight = 0;
  int failures = 0;
  std::string first_failure;
};

// `users` loops on the event loops, each starting `page(user, done)` again as soon as
// the last one finished, until `seconds` pass; every page's latency in ms.
std::vector<double> Load(net::EventLoops& loops, int users, double seconds,
                         const std::function<void(int, std::function<void(bool, std::string)>)>& page) {
  auto l = std::make_shared<Latencies>();
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  auto run = std::make_shared<std::function<void(int)>>();
  *run = [l, end, run, &page](int user) {
    auto start = std::chrono::steady_clock::now();
    page(user, [l, end, run, user, start](bool ok, std::string why) {
      double ms = 1000 * bench::SecondsSince(start);
      bool again = std::chrono::steady_clock::now() < end;
      {
        std::lock_guard lock(l->mu);
        if (ok) {
          l->ms.push_back(ms);
        } else if (l->failures++ == 0) {
          l->first_failure = why;
        }
        if (!again) --l->in_flight;
      }
      if (again) return (*run)(user);
      l->cv.notify_all();
    });
  };
  {
    std::lock_guard lock(l->mu);
    l->in_flight = users;
  }
  for (int u = 0; u < users; ++u) net::Post(loops.loop(static_cast<size_t>(u) % loops.size()), [run, u] { (*run)(u); });
  std::unique_lock lock(l->mu);
  l->cv.wait(lock, [&] { return l->in_flight == 0; });
  *run = nullptr;  // breaks the cycle
  if (l->failures) Die(std::to_string(l->failures) + " pages failed; the first: " + l->first_failure);
  return l->ms;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  int sessions = 100, rounds = 3;
  double seconds = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--dir")
      dir = v;
    else if (k == "--sessions")
      sessions = std::stoi(v);
    else if (k == "--seconds")
      seconds = std::stod(v);
    else if (k == "--rounds")
      rounds = std::stoi(v);
    else
      Die("unknown option " + k);
  }
  if (dir.empty()) Die("usage: portal_bench --dir D [--sessions N] [--seconds S] [--rounds R]");
  Json endpoints = Must(ParseJson(Must(ReadFile(dir + "/endpoints.json"), "endpoints.json")), "endpoints.json");
  const std::string portal_url = endpoints["roles"]["portal"]["url"], auth_url = endpoints["roles"]["auth"]["url"],
                    ss_sign = endpoints["roles"]["ss-sign"]["url"];
  net::ClientOptions tls;
  tls.ca_file = dir + "/trust/root.pem";
  tls.timeout = std::chrono::seconds(30);

  std::printf("signing in %d portal sessions with the demo citizens' ID-cards (not timed)...\n", sessions);
  std::fflush(stdout);
  std::vector<Session> signed_in;
  {
    struct Card {
      std::string code;
      UniquePtr<EVP_PKEY> key;
      UniquePtr<X509> cert;
    };
    std::vector<Card> cards;
    for (const auto& person : endpoints["identities"]) {
      auto token = Must(eid::OpenToken(person["token"].get<std::string>()), "a demo citizen's token");
      cards.push_back({person["code"].get<std::string>(),
                       Must(token->PrivateKey(eid::EidKey::kAuthentication, "0090"), "PIN1"),
                       Must(token->Certificate(eid::EidKey::kAuthentication), "a certificate")});
    }
    if (cards.empty()) Die("endpoints.json names no demo citizens");
    for (int i = 0; i < sessions; ++i) {
      const Card& c = cards[static_cast<size_t>(i) % cards.size()];
      signed_in.push_back(SignIn(portal_url, auth_url, tls, c.code, c.key.get(), c.cert.get()));
    }
  }

  auto loops = net::EventLoops::Start(2);
  net::ClientPool to_portal(tls, static_cast<size_t>(sessions));
  net::ClientOptions as_portal = tls;  // the portal's subsystem, as its security server knows it
  as_portal.cert_file = dir + "/portal/exchange.pem";
  as_portal.key_file = dir + "/portal/exchange.key";
  net::ClientPool to_exchange(as_portal, static_cast<size_t>(sessions) * std::size(kServices));

  auto portal_page = [&](int user, std::function<void(bool, std::string)> done) {
    net::Headers h;
    h.Add("Cookie", signed_in[static_cast<size_t>(user)].cookie);
    to_portal.SendAsync(portal_url, "GET", "/data", h, "", "", [done](Result<net::HttpResponse> r) {
      if (!r.ok()) return done(false, r.status().message());
      bool ok = r->status == 200 && r->body.find("id=\"person\"") != std::string::npos &&
                r->body.find("could not be asked") == std::string::npos;
      done(ok, ok ? "" : "status " + std::to_string(r->status) + ": " + r->body.substr(0, 300));
    });
  };
  auto direct_page = [&](int user, std::function<void(bool, std::string)> done) {
    const std::string& code = signed_in[static_cast<size_t>(user)].code;
    struct Page {
      std::mutex mu;
      size_t left = std::size(kServices);
      bool ok = true;
      std::string why;
    };
    auto page = std::make_shared<Page>();
    net::Headers h;
    h.Add("X-Road-Client", kPortalSubsystem);
    h.Add("X-Road-UserId", "EE" + code);
    h.Add("X-Road-Issue", "the person's own request in the state portal");
    for (const char* service : kServices) {
      to_exchange.SendAsync(ss_sign, "GET", std::string("/r1/") + service + "/" + code, h, "", "",
                            [page, done](Result<net::HttpResponse> r) {
                              // 404: a registry that does not know the person (not a pupil), as in the portal.
                              bool ok = r.ok() && (r->status == 200 || r->status == 404);
                              bool last;
                              {
                                std::lock_guard lock(page->mu);
                                if (!ok && page->ok) {
                                  page->ok = false;
                                  page->why = r.ok() ? std::to_string(r->status) + " " + r->body.substr(0, 200)
                                                     : r.status().message();
                                }
                                last = --page->left == 0;
                              }
                              if (last) done(page->ok, page->why);
                            });
    }
  };

  std::printf("%d users, %.0f s per side, %d rounds, sides alternating\n", sessions, seconds, rounds);
  std::vector<double> portal_p50, portal_p99, direct_p50, direct_p99, portal_rate, direct_rate, ratios;
  for (int r = 1; r <= rounds; ++r) {
    auto d = Load(*loops, sessions, seconds, direct_page);
    auto p = Load(*loops, sessions, seconds, portal_page);
    direct_p50.push_back(Percentile(d, 0.5));
    direct_p99.push_back(Percentile(d, 0.99));
    portal_p50.push_back(Percentile(p, 0.5));
    portal_p99.push_back(Percentile(p, 0.99));
    direct_rate.push_back(static_cast<double>(d.size()) / seconds);
    portal_rate.push_back(static_cast<double>(p.size()) / seconds);
    ratios.push_back(portal_p50.back() / direct_p50.back());
    std::printf(
        "round %d: direct %.0f pages/s p50 %.1f ms p99 %.1f ms | portal %.0f pages/s p50 %.1f ms p99 %.1f ms | "
        "p50 ratio portal/direct %.2f\n",
        r, direct_rate.back(), direct_p50.back(), direct_p99.back(), portal_rate.back(), portal_p50.back(),
        portal_p99.back(), ratios.back());
    std::fflush(stdout);
  }
  loops->Stop();
  std::printf(
      "median of %d rounds: direct %.0f pages/s p50 %.1f ms p99 %.1f ms | portal %.0f pages/s p50 %.1f ms p99 %.1f ms "
      "| p50 ratio %.2f (goal: portal p99 <= 150 ms)\n",
      rounds, bench::Median(direct_rate), bench::Median(direct_p50), bench::Median(direct_p99),
      bench::Median(portal_rate), bench::Median(portal_p50), bench::Median(portal_p99), bench::Median(ratios));
  return 0;
}
