// The message records of a relayed call, and the relay from log to log.
#include "exchange/impl/proxy_call.h"

#include <memory>

#include "exchange/xroad_headers.h"

namespace riik::exchange::impl {

CallIds IdsFor(std::string xroad_id, std::string request_id, ClientId client, ServiceId service,
               const net::HttpRequest& req, std::string_view rest, const net::Headers& headers) {
  CallIds ids;
  ids.xroad_id = std::move(xroad_id);
  ids.request_id = std::move(request_id);
  ids.client = std::move(client);
  ids.service = std::move(service);
  ids.method = req.method;
  ids.path = std::string(rest) + (req.query.empty() ? "" : "?" + req.query);
  ids.user_id = headers.Get(kXRoadUserId);
  ids.issue = headers.Get(kXRoadIssue);
  ids.represented_party = headers.Get(kXRoadRepresentedParty);
  return ids;
}

namespace {

MessageRecord RecordOf(const CallIds& ids, Direction direction) {
  MessageRecord r;
  r.xroad_id = ids.xroad_id;
  r.direction = direction;
  r.client = ids.client.ToString();
  r.service = ids.service.ToString();
  r.method = ids.method;
  r.path = ids.path;
  r.user_id = ids.user_id;
  r.issue = ids.issue;
  r.represented_party = ids.represented_party;
  r.time_us = NowMicros();
  return r;
}

}  // namespace

MessageRecord RequestRecord(const CallIds& ids, const net::Headers& headers, std::string_view body) {
  MessageRecord r = RecordOf(ids, Direction::kRequest);
  r.body_sha256 = Sha256(body);
  r.headers_sha256 = XRoadHeadersSha256(headers.fields());
  return r;
}

MessageRecord ResponseRecord(const CallIds& ids, const net::HttpResponse& response) {
  MessageRecord r = RecordOf(ids, Direction::kResponse);
  r.status = response.status;
  r.body_sha256 = Sha256(response.body);
  r.headers_sha256 = XRoadHeadersSha256(response.headers.fields());
  return r;
}

namespace {

// A relay under way: what the callbacks of its steps share.
struct RelayState {
  Relay relay;
  net::Responder respond;
  net::HttpResponse answer;
};

}  // namespace

void RunRelay(const ProxyContext& ctx, std::variant<net::HttpResponse, Relay> checked, net::Responder respond) {
  if (auto* refusal = std::get_if<net::HttpResponse>(&checked)) return respond(std::move(*refusal));
  net::EventLoop* loop = net::CurrentEventLoop();
  auto state = std::make_shared<RelayState>(RelayState{std::move(std::get<Relay>(checked)), std::move(respond), {}});
  if (loop == nullptr) {
    return state->respond(state->relay.request_not_logged("the security server relays only on its network threads"));
  }
  if (ctx.log_off_for_benchmark) {  // exchange_bench's relay-only comparison
    return state->relay.send(
        [state](Result<net::HttpResponse> outcome) { state->respond(state->relay.answer(std::move(outcome))); });
  }
  const MessageRecord& request = state->relay.request;
  ctx.log.Append(request, [&ctx, loop, state](Result<transparency::Receipt> logged) {
    // On a sealing thread: back to the event loop to send, which must not wait here.
    if (!logged.ok()) return state->respond(state->relay.request_not_logged(logged.status().message()));
    net::Post(loop, [&ctx, state] {
      state->relay.send([&ctx, state](Result<net::HttpResponse> outcome) {
        state->answer = state->relay.answer(std::move(outcome));
        ctx.log.Append(ResponseRecord(state->relay.ids, state->answer),
                       [state](Result<transparency::Receipt> response_logged) {
                         // The Responder may be called from any thread.
                         if (response_logged.ok()) return state->respond(std::move(state->answer));
                         state->respond(state->relay.response_not_logged(response_logged.status().message()));
                       });
      });
    });
  });
}

void AddResponseIds(net::Headers& headers, const CallIds& ids, const std::string& request_hash) {
  headers.Set(kXRoadClient, ids.client.ToString());
  headers.Set(kXRoadService, ids.service.ToString());
  headers.Set(kXRoadId, ids.xroad_id);
  headers.Set(kXRoadRequestId, ids.request_id);
  headers.Set(kXRoadRequestHash, request_hash);
}

net::HttpResponse RelayedResponse(net::HttpResponse&& response) {
  net::HttpResponse out;
  out.status = response.status;
  out.content_type = std::string(response.headers.Get("Content-Type"));
  out.headers = RelayedHeaders(response.headers, {"Content-Type", kXRoadClient, kXRoadService, kXRoadId,
                                                  kXRoadRequestId, kXRoadRequestHash, kXRoadError});
  out.body = std::move(response.body);
  return out;
}

}  // namespace riik::exchange::impl
