// ExchangeCaller.
#include "registry/exchange_caller.h"

#include <nlohmann/json.hpp>

namespace riik::registry {

ExchangeCaller::ExchangeCaller(std::string security_server_url, std::string client_id, net::ClientOptions tls)
    : url_(std::move(security_server_url)), client_id_(std::move(client_id)), pool_(std::move(tls)) {}

Result<ExchangeAnswer> ExchangeCaller::Get(const std::string& service_id, const std::string& path,
                                           const CallPurpose& purpose) {
  return Send("GET", service_id, path, "", "", purpose);
}

Result<ExchangeAnswer> ExchangeCaller::Post(const std::string& service_id, const std::string& path, const Json& body,
                                            const CallPurpose& purpose) {
  return Send("POST", service_id, path, body.dump(), "application/json", purpose);
}

Result<ExchangeAnswer> ExchangeCaller::PostBytes(const std::string& service_id, const std::string& path,
                                                 const std::string& body, const std::string& content_type,
                                                 const CallPurpose& purpose) {
  return Send("POST", service_id, path, body, content_type, purpose);
}

net::Headers ExchangeCaller::CallHeaders(const CallPurpose& purpose, const std::string& content_type) const {
  net::Headers headers;
  headers.Add("X-Road-Client", client_id_);
  if (!purpose.user_id.empty()) headers.Add("X-Road-UserId", purpose.user_id);
  if (!purpose.issue.empty()) headers.Add("X-Road-Issue", purpose.issue);
  if (!purpose.represented_party.empty()) headers.Add("X-Road-Represented-Party", purpose.represented_party);
  if (!content_type.empty()) headers.Add("Content-Type", content_type);
  return headers;
}

Result<ExchangeAnswer> ExchangeCaller::Send(const std::string& method, const std::string& service_id,
                                            const std::string& path, const std::string& body,
                                            const std::string& content_type, const CallPurpose& purpose) {
  const std::string target = "/r1/" + service_id + path;
  return Interpret(service_id,
                   pool_.Send(url_, method, target, CallHeaders(purpose, body.empty() ? "" : content_type), body));
}

void ExchangeCaller::GetAsync(const std::string& service_id, const std::string& path, const CallPurpose& purpose,
                              std::function<void(Result<ExchangeAnswer>)> done) {
  SendAsync("GET", service_id, path, "", "", purpose, std::move(done));
}

void ExchangeCaller::PostAsync(const std::string& service_id, const std::string& path, const Json& body,
                               const CallPurpose& purpose, std::function<void(Result<ExchangeAnswer>)> done) {
  SendAsync("POST", service_id, path, body.dump(), "application/json", purpose, std::move(done));
}

void ExchangeCaller::SendAsync(const std::string& method, const std::string& service_id, const std::string& path,
                               std::string body, const std::string& content_type, const CallPurpose& purpose,
                               std::function<void(Result<ExchangeAnswer>)> done) {
  net::Headers headers = CallHeaders(purpose, body.empty() ? "" : content_type);
  pool_.SendAsync(url_, method, "/r1/" + service_id + path, std::move(headers), std::move(body), "",
                  [this, service_id, done = std::move(done)](Result<net::HttpResponse> resp) {
                    done(Interpret(service_id, std::move(resp)));
                  });
}

std::string_view ProviderMessage(const Status& status) {
  std::string_view m = status.message();
  size_t colon = m.find(": ");
  return colon == std::string_view::npos ? m : m.substr(colon + 2);
}

Result<ExchangeAnswer> ExchangeCaller::Interpret(const std::string& service_id, Result<net::HttpResponse> resp) const {
  if (!resp.ok()) {
    std::string why = "calling " + service_id + " through " + url_ + ": " + resp.status().message();
    // Refused before it was sent (too many calls wait): nothing was done.
    if (resp.status().code() == Code::kResourceExhausted) return ResourceExhausted(std::move(why));
    return Unavailable(std::move(why));
  }
  auto answer = ParseJson(resp->body);
  std::string said = answer.ok() && answer->is_object() ? answer->value("message", resp->body) : resp->body;
  std::string error(resp->headers.Get("X-Road-Error"));
  std::string where =
      service_id + " answered " + std::to_string(resp->status) + (error.empty() ? "" : " " + error) + ": " + said;
  switch (resp->status) {
    case 200:
    case 201: {
      std::string xroad_id(resp->headers.Get("X-Road-Id"));
      bool json = resp->content_type.empty() || resp->content_type.starts_with("application/json");
      if (!json) return ExchangeAnswer{Json(), std::move(xroad_id), std::move(resp->body), resp->content_type};
      if (!answer.ok()) return Unavailable(service_id + " answered with malformed JSON: " + answer.status().message());
      return ExchangeAnswer{std::move(*answer), std::move(xroad_id), std::move(resp->body), resp->content_type};
    }
    case 400:
      return InvalidArgument(where);
    case 401:
    case 403:
      return PermissionDenied(where);
    case 404:
      return NotFound(where);
    case 409:
      return FailedPrecondition(where);
    case 429:
    case 503:
      // Busy, with a time to come back (RFC 9110, 10.2.3; RFC 6585, 4): the security
      // server or the provider did not take the call. Without Retry-After it may have
      // been cut off part-way: Unavailable.
      if (!resp->headers.Get("Retry-After").empty()) return ResourceExhausted(where);
      return Unavailable(where);
    default:
      return Unavailable(where);
  }
}

}  // namespace riik::registry
