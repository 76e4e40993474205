// The security server's routes and peer check.
#include "exchange/security_proxy.h"

#include "crypto/x509.h"
#include "exchange/impl/proxy_call.h"
#include "net/url.h"

namespace riik::exchange {
namespace {

Result<impl::Backend> ParseBackend(const std::string& service, const std::string& url) {
  auto parsed = net::ParseUrl(url);
  if (!parsed.ok()) return InvalidArgument("backend of " + service + ": " + parsed.status().message());
  if (parsed->target.find('?') != std::string::npos)
    return InvalidArgument("backend of " + service + ": no query in the URL");
  impl::Backend b;
  b.base_url = (parsed->tls ? "https://" : "http://") +
               (parsed->host.find(':') != std::string::npos ? "[" + parsed->host + "]" : parsed->host) + ":" +
               std::to_string(parsed->port);
  b.path_prefix = parsed->target;
  while (!b.path_prefix.empty() && b.path_prefix.back() == '/') b.path_prefix.pop_back();
  return b;
}

}  // namespace

SecurityProxy::SecurityProxy(SecurityProxyOptions options)
    : server_id_(std::move(options.server_id)),
      conf_(std::move(options.conf)),
      log_(std::move(options.log)),
      rights_(std::move(options.rights)),
      peers_(std::move(options.peer_tls), 64, options.peer_connection_max_age, std::move(options.peer_check)),
      backend_pool_(std::move(options.backend_http)),
      max_body_bytes_(options.max_body_bytes),
      log_off_for_benchmark_(options.message_log_off_for_benchmark) {}

Result<std::unique_ptr<SecurityProxy>> SecurityProxy::Create(SecurityProxyOptions options) {
  if (!options.conf || !options.log || !options.rights) {
    return InvalidArgument("a security server needs its configuration client, message log and access rights");
  }
  auto sid = ParseClientId(options.server_id);  // same shape: INSTANCE/CLASS/CODE/SERVER
  if (!sid.ok() || sid->subsystem.empty()) {
    return InvalidArgument("server_id must be INSTANCE/CLASS/CODE/SERVERCODE, got '" + options.server_id + "'");
  }
  std::map<ServiceId, impl::Backend> backends;
  for (const auto& [service_text, url] : options.backends) {
    ASSIGN_OR_RETURN(ServiceId service, ParseServiceId(service_text));
    ASSIGN_OR_RETURN(backends[service], ParseBackend(service_text, url));
  }
  std::unique_ptr<SecurityProxy> server(new SecurityProxy(std::move(options)));
  server->backends_ = std::move(backends);
  server->context_.reset(new impl::ProxyContext{server->server_id_, *server->conf_, *server->log_, *server->rights_,
                                                server->backends_, server->peers_, server->backend_pool_,
                                                server->max_body_bytes_, server->log_off_for_benchmark_});
  return server;
}

SecurityProxy::~SecurityProxy() = default;

void SecurityProxy::HandleConsumer(net::HttpRequest&& req, net::Responder respond) {
  impl::ConsumerCall(*context_, std::move(req), std::move(respond));
}

void SecurityProxy::HandleProvider(net::HttpRequest&& req, net::Responder respond) {
  impl::ProviderCall(*context_, std::move(req), std::move(respond));
}

Status SecurityProxy::VerifyPeer(X509* leaf) const {
  ASSIGN_OR_RETURN(std::shared_ptr<const GlobalConf> conf, conf_->Current());
  std::string fingerprint = CertificateSha256Hex(leaf);
  if (conf->ServerByCert(fingerprint) == nullptr) {
    return PermissionDenied("certificate " + fingerprint.substr(0, 16) +
                            "… is not the authentication certificate of a security server in global configuration "
                            "version " +
                            std::to_string(conf->version));
  }
  return OkStatus();
}

void AddRestRoutes(net::Router& router, const net::AsyncHandler& handler) {
  static const char* kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
  std::string pattern = "/r1";
  for (int depth = 1; depth <= kMaxRestSegments; ++depth) {
    pattern += "/{p" + std::to_string(depth) + "}";
    for (const char* method : kMethods) router.AddAsync(method, pattern, handler);
  }
}

}  // namespace riik::exchange
