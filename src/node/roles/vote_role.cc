// The vote role's wiring: the election's set-up, the voter list, the board, the routes
// (vote_role.h).
#include "node/roles/vote_role.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "core/encoding.h"
#include "core/file.h"
#include "core/in_flight.h"
#include "core/thread_pool.h"
#include "core/waiting_line.h"
#include "crypto/random.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "election/record.h"
#include "node/admin_api.h"
#include "node/node.h"
#include "node/role_keys.h"
#include "node/roles/browser_service.h"
#include "registry/exchange_caller.h"
#include "registry/personal_data.h"
#include "sign/container.h"
#include "sign/trust_anchors.h"
#include "vote/ballot_box.h"
#include "vote/pseudonym.h"
#include "vote/record_export.h"
#include "vote/voter_roll.h"
#include "vote/voter_store.h"

namespace riik::node {
namespace {

constexpr const char* kDefaultRollService = "EE/GOV/70000013/population/voters";

class VoteService : public RoleService {
 public:
  // `workers`: the node's pool for blocking work, where ballots are checked (bounded here).
  VoteService(const std::string& role, std::string store_name, std::set<std::string> pins, ThreadPool& workers,
              int max_waiting, int record_queue)
      : store_name_(std::move(store_name)),
        pins_(std::move(pins)),
        ballots_(static_cast<size_t>(max_waiting)),
        record_lookups_(role, "record", static_cast<size_t>(record_queue)),
        workers_(workers) {}
  // The node has stopped its pool (nothing new reaches the box) before its services go;
  // the box seals what it has, and answers.
  ~VoteService() override { box_.reset(); }

  Status Start(Node&, const RoleConfig&, const std::string&) override { return OkStatus(); }
  // The box opens before the role listens; /healthz says when it takes no ballot.
  std::string NotReady() const override { return box_ ? box_->Held() : "the ballot box is opening"; }
  std::vector<std::string> stores() const override { return {store_name_}; }
  ListenerPolicy listener_policy() const override {
    ListenerPolicy policy;
    policy.verify_client = [pins = pins_](X509* leaf) {
      return CheckPinned(pins, leaf, "only the vote service's security server");
    };
    policy.client_cert_optional = true;  // the public routes and the operator
    return policy;
  }

  // The published record: DIR/record, once `riik vote publish` has handed in a tally that
  // verifies against this board.
  void set_record_dir(std::string dir, X509* root) {
    record_dir_ = std::move(dir);
    root_ = root;
    // A publication cut short between its two renames leaves the old record aside.
    std::error_code ec;
    if (!std::filesystem::exists(record_dir_, ec) && std::filesystem::exists(record_dir_ + ".old", ec)) {
      std::filesystem::rename(record_dir_ + ".old", record_dir_, ec);
    }
    auto tally = ReadFileBounded(record_dir_ + "/tally.json", 128 << 20);
    if (tally.ok()) {
      std::lock_guard lock(result_mu_);
      auto parsed = ParseJson(*tally);
      result_ = parsed.ok() ? *parsed : Json();
    }
  }

  // The trustees' tally for this board: the record exported beside it, verified whole
  // (every proof, the counting rules, every decryption) before it is published.
  net::HttpResponse Publish(const Json& body) {
    if (!box_->closed()) return net::JsonError(409, "failed_precondition", "the board is not closed");
    if (!body.is_object() || !body.contains("tally") || !body["tally"].is_string()) {
      return net::JsonError(400, "invalid_argument",
                            "a publication is {\"tally\": \"<tally.json as the trustees made it>\"}");
    }
    // One publication at a time (an operator's retry while the first still verifies is told so).
    std::unique_lock publishing(publish_mu_, std::try_to_lock);
    if (!publishing.owns_lock()) {
      return net::JsonError(409, "failed_precondition", "a publication is under way: wait for its answer");
    }
    const std::string staging = record_dir_ + ".new", aside = record_dir_ + ".old";
    std::error_code ec;
    std::filesystem::remove_all(staging, ec);
    struct Cleanup {
      const std::string& dir;
      ~Cleanup() {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
      }
    } cleanup{staging};  // whatever happens, no half-made record is left behind
    auto exported = vote::ExportRecord(*store_, box_->election(), staging);
    if (!exported.ok()) return net::ErrorResponse(exported.status());
    Status written = WriteFileAtomic(staging + "/tally.json", body["tally"].get<std::string>(), /*secret=*/false);
    if (!written.ok()) return net::ErrorResponse(written);
    auto verified = election::VerifyRecord(staging, root_);
    if (!verified.ok()) {
      return net::JsonError(400, "invalid_argument",
                            "the tally does not verify against the board: " + verified.status().message());
    }
    // The new record in place of the old: the old one moved aside first, and back if the
    // new one cannot be put in its place.
    std::filesystem::remove_all(aside, ec);
    const bool had_one = std::filesystem::exists(record_dir_);
    if (had_one) std::filesystem::rename(record_dir_, aside, ec);
    if (ec) return net::JsonError(500, "internal", "the old record could not be moved aside: " + ec.message());
    std::filesystem::rename(staging, record_dir_, ec);
    if (ec) {
      std::error_code back;
      if (had_one) std::filesystem::rename(aside, record_dir_, back);
      return net::JsonError(500, "internal", "the record could not be put in place: " + ec.message());
    }
    std::filesystem::remove_all(aside, ec);
    {
      std::lock_guard lock(result_mu_);
      auto parsed = ParseJson(body["tally"].get<std::string>());
      result_ = parsed.ok() ? *parsed : Json();
    }
    return net::JsonResponse(
        {{"published", true}, {"entries", exported->entries}, {"counted", verified->count.counted}});
  }

  // The published record's files, for anyone (what `riik vote verify` checks), streamed
  // from disk: a national board is gigabytes. Looked up on the pool for blocking work,
  // never on a network thread, with at most record_queue waiting there.
  void RecordFileAsync(net::HttpRequest&& req, net::Responder responder) {
    if (!record_lookups_.Enter()) {
      return responder(net::Busy("too many requests at once; try again in a moment"));
    }
    auto respond = std::make_shared<net::Responder>(std::move(responder));
    workers_.Submit([this, request = std::make_shared<net::HttpRequest>(std::move(req)), respond] {
      record_lookups_.Leave();
      (*respond)(RecordFile(*request));
    });
  }
  net::HttpResponse RecordFile(const net::HttpRequest& req) {
    static const std::set<std::string, std::less<>> kFiles = {"manifest.json", "ceremony.json",     "voters.jsonl",
                                                              "board.jsonl",   "board_heads.jsonl", "tally.json"};
    std::string_view name = req.Param("name");
    if (!kFiles.contains(name)) return net::JsonError(404, "not_found", "the record has no such file");
    const std::string path = record_dir_ + "/" + std::string(name);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(std::filesystem::symlink_status(path, ec))) {
      return net::JsonError(404, "not_found", "the result is not published yet");
    }
    net::HttpResponse r;
    r.body_file = path;
    r.content_type = name.ends_with(".jsonl") ? "application/x-ndjson" : "application/json";
    return r;
  }

  Json PublishedResult() const {
    std::lock_guard lock(result_mu_);
    return result_;
  }

  // The box, and the trust its signature checks point into (kept as long).
  bool ready() const { return box_ != nullptr; }  // for Bind (browser_service.h)
  void set_box(std::unique_ptr<vote::BallotBox> box, sign::OwnedTrust trust, store::Store* store) {
    trust_ = std::move(trust);
    box_ = std::move(box);
    store_ = store;
    set_record_dir(record_dir_, trust_.roots.empty() ? nullptr : trust_.roots[0].get());
  }
  vote::BallotBox& box() { return *box_; }
  const std::set<std::string>& pins() const { return pins_; }

  // The voter signed in at the portal: X-Road-UserId, "EE" and a valid personal code.
  static Result<std::string> VoterCode(const net::HttpRequest& req) {
    std::string_view user = req.headers.Get("X-Road-UserId");
    if (user.empty()) return PermissionDenied("the voter is named by X-Road-UserId (EE and the personal code)");
    RETURN_IF_ERROR(registry::CheckUserId(user));
    return std::string(user.substr(2));
  }

  net::HttpResponse Election(const net::HttpRequest& req) {
    auto code = VoterCode(req);
    if (!code.ok()) return net::ErrorResponse(code.status());
    auto voter = box_->Voter(*code);
    if (!voter.ok()) return net::JsonError(404, "not_a_voter", voter.status().message());
    const vote::ElectionSetup& setup = box_->election();
    auto manifest = ParseJson(setup.manifest_json);
    if (!manifest.ok()) return net::ErrorResponse(manifest.status());
    Json contests = Json::array();
    for (const auto& contest : (*manifest)["contests"]) {
      if (contest.value("district", "") == voter->district) contests.push_back(contest);
    }
    return net::JsonResponse({{"manifest", std::move(*manifest)},
                              {"election", HexEncode(setup.manifest.hash)},
                              {"key", Base64Encode(setup.key.Bytes())},
                              {"voter", voter->voter},
                              {"district", voter->district},
                              {"contests", std::move(contests)},
                              {"closed", box_->closed()},
                              {"result", PublishedResult()}});
  }

  void Cast(net::HttpRequest&& req, net::Responder responder) {
    auto code = VoterCode(req);
    if (!code.ok()) return responder(net::ErrorResponse(code.status()));
    // A bounded queue: a ballot waiting holds its container in memory.
    if (!ballots_.Enter()) {
      return responder(net::Busy("the ballot box is busy; try again in a moment"));
    }
    auto respond = std::make_shared<net::Responder>(std::move(responder));
    // The place is given back when the box answers, or when the last copy of the task and
    // its callback goes (a task that threw before the box took it).
    auto held = std::make_shared<LeaveOnExit>(ballots_);
    workers_.Submit([this, container = std::move(req.body), code = std::move(*code), respond, held]() mutable {
      box_->Cast(std::move(container), code, [respond, held](Result<vote::CastReceipt> receipt) mutable {
        held.reset();
        if (!receipt.ok()) {
          const Status& st = receipt.status();
          // A refusal is the voter's to read: the reason, and that it is on the board.
          if (st.code() == Code::kInvalidArgument || st.code() == Code::kPermissionDenied ||
              st.code() == Code::kFailedPrecondition) {
            int status = st.code() == Code::kPermissionDenied     ? 403
                         : st.code() == Code::kFailedPrecondition ? 409
                                                                  : 400;
            return (*respond)(net::JsonError(status, "refused", st.message()));
          }
          return (*respond)(net::ErrorResponse(st));
        }
        (*respond)(net::JsonResponse(
            {{"ballot_hash", receipt->ballot_hash},
             {"vote_id", receipt->vote_id},
             {"time", FormatRfc3339(receipt->time_us)},
             {"leaf_index", receipt->leaf_index},
             {"head",
              {{"certificates", receipt->certificates}, {"head", transparency::TreeHeadToJson(receipt->head)}}}},
            201));
      });
    });
  }

  // Public: bounded on its own (a flood of checks is answered busy at once, never queued
  // without end in front of the ballots on the shared pool).
  void Check(net::HttpRequest&& req, net::Responder responder) {
    if (!checks_.Enter()) {
      return responder(net::Busy("too many checks at once; try again in a moment"));
    }
    auto respond = std::make_shared<net::Responder>(std::move(responder));
    workers_.Submit([this, vote_id = std::string(req.Param("vote_id")), respond] {
      LeaveOnExit done(checks_);
      auto answer = box_->Check(vote_id);
      // Unavailable: the board or the store could not be read, and nothing was counted.
      if (!answer.ok() && answer.status().code() == Code::kUnavailable) {
        return (*respond)(net::NotTaken(net::ErrorResponse(answer.status())));
      }
      (*respond)(answer.ok() ? net::JsonResponse(*answer) : net::ErrorResponse(answer.status()));
    });
  }

  // The election as published: anyone's (the voter's app reads the options' names here).
  net::HttpResponse Manifest(const net::HttpRequest&) {
    const vote::ElectionSetup& setup = box_->election();
    auto manifest = ParseJson(setup.manifest_json);
    if (!manifest.ok()) return net::ErrorResponse(manifest.status());
    return net::JsonResponse({{"manifest", std::move(*manifest)},
                              {"election", HexEncode(setup.manifest.hash)},
                              {"key", Base64Encode(setup.key.Bytes())}});
  }

  net::HttpResponse Head(const net::HttpRequest&) {
    auto head = box_->board().LatestHeadJson();
    return head.ok() ? net::JsonResponse(*head) : net::ErrorResponse(head.status());
  }

  net::HttpResponse Consistency(const net::HttpRequest& req) {
    int64_t from = 0, to = 0;
    for (auto [name, out] : {std::pair{"from", &from}, std::pair{"to", &to}}) {
      std::string text = req.QueryParam(name);
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
      if (ec != std::errc() || end != text.data() + text.size()) {
        return net::JsonError(400, "invalid_argument", std::string(name) + " must be a tree size");
      }
    }
    auto proof = box_->board().ConsistencyProof(from, to);
    return proof.ok() ? net::JsonResponse({{"from", from}, {"to", to}, {"proof", std::move(*proof)}})
                      : net::ErrorResponse(proof.status());
  }

 private:
  std::string store_name_;
  std::set<std::string> pins_;
  static constexpr size_t kMaxChecks = 16;
  InFlight ballots_;             // ballots queued or being checked (max_waiting)
  InFlight checks_{kMaxChecks};  // voters' checks queued or running
  WaitingLine record_lookups_;   // record files waiting to be looked up (record_queue)
  sign::OwnedTrust trust_;
  std::unique_ptr<vote::BallotBox> box_;
  store::Store* store_ = nullptr;
  std::string record_dir_;
  X509* root_ = nullptr;   // trust_'s
  std::mutex publish_mu_;  // one publication at a time
  mutable std::mutex result_mu_;
  Json result_;          // the published tally, or null
  ThreadPool& workers_;  // ballots' signatures and proofs are CPU work: never on the network threads
};

// The voter list at the first start: the organiser's voters.jsonl in the election's
// directory if there is one, else made from the population register's electoral roll
// through the exchange.
Result<election::VoterList> FirstVoterList(const RoleConfig& role, const std::string& dir,
                                           const election::Manifest& manifest, const std::string& secret,
                                           const std::string& client_id) {
  if (std::filesystem::exists(dir + "/voters.jsonl")) return vote::ReadVoterListFile(dir, manifest);
  ASSIGN_OR_RETURN(std::string url, role.Required("exchange_url", "the security server to ask the roll through"));
  ASSIGN_OR_RETURN(net::ClientOptions tls, ExchangeClientTls(role, url));
  tls.timeout = std::chrono::seconds(300);
  registry::ExchangeCaller caller(url, client_id, std::move(tls));
  const std::string query =
      "?election_day=" + FormatIsoDate(manifest.election_day) + "&cutoff=" + FormatIsoDate(manifest.voter_list_cutoff) +
      "&minimum_age=" + std::to_string(manifest.minimum_age) + "&citizenship=" + manifest.citizenship;
  ASSIGN_OR_RETURN(registry::ExchangeAnswer answer, caller.Get(role.Setting("roll_service", kDefaultRollService), query,
                                                               {.issue = "voter list of election " + manifest.id}));
  ASSIGN_OR_RETURN(vote::RollOutcome roll, vote::VoterListFromRoll(answer.bytes, manifest, secret));
  spdlog::info("vote {}: the voter list of {} voters made from the roll ({} outside the election's districts)",
               role.name, roll.voters.size(), roll.outside);
  return std::move(roll.voters);
}

}  // namespace

Result<std::shared_ptr<RoleService>> AddVoteRoutes(Node& node, const RoleConfig& role, net::Router& router) {
  const std::string subsystem = role.Setting("subsystem", "EE/GOV/74000026/vote");
  ASSIGN_OR_RETURN(std::string election_dir, role.Required("election_dir", "the election's manifest and ceremony"));
  const std::string store_name = RoleStoreName(role.name);
  const std::string dir = node.config().data_dir + "/" + store_name;
  RETURN_IF_ERROR(MakePrivateDirectory(dir));
  ASSIGN_OR_RETURN(std::string secret,
                   vote::LoadOrMakePseudonymSecret(role.Setting("pseudonym_key_file", dir + "/pseudonym.key")));
  ASSIGN_OR_RETURN(vote::ElectionSetup setup, vote::ReadElectionSetup(election_dir, /*with_voters=*/false));
  ASSIGN_OR_RETURN(store::Store * store, node.OpenStore(store_name));
  ASSIGN_OR_RETURN(std::optional<election::VoterList> stored, vote::LoadVoterList(*store, setup.manifest, &secret));
  if (!stored) {
    ASSIGN_OR_RETURN(election::VoterList first, FirstVoterList(role, election_dir, setup.manifest, secret, subsystem));
    RETURN_IF_ERROR(vote::SaveVoterList(*store, first, secret));
    stored = std::move(first);
  }
  setup.voters = std::move(*stored);
  // The voter list saved: from now on written a ballot at a time, each waited for.
  RETURN_IF_ERROR(store->Tune(store::kServing));

  ASSIGN_OR_RETURN(transparency::SignedLogOptions log, MemberLogOptions(node, role));
  // The heads' clock never goes back and is told each entry's time: a head covers only
  // entries of its time or before, even if the system clock steps back.
  auto head_clock = std::make_shared<MonotonicClock>();
  log.clock = ReadingOf(head_clock);
  log.log_id = election::BoardLogId(setup.manifest);
  log.leaf_check = vote::CheckBoardLeaf;
  const Digest signer_key = Sha256(PublicKeyDer(log.signing_key.get()));
  if (HexEncode(DigestBytes(signer_key)) != HexEncode(setup.manifest.board_key)) {
    return FailedPrecondition(
        "the manifest pins another board key than signing_cert's: the board's heads would not verify");
  }
  ASSIGN_OR_RETURN(std::string root_file, role.Required("trust_root", "the state root certificate"));
  ASSIGN_OR_RETURN(sign::OwnedTrust trust, sign::TrustFromRootFiles({root_file}));
  ASSIGN_OR_RETURN(auto board, transparency::SignedLog::Open(*store, std::move(log)));
  vote::BallotBoxOptions options;
  options.election = std::move(setup);
  options.pseudonym_secret = std::move(secret);
  options.verify.trust = trust.anchors;
  options.head_clock = head_clock;
  ASSIGN_OR_RETURN(auto box, vote::BallotBox::Open(*store, std::move(board), std::move(options)));

  ASSIGN_OR_RETURN(std::set<std::string> pins, ListenerPins(role, "the vote service"));
  ASSIGN_OR_RETURN(int64_t max_waiting, role.Number("max_waiting", 16, 1, 4096));
  ASSIGN_OR_RETURN(int64_t record_queue, role.Number("record_queue", 64, 1, 4096));
  auto service = std::make_shared<VoteService>(role.name, store_name, std::move(pins), node.blocking(),
                                               static_cast<int>(max_waiting), static_cast<int>(record_queue));
  service->set_record_dir(dir + "/record", nullptr);
  service->set_box(std::move(box), std::move(trust), store);

  if (!service->pins().empty()) {
    router.SetGate([](const net::HttpRequest& req) -> std::optional<net::HttpResponse> {
      if (req.peer_cert) return std::nullopt;  // the pinned security server (checked at the handshake)
      return net::JsonError(403, "exchange_only",
                            "voting goes through the citizen portal; the vote service answers only its security "
                            "server, and anyone at /check, /manifest, /board and /record");
    });
  }
  auto open = [](const net::HttpRequest&) -> std::optional<net::HttpResponse> { return std::nullopt; };
  std::weak_ptr<VoteService> weak = service;
  router.Add("GET", "/election", Bind(weak, &VoteService::Election));
  router.AddAsync("POST", "/ballots", Bind(weak, &VoteService::Cast), std::string(sign::kAsicMediaType));
  router.AddAsync("GET", "/check/{vote_id}", Bind(weak, &VoteService::Check), "", open);
  router.Add("GET", "/manifest", Bind(weak, &VoteService::Manifest), "", open);
  router.AddAsync("GET", "/record/{name}", Bind(weak, &VoteService::RecordFileAsync), "", open);
  router.Add("GET", "/board/head", Bind(weak, &VoteService::Head), "", open);
  router.Add("GET", "/board/consistency", Bind(weak, &VoteService::Consistency), "", open);

  auto admin = std::make_shared<AdminApi>();
  ASSIGN_OR_RETURN(admin->token, LoadOrCreateToken(AdminTokenPath(dir)));
  AddAdminRoute(node, router, admin, "/admin/paper", [weak](const Json& body) {
    auto s = weak.lock();
    if (!s) return net::JsonError(503, "unavailable", "the service is stopping");
    auto statement = Base64Decode(StringOr(body, "statement"));
    if (!body.is_object() || StringOr(body, "code").empty() || !statement.ok() || statement->empty()) {
      return net::JsonError(400, "invalid_argument",
                            "a paper vote is {\"code\": the voter's personal code, \"statement\": the polling "
                            "station's signed statement (ASiC-E, base64)}");
    }
    Status st = s->box().CancelForPaperVote(StringOr(body, "code"), *statement);
    return st.ok() ? net::JsonResponse({{"cancelled", true}}) : net::ErrorResponse(st);
  });
  AddAdminRoute(node, router, admin, "/admin/close", [weak](const Json&) {
    auto s = weak.lock();
    if (!s) return net::JsonError(503, "unavailable", "the service is stopping");
    Status st = s->box().Close();
    if (!st.ok()) return net::ErrorResponse(st);
    return net::JsonResponse({{"closed", true}, {"entries", s->box().board().size()}});
  });
  AddAdminRoute(node, router, admin, "/admin/result", [weak](const Json& body) {
    auto s = weak.lock();
    return s ? s->Publish(body) : net::JsonError(503, "unavailable", "the service is stopping");
  });
  admin->ready = true;
  return std::shared_ptr<RoleService>(service);
}

}  // namespace riik::node
