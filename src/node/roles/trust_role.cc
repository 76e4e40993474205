// The trust role's handlers.
#include "node/roles/trust_role.h"

#include <atomic>
#include <filesystem>
#include <fstream>

#include "core/encoding.h"
#include "crypto/x509.h"
#include "node/node.h"
#include "trust/ocsp_responder.h"
#include "trust/tsa.h"

namespace riik::node {

class TrustService {
 public:
  std::unique_ptr<trust::CertificateAuthority> ca;
  std::unique_ptr<trust::OcspResponder> responder;
  std::unique_ptr<trust::TimestampAuthority> tsa;
  std::atomic<bool> ready{false};
};

namespace {

net::HttpResponse OcspAnswer(TrustService& t, std::string_view der) {
  return net::TextResponse(t.responder->Respond(der), "application/ocsp-response");
}

net::HttpResponse NotReady() { return net::JsonError(503, "unavailable", "the trust service is still starting"); }

// OCSP answers read the CA's records: off the network thread.
void Answer(Node& node, const std::shared_ptr<TrustService>& t, net::Responder respond, std::string der) {
  auto shared = std::make_shared<net::Responder>(std::move(respond));
  node.blocking().Submit([t, shared, der = std::move(der)] { (*shared)(OcspAnswer(*t, der)); });
}

}  // namespace

std::shared_ptr<TrustService> AddTrustRoutes(Node& node, net::Router& router) {
  auto t = std::make_shared<TrustService>();
  router.AddAsync(
      "POST", "/ocsp",
      [&node, t](net::HttpRequest&& req, net::Responder respond) {
        if (!t->ready) return respond(NotReady());
        Answer(node, t, std::move(respond), std::move(req.body));
      },
      "application/ocsp-request");
  router.AddAsync("GET", "/ocsp/{request}", [&node, t](net::HttpRequest&& req, net::Responder respond) {
    if (!t->ready) return respond(NotReady());
    auto der = Base64Decode(req.Param("request"));
    // Not base64: still an OCSP answer (malformedRequest), as clients expect.
    Answer(node, t, std::move(respond), der.ok() ? std::move(*der) : std::string());
  });
  router.AddAsync(
      "POST", "/tsa",
      [&node, t](net::HttpRequest&& req, net::Responder respond) {
        if (!t->ready) return respond(NotReady());
        auto shared = std::make_shared<net::Responder>(std::move(respond));
        // A new block of serials may be journaled: off the network thread.
        node.blocking().Submit([t, shared, body = std::move(req.body)] {
          std::string reply = t->tsa->Respond(body);
          (*shared)(reply.empty() ? net::JsonError(500, "internal", "the TSA could not answer")
                                  : net::TextResponse(std::move(reply), "application/timestamp-reply"));
        });
      },
      "application/timestamp-query");
  router.Add("GET", "/ca/{file}", [t](const net::HttpRequest& req) {
    if (!t->ready) return NotReady();
    std::string_view file = req.Param("file");
    X509* cert = nullptr;
    if (file == "root.crt") cert = t->ca->root_certificate();
    if (file == "eid.crt") cert = t->ca->eid_certificate();
    if (file == "org.crt") cert = t->ca->org_certificate();
    if (!cert) return net::JsonError(404, "not_found", "no CA certificate " + std::string(file) + " (root.crt, eid.crt, org.crt)");
    return net::TextResponse(CertificateDer(cert), "application/pkix-cert");
  });
  return t;
}

Status StartTrustService(TrustService& t, Node& node, const RoleConfig& role, const std::string& url) {
  auto pf = role.settings.find("passphrase_file");
  if (pf == role.settings.end()) return InvalidArgument("the trust role needs passphrase_file (it opens the CA keys)");
  std::ifstream in(pf->second);
  std::string passphrase;
  if (!in || !std::getline(in, passphrase)) return NotFound("cannot read the CA passphrase file " + pf->second);
  ASSIGN_OR_RETURN(store::Store * store, node.OpenStore("trust"));
  trust::CaOptions o;
  auto dir = role.settings.find("ca_dir");
  o.dir = dir != role.settings.end() ? dir->second : (std::filesystem::path(node.config().data_dir) / "trust").string();
  o.passphrase = passphrase;
  o.ocsp_url = url + "/ocsp";
  o.ca_issuers_url = url + "/ca";
  ASSIGN_OR_RETURN(t.ca, trust::CertificateAuthority::Open(*store, o));
  ASSIGN_OR_RETURN(t.responder, trust::OcspResponder::Create(*t.ca));
  ASSIGN_OR_RETURN(t.tsa, trust::TimestampAuthority::Create(*t.ca, *store));
  t.ready = true;
  return OkStatus();
}

}  // namespace riik::node
