// The trust role's handlers.
#include "node/roles/trust_role.h"

#include <openssl/crypto.h>
#include <openssl/pem.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/file.h"
#include "core/waiting_line.h"
#include "crypto/x509.h"
#include "node/admin_api.h"
#include "node/node.h"
#include "sign/trusted_list.h"
#include "trust/ocsp_responder.h"
#include "trust/tsa.h"

namespace riik::node {

class TrustService : public RoleService {
 public:
  TrustService(const std::string& role, size_t ocsp_queue, size_t tsa_queue)
      : ocsp_waiting(role, "ocsp", ocsp_queue), tsa_waiting(role, "tsa", tsa_queue) {}
  Status Start(Node& node, const RoleConfig& role, const std::string& url) override;
  std::vector<std::string> stores() const override { return {"trust"}; }

  std::shared_ptr<AdminApi> admin = std::make_shared<AdminApi>();  // its token is kept 0600 in the CA directory
  std::unique_ptr<trust::CertificateAuthority> ca;
  std::unique_ptr<trust::OcspResponder> responder;
  std::unique_ptr<trust::TimestampAuthority> tsa;
  std::string trusted_list;  // the signed XML served at /tsl.xml
  std::atomic<bool> ready{false};
  // OCSP and timestamps are anyone's to ask, and each waits for the node's blocking pool
  // (which ballots, store reads and ID tokens use too): a flood is answered busy at once
  // rather than queued without end in front of them (settings ocsp_queue, tsa_queue),
  // and /metrics shows how many wait.
  WaitingLine ocsp_waiting;
  WaitingLine tsa_waiting;
};

namespace {

net::HttpResponse OcspAnswer(TrustService& t, std::string_view der) {
  return net::TextResponse(t.responder->Respond(der), "application/ocsp-response");
}

net::HttpResponse NotReady() { return net::JsonError(503, "unavailable", "the trust service is still starting"); }

// A query not taken (the service still starting, or too many waiting) is still answered
// in the protocol's own words, so that an OCSP or RFC 3161 client reads it, and marked
// not taken (net::NotTaken: Retry-After, never kept by an HTTP cache). OCSP's is tryLater
// (HTTP 200, as every OCSP answer); the TSA's a rejection with systemFailure, with 503.
net::HttpResponse OcspNotTaken() {
  return net::NotTaken(net::TextResponse(trust::OcspResponder::TryLater(), "application/ocsp-response"));
}
net::HttpResponse TsaNotTaken() {
  net::HttpResponse busy = net::TextResponse(trust::TimestampAuthority::Busy(), "application/timestamp-reply");
  busy.status = 503;
  return net::NotTaken(std::move(busy));
}

// OCSP answers read the CA's records: off the network thread.
void Answer(Node& node, const std::shared_ptr<TrustService>& t, net::Responder respond, std::string der) {
  if (!t->ready || !t->ocsp_waiting.Enter()) return respond(OcspNotTaken());
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  node.blocking().Submit([t, shared, der = std::move(der)] {
    t->ocsp_waiting.Leave();
    (*shared)(OcspAnswer(*t, der));
  });
}

Json RecordJson(const trust::CertificateRecord& r) {
  return {{"serial", r.serial},
          {"ca", r.ca},
          {"profile", r.profile},
          {"subject", r.subject},
          {"status", r.status},
          {"pem", r.pem},
          {"reason", r.reason ? Json(*r.reason) : Json(nullptr)}};
}

// A certificate's validity in days, if the body gives one (the CA checks its range); a
// value that is not a whole number is refused rather than ignored.
Status ReadDays(const Json& body, int& days) {
  if (!body.contains("days")) return OkStatus();
  ASSIGN_OR_RETURN(int64_t n, IntegerIn(body["days"], "days", INT32_MIN, INT32_MAX));
  days = static_cast<int>(n);
  return OkStatus();
}

net::HttpResponse AdminIssue(TrustService& t, const Json& body) {
  auto text = [&](const char* k) { return body.contains(k) && body[k].is_string() ? body[k].get<std::string>() : ""; };
  auto list = [&](const char* k) {
    std::vector<std::string> out;
    if (body.contains(k) && body[k].is_array()) {
      for (const auto& v : body[k]) {
        if (v.is_string()) out.push_back(v.get<std::string>());
      }
    }
    return out;
  };
  auto profile = trust::ParseProfile(text("profile"));
  if (!profile.ok()) return net::ErrorResponse(profile.status());
  auto key_pem = text("public_key");
  UniquePtr<BIO> bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  UniquePtr<EVP_PKEY> key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return net::JsonError(400, "invalid_argument", "public_key must be a PEM public key");
  trust::IssueRequest req;
  req.profile = *profile;
  req.common_name = text("cn");
  req.organization = text("org");
  req.dns_names = list("dns");
  req.ip_addresses = list("ip");
  if (Status days = ReadDays(body, req.days); !days.ok()) return net::ErrorResponse(days);
  req.public_key = key.get();
  auto rec = t.ca->Issue(req);
  if (!rec.ok()) return net::ErrorResponse(rec.status());
  return net::JsonResponse(RecordJson(*rec));
}

net::HttpResponse AdminIssueEid(TrustService& t, const Json& body) {
  auto text = [&](const char* k) { return body.contains(k) && body[k].is_string() ? body[k].get<std::string>() : ""; };
  std::string which = text("key");
  if (which != "auth" && which != "sign") return net::JsonError(400, "invalid_argument", "key must be auth or sign");
  auto key_pem = text("public_key");
  UniquePtr<BIO> bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  UniquePtr<EVP_PKEY> key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return net::JsonError(400, "invalid_argument", "public_key must be a PEM public key");
  trust::EidRequest req;
  req.key = which == "auth" ? trust::EidKey::kAuthentication : trust::EidKey::kSigning;
  req.personal_code = text("code");
  req.given_name = text("given");
  req.surname = text("surname");
  if (!text("email_domain").empty()) req.email_domain = text("email_domain");
  if (Status days = ReadDays(body, req.days); !days.ok()) return net::ErrorResponse(days);
  req.public_key = key.get();
  auto rec = t.ca->IssueEid(req);
  if (!rec.ok()) return net::ErrorResponse(rec.status());
  return net::JsonResponse(RecordJson(*rec));
}

// {"serial": S} revokes one certificate; {"code": C} every good eID certificate of a person.
net::HttpResponse AdminRevoke(TrustService& t, const Json& body) {
  std::string reason =
      body.contains("reason") && body["reason"].is_string() ? body["reason"].get<std::string>() : "unspecified";
  if (body.contains("code") && body["code"].is_string()) {
    auto revoked = t.ca->RevokePerson(body["code"].get<std::string>(), reason);
    if (!revoked.ok()) return net::ErrorResponse(revoked.status());
    Json list = Json::array();
    for (const auto& r : *revoked) list.push_back(RecordJson(r));
    return net::JsonResponse(Json{{"revoked", list}});
  }
  if (!body.contains("serial") || !body["serial"].is_string()) {
    return net::JsonError(400, "invalid_argument", "give the serial as a hex string, or a personal code");
  }
  auto rec = t.ca->Revoke(body["serial"].get<std::string>(), reason);
  if (!rec.ok()) return net::ErrorResponse(rec.status());
  return net::JsonResponse(RecordJson(*rec));
}

}  // namespace

Result<std::shared_ptr<RoleService>> AddTrustRoutes(Node& node, const RoleConfig& role, net::Router& router) {
  ASSIGN_OR_RETURN(int64_t ocsp_queue, role.Number("ocsp_queue", 1024, 1, 1 << 20));
  ASSIGN_OR_RETURN(int64_t tsa_queue, role.Number("tsa_queue", 1024, 1, 1 << 20));
  auto t = std::make_shared<TrustService>(role.name, static_cast<size_t>(ocsp_queue), static_cast<size_t>(tsa_queue));
  router.AddAsync(
      "POST", "/ocsp",
      [&node, t](net::HttpRequest&& req, net::Responder respond) {
        Answer(node, t, std::move(respond), std::move(req.body));
      },
      "application/ocsp-request");
  router.AddAsync("GET", "/ocsp/{request}", [&node, t](net::HttpRequest&& req, net::Responder respond) {
    auto der = Base64Decode(req.Param("request"));
    // Not base64: still an OCSP answer (malformedRequest), as clients expect.
    Answer(node, t, std::move(respond), der.ok() ? std::move(*der) : std::string());
  });
  router.AddAsync(
      "POST", "/tsa",
      [&node, t](net::HttpRequest&& req, net::Responder respond) {
        if (!t->ready || !t->tsa_waiting.Enter()) return respond(TsaNotTaken());
        auto shared = std::make_shared<net::Responder>(std::move(respond));
        // Off the network thread: now and then a new block of serials is journaled.
        // (Answering on the network thread through a synchronous route measured ~6%
        // fewer tokens/s in bench/tsa_bench.sh: the pool signs in bursts.)
        node.blocking().Submit([t, shared, body = std::move(req.body)] {
          t->tsa_waiting.Leave();
          std::string reply = t->tsa->Respond(body);
          (*shared)(reply.empty() ? net::JsonError(500, "internal", "the TSA could not answer")
                                  : net::TextResponse(std::move(reply), "application/timestamp-reply"));
        });
      },
      "application/timestamp-query");
  // The operator's calls while the role owns the CA's store (`riik ca`, `riik id`).
  std::pair<const char*, net::HttpResponse (*)(TrustService&, const Json&)> admin[] = {
      {"/admin/issue", AdminIssue}, {"/admin/issue-eid", AdminIssueEid}, {"/admin/revoke", AdminRevoke}};
  for (auto [path, action] : admin) {
    AddAdminRoute(node, router, t->admin, path, [t, act = action](const Json& body) { return act(*t, body); });
  }
  router.Add("GET", "/ca/{file}", [t](const net::HttpRequest& req) {
    if (!t->ready) return NotReady();
    std::string_view file = req.Param("file");
    X509* cert = nullptr;
    if (file == "root.crt") cert = t->ca->root_certificate();
    if (file == "eid.crt") cert = t->ca->eid_certificate();
    if (file == "org.crt") cert = t->ca->org_certificate();
    if (!cert)
      return net::JsonError(404, "not_found",
                            "no CA certificate " + std::string(file) + " (root.crt, eid.crt, org.crt)");
    return net::TextResponse(CertificateDer(cert), "application/pkix-cert");
  });
  // Public, as every state's trusted list is: a verifier pins its signer's certificate.
  router.Add("GET", "/tsl.xml", [t](const net::HttpRequest&) {
    if (!t->ready) return NotReady();
    return net::TextResponse(t->trusted_list, "application/vnd.etsi.tsl+xml");
  });
  return std::shared_ptr<RoleService>(t);
}

Status TrustService::Start(Node& node, const RoleConfig& role, const std::string& url) {
  TrustService& t = *this;
  auto pf = role.settings.find("passphrase_file");
  if (pf == role.settings.end()) return InvalidArgument("the trust role needs passphrase_file (it opens the CA keys)");
  ASSIGN_OR_RETURN(std::string passphrase_text, ReadSecretFile(pf->second));
  trust::CaOptions o;
  o.passphrase = passphrase_text.substr(0, passphrase_text.find('\n'));
  OPENSSL_cleanse(passphrase_text.data(), passphrase_text.size());
  ASSIGN_OR_RETURN(store::Store * store, node.OpenStore("trust"));
  auto dir = role.settings.find("ca_dir");
  o.dir = dir != role.settings.end() ? dir->second : (std::filesystem::path(node.config().data_dir) / "trust").string();
  o.ocsp_url = url + "/ocsp";
  o.ca_issuers_url = url + "/ca";
  ASSIGN_OR_RETURN(t.ca, trust::CertificateAuthority::Open(*store, o));
  ASSIGN_OR_RETURN(t.admin->token, LoadOrCreateToken(AdminTokenPath(o.dir)));
  ASSIGN_OR_RETURN(t.responder, trust::OcspResponder::Create(*t.ca));
  ASSIGN_OR_RETURN(t.tsa, trust::TimestampAuthority::Create(*t.ca, *store));
  ASSIGN_OR_RETURN(t.trusted_list, sign::StateTrustedList(*t.ca, url, NowMicros()));
  RETURN_IF_ERROR(WriteFileAtomic(o.dir + "/tsl.xml", t.trusted_list, /*secret=*/false));
  t.ready = true;
  t.admin->ready = true;
  return OkStatus();
}

}  // namespace riik::node
