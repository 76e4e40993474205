// RemoteSigning (remote_signing.h).
#include "node/roles/remote_signing.h"

#include <nlohmann/json.hpp>

#include "crypto/random.h"
#include "crypto/x509.h"
#include "identity/personal_code.h"

namespace riik::node {

RemoteSigning::RemoteSigning(RemoteSigningOptions options) : options_(std::move(options)) {}

Result<Json> RemoteSigning::Start(const std::string& caller, const std::string& user_id, const std::string& description,
                                  const std::string& container) {
  if (!user_id.starts_with("EE")) return InvalidArgument("X-Road-UserId names the signer: EE and a personal code");
  ASSIGN_OR_RETURN(identity::PersonalCode code, identity::PersonalCode::Parse(std::string_view(user_id).substr(2)));
  auto read = sign::ReadContainer(container);
  if (!read.ok()) return InvalidArgument("the container: " + read.status().message());
  if (read->files.empty()) return InvalidArgument("the container has no files to sign");
  auto session = std::make_shared<Session>();
  session->caller = caller;
  session->container = std::move(*read);
  session->started = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(std::string id, RandomToken(24));
  {
    std::lock_guard lock(mu_);
    auto now = std::chrono::steady_clock::now();
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      it = now - it->second->started > options_.lifetime ? sessions_.erase(it) : std::next(it);
    }
    if (sessions_.size() >= options_.max_sessions) {
      return ResourceExhausted("too many signatures in progress; try again shortly");
    }
  }
  {
    std::lock_guard lock(client_mu_);
    ASSIGN_OR_RETURN(session->auth_session, options_.client->Start(code.code, description));
  }
  std::lock_guard lock(mu_);
  sessions_[id] = session;
  return Json{{"session", id}, {"state", session->state}};
}

std::shared_ptr<RemoteSigning::Session> RemoteSigning::Find(const std::string& caller, const std::string& session) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(session);
  if (it == sessions_.end() || it->second->caller != caller) return nullptr;
  return it->second;
}

Status RemoteSigning::Advance(Session& s) {
  if (s.state == "signed" || s.state == "refused") return OkStatus();
  Result<auth::SigningProgress> progress = Unavailable("");
  {
    std::lock_guard lock(client_mu_);
    progress = options_.client->Status(s.auth_session);
  }
  if (!progress.ok()) {
    if (progress.status().code() != Code::kFailedPrecondition && progress.status().code() != Code::kNotFound) {
      return progress.status();  // the sign-in service could not be asked: the caller asks again
    }
    s.state = "refused";
    s.message = progress.status().message();
    return OkStatus();
  }
  using State = auth::SigningProgress::State;
  if (progress->state == State::kCertificate && !s.prepared) {
    ASSIGN_OR_RETURN(UniquePtr<X509> cert, ParseCertificateDer(progress->certificate_der));
    auto prepared = sign::PrepareSignature(s.container, cert.get(), options_.sign);
    if (!prepared.ok()) {
      s.state = "refused";
      s.message = prepared.status().message();
      return OkStatus();
    }
    {
      std::lock_guard lock(client_mu_);
      ASSIGN_OR_RETURN(s.verification_code, options_.client->SetDigest(s.auth_session, prepared->digest));
    }
    s.prepared = std::move(*prepared);
    s.state = "waiting_for_signature";
  } else if (progress->state == State::kSigned && s.prepared) {
    std::vector<X509*> issuers;
    for (const auto& i : options_.issuers) issuers.push_back(i.get());
    auto name = sign::CompleteSignature(s.container, *s.prepared, progress->signature, issuers, options_.sign);
    if (!name.ok()) {
      if (name.status().code() == Code::kUnavailable) return name.status();  // TSA or OCSP: ask again
      s.state = "refused";
      s.message = name.status().message();
      return OkStatus();
    }
    ASSIGN_OR_RETURN(s.signed_bytes, sign::WriteContainer(s.container));
    s.state = "signed";
  }
  return OkStatus();
}

Result<Json> RemoteSigning::Poll(const std::string& caller, const std::string& session) {
  std::shared_ptr<Session> s = Find(caller, session);
  if (!s) return NotFound("no such signing session");
  std::lock_guard lock(s->mu);
  RETURN_IF_ERROR(Advance(*s));
  Json out = {{"session", session}, {"state", s->state}};
  if (!s->verification_code.empty()) out["verification_code"] = s->verification_code;
  if (!s->message.empty()) out["message"] = s->message;
  return out;
}

Result<std::string> RemoteSigning::SignedContainer(const std::string& caller, const std::string& session) {
  std::shared_ptr<Session> s = Find(caller, session);
  if (!s) return NotFound("no such signing session");
  std::lock_guard lock(s->mu);
  if (s->state != "signed") return FailedPrecondition("the session is " + s->state + ", not signed");
  return s->signed_bytes;
}

}  // namespace riik::node
