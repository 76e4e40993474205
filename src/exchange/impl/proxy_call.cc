// The message records of a relayed call and the wait for their logging.
#include "exchange/impl/proxy_call.h"

#include <future>

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

Status LogAndWait(MessageLog& log, const MessageRecord& record) {
  std::promise<Status> done;
  std::future<Status> logged = done.get_future();
  log.Append(record, [&done](Result<transparency::Receipt> receipt) { done.set_value(receipt.status()); });
  return logged.get();
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
