// The consumer half of a security server (PR-REST 1.0): a local information system's
// call METHOD /r1/SERVICE[/path][?query] with X-Road-Client is checked against the
// global configuration, logged, relayed over mutual TLS to the provider's security
// server, and its answer checked (X-Road-Request-Hash), logged and returned.
#include <nlohmann/json.hpp>
#include <variant>

#include "core/json.h"
#include "exchange/impl/proxy_call.h"
#include "exchange/request_hash.h"
#include "exchange/xroad_headers.h"

namespace riik::exchange::impl {
namespace {

net::HttpResponse Fail(std::string_view prefix, std::string_view code, int status, std::string message,
                       std::string_view xroad_id) {
  return XRoadErrorResponse(XRoadError::Make(prefix, code, status, std::move(message)), xroad_id);
}

// The net layer's refusal of our certificate by the provider's server (403 before any
// handler ran): reported as the provider's authentication failure.
bool IsCertificateRefusal(const net::HttpResponse& r) {
  if (r.status != 403) return false;
  auto body = ParseJson(r.body);
  return body.ok() && body->is_object() && body->value("type", "") == "client_certificate_refused";
}

// What the consumer makes of the provider server's answer: an X-Road error of the
// provider's server passed on as it is, or the service's answer once its request hash
// proves it answers our request.
net::HttpResponse ProviderAnswer(net::HttpResponse&& resp, const CallIds& ids, const std::string& request_hash) {
  if (IsXRoadError(resp)) {
    std::string type(resp.headers.Get(kXRoadError));
    net::HttpResponse out = RelayedResponse(std::move(resp));
    out.headers.Set(kXRoadError, type);
    return out;
  }
  if (IsCertificateRefusal(resp)) {
    auto body = ParseJson(resp.body);
    return Fail(kServerProxyPrefix, "SslAuthenticationFailed", 403,
                "the provider's security server refused this server's certificate: " + body->value("message", ""),
                ids.xroad_id);
  }
  if (resp.headers.Get(kXRoadRequestHash) != request_hash) {
    return Fail(kClientProxyPrefix, "InconsistentResponse", 502,
                "the provider's security server answered without the X-Road-Request-Hash of this request",
                ids.xroad_id);
  }
  net::HttpResponse out = RelayedResponse(std::move(resp));
  AddResponseIds(out.headers, ids, request_hash);
  return out;
}

}  // namespace

namespace {

// The checks of a call from a local information system: a refusal, or the relay.
std::variant<net::HttpResponse, Relay> CheckConsumerCall(const ProxyContext& ctx, net::HttpRequest&& req) {
  std::string xroad_id(req.headers.Get(kXRoadId));
  if (!xroad_id.empty()) {
    if (Status st = CheckMessageId(kXRoadId, xroad_id); !st.ok()) {
      return Fail(kClientPrefix, "BadRequest", 400, st.message(), "");
    }
  } else {
    xroad_id = NewMessageId();
  }
  std::string_view client_text = req.headers.Get(kXRoadClient);
  if (client_text.empty()) {
    return Fail(kClientPrefix, "MissingHeader", 400,
                "the X-Road-Client header is required: INSTANCE/CLASS/CODE/SUBSYSTEM of the calling subsystem",
                xroad_id);
  }
  auto client = ParseClientId(client_text);
  if (!client.ok())
    return Fail(kClientPrefix, "BadRequest", 400, "X-Road-Client: " + client.status().message(), xroad_id);
  auto path = ParseServicePath(req.path);
  if (!path.ok()) return Fail(kClientPrefix, "BadRequest", 400, path.status().message(), xroad_id);
  if (Status st = CheckRequestPath(path->rest); !st.ok())
    return Fail(kClientPrefix, "BadRequest", 400, st.message(), xroad_id);
  if (req.body.size() > ctx.max_body_bytes) {
    return Fail(kClientPrefix, "MessageTooLarge", 413,
                "the request body has " + std::to_string(req.body.size()) +
                    " bytes; this security server relays at most " + std::to_string(ctx.max_body_bytes),
                xroad_id);
  }

  auto conf = ctx.conf.Current();
  if (!conf.ok()) return Fail(kClientProxyPrefix, "OutdatedGlobalConf", 503, conf.status().message(), xroad_id);
  const GlobalConf& gc = **conf;
  const SecurityServer* own = gc.ServerFor(*client);
  if (!gc.HasSubsystem(*client) || own == nullptr || own->Id() != ctx.server_id) {
    return Fail(kClientProxyPrefix, "UnknownMember", 400,
                "client " + client->ToString() + " is not a subsystem this security server (" + ctx.server_id +
                    ") carries in global configuration version " + std::to_string(gc.version),
                xroad_id);
  }
  const SecurityServer* provider = gc.FindService(path->service) ? gc.ServerFor(path->service.provider) : nullptr;
  if (provider == nullptr) {
    return Fail(kClientProxyPrefix, "UnknownService", 404,
                "service " + path->service.ToString() +
                    (gc.FindService(path->service) ? " has no security server that carries its provider"
                                                   : " is not in the global configuration's catalogue"),
                xroad_id);
  }

  net::Headers headers = RelayedHeaders(
      req.headers, {kXRoadClient, kXRoadId, kXRoadService, kXRoadRequestId, kXRoadRequestHash, kXRoadError});
  headers.Add(kXRoadClient, client->ToString());
  headers.Add(kXRoadId, xroad_id);
  std::string request_id = NewMessageId();
  headers.Add(kXRoadRequestId, request_id);
  std::string request_hash = RequestHash(req.method, req.target, headers, req.body);
  Relay relay;
  relay.ids = IdsFor(xroad_id, request_id, *client, path->service, req, path->rest, headers);
  relay.request = RequestRecord(relay.ids, headers, req.body);
  if (Status st = ValidateRecord(relay.request); !st.ok()) {
    return Fail(kClientPrefix, "BadRequest", 400, st.message(), xroad_id);
  }
  relay.send = [&peers = ctx.peers, address = provider->address, id = provider->Id(), method = req.method,
                target = req.target, headers = std::move(headers),
                body = std::move(req.body)](net::HttpClient::Done done) mutable {
    peers.SendAsync(address, method, target, headers, std::move(body), id, std::move(done));
  };
  relay.answer = [ids = relay.ids, request_hash,
                  peer = "the provider's security server " + provider->Id() + " at " +
                         provider->address](Result<net::HttpResponse> resp) {
    if (resp.ok()) return ProviderAnswer(std::move(*resp), ids, request_hash);
    // Its certificate is not registered, revoked, or of unknown status: not trusted.
    if (resp.status().code() == Code::kPermissionDenied) {
      return XRoadErrorResponse(XRoadError::Make(kClientProxyPrefix, "SslAuthenticationFailed", 502,
                                                 peer + " is not trusted: " + resp.status().message()),
                                ids.xroad_id);
    }
    return XRoadErrorResponse(TransportError(kClientProxyPrefix, "NetworkError", resp.status(), peer), ids.xroad_id);
  };
  relay.request_not_logged = [xroad_id](const std::string& why) {
    return Fail(kClientProxyPrefix, "LoggingFailed", 500, "the request was not sent: logging it failed: " + why,
                xroad_id);
  };
  relay.response_not_logged = [xroad_id](const std::string& why) {
    return Fail(kClientProxyPrefix, "LoggingFailed", 500, "the response was withheld: logging it failed: " + why,
                xroad_id);
  };
  return relay;
}

}  // namespace

void ConsumerCall(const ProxyContext& ctx, net::HttpRequest&& req, net::Responder respond) {
  RunRelay(ctx, CheckConsumerCall(ctx, std::move(req)), std::move(respond));
}

}  // namespace riik::exchange::impl
