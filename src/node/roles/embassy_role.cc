// The embassy role's routes.
#include "node/roles/embassy_role.h"

#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/file.h"
#include "core/thread_pool.h"
#include "crypto/x509.h"
#include "embassy/archive.h"
#include "node/node.h"
#include "node/role_keys.h"
#include "trust/chain_checks.h"

namespace riik::node {
namespace {

// A node that ships here: which nodes it may write, and the one certificate their
// segments are signed by.
struct Sender {
  std::vector<std::string> nodes;  // names, or prefixes ending in '*'
  std::string signer_der;          // the configured signing certificate's DER
  std::string signer_pem;
};

class EmbassyService : public RoleService {
 public:
  Status Start(Node&, const RoleConfig&, const std::string&) override { return OkStatus(); }
  std::vector<std::string> stores() const override { return {}; }
  // Stops the workers first: a task runs only while the service is alive. Tasks hold a
  // plain pointer, never a share of it, or the last share could go on a worker, whose
  // destructor would then join its own thread (std::terminate: "Resource deadlock").
  ~EmbassyService() override { workers.Stop(); }
  // The senders' certificates alone get past the handshake, over TLS 1.3.
  ListenerPolicy listener_policy() const override {
    ListenerPolicy policy;
    std::set<std::string> pins;
    for (const auto& [sha, sender] : senders) pins.insert(sha);
    policy.verify_client = [pins](X509* leaf) { return CheckPinned(pins, leaf, "only this embassy's senders"); };
    policy.require_tls13 = true;
    return policy;
  }

  std::unique_ptr<embassy::Archive> archive;
  UniquePtr<X509> trust_root;
  std::map<std::string, Sender> senders;  // by the SHA-256 (hex) of the client certificate
  ThreadPool workers{4};                  // appends wait on fsync
};

bool NodeAllowed(const Sender& s, std::string_view node) {
  for (const std::string& n : s.nodes) {
    if (n == node || (n.ends_with('*') && node.starts_with(std::string_view(n).substr(0, n.size() - 1)))) return true;
  }
  return false;
}

// Deny by default: a configured sender's certificate (checked at the handshake too),
// writing a node it is configured for. Returns the sender.
Result<const Sender*> Admit(const EmbassyService& e, const net::HttpRequest& req) {
  if (!req.peer_cert) return PermissionDenied("the embassy takes only mutual-TLS clients");
  auto it = e.senders.find(CertificateSha256Hex(req.peer_cert.get()));
  if (it == e.senders.end()) return PermissionDenied("this client certificate is not a sender of this embassy");
  std::string_view node = req.Param("node");
  if (!node.empty() && !NodeAllowed(it->second, node)) {
    std::string allowed;
    for (const std::string& n : it->second.nodes) allowed += (allowed.empty() ? "" : ", ") + n;
    return PermissionDenied("this sender may ship only " + allowed + ", not " + std::string(node.substr(0, 64)));
  }
  return &it->second;
}

// The senders: `senders` (SHA-256 of each client certificate), and for each,
// sender_nodes.SHA (the node names it ships, a trailing * a prefix) and
// sender_signer.SHA (its segments' signing certificate, PEM, chaining to the root).
Result<std::map<std::string, Sender>> ReadSenders(const RoleConfig& role, X509* root) {
  std::map<std::string, Sender> senders;
  for (const std::string& sha : role.List("senders")) {
    if (sha.size() != 64 || sha.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return InvalidArgument("senders holds '" + sha + "', not a SHA-256 in lower-case hex");
    }
    Sender s;
    s.nodes = role.List("sender_nodes." + sha);
    if (s.nodes.empty()) {
      return InvalidArgument("sender_nodes." + sha + " must list the node names that sender ships (deny by default)");
    }
    ASSIGN_OR_RETURN(std::string signer_path,
                     role.Required("sender_signer." + sha, "the certificate that sender's segments are signed by"));
    ASSIGN_OR_RETURN(s.signer_pem, ReadFile(signer_path));
    ASSIGN_OR_RETURN(auto chain, ParseCertificatesPem(s.signer_pem));
    RETURN_IF_ERROR(trust::VerifySignerChain(chain, root, NowMicros(), "sender_signer." + sha));
    s.signer_der = CertificateDer(chain[0].get());
    senders[sha] = std::move(s);
  }
  if (senders.empty()) {
    return InvalidArgument("the embassy role needs senders (SHA-256 of the client certificates that ship)");
  }
  return senders;
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
  ASSIGN_OR_RETURN(e->senders, ReadSenders(role, e->trust_root.get()));
  std::string dir = role.Setting("archive_dir", node.config().data_dir + "/embassy-archive");
  ASSIGN_OR_RETURN(e->archive, embassy::Archive::Open(dir));
  ASSIGN_OR_RETURN(int64_t quota_mib, role.Number("quota_mib", 10240, 0, int64_t{1} << 30));
  e->archive->set_quota_bytes(static_cast<uint64_t>(quota_mib) << 20);
  ASSIGN_OR_RETURN(int64_t keep, role.Number("keep_snapshots", 3, 1, 1000));
  e->archive->set_keep_snapshots(static_cast<size_t>(keep));
  for (const auto& head : e->archive->Heads()) {
    if (!head.problem.ok()) spdlog::error("embassy archive: {}", head.problem.message());
  }

  router.Add("GET", "/v1/embassy/nodes", [e](const net::HttpRequest& req) {
    auto sender = Admit(*e, req);
    if (!sender.ok()) return net::ErrorResponse(sender.status());
    Json list = Json::array();  // the sender's own nodes only
    for (const auto& head : e->archive->Heads()) {
      if (NodeAllowed(**sender, head.node)) list.push_back(head.ToJson());
    }
    return net::JsonResponse(Json{{"nodes", list}});
  });
  router.Add("GET", "/v1/embassy/nodes/{node}", [e](const net::HttpRequest& req) {
    if (auto sender = Admit(*e, req); !sender.ok()) return net::ErrorResponse(sender.status());
    return Answer(e->archive->Head(std::string(req.Param("node"))));
  });
  router.Add("PUT", "/v1/embassy/nodes/{node}/signer", [e](const net::HttpRequest& req) {
    auto sender = Admit(*e, req);
    if (!sender.ok()) return net::ErrorResponse(sender.status());
    auto chain = ParseCertificatesPem(req.body);
    if (!chain.ok()) return net::ErrorResponse(chain.status());
    // The signer is the one configured for this sender, not whatever it announces.
    if (CertificateDer((*chain)[0].get()) != (*sender)->signer_der) {
      return net::JsonError(403, "untrusted_signer",
                            "this embassy takes " + std::string(req.Param("node")) +
                                "'s segments signed only by the certificate configured for its sender");
    }
    Status st = trust::VerifySignerChain(*chain, e->trust_root.get(), NowMicros(), "the signer");
    if (!st.ok()) return net::JsonError(403, "untrusted_signer", st.message());
    st = e->archive->PutSigner(std::string(req.Param("node")), req.body);
    return st.ok() ? net::JsonResponse(Json{{"ok", true}}) : net::ErrorResponse(st);
  });
  router.AddAsync("PUT", "/v1/embassy/nodes/{node}/checkpoints", [e](net::HttpRequest&& req, net::Responder respond) {
    if (auto sender = Admit(*e, req); !sender.ok()) return respond(net::ErrorResponse(sender.status()));
    auto shared = std::make_shared<net::Responder>(std::move(respond));
    e->workers.Submit([e = e.get(), shared, node = std::string(req.Param("node")), body = std::move(req.body)] {
      Status st = e->archive->PutCheckpoint(node, body);
      (*shared)(st.ok() ? Answer(e->archive->Head(node)) : net::ErrorResponse(st));
    });
  });
  router.Add("PUT", "/v1/embassy/nodes/{node}/keys", [e](const net::HttpRequest& req) {
    if (auto sender = Admit(*e, req); !sender.ok()) return net::ErrorResponse(sender.status());
    Status st = e->archive->PutKey(std::string(req.Param("node")), req.body);
    return st.ok() ? net::JsonResponse(Json{{"ok", true}}) : net::ErrorResponse(st);
  });
  router.AddAsync("POST", "/v1/embassy/nodes/{node}/segments", [e](net::HttpRequest&& req, net::Responder respond) {
    if (auto sender = Admit(*e, req); !sender.ok()) return respond(net::ErrorResponse(sender.status()));
    auto shared = std::make_shared<net::Responder>(std::move(respond));
    e->workers.Submit([e = e.get(), shared, node = std::string(req.Param("node")), body = std::move(req.body)] {
      (*shared)(Answer(e->archive->Append(node, body)));
    });
  });
  // Snapshots (embassy/snapshot.h): the sealed chunks one by one, then the manifest.
  router.AddAsync("PUT", "/v1/embassy/nodes/{node}/snapshots/{seq}/chunks/{index}",
                  [e](net::HttpRequest&& req, net::Responder respond) {
                    if (auto sender = Admit(*e, req); !sender.ok()) return respond(net::ErrorResponse(sender.status()));
                    int64_t seq = NumberParam(req, "seq"), index = NumberParam(req, "index");
                    if (seq < 1 || index < 0) {
                      return respond(net::ErrorResponse(InvalidArgument("seq and index are numbers")));
                    }
                    auto shared = std::make_shared<net::Responder>(std::move(respond));
                    e->workers.Submit([e = e.get(), shared, seq, index, node = std::string(req.Param("node")),
                                       body = std::move(req.body)] {
                      Status st = e->archive->PutSnapshotChunk(node, seq, static_cast<size_t>(index), body);
                      (*shared)(st.ok() ? net::JsonResponse(Json{{"ok", true}}) : net::ErrorResponse(st));
                    });
                  });
  router.AddAsync(
      "PUT", "/v1/embassy/nodes/{node}/snapshots/{seq}", [e](net::HttpRequest&& req, net::Responder respond) {
        if (auto sender = Admit(*e, req); !sender.ok()) return respond(net::ErrorResponse(sender.status()));
        auto shared = std::make_shared<net::Responder>(std::move(respond));
        e->workers.Submit([e = e.get(), shared, node = std::string(req.Param("node")), body = std::move(req.body)] {
          Status st = e->archive->PutSnapshot(node, body);
          (*shared)(st.ok() ? Answer(e->archive->Head(node)) : net::ErrorResponse(st));
        });
      });
  return std::shared_ptr<RoleService>(e);
}

}  // namespace riik::node
