// The portal's Vote page (portal.h, portal/vote_page.h): the voter's election through
// the exchange, the ballot (encrypted in the browser) signed in the app with PIN2 as the
// signatures service's remote signing, and cast at the vote service on the voter's
// behalf; the receipt kept for the voter's page.
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "crypto/random.h"
#include "crypto/sha256.h"
#include "node/roles/portal/portal.h"
#include "portal/phrases.h"
#include "portal/vote_page.h"

namespace riik::node {

using net::HttpRequest;
using portal::OwnRequest;
using portal::Tr;

namespace {

constexpr size_t kMaxReceipts = 100'000;
constexpr auto kReceiptLife = std::chrono::minutes(30);  // the check's window
constexpr const char* kVoteSubject = "vote";
constexpr const char* kCasting = "casting";  // a signed ballot on its way to the ballot box
constexpr const char* kAsicType = "application/vnd.etsi.asic-e+zip";
// How many times a signed ballot is offered to a ballot box that said it is busy (about
// one a second, as the page polls) before the voter is told so.
constexpr int kMaxCastTries = 30;

}  // namespace

void PortalService::ShowVote(const portal::PageContext& c, const Person& person, std::string error, int status,
                             net::Responder respond) {
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  std::string code = person.code;
  exchange_->GetAsync(
      portal::kVoteElectionService, "", OwnRequest(code),
      [this, shared, c, code, error, status](Result<registry::ExchangeAnswer> election) {
        if (!election.ok()) {
          if (election.status().code() == Code::kNotFound) {
            return (*shared)(
                Page(c, Tr("nav_vote", c.lang), "<p>" + HtmlEscape(Tr("vote_not_a_voter", c.lang)) + "</p>\n"));
          }
          spdlog::warn("portal: the election could not be read: {}", CodeName(election.status().code()));
          return (*shared)(Page(c, Tr("nav_vote", c.lang), portal::ErrorBox(Tr("vote_unavailable", c.lang)), 502));
        }
        std::optional<Signing> signing = signings_.Find(code, kVoteSubject);
        portal::VotePage page;
        page.election = std::move(election->body);
        const bool under_way = signing && !portal::SigningEnded(signing->shown.state);
        page.signing = under_way ? &signing->shown : nullptr;
        page.error = error;
        if (signing && signing->shown.state == "refused" && page.error.empty()) {
          page.error = fmt::format(fmt::runtime(Tr("signing_refused", c.lang)), signing->shown.message);
        }
        if (signing && signing->shown.state == "unconfirmed" && page.error.empty()) page.error = signing->shown.message;
        {
          std::lock_guard lock(mu_);
          if (auto it = receipts_.find(code); it != receipts_.end()) page.receipt = it->second.receipt;
        }
        page.check_url = vote_check_url_;
        page.csrf = c.csrf;
        (*shared)(Page(c, Tr("nav_vote", c.lang), portal::VoteBody(page, c.lang), status));
      });
}

// Kept while the voter may check (30 minutes); when the map is full, expired ones make room.
void PortalService::KeepReceipt(const std::string& code, riik::Json receipt) {
  std::lock_guard lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (receipts_.size() >= kMaxReceipts) {
    std::erase_if(receipts_, [&](const auto& r) { return now - r.second.kept > kReceiptLife; });
  }
  if (receipts_.size() < kMaxReceipts || receipts_.contains(code)) receipts_[code] = {std::move(receipt), now};
}

void PortalService::Vote(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(SignInFirst(req, "/vote"));
  portal::PageContext c = Context(req, "/vote", &*person);
  c.ballot = true;
  ShowVote(c, *person, "", 200, std::move(respond));
}

void PortalService::CastVote(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(SignInFirst(req, "/vote"));
  portal::PageContext c = Context(req, "/vote", &*person);
  c.ballot = true;
  auto form = SessionForm(req, *person);
  if (!form.ok()) return respond(Page(c, Tr("nav_vote", c.lang), portal::ErrorBox(Tr("bad_form", c.lang)), 403));
  const std::string ballot = form->contains("ballot") ? form->at("ballot") : "";
  auto container = portal::BallotContainer(ballot);
  if (!container.ok()) return ShowVote(c, *person, container.status().message(), 400, std::move(respond));
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  // The same ballot sent again (a second click) goes on with its signing, and so does any
  // ballot while one is being cast; another ballot is the person's new choice, and takes
  // the place of one waiting to be signed.
  Signing signing;
  signing.signed_from = DigestHex(Sha256(ballot));
  Result<bool> claimed = signings_.Claim(
      person->code, kVoteSubject,
      [&signing](const Signing& under_way) {
        return under_way.signed_from == signing.signed_from || under_way.shown.state == kCasting ||
               under_way.finish_again;
      },
      [shared] { (*shared)(net::SeeOther("/vote")); });
  if (!claimed.ok()) {
    const StartRefused why = StartRefusal(claimed.status());
    return ShowVote(c, *person, Tr(why.phrase, c.lang), why.status, std::move(*shared));
  }
  if (!*claimed) return;
  StartSigning(person->code, kVoteSubject, std::move(*container), Tr("sign_app_description", c.lang), signing,
               [this, shared, c, person = *person](Status started) {
                 if (!started.ok()) {
                   const StartRefused why = StartRefusal(started);
                   return ShowVote(c, person, Tr(why.phrase, c.lang), why.status, std::move(*shared));
                 }
                 (*shared)(net::SeeOther("/vote"));
               });
}

void PortalService::VoteSigningStatus(HttpRequest&& req, net::Responder respond) {
  std::optional<Person> person = SignedIn(req);
  if (!person) return respond(net::JsonError(401, "unauthenticated", "sign in first"));
  if (!SameToken(req.headers.Get("X-CSRF-Token"), person->session.csrf)) {
    return respond(net::JsonError(403, "csrf", "the poll is not from this session's page"));
  }
  std::string code = person->code, lang = Lang(req);
  // Signed: the container is cast at the vote service, which checks it and answers the
  // receipt (or why it refused it, which is on the board too).
  PollSigning(code, kVoteSubject, lang, kCasting, std::move(respond),
              [this, code, lang](const Signing& signing, std::string container, End end) {
                exchange_->SendAsync(
                    "POST", portal::kVoteBallotsService, "", std::move(container), kAsicType, OwnRequest(code),
                    [this, code, end, lang, tries = signing.finish_tries](Result<registry::ExchangeAnswer> cast) {
                      // A busy ballot box (503 with Retry-After: it did not take
                      // the ballot) takes the same container at one of the page's
                      // next polls, a second apart; the signature stays fresh for
                      // 10 minutes. Any other failure may have left the ballot
                      // registered, so it is not sent twice.
                      if (!cast.ok() && cast.status().code() == Code::kResourceExhausted && tries < kMaxCastTries) {
                        return end(kTryAgain, "");
                      }
                      if (!cast.ok()) {
                        Code why = cast.status().code();
                        spdlog::warn("portal: a ballot was not taken: {}", CodeName(why));
                        // Refused by the ballot box (it said why), or no answer to go by.
                        bool refused = why == Code::kInvalidArgument || why == Code::kPermissionDenied ||
                                       why == Code::kFailedPrecondition || why == Code::kNotFound ||
                                       why == Code::kResourceExhausted;
                        return end(refused ? "refused" : "unconfirmed",
                                   fmt::format(fmt::runtime(Tr(refused ? "vote_refused" : "vote_unconfirmed", lang)),
                                               registry::ProviderMessage(cast.status())));
                      }
                      { KeepReceipt(code, std::move(cast->body)); }
                      end("cast", "");
                    });
              });
}

}  // namespace riik::node
