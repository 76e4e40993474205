// SigningClient (signing_client.h).
#include "node/signing_client.h"

#include <nlohmann/json.hpp>
#include <thread>

#include "core/encoding.h"
#include "net/http.h"

namespace riik::node {
namespace {

Result<auth::SigningProgress::State> ParseState(std::string_view name) {
  using State = auth::SigningProgress::State;
  for (auto s : {State::kWaitingForCertificate, State::kCertificate, State::kWaitingForSignature, State::kSigned,
                 State::kRefused}) {
    if (auth::SigningStateName(s) == name) return s;
  }
  return DataLoss("the signing API named an unknown state '" + std::string(name.substr(0, 40)) + "'");
}

}  // namespace

Result<std::unique_ptr<SigningClient>> SigningClient::Create(const std::string& auth_url, net::ClientOptions tls,
                                                             std::string client_id, std::string secret) {
  ASSIGN_OR_RETURN(std::unique_ptr<net::HttpClient> http, net::HttpClient::Create(auth_url, std::move(tls)));
  return std::unique_ptr<SigningClient>(new SigningClient(std::move(http), std::move(client_id), std::move(secret)));
}

SigningClient::SigningClient(std::unique_ptr<net::HttpClient> http, std::string client_id, std::string secret)
    : http_(std::move(http)), client_id_(std::move(client_id)), secret_(std::move(secret)) {}

Result<Json> SigningClient::Call(const std::string& target, const Json& body) {
  net::Headers headers;
  headers.Add("Content-Type", "application/json");
  headers.Add("Authorization",
              "Basic " + Base64Encode(net::PercentEncode(client_id_) + ":" + net::PercentEncode(secret_)));
  ASSIGN_OR_RETURN(net::HttpResponse r, http_->Send("POST", target, headers, body.dump()));
  auto answer = ParseJson(r.body);
  if (r.status / 100 != 2) {
    std::string said =
        answer.ok() ? StringOr(*answer, "message", StringOr(*answer, "error_description", r.body)) : r.body;
    std::string where = "the signing API answered " + std::to_string(r.status) + ": " + said.substr(0, 300);
    if (r.status == 401) return Unauthenticated(where);
    if (r.status == 404) return NotFound(where);
    if (r.status == 409 || r.status == 412) return FailedPrecondition(where);
    if (r.status / 100 == 4) return InvalidArgument(where);
    return Unavailable(where);
  }
  if (!answer.ok() || !answer->is_object()) return DataLoss("the signing API answered with malformed JSON");
  return std::move(*answer);
}

Result<std::string> SigningClient::Start(std::string_view personal_code, std::string_view description) {
  ASSIGN_OR_RETURN(Json answer,
                   Call("/signing/v1/sessions", Json{{"personal_code", personal_code}, {"description", description}}));
  std::string session = StringOr(answer, "session");
  if (session.empty()) return DataLoss("the signing API named no session");
  return session;
}

Result<auth::SigningProgress> SigningClient::Status(const std::string& session) {
  ASSIGN_OR_RETURN(Json answer, Call("/signing/v1/sessions/" + session + "/status", Json::object()));
  auth::SigningProgress p;
  ASSIGN_OR_RETURN(p.state, ParseState(StringOr(answer, "state")));
  ASSIGN_OR_RETURN(p.certificate_der, Base64Decode(StringOr(answer, "certificate")));
  ASSIGN_OR_RETURN(p.signature, Base64Decode(StringOr(answer, "signature")));
  p.verification_code = StringOr(answer, "verification_code");
  if (p.state == auth::SigningProgress::State::kRefused) {
    return FailedPrecondition("the signature was not given: " + StringOr(answer, "message", "refused"));
  }
  return p;
}

Result<std::string> SigningClient::SetDigest(const std::string& session, std::string_view digest) {
  ASSIGN_OR_RETURN(Json answer,
                   Call("/signing/v1/sessions/" + session + "/digest", Json{{"digest", Base64Encode(digest)}}));
  return StringOr(answer, "verification_code");
}

Result<auth::SigningProgress> SigningClient::WaitPast(const std::string& session, auth::SigningProgress::State state,
                                                      std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    ASSIGN_OR_RETURN(auth::SigningProgress p, Status(session));
    if (p.state != state) return p;
    if (std::chrono::steady_clock::now() >= deadline) {
      return DeadlineExceeded("the person did not answer in the app within " + std::to_string(timeout.count()) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

}  // namespace riik::node
