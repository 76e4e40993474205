// The provider half of a security server: a call relayed by another security server
// over mutual TLS is checked (the peer's certificate and clients in the global
// configuration, the service, the access rights), logged, passed to the service's
// backend with the X-Road headers, and its answer logged and returned with
// X-Road-Request-Hash.
#include <variant>

#include "crypto/x509.h"
#include "exchange/impl/proxy_call.h"
#include "exchange/request_hash.h"
#include "exchange/xroad_headers.h"

namespace riik::exchange::impl {
namespace {

net::HttpResponse Fail(std::string_view code, int status, std::string message, std::string_view xroad_id) {
  return XRoadErrorResponse(XRoadError::Make(kServerProxyPrefix, code, status, std::move(message)), xroad_id);
}

// The peer security server, by its TLS certificate.
const SecurityServer* PeerOf(const GlobalConf& conf, const net::HttpRequest& req) {
  if (!req.peer_cert) return nullptr;
  return conf.ServerByCert(CertificateSha256Hex(req.peer_cert.get()));
}

bool Carries(const SecurityServer& server, const ClientId& client) {
  return std::find(server.clients.begin(), server.clients.end(), client) != server.clients.end();
}

std::string BackendTarget(const Backend& backend, std::string_view rest, const std::string& query) {
  std::string target = backend.path_prefix + std::string(rest);
  if (target.empty()) target = "/";
  if (!query.empty()) target += "?" + query;
  return target;
}

}  // namespace

namespace {

// The checks of a call from another security server: a refusal, or the relay.
std::variant<net::HttpResponse, Relay> CheckProviderCall(const ProxyContext& ctx, net::HttpRequest&& req) {
  std::string xroad_id(req.headers.Get(kXRoadId));
  std::string request_id(req.headers.Get(kXRoadRequestId));
  for (const auto& [name, value] : {std::pair{kXRoadId, xroad_id}, std::pair{kXRoadRequestId, request_id}}) {
    if (Status st = CheckMessageId(name, value); !st.ok()) return Fail("BadRequest", 400, st.message(), xroad_id);
  }
  auto client = ParseClientId(req.headers.Get(kXRoadClient));
  if (!client.ok()) return Fail("BadRequest", 400, "X-Road-Client: " + client.status().message(), xroad_id);
  auto path = ParseServicePath(req.path);
  if (!path.ok()) return Fail("BadRequest", 400, path.status().message(), xroad_id);
  if (Status st = CheckRequestPath(path->rest); !st.ok()) return Fail("BadRequest", 400, st.message(), xroad_id);

  auto conf = ctx.conf.Current();
  if (!conf.ok()) return Fail("OutdatedGlobalConf", 503, conf.status().message(), xroad_id);
  const GlobalConf& gc = **conf;
  const SecurityServer* peer = PeerOf(gc, req);
  if (peer == nullptr) {
    return Fail("SslAuthenticationFailed", 403,
                "the calling server's certificate is not that of a security server in global configuration version " +
                    std::to_string(gc.version),
                xroad_id);
  }
  if (!Carries(*peer, *client)) {
    return Fail("InvalidSecurityServer", 403,
                "security server " + peer->Id() + " does not carry client " + client->ToString(), xroad_id);
  }
  const SecurityServer* provider = gc.ServerFor(path->service.provider);
  auto backend = ctx.backends.find(path->service);
  if (!gc.FindService(path->service) || provider == nullptr || provider->Id() != ctx.server_id ||
      backend == ctx.backends.end()) {
    return Fail("UnknownService", 404,
                "this security server (" + ctx.server_id + ") provides no service " + path->service.ToString(),
                xroad_id);
  }
  if (req.body.size() > ctx.max_body_bytes) {
    return Fail("MessageTooLarge", 413, "the request body exceeds " + std::to_string(ctx.max_body_bytes) + " bytes",
                xroad_id);
  }
  if (!ctx.rights.Allows(path->service, *client, req.method, path->rest)) {
    return Fail("AccessDenied", 403,
                "client " + client->ToString() + " has no access right to " + req.method + " " +
                    path->service.ToString() + (path->rest.empty() ? "" : " " + path->rest.substr(0, 200)),
                xroad_id);
  }

  net::Headers headers = RelayedHeaders(req.headers, {kXRoadService, kXRoadRequestHash, kXRoadError});
  std::string request_hash = RequestHash(req.method, req.target, headers, req.body);
  Relay relay;
  relay.ids = IdsFor(xroad_id, request_id, *client, path->service, req, path->rest, headers);
  relay.request = RequestRecord(relay.ids, headers, req.body);
  headers.Add(kXRoadService, relay.ids.service.ToString());
  relay.send = [&pool = ctx.backend_pool, base_url = backend->second.base_url, method = req.method,
                target = BackendTarget(backend->second, path->rest, req.query), headers = std::move(headers),
                body = std::move(req.body)](net::HttpClient::Done done) mutable {
    pool.SendAsync(base_url, method, target, headers, std::move(body), "", std::move(done));
  };
  relay.answer = [ids = relay.ids, request_hash](Result<net::HttpResponse> resp) {
    if (!resp.ok()) {
      return XRoadErrorResponse(TransportError(kServerProxyPrefix, "ServiceFailed", resp.status(),
                                               "the backend of " + ids.service.ToString()),
                                ids.xroad_id);
    }
    net::HttpResponse answer = RelayedResponse(std::move(*resp));
    AddResponseIds(answer.headers, ids, request_hash);
    return answer;
  };
  relay.request_not_logged = [xroad_id](const std::string& why) {
    return Fail("LoggingFailed", 500, "the request was not passed on: logging it failed: " + why, xroad_id);
  };
  relay.response_not_logged = [xroad_id](const std::string& why) {
    return Fail("LoggingFailed", 500, "the response was withheld: logging it failed: " + why, xroad_id);
  };
  return relay;
}

}  // namespace

void ProviderCall(const ProxyContext& ctx, net::HttpRequest&& req, net::Responder respond) {
  RunRelay(ctx, CheckProviderCall(ctx, std::move(req)), std::move(respond));
}

}  // namespace riik::exchange::impl
