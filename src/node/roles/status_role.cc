// The status role's handlers.
#include "node/roles/status_role.h"

#include <memory>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/version.h"
#include "net/bearer_gate.h"
#include "node/admin_api.h"
#include "node/digest_cache.h"
#include "node/node.h"

namespace riik::node {
namespace {

constexpr int64_t kMaxJournalPage = 1000;

Json HeadJson(const store::Store& s) {
  store::JournalHead h = s.Head();
  return {{"store", s.node()},
          {"engine", s.engine()},
          {"seq", h.seq},
          {"hash", HexEncode(h.hash)},
          {"time", h.seq ? FormatRfc3339(h.time) : ""}};
}

Json StoresJson(const Node& node) {
  Json stores = Json::array();
  for (const store::Store* s : node.Stores()) stores.push_back(HeadJson(*s));
  return stores;
}

store::Store* FindStore(const Node& node, std::string_view name) {
  for (store::Store* s : node.Stores()) {
    if (s->node() == name) return s;
  }
  return nullptr;
}

Result<int64_t> IntParam(const net::HttpRequest& req, const std::string& name, int64_t fallback, int64_t lo,
                         int64_t hi) {
  std::string v = req.QueryParam(name);
  if (v.empty()) return fallback;
  char* end = nullptr;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (*end || n < lo || n > hi) {
    return InvalidArgument("query parameter " + name + " must be an integer from " + std::to_string(lo) + " to " +
                           std::to_string(hi));
  }
  return n;
}

// Runs `work` on the node's blocking pool and answers with its result.
void OffNetworkThread(Node& node, net::Responder respond, std::function<net::HttpResponse()> work) {
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  node.blocking().Submit([shared, work = std::move(work)] { (*shared)(work()); });
}

}  // namespace

std::string OperatorTokenPath(const std::string& data_dir) { return data_dir + "/operator-token"; }

Status AddStatusRoutes(Node& node, const RoleConfig& role, net::Router& router) {
  ASSIGN_OR_RETURN(std::string token,
                   LoadOrCreateToken(role.Setting("operator_token_file", OperatorTokenPath(node.config().data_dir))));
  router.Add("GET", "/", [](const net::HttpRequest&) {
    return net::JsonResponse(Json{{"service", "riik node status"},
                                  {"endpoints",
                                   {"/v1/status", "/v1/stores", "/v1/stores/{store}/journal?after=SEQ&limit=N",
                                    "/v1/stores/{store}/digest", "/v1/embassy", "/healthz", "/metrics"}}});
  });
  router.Add("GET", "/v1/status", [&node](const net::HttpRequest&) {
    Json roles = Json::array();
    for (const auto& r : node.roles()) roles.push_back({{"name", r.name}, {"kind", r.kind}, {"url", r.url}});
    return net::JsonResponse(Json{{"version", kVersion},
                                  {"started_at", FormatRfc3339(node.started_at())},
                                  {"uptime_s", (NowMicros() - node.started_at()) / 1000000},
                                  {"roles", roles},
                                  {"stores", StoresJson(node)}});
  });
  router.Add("GET", "/v1/embassy", [&node](const net::HttpRequest&) {
    return net::JsonResponse(Json{{"shipping", node.ShippingStatus()}});
  });
  router.Add("GET", "/v1/stores", [&node](const net::HttpRequest&) {
    return net::JsonResponse(Json{{"stores", StoresJson(node)}});
  });
  router.AddAsync(
      "GET", "/v1/stores/{store}/journal",
      [&node, token](net::HttpRequest&& req, net::Responder respond) {
        if (req.Param("store") == "vault") {
          return respond(net::JsonError(
              403, "never_served", "the vault holds keys and passphrases: its contents are never served over any API"));
        }
        store::Store* s = FindStore(node, req.Param("store"));
        if (!s)
          return respond(net::JsonError(404, "not_found", "no store named '" + std::string(req.Param("store")) + "'"));
        auto after = IntParam(req, "after", 0, 0, INT64_MAX);
        auto limit = IntParam(req, "limit", 100, 1, kMaxJournalPage);
        if (!after.ok()) return respond(net::ErrorResponse(after.status()));
        if (!limit.ok()) return respond(net::ErrorResponse(limit.status()));
        OffNetworkThread(node, std::move(respond), [s, after = *after, limit = *limit] {
          auto entries = s->ReadJournal(after, limit);
          if (!entries.ok()) return net::ErrorResponse(entries.status());
          Json out = Json::array();
          for (const auto& e : *entries) out.push_back(store::EntryToJson(e));
          return net::JsonResponse(Json{{"store", s->node()}, {"after", after}, {"entries", out}});
        });
      },
      "", [token](const net::HttpRequest& req) { return net::RefuseUnlessBearer(token, req); });
  auto digests = std::make_shared<DigestCache>();
  router.AddAsync("GET", "/v1/stores/{store}/digest", [&node, digests](net::HttpRequest&& req, net::Responder respond) {
    store::Store* s = FindStore(node, req.Param("store"));
    if (!s)
      return respond(net::JsonError(404, "not_found", "no store named '" + std::string(req.Param("store")) + "'"));
    net::HttpResponse kept;
    switch (digests->Ask(s->node(), s->Head().seq, kept)) {
      case DigestCache::Next::kAnswer:
        return respond(std::move(kept));
      case DigestCache::Next::kBusy:
        return respond(net::Busy("this store's digest is being taken; ask again in a moment"));
      case DigestCache::Next::kTake:
        break;
    }
    OffNetworkThread(node, std::move(respond), [s, digests] {
      // Done on every way out (a thread the digest starts may fail to start and throw):
      // otherwise this store's digest would be "being taken" until a restart.
      struct Settle {
        DigestCache& cache;
        std::string store;
        std::optional<int64_t> seq;
        net::HttpResponse answer = net::JsonError(500, "internal", "the digest could not be taken");
        ~Settle() { cache.Done(store, seq, answer); }
      } settle{*digests, s->node()};
      auto d = s->Digest();
      if (!d.ok()) return settle.answer = net::ErrorResponse(d.status());
      settle.seq = d->seq;
      return settle.answer = net::JsonResponse(Json{{"store", s->node()},
                                                    {"seq", d->seq},
                                                    {"digest", HexEncode(d->digest)},
                                                    {"tables", d->tables},
                                                    {"rows", d->rows}});
    });
  });

  return OkStatus();
}

}  // namespace riik::node