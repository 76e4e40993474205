// The service's side of remote signing (provider.h, docs/signin.md "Remote signing"): a
// registered sign-in client asks a person to sign through their app, over the sign-in
// service's signing API, authenticated with its client secret (client_secret_basic).
// Blocking; for a tool or a worker thread. (Here, not in auth/: it speaks HTTP with
// the network library, which the provider's library does without.)
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "auth/provider.h"
#include "net/client.h"

namespace riik::node {

class SigningClient {
 public:
  // `auth_url`: the sign-in service; `tls`: how to reach it (its CA).
  static Result<std::unique_ptr<SigningClient>> Create(const std::string& auth_url, net::ClientOptions tls,
                                                       std::string client_id, std::string secret);

  // A session asking the person of `personal_code` to sign what `description` names.
  Result<std::string> Start(std::string_view personal_code, std::string_view description);
  Result<auth::SigningProgress> Status(const std::string& session);
  // The digest to sign, once the certificate is here; the verification code to show.
  Result<std::string> SetDigest(const std::string& session, std::string_view digest);
  // Asks until the session is past `state`, at most `timeout`: DeadlineExceeded then;
  // a refusal in the app is FailedPrecondition naming why.
  Result<auth::SigningProgress> WaitPast(const std::string& session, auth::SigningProgress::State state,
                                         std::chrono::seconds timeout);

 private:
  SigningClient(std::unique_ptr<net::HttpClient> http, std::string client_id, std::string secret);
  Result<Json> Call(const std::string& target, const Json& body);

  std::unique_ptr<net::HttpClient> http_;
  std::string client_id_, secret_;
};

}  // namespace riik::node
