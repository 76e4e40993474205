// The signature validation service: verify, record, answer (sign_role.h).
#include "node/roles/sign_role.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <set>

#include "core/file.h"
#include "core/in_flight.h"
#include "core/thread_pool.h"
#include "crypto/json_fields.h"
#include "crypto/sha256.h"
#include "node/node.h"
#include "node/role_keys.h"
#include "node/roles/remote_signing.h"
#include "sign/manifest.h"
#include "sign/report.h"
#include "sign/trust_anchors.h"
#include "sign/verify.h"
#include "trust/http_ocsp.h"
#include "trust/http_timestamper.h"
#include "validation/validation_record.h"

namespace riik::node {
namespace {

constexpr int64_t kDefaultMaxContainer = 16 << 20;

class SignService : public RoleService {
 public:
  SignService(std::string store_name, std::unique_ptr<transparency::SignedLog> log, sign::OwnedTrust trust,
              std::set<std::string> pins, int workers, size_t max_bytes)
      : store_name_(std::move(store_name)),
        log_(std::move(log)),
        trust_(std::move(trust)),
        pins_(std::move(pins)),
        max_bytes_(max_bytes),
        waiting_(4 * static_cast<size_t>(workers)),
        workers_(workers) {}
  ~SignService() override { workers_.Stop(); }  // before the log goes

  Status Start(Node&, const RoleConfig&, const std::string&) override { return OkStatus(); }
  std::vector<std::string> stores() const override { return {store_name_}; }
  ListenerPolicy listener_policy() const override {
    ListenerPolicy policy;
    policy.verify_client = [pins = pins_](X509* leaf) {
      return CheckPinned(pins, leaf, "only the validation service's security server");
    };
    // Without a certificate a connection reaches /healthz and /metrics alone (the gate).
    policy.client_cert_optional = true;
    return policy;
  }

  void Validate(net::HttpRequest&& request, net::Responder responder) {
    // A bounded queue: each waiting container holds its body in memory, and a caller
    // that sends faster than the workers verify is told to come back, not queued forever.
    if (!waiting_.Enter()) {
      return responder(net::Busy("the validation service is busy; try again shortly"));
    }
    // std::function wants copyable tasks: the request and the responder are shared.
    auto req_ptr = std::make_shared<net::HttpRequest>(std::move(request));
    auto respond = std::make_shared<net::Responder>(std::move(responder));
    // A trusted list is believed only until its next update: a stale one stops the
    // service (restart it with a fresh list) rather than validate against old trust.
    if (trust_.list.next_update != 0 && NowMicros() > trust_.list.next_update) {
      waiting_.Leave();
      return (*respond)(net::JsonError(
          503, "stale_trust", "the trusted list this service trusts is past its next update; nothing was validated"));
    }
    workers_.Submit([this, req_ptr, respond] {
      LeaveOnExit done(waiting_);
      const net::HttpRequest& req = *req_ptr;
      sign::VerifyOptions options;
      options.trust = trust_.anchors;
      options.limits.max_archive_bytes = max_bytes_;
      // What one validation may inflate: a small multiple of the container, never more.
      options.limits.max_total_bytes = std::min<uint64_t>(uint64_t{64} << 20, uint64_t{8} * max_bytes_);
      options.limits.max_entry_bytes =
          std::min<uint64_t>(options.limits.max_entry_bytes, options.limits.max_total_bytes);
      sign::VerificationReport report = sign::VerifyContainer(req.body, options);
      Json report_json = sign::ReportJson(report);
      std::string report_text = report_json.dump(-1, ' ', false, Json::error_handler_t::replace);
      validation::ValidationRecord record = validation::RecordOf(report, DigestHex(Sha256(report_text)));
      record.client = std::string(req.headers.Get("X-Road-Client"));
      record.user_id = std::string(req.headers.Get("X-Road-UserId"));
      record.issue = std::string(req.headers.Get("X-Road-Issue"));
      record.xroad_id = std::string(req.headers.Get("X-Road-Id"));
      record.time_us = NowMicros();
      auto leaf = validation::RecordLeaf(record);
      if (!leaf.ok()) return (*respond)(net::ErrorResponse(leaf.status()));
      // The answer goes only once the record is durable under a signed tree head.
      log_->Append(
          record.container_sha256, std::move(*leaf),
          [respond, report_text = std::move(report_text),
           log_id = log_->log_id()](Result<transparency::Receipt> receipt) {
            if (!receipt.ok()) {
              spdlog::error("validation not recorded: {}", receipt.status().message());
              return (*respond)(
                  net::JsonError(503, "not_recorded", "the validation could not be recorded; nothing was answered"));
            }
            // The report's exact bytes, whose hash the record holds.
            std::string body =
                "{\"record\":" +
                Json{{"log_id", log_id}, {"leaf_index", receipt->leaf_index}, {"tree_size", receipt->tree_size}}
                    .dump() +
                ",\"report\":" + report_text + "}";
            net::HttpResponse response;
            response.body = std::move(body);
            (*respond)(std::move(response));
          });
    });
  }

  // Remote signing (remote_signing.h), when the service is a client of the signing API.
  void set_remote(std::unique_ptr<RemoteSigning> remote) { remote_ = std::move(remote); }
  bool remote() const { return remote_ != nullptr; }
  void StartSigning(net::HttpRequest&& req, net::Responder responder) {
    auto respond = std::make_shared<net::Responder>(std::move(responder));
    auto request = std::make_shared<net::HttpRequest>(std::move(req));
    workers_.Submit([this, request, respond] {
      const net::HttpRequest& r = *request;
      auto started = remote_->Start(std::string(r.headers.Get("X-Road-Client")),
                                    std::string(r.headers.Get("X-Road-UserId")), r.QueryParam("description"), r.body);
      (*respond)(started.ok() ? net::JsonResponse(*started, 201) : net::ErrorResponse(started.status()));
    });
  }
  void PollSigning(net::HttpRequest&& req, net::Responder responder) {
    auto respond = std::make_shared<net::Responder>(std::move(responder));
    workers_.Submit([this, caller = std::string(req.headers.Get("X-Road-Client")),
                     session = std::string(req.Param("session")), respond] {
      auto state = remote_->Poll(caller, session);
      (*respond)(state.ok() ? net::JsonResponse(*state) : net::ErrorResponse(state.status()));
    });
  }
  net::HttpResponse SignedContainer(const net::HttpRequest& req) {
    auto bytes =
        remote_->SignedContainer(std::string(req.headers.Get("X-Road-Client")), std::string(req.Param("session")));
    if (!bytes.ok()) return net::ErrorResponse(bytes.status());
    net::HttpResponse r;
    r.body = std::move(*bytes);
    r.content_type = std::string(sign::kAsicMediaType);
    return r;
  }

  void Validations(net::HttpRequest&& req, net::Responder responder) {
    auto respond = std::make_shared<net::Responder>(std::move(responder));
    workers_.Submit([this, key = std::string(req.Param("sha256")), respond] {
      if (!DigestFromHex(key).ok())
        return (*respond)(
            net::JsonError(400, "invalid_argument", "give the container's SHA-256 as 64 lower-case hex digits"));
      auto entries = log_->EntriesFor(key);
      auto head = entries.ok() ? log_->LatestHeadJson() : Result<Json>(entries.status());
      if (!head.ok()) return (*respond)(net::ErrorResponse(head.status()));
      (*respond)(net::JsonResponse(Json{{"entries", std::move(*entries)}, {"head", std::move(*head)}}));
    });
  }

 private:
  std::string store_name_;
  std::unique_ptr<transparency::SignedLog> log_;
  sign::OwnedTrust trust_;
  std::set<std::string> pins_;
  size_t max_bytes_;
  InFlight waiting_;  // validations queued or running at once (4 per worker)
  std::unique_ptr<RemoteSigning> remote_;
  ThreadPool workers_;  // verifications are CPU work: never on the network threads
};

// Remote signing's options from the role's settings: the signing API's client secret
// (signing_client_secret_file; none: no remote signing), the sign-in service (auth_url,
// or the auth role of this process), the eID CA (eid_ca), the TSA and OCSP (tsa_url and
// ocsp_url, or the trust role of this process), and how many signings may wait for
// people at once (max_signings), for one member (max_signings_per_member) and, of a
// member's, for one person (max_signings_per_person).
Result<std::unique_ptr<RemoteSigning>> OpenRemoteSigning(Node& node, const RoleConfig& role,
                                                         const std::string& subsystem) {
  std::string secret_file = role.Setting("signing_client_secret_file");
  if (secret_file.empty()) return std::unique_ptr<RemoteSigning>();
  ASSIGN_OR_RETURN(std::string secret_text, ReadSecretFile(secret_file));
  std::string auth_url = role.Setting("auth_url"), tsa_url = role.Setting("tsa_url"),
              ocsp_url = role.Setting("ocsp_url");
  for (const auto& r : node.roles()) {
    if (auth_url.empty() && r.kind == "auth") auth_url = r.url;
    if (tsa_url.empty() && r.kind == "trust") tsa_url = r.url + "/tsa";
    if (ocsp_url.empty() && r.kind == "trust") ocsp_url = r.url + "/ocsp";
  }
  if (auth_url.empty() || tsa_url.empty() || ocsp_url.empty()) {
    return InvalidArgument("remote signing needs auth_url, tsa_url and ocsp_url (or auth and trust roles here)");
  }
  ASSIGN_OR_RETURN(std::string trust_root, role.Required("trust_root", "the state root certificate"));
  ASSIGN_OR_RETURN(std::string eid_ca, role.Required("eid_ca", "the citizens' eID CA certificate (PEM)"));
  RemoteSigningOptions o;
  ASSIGN_OR_RETURN(int64_t most, role.Number("max_signings", 100, 1, 1'000'000));
  ASSIGN_OR_RETURN(int64_t per_member, role.Number("max_signings_per_member", 20, 1, 1'000'000));
  ASSIGN_OR_RETURN(int64_t per_person, role.Number("max_signings_per_person", 3, 1, 3));
  o.limits.under_way = static_cast<size_t>(most);
  o.limits.per_caller = static_cast<size_t>(per_member);
  o.limits.per_person = static_cast<size_t>(per_person);
  net::ClientOptions tls{.ca_file = trust_root, .timeout = std::chrono::seconds(10)};
  ASSIGN_OR_RETURN(o.client, SigningClient::Create(auth_url, tls, role.Setting("signing_client_id", subsystem),
                                                   secret_text.substr(0, secret_text.find('\n'))));
  ASSIGN_OR_RETURN(o.issuers, ReadChain(eid_ca));
  o.sign.timestamp = trust::HttpTimestamper([tsa_url] { return tsa_url; }, tls);
  o.sign.ocsp = [ocsp_url](std::string_view request) { return trust::PostOcspRequest(ocsp_url, request); };
  ASSIGN_OR_RETURN(auto roots, ReadChain(trust_root));
  o.root = std::move(roots[0]);
  o.sign.trust_root = o.root.get();
  return std::make_unique<RemoteSigning>(std::move(o));
}

}  // namespace

size_t SignListenerBodyLimit(const RoleConfig& role) {
  auto limit = role.Number("max_container_bytes", kDefaultMaxContainer, 1, 1LL << 30);
  return static_cast<size_t>(limit.ok() ? *limit : kDefaultMaxContainer);
}

Result<std::shared_ptr<RoleService>> AddSignRoutes(Node& node, const RoleConfig& role, net::Router& router) {
  std::string subsystem = role.Setting("subsystem", "EE/GOV/70006317/sign");
  ASSIGN_OR_RETURN(std::set<std::string> pins, ListenerPins(role, "the validation service"));
  // Trust: the state root, or (trusted_list with trusted_list_signer) a trusted list's services.
  std::string list_file = role.Setting("trusted_list", "");
  Result<sign::OwnedTrust> trust = InvalidArgument("no trust anchors");
  if (list_file.empty()) {
    ASSIGN_OR_RETURN(std::string root_file, role.Required("trust_root", "the state root certificate"));
    trust = sign::TrustFromRootFiles({root_file});
  } else {
    ASSIGN_OR_RETURN(std::string signer_file,
                     role.Required("trusted_list_signer", "the trusted list's signing certificate (PEM)"));
    trust = sign::TrustFromTrustedListFile(list_file, signer_file, NowMicros());
  }
  if (!trust.ok()) return trust.status();
  ASSIGN_OR_RETURN(transparency::SignedLogOptions log_options, MemberLogOptions(node, role));
  log_options.log_id = "validation:" + subsystem;
  log_options.leaf_check = validation::CheckValidationLeaf;
  const std::string store_name = RoleStoreName(role.name);
  // The store holds the validation log alone: a small batch at a time, each waited for.
  ASSIGN_OR_RETURN(store::Store * store, node.OpenStore(store_name, store::kSmallCommits));
  ASSIGN_OR_RETURN(auto log, transparency::SignedLog::Open(*store, std::move(log_options)));
  ASSIGN_OR_RETURN(int64_t workers, role.Number("workers", 2, 1, 64));
  auto service = std::make_shared<SignService>(store_name, std::move(log), std::move(*trust), pins,
                                               static_cast<int>(workers), SignListenerBodyLimit(role));
  if (!pins.empty()) {
    router.SetGate([](const net::HttpRequest& req) -> std::optional<net::HttpResponse> {
      if (req.peer_cert) return std::nullopt;  // the pinned security server (checked at the handshake)
      return net::JsonError(403, "exchange_only",
                            "the validation service answers only its security server; call it through the exchange");
    });
  }
  ASSIGN_OR_RETURN(auto remote, OpenRemoteSigning(node, role, subsystem));
  service->set_remote(std::move(remote));
  std::weak_ptr<SignService> weak = service;
  if (service->remote()) {
    router.AddAsync(
        "POST", "/signing",
        [weak](net::HttpRequest&& req, net::Responder respond) {
          if (auto s = weak.lock()) s->StartSigning(std::move(req), std::move(respond));
        },
        std::string(sign::kAsicMediaType));
    router.AddAsync("GET", "/signing/{session}", [weak](net::HttpRequest&& req, net::Responder respond) {
      if (auto s = weak.lock()) s->PollSigning(std::move(req), std::move(respond));
    });
    router.Add("GET", "/signing/{session}/container", [weak](const net::HttpRequest& req) {
      auto s = weak.lock();
      return s ? s->SignedContainer(req) : net::JsonError(503, "unavailable", "the service is stopping");
    });
  }
  router.AddAsync(
      "POST", "/validate",
      [weak](net::HttpRequest&& req, net::Responder respond) {
        if (auto s = weak.lock()) s->Validate(std::move(req), std::move(respond));
      },
      std::string(sign::kAsicMediaType));
  router.AddAsync("GET", "/validations/{sha256}", [weak](net::HttpRequest&& req, net::Responder respond) {
    if (auto s = weak.lock()) s->Validations(std::move(req), std::move(respond));
  });
  return std::shared_ptr<RoleService>(service);
}

}  // namespace riik::node
