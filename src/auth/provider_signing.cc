// Remote signing through the citizen's app (provider.h): a registered service asks a
// person to sign; the app sends their signing certificate, then signs the digest the
// service prepared around it with PIN2.
#include <nlohmann/json.hpp>

#include "auth/impl/provider_state.h"
#include "auth/provider.h"
#include "core/encoding.h"
#include "crypto/random.h"
#include "crypto/x509.h"
#include "identity/personal_code.h"

namespace riik::auth {
namespace {

constexpr size_t kMaxDescriptionBytes = 200;
constexpr size_t kMaxOpenPerPerson = 3;
constexpr size_t kMaxOpenPerClient = 1000;
// How long after its end an unanswered session is still kept when the table is full: an
// answer that came in at the last moment may be in its checks (OCSP) meanwhile.
constexpr int64_t kAnswerGraceUs = 60'000'000;

// The request in the person's app for a step of session `s`.
impl::AppRequest SigningStep(const impl::SigningSession& s, std::string id, std::string purpose, std::string hash,
                             UnixMicros expires) {
  impl::AppRequest a;
  a.id = std::move(id);
  a.signing = s.id;
  a.person_code = s.person_code;
  a.client_name = s.client_name;
  a.description = s.description;
  a.purpose = std::move(purpose);
  a.hash = std::move(hash);
  a.expires = std::min(s.expires, expires);
  return a;
}

}  // namespace

std::string_view SigningStateName(SigningProgress::State state) {
  switch (state) {
    case SigningProgress::State::kWaitingForCertificate:
      return "waiting_for_certificate";
    case SigningProgress::State::kCertificate:
      return "certificate";
    case SigningProgress::State::kWaitingForSignature:
      return "waiting_for_signature";
    case SigningProgress::State::kSigned:
      return "signed";
    case SigningProgress::State::kRefused:
      return "refused";
  }
  return "refused";
}

Result<Client> Provider::AuthenticateClient(const ClientCredentials& credentials) {
  return authenticator_.Authenticate(credentials);
}

Result<std::string> Provider::StartSigning(const Client& client, std::string_view personal_code,
                                           std::string description) {
  ASSIGN_OR_RETURN(identity::PersonalCode code, identity::PersonalCode::Parse(personal_code));
  if (description.empty() || description.size() > kMaxDescriptionBytes || !IsPlainText(description)) {
    return InvalidArgument("the description says what is signed in 1 to " + std::to_string(kMaxDescriptionBytes) +
                           " bytes without control characters");
  }
  ASSIGN_OR_RETURN(std::string id, RandomToken(24));
  ASSIGN_OR_RETURN(std::string app_id, RandomToken(24));
  UnixMicros now = options_.clock();
  std::lock_guard lock(state_->mu);
  // A signing session has one app request at a time: its own bound holds theirs (the
  // app requests of sign-ins, which strangers can start, do not count against it).
  if (state_->signing.size() >= options_.max_signing_sessions) {
    // Those whose time ran out with no answer go first: kept only so that their callers
    // learn it (the caller then finds none, which ends it as well), while a client's
    // requests to made-up personal codes, which no one answers, would otherwise hold
    // their places for two lifetimes. A signature given, or a refusal, stays to be read.
    for (auto it = state_->signing.begin(); it != state_->signing.end();) {
      const SigningProgress::State held = it->second.progress.state;
      if (it->second.expires + kAnswerGraceUs > now || held == SigningProgress::State::kSigned ||
          held == SigningProgress::State::kRefused) {
        ++it;
        continue;
      }
      state_->app_requests.erase(it->second.app_request);
      it = state_->signing.erase(it);
    }
  }
  if (state_->signing.size() >= options_.max_signing_sessions) {
    return ResourceExhausted("too many signatures in progress; try again shortly");
  }
  // A person's app is not to be flooded (a few open requests at a time), nor the service
  // by one client.
  size_t open = 0, of_client = 0;
  for (const auto& [sid, other] : state_->signing) {
    bool waiting = other.expires > now && other.progress.state != SigningProgress::State::kSigned &&
                   other.progress.state != SigningProgress::State::kRefused;
    open += waiting && other.person_code == code.code;
    of_client += waiting && other.client_id == client.id;
  }
  if (open >= kMaxOpenPerPerson) {  // the person's to answer: 409, not a busy service
    return FailedPrecondition("this person has " + std::to_string(open) + " signatures waiting already");
  }
  if (of_client >= kMaxOpenPerClient) {
    return ResourceExhausted("this service has " + std::to_string(of_client) + " signatures waiting already");
  }
  impl::SigningSession s;
  s.id = id;
  s.client_id = client.id;
  s.client_name = client.name;
  s.person_code = code.code;
  s.description = description;
  s.expires = now + impl::Micros(options_.signing_lifetime);
  impl::AppRequest a =
      SigningStep(s, app_id, "signing-certificate", "", now + impl::Micros(options_.app_request_lifetime));
  s.app_request = app_id;
  state_->app_requests[app_id] = std::move(a);
  state_->signing[id] = std::move(s);
  return id;
}

Result<std::string> Provider::SetSigningDigest(const std::string& session, const std::string& client_id,
                                               std::string_view digest) {
  if (digest.size() != kAppHashBytes) {
    return InvalidArgument("the digest to sign is " + std::to_string(kAppHashBytes) + " bytes (SHA-384)");
  }
  ASSIGN_OR_RETURN(std::string app_id, RandomToken(24));
  UnixMicros now = options_.clock();
  std::lock_guard lock(state_->mu);
  auto it = state_->signing.find(session);
  if (it == state_->signing.end() || it->second.client_id != client_id || it->second.expires <= now) {
    return NotFound("no such signing session");
  }
  impl::SigningSession& s = it->second;
  if (s.progress.state != SigningProgress::State::kCertificate) {
    return FailedPrecondition("the session is " + std::string(SigningStateName(s.progress.state)) +
                              ": a digest is given once, after the certificate");
  }
  impl::AppRequest a =
      SigningStep(s, app_id, "signing", std::string(digest), now + impl::Micros(options_.app_request_lifetime));
  s.digest = a.hash;
  s.app_request = app_id;
  s.progress.state = SigningProgress::State::kWaitingForSignature;
  s.progress.verification_code = VerificationCode(a.hash);
  state_->app_requests[app_id] = std::move(a);
  return s.progress.verification_code;
}

Result<SigningProgress> Provider::Signing(const std::string& session, const std::string& client_id) {
  std::lock_guard lock(state_->mu);
  auto it = state_->signing.find(session);
  if (it == state_->signing.end() || it->second.client_id != client_id) return NotFound("no such signing session");
  SigningProgress p = it->second.progress;
  if (it->second.expires <= options_.clock() && p.state != SigningProgress::State::kSigned &&
      p.state != SigningProgress::State::kRefused) {
    p.state = SigningProgress::State::kRefused;
    p.refusal = Refusal::kTimedOut;
  }
  return p;
}

Checked<bool> Provider::AnswerSigning(const impl::AppRequest& a, const AppAnswer& answer) {
  Checked<Person> person = Refused{Refusal::kInternal, ""};
  bool key_signed = false;  // the signature step's answer was signed by the certificate's key
  std::string certificate;  // the one the session holds, for the signature step
  {
    std::lock_guard lock(state_->mu);
    auto it = state_->signing.find(a.signing);
    if (it == state_->signing.end() || it->second.app_request != a.id) {
      return Refused{Refusal::kTimedOut, "the signing session ended meanwhile"};
    }
    certificate = it->second.progress.certificate_der;
  }
  if (a.purpose == "signing-certificate") {
    // The person's choice, signed with PIN1 (by the authentication key, whose certificate
    // passes every check), of a signing certificate of theirs that is valid and good.
    person = VerifyAppAnswer(answer, a.person_code, SigningCertificateHash(a.id, answer.signing_certificate_der),
                             CertPurpose::kAuthentication, trust_, &key_signed);
    if (Passed(person)) {
      auto cert = trust_.ParseCertificate(answer.signing_certificate_der);
      if (!cert.ok()) {
        person = Refused{Refusal::kMalformedToken, "the signing certificate: " + cert.status().message()};
      } else {
        person = CheckEidCertificate(cert->get(), CertPurpose::kSigning, trust_);
        if (Passed(person) && std::get<Person>(person).code != a.person_code) {
          person = Refused{Refusal::kPersonMismatch, "the app gave another person's signing certificate"};
        }
      }
    }
  } else if (answer.certificate_der != certificate) {
    person = Refused{Refusal::kPersonMismatch, "the app signed with another certificate than it gave"};
  } else {
    person = VerifyAppAnswer(answer, a.person_code, a.hash, CertPurpose::kSigning, trust_, &key_signed);
  }
  // An answer that does not verify is its sender's alone (anyone may post to the
  // request): the session waits on for the person's own. But one the person's key signed
  // whose certificate does not hold (revoked since) is theirs: it ends the session.
  if (!Passed(person) && !key_signed) return std::get<Refused>(person);
  std::lock_guard lock(state_->mu);
  auto it = state_->signing.find(a.signing);
  auto request = state_->app_requests.find(a.id);
  if (it == state_->signing.end() || it->second.app_request != a.id || request == state_->app_requests.end() ||
      request->second.answered) {
    return Refused{Refusal::kTimedOut, "the signing session ended meanwhile"};
  }
  request->second.answered = true;
  SigningProgress& p = it->second.progress;
  if (!Passed(person)) {
    p.state = SigningProgress::State::kRefused;
    p.refusal = std::get<Refused>(person).why;
    return std::get<Refused>(person);
  }
  if (a.purpose == "signing-certificate") {
    p.state = SigningProgress::State::kCertificate;
    p.certificate_der = answer.signing_certificate_der;
  } else {
    p.state = SigningProgress::State::kSigned;
    p.signature = answer.signature;
  }
  return true;
}

}  // namespace riik::auth
