// Remote signing at the signatures service (role sign): a member asks, through the
// exchange, that a person (X-Road-UserId) sign a container in their app. The service is
// a registered client of the sign-in service's signing API (node/signing_client.h): it
// gets the person's signing certificate from the app, prepares the XAdES signature
// around it, hands over the digest, and once the app has signed with PIN2 completes the
// signature (timestamp, OCSP) into the container. The caller polls the session, shows
// the person the verification code, and takes the signed container (docs/signatures.md).
// Each poll advances the session by at most one step; nothing waits on a thread.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "node/roles/signing_budget.h"
#include "node/signing_client.h"
#include "sign/signer.h"

namespace riik::node {

struct RemoteSigningOptions {
  std::unique_ptr<SigningClient> client;
  UniquePtr<X509> root;                  // the state root
  sign::SignOptions sign;                // timestamp, OCSP, trust root (root)
  std::vector<UniquePtr<X509>> issuers;  // of the citizens' signing certificates: the eID CA first
  SigningBudget::Limits limits;          // sessions under way, kept containers, lifetimes
};

class RemoteSigning {
 public:
  explicit RemoteSigning(RemoteSigningOptions options);

  // `caller`: the X-Road-Client asking; `user_id`: EE<code>, the signer; the container
  // with the files to sign (signed already by others, or not). {session, state}; or
  // InvalidArgument for a bad request, ResourceExhausted at the caps in all and per
  // caller, FailedPrecondition when the person has as many signings waiting in their app
  // as this caller may hold (the ones the sign-in service says have ended are freed
  // first), or as the sign-in service takes. Blocks on the sign-in service.
  Result<Json> Start(const std::string& caller, const std::string& user_id, const std::string& description,
                     const std::string& container);
  // Where the session stands, advanced by one step: {state, verification_code, message}.
  // Blocks on the sign-in service (and, at the end, the TSA and OCSP): call off the
  // network threads. NotFound for another caller's or an unknown session.
  Result<Json> Poll(const std::string& caller, const std::string& session);
  // The signed container, once the state is "signed".
  Result<std::string> SignedContainer(const std::string& caller, const std::string& session);

 private:
  // The two states a session ends in (the API's "state"), and the one it starts in.
  static constexpr std::string_view kSigned = "signed", kRefused = "refused", kFirstState = "waiting_for_certificate";
  struct Session {
    std::mutex mu;
    std::string caller, auth_session, state{kFirstState}, verification_code, message;
    sign::Container container;
    std::optional<sign::PreparedSignature> prepared;
    std::string signed_bytes;
    bool finished = false;  // signed or refused: what it needed freed, the budget told
    bool Ended() const { return state == kSigned || state == kRefused; }
  };
  std::shared_ptr<Session> Find(const std::string& caller, const std::string& session);
  void DropExpired();
  // Where the sign-in service says `s` (locked) stands; nullopt once it has ended there
  // (declined, timed out, gone), `s` then refused with the reason.
  Result<std::optional<auth::SigningProgress>> AskProgress(Session& s);
  // Asks the sign-in service about `caller`'s sessions for `person` that nobody is asking
  // about now, and finishes those that have ended there; whether any place was freed.
  // Nothing is moved on: a step the person took is left for the caller's poll.
  bool FreeEndedPlaces(const std::string& caller, const std::string& person);
  Status Advance(Session& s);
  // Once `s` (locked) is signed or refused: what it no longer needs is freed, and what it
  // keeps for its caller counted in the budget.
  void Finish(const std::string& id, Session& s);

  RemoteSigningOptions options_;
  std::mutex client_mu_;  // the signing API client is one connection
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Session>> sessions_;
  SigningBudget budget_;  // under mu_
};

}  // namespace riik::node
