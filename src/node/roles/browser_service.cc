// Settings of browser-facing roles (browser_service.h).
#include "node/roles/browser_service.h"

#include "core/file.h"
#include "node/node.h"
#include "node/role_keys.h"

namespace riik::node {

Result<WebSignInOptions> BrowserSignInOptions(const Node& node, const RoleConfig& role, const std::string& url,
                                              std::string cookie_prefix) {
  WebSignInOptions o;
  o.secure = role.listen.tls.has_value();
  if (!o.secure && role.Setting("plain_http") != "development") {
    return InvalidArgument("the " + role.kind + " role serves browsers: give it TLS, or plain_http = \"development\"");
  }
  ASSIGN_OR_RETURN(o.client_id, role.Required("client_id", "its registered sign-in client (a subsystem id)"));
  ASSIGN_OR_RETURN(std::string secret_file, role.Required("secret_file", "its client secret's file"));
  ASSIGN_OR_RETURN(std::string secret_text, ReadSecretFile(secret_file));
  o.secret = secret_text.substr(0, secret_text.find('\n'));
  o.auth_url = role.Setting("auth_url");
  for (const auto& r : node.roles()) {
    if (r.kind == "auth" && o.auth_url.empty()) o.auth_url = r.url;
  }
  if (o.auth_url.empty()) {
    return InvalidArgument("the " + role.kind + " role needs auth_url, or an auth role in the same process");
  }
  ASSIGN_OR_RETURN(RoleConfig::SessionTimeouts sessions, role.Sessions());
  o.idle = sessions.idle;
  o.absolute = sessions.absolute;
  o.http.ca_file = role.Setting("trust_root");
  o.http.timeout = std::chrono::seconds(10);
  o.url = url;
  o.cookie_prefix = std::move(cookie_prefix);
  return o;
}

Result<std::unique_ptr<registry::ExchangeCaller>> BrowserExchangeCaller(const RoleConfig& role,
                                                                        const std::string& default_subsystem) {
  std::string exchange_url = role.Setting("exchange_url");
  if (exchange_url.empty()) return std::unique_ptr<registry::ExchangeCaller>();
  ASSIGN_OR_RETURN(net::ClientOptions tls, ExchangeClientTls(role, exchange_url));
  tls.timeout = std::chrono::seconds(10);
  return std::make_unique<registry::ExchangeCaller>(exchange_url, role.Setting("subsystem", default_subsystem),
                                                    std::move(tls));
}

net::HttpResponse BrowserService::Logout(const net::HttpRequest& req) {
  auto r = sign_in_->Logout(req, "/");
  if (!r.ok()) return net::JsonError(403, "csrf", r.status().message());
  return *r;
}

void BrowserService::BackchannelLogout(net::HttpRequest&& req, net::Responder respond) {
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  sign_in_->BackchannelLogout(req, [shared](net::HttpResponse r) { (*shared)(std::move(r)); });
}

}  // namespace riik::node
