// The portal role's service (node/roles/portal_role.h), shared by its files: portal.cc
// (start, sign-in, the frame, routes), registry_pages.cc (my data, address, companies,
// who used my data), signing_pages.cc (signing in the app: the tax return and the
// documents), vote_pages.cc (voting). Internal to riik_node.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/thread_pool.h"
#include "crypto/handles.h"
#include "net/client.h"
#include "node/roles/browser_service.h"
#include "portal/address.h"
#include "portal/document_store.h"
#include "portal/layout.h"
#include "portal/signing_view.h"
#include "portal/signings.h"

namespace riik::node {

class Node;

class PortalService : public BrowserService {
 public:
  Status Start(Node& node, const RoleConfig& role, const std::string& url) override;
  std::vector<std::string> stores() const override { return {"portal"}; }

  // portal.cc
  net::HttpResponse Home(const net::HttpRequest& req);
  net::HttpResponse Login(const net::HttpRequest& req);
  void Callback(net::HttpRequest&& req, net::Responder respond);
  net::HttpResponse Language(const net::HttpRequest& req);
  net::HttpResponse Asset(const net::HttpRequest& req);
  // registry_pages.cc
  void MyData(net::HttpRequest&& req, net::Responder respond);
  void Address(net::HttpRequest&& req, net::Responder respond);
  void ChangeAddress(net::HttpRequest&& req, net::Responder respond);
  void AddressStatus(net::HttpRequest&& req, net::Responder respond);
  void Companies(net::HttpRequest&& req, net::Responder respond);
  void Trackers(net::HttpRequest&& req, net::Responder respond);
  void TrackerListing(net::HttpRequest&& req, net::Responder respond);
  // signing_pages.cc
  void TaxReturn(net::HttpRequest&& req, net::Responder respond);
  void SignTaxReturn(net::HttpRequest&& req, net::Responder respond);
  void TaxSigningStatus(net::HttpRequest&& req, net::Responder respond);
  void Documents(net::HttpRequest&& req, net::Responder respond);
  void Upload(net::HttpRequest&& req, net::Responder respond);
  void ShowDocument(net::HttpRequest&& req, net::Responder respond);
  void SignDocument(net::HttpRequest&& req, net::Responder respond);
  void DocumentSigningStatus(net::HttpRequest&& req, net::Responder respond);
  void AskCosigner(net::HttpRequest&& req, net::Responder respond);
  void VerifyDocument(net::HttpRequest&& req, net::Responder respond);
  void DownloadDocument(net::HttpRequest&& req, net::Responder respond);
  // vote_pages.cc
  void Vote(net::HttpRequest&& req, net::Responder respond);
  void CastVote(net::HttpRequest&& req, net::Responder respond);
  void VoteSigningStatus(net::HttpRequest&& req, net::Responder respond);

 private:
  // The person signed in: their session and personal code (from the ID token's sub).
  struct Person {
    WebSession session;
    std::string code;
  };
  std::optional<Person> SignedIn(const net::HttpRequest& req) const;
  // The fields of a form sent from one of the person's pages (its CSRF token is their
  // session's); PermissionDenied otherwise.
  static Result<portal::Form> SessionForm(const net::HttpRequest& req, const Person& person);
  std::string Lang(const net::HttpRequest& req) const;
  std::string LangCookie() const;
  portal::PageContext Context(const net::HttpRequest& req, const std::string& path, const Person* person) const;
  net::HttpResponse Page(const portal::PageContext& c, std::string_view title, std::string_view body,
                         int status = 200) const;
  // The page for someone who is not signed in.
  net::HttpResponse SignInFirst(const net::HttpRequest& req, const std::string& path) const;
  net::HttpResponse JsonAnswer(const riik::Json& body) const;
  // The population register's address of the person, then `then`.
  void WithCurrentAddress(const Person& p, std::function<void(Result<registry::ExchangeAnswer>)> then);

  // `work` on the node's pool for blocking work (the store), then `then` back on the
  // event loop this is called from (where calls through the exchange must start).
  template <class T>
  void Blocking(std::function<T()> work, std::function<void(T)> then) {
    net::EventLoop* loop = net::CurrentEventLoop();
    blocking_->Submit([work = std::move(work), then = std::move(then), loop]() mutable {
      auto result = std::make_shared<T>(work());
      net::Post(loop, [then = std::move(then), result] { then(std::move(*result)); });
    });
  }

  // --- Signing in the person's app (signing_pages.cc) ---
  // One under way: of the person's tax return ("tax"), a document ("doc:ID") or a ballot.
  using Signing = portal::Signing;
  // Asks the signatures service that the person sign `container` in their app, once the
  // send holds the claim (signings_.Claim); the answer ends the claim. `done` gets OK once
  // the signing is under way, FailedPrecondition if the person has as many signings
  // waiting in their app as the service takes, else Unavailable or ResourceExhausted.
  void StartSigning(const std::string& code, const std::string& subject, std::string container,
                    const std::string& description, Signing signing, std::function<void(Status)> done);
  // Why StartSigning did not start, for the person: the phrase, and the page's status.
  struct StartRefused {
    const char* phrase;
    int status;
  };
  static StartRefused StartRefusal(const Status& started);
  // Answers a poll of the signing: advances it by a step; once it is signed, `finish`
  // gets the signed container, and `end` says how it ended, or, with kTryAgain, that
  // the next poll should fetch the signed container and finish again (a service that
  // was busy for the moment: the person is not asked to sign again).
  static constexpr const char* kTryAgain = "try_again";
  using End = std::function<void(std::string state, std::string message)>;
  using Finish = std::function<void(const Signing& signing, std::string container, End end)>;
  void PollSigning(const std::string& code, const std::string& subject, const std::string& lang,
                   const std::string& finishing_state, net::Responder respond, Finish finish);
  // The person's latest income year, then their return for it (its bytes as the board
  // gave them), then `then`.
  using ReturnThen = std::function<void(int64_t year, Result<registry::ExchangeAnswer>)>;
  void WithTaxReturn(const std::string& code, ReturnThen then);
  // The document `id` as the person may see it (NotFound otherwise), off the loop.
  void WithDocument(const std::string& id, const std::string& viewer,
                    std::function<void(Result<portal::Document>)> then);
  // A form about a document from one of the person's pages (POST /documents/{id}/…):
  // the document as they may see it, then `then`; else the page that says why not.
  using DocumentThen = std::function<void(const portal::PageContext& c, const Person& person, portal::Document doc,
                                          std::shared_ptr<net::Responder> respond)>;
  void WithFormDocument(net::HttpRequest&& req, net::Responder respond, DocumentThen then);
  // The documents page, or one document's, with a message.
  void ShowDocuments(const portal::PageContext& c, const Person& person, std::string error, int status,
                     net::Responder respond);
  void ShowOneDocument(const portal::PageContext& c, const Person& person, const std::string& id, riik::Json validation,
                       std::string note, std::string error, int status, net::Responder respond);

  void KeepReceipt(const std::string& code, riik::Json receipt);
  // The Vote page, with an error message (or none).
  void ShowVote(const portal::PageContext& c, const Person& person, std::string error, int status,
                net::Responder respond);

  std::unique_ptr<registry::ExchangeCaller> exchange_;
  std::string vote_check_url_;  // the vote service's public URL, for the verification app
  UniquePtr<X509> trust_root_;  // what the trackers' listings must chain to
  std::unique_ptr<portal::DocumentStore> documents_;
  ThreadPool* blocking_ = nullptr;
  bool secure_ = true;
  portal::Signings signings_;
  std::mutex mu_;  // receipts_
  struct KeptReceipt {
    riik::Json receipt;
    std::chrono::steady_clock::time_point kept;
  };
  std::map<std::string, KeptReceipt> receipts_;  // the last ballot's receipt, by personal code
};

}  // namespace riik::node
