// Remote signing through the citizen's app (auth/provider.h): the signing certificate
// first, chosen with PIN1, then the digest the service prepared around it, signed with
// PIN2.
#include <gtest/gtest.h>

#include "auth/app_confirm.h"
#include "auth_fixture.h"

namespace riik::auth {
namespace {

constexpr const char* kPin2 = "01497";

class RemoteSigningTest : public AuthFixture {
 protected:
  const Client& Portal() { return clients_[kPortal]; }
  std::string SigningCert(eid::Token& token) {
    return CertificateDer(token.Certificate(trust::EidKey::kSigning)->get());
  }
  // The first step's answer: `token`'s holder chooses `signing_der` (their own signing
  // certificate unless given) for request `id`, signed with their PIN1 key.
  AppAnswer Chosen(eid::Token& token, const std::string& id, std::string signing_der = "") {
    if (signing_der.empty()) signing_der = SigningCert(token);
    auto auth = token.Certificate(trust::EidKey::kAuthentication);
    return AppAnswer{CertificateDer(auth->get()),
                     SignAppHash(AuthKey(token), SigningCertificateHash(id, signing_der)).value(), signing_der};
  }
  // The one request waiting in Jaan's app.
  AppRequestView Waiting() {
    auto pending = provider_->AppPending("EE38001085718");
    EXPECT_EQ(pending.size(), 1u);
    return pending.empty() ? AppRequestView{} : pending[0];
  }
  SigningProgress::State StateOf(const std::string& session) {
    auto p = provider_->Signing(session, kPortal);
    EXPECT_TRUE(p.ok());
    return p.ok() ? p->state : SigningProgress::State::kRefused;
  }
  std::string digest_ = std::string(kAppHashBytes, '\x5a');
};

// A member asking for signatures of made-up personal codes, which no one answers, cannot
// keep the sessions table full for everyone: when it is full, those whose time ran out
// unanswered make room (a signature or a refusal stays for its caller to read).
TEST_F(RemoteSigningTest, SessionsThatRanOutUnansweredMakeRoomWhenTheTableIsFull) {
  ProviderOptions o;
  o.max_signing_sessions = 3;
  MakeProvider(o);
  auto declined = provider_->StartSigning(Portal(), "38001085718", "contract");
  ASSERT_TRUE(declined.ok()) << declined.status().ToString();
  const std::string request = Waiting().id;
  ASSERT_TRUE(provider_->DeclineApp(request, Decline(*jaan_, request)).ok());
  for (const char* stranger : {"49002124277", "37605030299"}) {
    ASSERT_TRUE(provider_->StartSigning(Portal(), stranger, "contract").ok());
  }
  auto full = provider_->StartSigning(Portal(), "39912319997", "contract");
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.status().code(), Code::kResourceExhausted);
  now_ += 330'000'000;  // the strangers' sessions ran out unanswered, but an answer may be in its checks
  EXPECT_EQ(provider_->StartSigning(Portal(), "39912319997", "contract").status().code(), Code::kResourceExhausted);
  now_ += 31'000'000;  // a minute after their end
  for (const char* next : {"39912319997", "48003125522"}) {
    auto started = provider_->StartSigning(Portal(), next, "contract");
    EXPECT_TRUE(started.ok()) << next << ": " << started.status().ToString();
  }
  EXPECT_EQ(StateOf(*declined), SigningProgress::State::kRefused) << "a refusal went before its caller read it";
  EXPECT_EQ(provider_->StartSigning(Portal(), "37605030299", "other").status().code(), Code::kResourceExhausted)
      << "full again: the refusal and the two new ones are held";
}

TEST_F(RemoteSigningTest, TheAppGivesTheCertificateThenSignsTheDigestWithPin2) {
  auto session = provider_->StartSigning(Portal(), "38001085718", "tax return 2026");
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  AppRequestView first = Waiting();
  EXPECT_EQ(first.purpose, "signing-certificate");
  EXPECT_TRUE(first.hash.empty());
  EXPECT_EQ(first.description, "tax return 2026");
  EXPECT_EQ(first.client_name, "eesti.ee");
  // No digest before the certificate.
  EXPECT_EQ(provider_->SetSigningDigest(*session, kPortal, digest_).status().code(), Code::kFailedPrecondition);
  ASSERT_TRUE(Passed(provider_->AnswerApp(first.id, Chosen(*jaan_, first.id))));
  auto progress = provider_->Signing(*session, kPortal);
  ASSERT_TRUE(progress.ok());
  EXPECT_EQ(progress->state, SigningProgress::State::kCertificate);
  EXPECT_EQ(progress->certificate_der, SigningCert(*jaan_));

  auto code = provider_->SetSigningDigest(*session, kPortal, digest_);
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  EXPECT_EQ(*code, VerificationCode(digest_));
  AppRequestView second = Waiting();
  EXPECT_EQ(second.purpose, "signing");
  EXPECT_EQ(second.hash, digest_);
  auto key = jaan_->PrivateKey(trust::EidKey::kSigning, kPin2);
  ASSERT_TRUE(key.ok());
  std::string signature = SignAppHash(key->get(), digest_).value();
  ASSERT_TRUE(Passed(provider_->AnswerApp(second.id, AppAnswer{SigningCert(*jaan_), signature})));
  progress = provider_->Signing(*session, kPortal);
  EXPECT_EQ(progress->state, SigningProgress::State::kSigned);
  EXPECT_EQ(progress->signature, signature);
  EXPECT_TRUE(provider_->AppPending("EE38001085718").empty());
  // Another client cannot see it.
  EXPECT_EQ(provider_->Signing(*session, kBank).status().code(), Code::kNotFound);
}

// Anyone may post to a waiting request, so a wrong answer is refused to its sender and
// the session waits on for the person's own.
TEST_F(RemoteSigningTest, OnlyThePersonsSigningCertificateAndItsKeyAreTaken) {
  auto session = provider_->StartSigning(Portal(), "38001085718", "contract");
  const std::string id = Waiting().id;
  auto refused_waiting = [&](const AppAnswer& answer, Refusal why) {
    Checked<bool> refused = provider_->AnswerApp(id, answer);
    ASSERT_FALSE(Passed(refused));
    EXPECT_EQ(std::get<Refused>(refused).why, why) << std::get<Refused>(refused).detail;
    EXPECT_EQ(StateOf(*session), SigningProgress::State::kWaitingForCertificate);
  };
  // The person's signing certificate is public: given bare, or with a signature that is
  // not their PIN1 key's over this choice, it is a stranger's.
  refused_waiting(AppAnswer{SigningCert(*jaan_), ""}, Refusal::kBadSignature);
  AppAnswer other_request = Chosen(*jaan_, "another request");
  refused_waiting(AppAnswer{other_request.certificate_der, other_request.signature, SigningCert(*jaan_)},
                  Refusal::kBadSignature);
  // Another person choosing for Jaan, with their own PIN1.
  refused_waiting(Chosen(Mari(), id, SigningCert(*jaan_)), Refusal::kPersonMismatch);
  // A stranger's certificate naming Jaan, with its own key's signature.
  Forgery forged = ForgeFor("38001085718");
  for (const std::string& cert : forged.certificates) {
    refused_waiting(
        AppAnswer{cert, SignAppHash(forged.key.get(), SigningCertificateHash(id, SigningCert(*jaan_))).value(),
                  SigningCert(*jaan_)},
        Refusal::kUntrustedCertificate);
  }
  // The choice signed, then another certificate put in its place.
  AppAnswer swapped = Chosen(*jaan_, id);
  swapped.signing_certificate_der = SigningCert(Mari());
  refused_waiting(swapped, Refusal::kBadSignature);
  ASSERT_TRUE(Passed(provider_->AnswerApp(id, Chosen(*jaan_, id))));
  EXPECT_EQ(StateOf(*session), SigningProgress::State::kCertificate);

  // The signature must be by the certificate given, over the digest.
  ASSERT_TRUE(provider_->SetSigningDigest(*session, kPortal, digest_).ok());
  auto key = jaan_->PrivateKey(trust::EidKey::kSigning, kPin2);
  std::string wrong = SignAppHash(key->get(), std::string(kAppHashBytes, 'x')).value();
  Checked<bool> refused = provider_->AnswerApp(Waiting().id, AppAnswer{SigningCert(*jaan_), wrong});
  ASSERT_FALSE(Passed(refused));
  EXPECT_EQ(std::get<Refused>(refused).why, Refusal::kBadSignature);
  EXPECT_EQ(StateOf(*session), SigningProgress::State::kWaitingForSignature);
  // The person's own signature still counts.
  std::string right = SignAppHash(key->get(), digest_).value();
  ASSERT_TRUE(Passed(provider_->AnswerApp(Waiting().id, AppAnswer{SigningCert(*jaan_), right})));
  EXPECT_EQ(StateOf(*session), SigningProgress::State::kSigned);
}

// The person's own choice (their PIN1 signed it) of a certificate that is not for signing,
// or another person's, ends the session with the reason.
TEST_F(RemoteSigningTest, ThePersonsOwnChoiceOfAWrongCertificateEndsTheSession) {
  auto auth_cert = CertificateDer(jaan_->Certificate(trust::EidKey::kAuthentication)->get());
  for (const auto& [chosen, why] :
       {std::pair{auth_cert, Refusal::kWrongCertificate}, std::pair{SigningCert(Mari()), Refusal::kPersonMismatch}}) {
    auto session = provider_->StartSigning(Portal(), "38001085718", "contract");
    const std::string id = Waiting().id;
    Checked<bool> refused = provider_->AnswerApp(id, Chosen(*jaan_, id, chosen));
    ASSERT_FALSE(Passed(refused));
    EXPECT_EQ(std::get<Refused>(refused).why, why);
    EXPECT_EQ(StateOf(*session), SigningProgress::State::kRefused);
  }
}

// The person's own PIN2 signature by a certificate revoked since the first step ends the
// session with the reason (a stranger's wrong answer would leave it waiting).
TEST_F(RemoteSigningTest, ThePersonsOwnSignatureByARevokedCertificateEndsTheSession) {
  auto session = provider_->StartSigning(Portal(), "38001085718", "contract");
  ASSERT_TRUE(Passed(provider_->AnswerApp(Waiting().id, Chosen(*jaan_, Waiting().id))));
  ASSERT_TRUE(provider_->SetSigningDigest(*session, kPortal, digest_).ok());
  ASSERT_TRUE(ca_->RevokePerson("38001085718", "keyCompromise").ok());
  auto key = jaan_->PrivateKey(trust::EidKey::kSigning, kPin2);
  Checked<bool> refused =
      provider_->AnswerApp(Waiting().id, AppAnswer{SigningCert(*jaan_), SignAppHash(key->get(), digest_).value()});
  ASSERT_FALSE(Passed(refused));
  EXPECT_EQ(std::get<Refused>(refused).why, Refusal::kCertificateRevoked);
  EXPECT_EQ(StateOf(*session), SigningProgress::State::kRefused);
}

TEST_F(RemoteSigningTest, DecliningOrWaitingTooLongEndsTheSession) {
  auto session = provider_->StartSigning(Portal(), "38001085718", "contract");
  // A decline is the person's own, signed with PIN1 over the request's id: a stranger's
  // (another person's key, or none) is refused and the session waits on.
  AppRequestView waiting = Waiting();
  EXPECT_EQ(provider_->DeclineApp(waiting.id, Decline(Mari(), waiting.id)).code(), Code::kPermissionDenied);
  EXPECT_EQ(provider_->DeclineApp(waiting.id, AppAnswer{}).code(), Code::kPermissionDenied);
  EXPECT_EQ(StateOf(*session), SigningProgress::State::kWaitingForCertificate);
  ASSERT_TRUE(provider_->DeclineApp(waiting.id, Decline(*jaan_, waiting.id)).ok());
  auto p = provider_->Signing(*session, kPortal);
  EXPECT_EQ(p->state, SigningProgress::State::kRefused);
  EXPECT_EQ(p->refusal, Refusal::kUserCancel);

  session = provider_->StartSigning(Portal(), "38001085718", "contract");
  now_ += 301 * 1'000'000LL;
  p = provider_->Signing(*session, kPortal);
  EXPECT_EQ(p->state, SigningProgress::State::kRefused);
  EXPECT_EQ(p->refusal, Refusal::kTimedOut);
  // The outcome stays readable for another lifetime, then goes.
  provider_->Sweep();
  EXPECT_EQ(provider_->Signing(*session, kPortal)->refusal, Refusal::kTimedOut);
  now_ += 300 * 1'000'000LL;
  provider_->Sweep();
  EXPECT_EQ(provider_->Signing(*session, kPortal).status().code(), Code::kNotFound);
}

TEST_F(RemoteSigningTest, ASignatureGivenAtTheLastMomentIsNotLost) {
  auto session = provider_->StartSigning(Portal(), "38001085718", "contract");
  now_ += 100 * 1'000'000LL;
  ASSERT_TRUE(Passed(provider_->AnswerApp(Waiting().id, Chosen(*jaan_, Waiting().id))));
  now_ += 90 * 1'000'000LL;
  ASSERT_TRUE(provider_->SetSigningDigest(*session, kPortal, digest_).ok());
  auto key = jaan_->PrivateKey(trust::EidKey::kSigning, kPin2);
  std::string signature = SignAppHash(key->get(), digest_).value();
  now_ += 100 * 1'000'000LL;  // 290 s after the start
  ASSERT_TRUE(Passed(provider_->AnswerApp(Waiting().id, AppAnswer{SigningCert(*jaan_), signature})));
  now_ += 60 * 1'000'000LL;  // the service polls after the session's lifetime
  provider_->Sweep();
  auto p = provider_->Signing(*session, kPortal);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->state, SigningProgress::State::kSigned);
  EXPECT_EQ(p->signature, signature);
}

TEST_F(RemoteSigningTest, BadRequestsAreSaidPlainly) {
  EXPECT_EQ(provider_->StartSigning(Portal(), "38001085719", "contract").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(provider_->StartSigning(Portal(), "38001085718", "").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(provider_->StartSigning(Portal(), "38001085718", "a\nb").status().code(), Code::kInvalidArgument);
  auto session = provider_->StartSigning(Portal(), "38001085718", "contract");
  ASSERT_TRUE(Passed(provider_->AnswerApp(Waiting().id, Chosen(*jaan_, Waiting().id))));
  EXPECT_EQ(provider_->SetSigningDigest(*session, kPortal, "short").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(provider_->SetSigningDigest(*session, kBank, digest_).status().code(), Code::kNotFound);
  // A person's app is not flooded: three open requests at most.
  ASSERT_TRUE(provider_->StartSigning(Portal(), "38001085718", "two").ok());
  ASSERT_TRUE(provider_->StartSigning(Portal(), "38001085718", "three").ok());
  EXPECT_EQ(provider_->StartSigning(Portal(), "38001085718", "four").status().code(), Code::kFailedPrecondition);
  // A registered client authenticates as at the token endpoint.
  auto client =
      provider_->AuthenticateClient({"Basic " + Base64Encode(std::string(kPortal) + ":" + kPortalSecret), "", "", ""});
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ(client->id, kPortal);
  EXPECT_FALSE(
      provider_->AuthenticateClient({"Basic " + Base64Encode(std::string(kPortal) + ":wrong"), "", "", ""}).ok());
}

}  // namespace
}  // namespace riik::auth
