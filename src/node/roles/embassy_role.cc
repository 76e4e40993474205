// The embassy role's routes.
#include "node/roles/embassy_role.h"

#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <set>

#include "core/file.h"
#include "core/thread_pool.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "embassy/archive.h"
#include "exchange/trust_checks.h"
#include "node/node.h"

namespace riik::node {
namespace {

class EmbassyService : public RoleService {
 public:
  Status Start(Node&, const RoleConfig&, const std::string&) override { return OkStatus(); }
  std::vector<std::string> stores() const override { return {}; }
  ~EmbassyService() override { workers.Stop(); }

  std::unique_ptr<embassy::Archive> archive;
  UniquePtr<X509> trust_root;
  std::set<std::string> senders;  // SHA-256 hex of client certificates
  ThreadPool workers{4};          // appends wait on fsync
};

// Deny by default: only the configured senders' certificates.
Status Admit(const EmbassyService& e, const net::HttpRequest& req) {
  if (!req.peer_cert) return PermissionDenied("the embassy takes only mutual-TLS clients");
  std::string sha = DigestHex(Sha256(CertificateDer(req.peer_cert.get())));
  if (!e.senders.count(sha)) return PermissionDenied("this client certificate is not a sender of this embassy");
  return OkStatus();
}

// A non-negative decimal path parameter ("" or anything else: -1).
int64_t NumberParam(const net::HttpRequest& req, std::string_view name) {
  std::string_view text = req.Param(name);
  int64_t n = -1;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  return ec == std::errc() && p == text.data() + text.size() && n >= 0 ? n : -1;
}

net::HttpResponse Answer(const Result<embassy::ArchiveHead>& head) {
  if (!head.ok()) return net::ErrorResponse(head.status());
  return net::JsonResponse(head->ToJson());
}

}  // namespace

size_t EmbassyListenerBodyLimit() { return embassy::kMaxSegmentBytes + 64 * 1024; }

Result<std::shared_ptr<RoleService>> AddEmbassyRoutes(Node& node, const RoleConfig& role, net::Router& router) {
  auto e = std::make_shared<EmbassyService>();
  if (!role.listen.tls || role.listen.tls->client_ca_file.empty()) {
    return InvalidArgument("the embassy role listens only with mutual TLS: set tls.cert, tls.key and tls.client_ca");
  }
  ASSIGN_OR_RETURN(std::string root_path, role.Required("trust_root", "the state's root certificate, PEM"));
  ASSIGN_OR_RETURN(std::string root_pem, ReadFile(root_path));
  ASSIGN_OR_RETURN(e->trust_root, ParseCertificatePem(root_pem));
  for (const std::string& sha : role.List("senders")) {
    if (sha.size() != 64 || sha.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return InvalidArgument("senders holds '" + sha + "', not a SHA-256 in lower-case hex");
    }
    e->senders.insert(sha);
  }
  if (e->senders.empty()) {
    return InvalidArgument("the embassy role needs senders (SHA-256 of the client certificates that ship)");
  }
  std::string dir = role.Setting("archive_dir", node.config().data_dir + "/embassy-archive");
  ASSIGN_OR_RETURN(e->archive, embassy::Archive::Open(dir));
  ASSIGN_OR_RETURN(int64_t keep, role.Number("keep_snapshots", 3, 1, 1000));
  e->archive->set_keep_snapshots(static_cast<size_t>(keep));
  for (const auto& head : e->archive->Heads()) {
    if (!head.problem.ok()) spdlog::error("embassy archive: {}", head.problem.message());
  }

  router.Add("GET", "/v1/embassy/nodes", [e](const net::HttpRequest& req) {
    if (Status st = Admit(*e, req); !st.ok()) return net::ErrorResponse(st);
    Json list = Json::array();
    for (const auto& head : e->archive->Heads()) list.push_back(head.ToJson());
    return net::JsonResponse(Json{{"nodes", list}});
  });
  router.Add("GET", "/v1/embassy/nodes/{node}", [e](const net::HttpRequest& req) {
    if (Status st = Admit(*e, req); !st.ok()) return net::ErrorResponse(st);
    return Answer(e->archive->Head(std::string(req.Param("node"))));
  });
  router.Add("PUT", "/v1/embassy/nodes/{node}/signer", [e](const net::HttpRequest& req) {
    if (Status st = Admit(*e, req); !st.ok()) return net::ErrorResponse(st);
    auto chain = ParseCertificatesPem(req.body);
    if (!chain.ok()) return net::ErrorResponse(chain.status());
    Status st = exchange::VerifySignerChain(*chain, e->trust_root.get(), NowMicros(), "the signer");
    if (!st.ok()) return net::JsonError(403, "untrusted_signer", st.message());
    st = e->archive->PutSigner(std::string(req.Param("node")), req.body);
    return st.ok() ? net::JsonResponse(Json{{"ok", true}}) : net::ErrorResponse(st);
  });
  router.AddAsync("PUT", "/v1/embassy/nodes/{node}/checkpoints", [e](net::HttpRequest&& req, net::Responder respond) {
    if (Status st = Admit(*e, req); !st.ok()) return respond(net::ErrorResponse(st));
    auto shared = std::make_shared<net::Responder>(std::move(respond));
    e->workers.Submit([e, shared, node = std::string(req.Param("node")), body = std::move(req.body)] {
      Status st = e->archive->PutCheckpoint(node, body);
      (*shared)(st.ok() ? Answer(e->archive->Head(node)) : net::ErrorResponse(st));
    });
  });
  router.Add("PUT", "/v1/embassy/nodes/{node}/keys", [e](const net::HttpRequest& req) {
    if (Status st = Admit(*e, req); !st.ok()) return net::ErrorResponse(st);
    Status st = e->archive->PutKey(std::string(req.Param("node")), req.body);
    return st.ok() ? net::JsonResponse(Json{{"ok", true}}) : net::ErrorResponse(st);
  });
  router.AddAsync("POST", "/v1/embassy/nodes/{node}/segments", [e](net::HttpRequest&& req, net::Responder respond) {
    if (Status st = Admit(*e, req); !st.ok()) return respond(net::ErrorResponse(st));
    auto shared = std::make_shared<net::Responder>(std::move(respond));
    e->workers.Submit([e, shared, node = std::string(req.Param("node")), body = std::move(req.body)] {
      (*shared)(Answer(e->archive->Append(node, body)));
    });
  });
  // Snapshots (embassy/snapshot.h): the sealed chunks one by one, then the manifest.
  router.AddAsync(
      "PUT", "/v1/embassy/nodes/{node}/snapshots/{seq}/chunks/{index}",
      [e](net::HttpRequest&& req, net::Responder respond) {
        if (Status st = Admit(*e, req); !st.ok()) return respond(net::ErrorResponse(st));
        int64_t seq = NumberParam(req, "seq"), index = NumberParam(req, "index");
        if (seq < 1 || index < 0) {
          return respond(net::ErrorResponse(InvalidArgument("seq and index are numbers")));
        }
        auto shared = std::make_shared<net::Responder>(std::move(respond));
        e->workers.Submit([e, shared, seq, index, node = std::string(req.Param("node")), body = std::move(req.body)] {
          Status st = e->archive->PutSnapshotChunk(node, seq, static_cast<size_t>(index), body);
          (*shared)(st.ok() ? net::JsonResponse(Json{{"ok", true}}) : net::ErrorResponse(st));
        });
      });
  router.AddAsync("PUT", "/v1/embassy/nodes/{node}/snapshots/{seq}",
                  [e](net::HttpRequest&& req, net::Responder respond) {
                    if (Status st = Admit(*e, req); !st.ok()) return respond(net::ErrorResponse(st));
                    auto shared = std::make_shared<net::Responder>(std::move(respond));
                    e->workers.Submit([e, shared, node = std::string(req.Param("node")), body = std::move(req.body)] {
                      Status st = e->archive->PutSnapshot(node, body);
                      (*shared)(st.ok() ? Answer(e->archive->Head(node)) : net::ErrorResponse(st));
                    });
                  });
  return std::shared_ptr<RoleService>(e);
}

}  // namespace riik::node
