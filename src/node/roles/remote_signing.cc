// RemoteSigning (remote_signing.h).
#include "node/roles/remote_signing.h"

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "crypto/random.h"
#include "crypto/x509.h"
#include "identity/personal_code.h"

namespace riik::node {

RemoteSigning::RemoteSigning(RemoteSigningOptions options) : options_(std::move(options)), budget_(options_.limits) {}

namespace {

// What the person's app shows: who asks, and what in the caller's words, within the
// signing API's 200 bytes. Not the files' names: only the person's bound device lists what
// waits (docs/signin.md), but a request also passes through the sign-in service and shows
// on a phone's screen, and a file's name is the person's own business.
std::string AppDescription(const std::string& caller, const std::string& description) {
  return std::string(Utf8Prefix(caller + ": " + description, 200));
}

}  // namespace

void RemoteSigning::DropExpired() {
  std::lock_guard lock(mu_);
  for (const std::string& id : budget_.Expire(std::chrono::steady_clock::now())) sessions_.erase(id);
}

void RemoteSigning::Finish(const std::string& id, Session& s) {
  if (s.finished || !s.Ended()) return;
  s.finished = true;
  s.container = {};
  s.prepared.reset();
  std::lock_guard lock(mu_);
  budget_.Finish(id, s.signed_bytes.size());
}

Result<Json> RemoteSigning::Start(const std::string& caller, const std::string& user_id, const std::string& description,
                                  const std::string& container) {
  if (!user_id.starts_with("EE")) return InvalidArgument("X-Road-UserId names the signer: EE and a personal code");
  ASSIGN_OR_RETURN(identity::PersonalCode code, identity::PersonalCode::Parse(std::string_view(user_id).substr(2)));
  if (description.empty() || !IsValidUtf8(description)) {
    return InvalidArgument("description: what is signed, in words (UTF-8), for the person's app");
  }
  auto read = sign::ReadContainer(container);
  if (!read.ok()) return InvalidArgument("the container: " + read.status().message());
  if (read->files.empty()) return InvalidArgument("the container has no files to sign");
  auto session = std::make_shared<Session>();
  session->caller = caller;
  session->container = std::move(*read);
  ASSIGN_OR_RETURN(std::string id, RandomToken(24));
  DropExpired();
  auto reserve = [&] {
    std::lock_guard lock(mu_);
    return budget_.Reserve(id, caller, code.code, std::chrono::steady_clock::now());
  };
  Status reserved = reserve();
  if (reserved.code() == Code::kFailedPrecondition && FreeEndedPlaces(caller, code.code)) reserved = reserve();
  RETURN_IF_ERROR(reserved);
  Result<std::string> auth_session = Unavailable("");
  {
    std::lock_guard lock(client_mu_);
    auth_session = options_.client->Start(code.code, AppDescription(caller, description));
  }
  if (!auth_session.ok()) {
    std::lock_guard lock(mu_);
    budget_.Release(id);
    // 409 from the signing API at the start says only this: the person has as many
    // signings waiting in their app, of every service's, as it takes.
    if (auth_session.status().code() == Code::kFailedPrecondition) {
      return FailedPrecondition("the person has signings waiting in their app already: " +
                                auth_session.status().message());
    }
    return auth_session.status();
  }
  session->auth_session = std::move(*auth_session);
  std::lock_guard lock(mu_);
  if (!budget_.Holds(id)) return Unavailable("the signing took too long to start");  // its life is over already
  sessions_[id] = session;
  return Json{{"session", id}, {"state", session->state}};
}

std::shared_ptr<RemoteSigning::Session> RemoteSigning::Find(const std::string& caller, const std::string& session) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(session);
  if (it == sessions_.end() || it->second->caller != caller) return nullptr;
  return it->second;
}

Result<std::optional<auth::SigningProgress>> RemoteSigning::AskProgress(Session& s) {
  Result<auth::SigningProgress> progress = Unavailable("");
  {
    std::lock_guard lock(client_mu_);
    progress = options_.client->Status(s.auth_session);
  }
  if (progress.ok()) return std::optional(std::move(*progress));
  if (progress.status().code() != Code::kFailedPrecondition && progress.status().code() != Code::kNotFound) {
    return progress.status();  // the sign-in service could not be asked: the caller asks again
  }
  s.state = kRefused;
  s.message = progress.status().message();
  return std::optional<auth::SigningProgress>();
}

bool RemoteSigning::FreeEndedPlaces(const std::string& caller, const std::string& person) {
  std::vector<std::string> theirs;
  {
    std::lock_guard lock(mu_);
    theirs = budget_.UnderWay(caller, person);
  }
  bool freed = false;
  for (const std::string& id : theirs) {
    std::shared_ptr<Session> s = Find(caller, id);
    if (!s) continue;
    std::unique_lock lock(s->mu, std::try_to_lock);  // one being polled now: that poll frees it
    if (!lock.owns_lock() || s->Ended()) continue;
    auto progress = AskProgress(*s);
    if (progress.ok() && !*progress) {
      Finish(id, *s);
      freed = true;
    }
  }
  return freed;
}

Status RemoteSigning::Advance(Session& s) {
  if (s.Ended()) return OkStatus();
  auto refuse = [&s](std::string why) {
    s.state = kRefused;
    s.message = std::move(why);
    return OkStatus();
  };
  ASSIGN_OR_RETURN(std::optional<auth::SigningProgress> progress, AskProgress(s));
  if (!progress) return OkStatus();  // ended at the sign-in service: refused with its reason
  using State = auth::SigningProgress::State;
  if (progress->state == State::kCertificate) {
    if (!s.prepared) {
      ASSIGN_OR_RETURN(UniquePtr<X509> cert, ParseCertificateDer(progress->certificate_der));
      auto prepared = sign::PrepareSignature(s.container, cert.get(), options_.sign);
      if (!prepared.ok()) return refuse(prepared.status().message());
      if (prepared->digest.size() != auth::kAppHashBytes) {
        return refuse("the signing certificate's key is not the eID's (P-384): the app cannot sign its digest");
      }
      // Kept before the digest goes: if its answer is lost, the next poll carries on.
      s.prepared = std::move(*prepared);
    }
    std::lock_guard lock(client_mu_);
    auto code = options_.client->SetDigest(s.auth_session, s.prepared->digest);
    if (!code.ok()) {
      if (code.status().code() == Code::kUnavailable) return code.status();  // ask again
      return refuse(code.status().message());
    }
    s.verification_code = *code;
    s.state = "waiting_for_signature";
  } else if (progress->state == State::kWaitingForSignature && s.prepared) {
    s.verification_code = progress->verification_code;  // a digest whose answer was lost
    s.state = "waiting_for_signature";
  } else if (progress->state == State::kSigned) {
    if (!s.prepared) return refuse("a signature arrived for a signature not prepared here");
    std::vector<X509*> issuers;
    for (const auto& i : options_.issuers) issuers.push_back(i.get());
    auto name = sign::CompleteSignature(s.container, *s.prepared, progress->signature, issuers, options_.sign);
    if (!name.ok()) {
      if (name.status().code() == Code::kUnavailable) return name.status();  // TSA or OCSP: ask again
      return refuse(name.status().message());
    }
    ASSIGN_OR_RETURN(s.signed_bytes, sign::WriteContainer(s.container));
    s.state = kSigned;
  }
  return OkStatus();
}

Result<Json> RemoteSigning::Poll(const std::string& caller, const std::string& session) {
  DropExpired();
  std::shared_ptr<Session> s = Find(caller, session);
  if (!s) return NotFound("no such signing session");
  std::lock_guard lock(s->mu);
  RETURN_IF_ERROR(Advance(*s));
  Finish(session, *s);
  Json out = {{"session", session}, {"state", s->state}};
  if (!s->verification_code.empty()) out["verification_code"] = s->verification_code;
  if (!s->message.empty()) out["message"] = s->message;
  return out;
}

Result<std::string> RemoteSigning::SignedContainer(const std::string& caller, const std::string& session) {
  std::shared_ptr<Session> s = Find(caller, session);
  if (!s) return NotFound("no such signing session");
  std::lock_guard lock(s->mu);
  if (s->state != kSigned) return FailedPrecondition("the session is " + s->state + ", not signed");
  return s->signed_bytes;
}

}  // namespace riik::node
