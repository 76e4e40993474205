// The ballot box with real parts: citizens' eIDs on software tokens signing their
// ballots with PIN2 (BDOC with the TSA's timestamp and the OCSP answer), the state CA,
// the election's board as a signed, timestamped log in a SQLite store. Casting,
// re-voting, each refusal (recorded on the board), the voter's check and its limits, a
// paper vote, closing, a restart, and the exported record counted by the verifier.
#include "vote/ballot_box.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/encoding.h"
#include "core/file.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "eid/enroll.h"
#include "eid/software_token.h"
#include "election/ballot.h"
#include "election/key_ceremony.h"
#include "election/record.h"
#include "election/record_json.h"
#include "election/test_manifest.h"
#include "ledger/merkle.h"
#include "ledger/merkle_frontier.h"
#include "sign/container.h"
#include "sign/signer.h"
#include "sign/trust_anchors.h"
#include "support/temp_dir.h"
#include "transparency/entry_check.h"
#include "transparency/stored_log.h"
#include "trust/ocsp_responder.h"
#include "trust/test_ca.h"
#include "trust/tsa.h"
#include "vote/annex.h"
#include "vote/paper_vote.h"
#include "vote/pseudonym.h"
#include "vote/record_export.h"

namespace riik::vote {
namespace {

using election::Choice;

constexpr const char* kMari = "48705120271";  // district 1
constexpr const char* kJaan = "38001085718";  // district 2
constexpr const char* kTonu = "36107212142";  // not on the list
constexpr const char* kPin2 = "01497";

UniquePtr<X509> Ref(X509* cert) {
  X509_up_ref(cert);
  return UniquePtr<X509>(cert);
}

// The root of a board's text as the record's check computes it, a leaf per line: what
// VerifyAnnex is given for a board the operator doctored and signed again (its record
// would verify, the board key being the operator's).
std::string BoardRoot(std::string_view board) {
  ledger::MerkleFrontier frontier;
  for (size_t at = 0, end; (end = board.find('\n', at)) != std::string_view::npos; at = end + 1) {
    frontier.Append(ledger::LeafHash(board.substr(at, end - at)));
  }
  return DigestHex(frontier.Root());
}

class BallotBoxTest : public ::testing::Test {
 protected:
  // The board's root as the record's check finds it (RecordReport::board_root): what
  // VerifyAnnex holds the board it reads to.
  std::string VerifiedRoot(const std::string& record) {
    auto counted = election::CountRecord(record, ca_->root_certificate());
    EXPECT_TRUE(counted.ok()) << counted.status().message();
    return counted.ok() ? counted->board_root : std::string();
  }

  void SetUp() override {
    trust::TestCa test_ca = trust::OpenTestCa(dir_);
    ASSERT_TRUE(test_ca.ca);
    trust_store_ = std::move(test_ca.store);
    ca_ = std::move(test_ca.ca);
    // The TSA and the responder keep the box's (shiftable) time: the board's heads are
    // dated by it, and a head dated after its timestamp is refused.
    tsa_ = std::move(*trust::TimestampAuthority::Create(*ca_, *trust_store_, [this] { return Now(); }));
    ocsp_ = std::move(*trust::OcspResponder::Create(*ca_, 60, [this] { return Now(); }));
    for (const char* code : {kMari, kJaan, kTonu}) tokens_[code] = Enroll(code);

    // The board's signer: a member signing certificate, whose key the manifest pins.
    board_key_ = std::move(*GenerateEcKey("P-256"));
    board_cert_pem_ = trust::IssueMemberSigning(*ca_, board_key_.get(), "EE/GOV/70000000/vote",
                                                "Riigi Valimisteenistus", "NTREE-70000000")
                          ->pem;

    const UnixMicros now = NowMicros();
    std::string manifest = election::testing::TestManifestJson(DigestHex(Sha256(PublicKeyDer(board_key_.get()))));
    ReplaceIn(manifest, "2027-02-24T07:00:00Z", FormatRfc3339Seconds(now - 3600'000'000LL));
    ReplaceIn(manifest, "2027-03-01T18:00:00Z", FormatRfc3339Seconds(now + 3600'000'000LL));
    ReplaceIn(manifest, "2027-03-05", "2030-03-05");
    if (board_timestamped_within_ > 0) {
      Json j = Json::parse(manifest);
      j["board_timestamped_within"] = board_timestamped_within_;
      manifest = j.dump();
    }
    if (!official_.empty()) {  // the polling station's official, by their signing certificate
      Json j = Json::parse(manifest);
      j["paper_vote_officials"] = {SigningCertificateSha256(official_)};
      manifest = j.dump();
    }
    setup_.manifest_json = manifest;
    auto parsed = election::ParseManifest(manifest);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    setup_.manifest = *parsed;
    std::vector<election::TrusteeCommitments> ceremony;
    for (uint32_t i = 1; i <= 5; ++i) {
      ceremony.push_back(election::Commit(setup_.manifest.hash, i, election::NewPolynomial(3)));
    }
    setup_.ceremony_json = election::CeremonyToJson(ceremony);
    setup_.key = election::ElectionKey(ceremony);
    ASSERT_TRUE(setup_.voters.Add(VoterPseudonym(secret_, kMari), "1").ok());
    ASSERT_TRUE(setup_.voters.Add(VoterPseudonym(secret_, kJaan), "2").ok());

    auto store = store::Store::Open({"sqlite:" + dir_ / "vote.db", "vote"});
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    OpenBox();
  }

  void TearDown() override {
    box_.reset();
    store_.reset();
  }

  static void ReplaceIn(std::string& text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
  }

  std::unique_ptr<eid::Token> Enroll(const std::string& code) {
    auto token = eid::SoftwareToken::Open(dir_ / ("token-" + code), eid::kPublishedPinKdfIterations);
    EXPECT_TRUE(token.ok());
    auto issue = [this](const trust::EidRequest& r) { return ca_->IssueEid(r); };
    auto enrolled = eid::Enroll(**token, issue, {code, "Test", "Voter"}, eid::Pins{"0090", kPin2, "17258403"});
    EXPECT_TRUE(enrolled.ok()) << enrolled.status().ToString();
    return std::move(*token);
  }

  UnixMicros Now() const { return NowMicros() + offset_.load(); }

  void OpenBox() {
    transparency::SignedLogOptions log;
    log.log_id = election::BoardLogId(setup_.manifest);
    EVP_PKEY_up_ref(board_key_.get());
    log.signing_key = UniquePtr<EVP_PKEY>(board_key_.get());
    log.certificate_chain.push_back(std::move(*ParseCertificatePem(board_cert_pem_)));
    log.certificate_chain.push_back(Ref(ca_->org_certificate()));
    log.trust_root = Ref(ca_->root_certificate());
    log.timestamp = [this](std::string_view digest) -> Result<std::string> {
      if (tsa_down_) return Unavailable("the TSA does not answer");
      return tsa_->TimestampDigest(digest);
    };
    log.timestamp_interval = std::chrono::milliseconds(0);
    log.clock = [this] { return Now(); };
    log.leaf_check = CheckBoardLeaf;
    auto board = transparency::SignedLog::Open(*store_, std::move(log));
    ASSERT_TRUE(board.ok()) << board.status().message();
    BallotBoxOptions options;
    options.election = setup_;
    options.pseudonym_secret = secret_;
    options.verify.trust = sign::TrustAnchors::FromRoots({ca_->root_certificate()});
    options.clock = [this] { return Now(); };
    auto box = BallotBox::Open(*store_, std::move(*board), std::move(options));
    ASSERT_TRUE(box.ok()) << box.status().message();
    box_ = std::move(*box);
  }

  // The voter's side: encrypts `choices`, puts ballot.json in a container and signs it
  // with `signer`'s PIN2 key.
  std::string SignedBallot(const std::string& voter_code, const std::string& district, std::vector<Choice> choices,
                           const std::string& signer_code = "", election::BallotRandomness* randomness = nullptr) {
    auto cast =
        election::EncryptBallot(setup_.manifest, setup_.key, VoterPseudonym(secret_, voter_code), district, choices);
    EXPECT_TRUE(cast.ok()) << cast.status().message();
    if (randomness) *randomness = cast->randomness;
    sign::Container container;
    container.files.push_back({"ballot.json", "application/json", election::BallotToJson(cast->ballot)});
    return Sign(container, signer_code.empty() ? voter_code : signer_code);
  }

  // The polling station's statement that `voter_code` voted on paper, signed by `official`.
  std::string PaperStatement(const std::string& voter_code, const std::string& official = kTonu,
                             const std::string& election = "") {
    sign::Container container;
    container.files.push_back({std::string(kPaperVoteFileName), "application/json",
                               PaperVoteJson(election.empty() ? setup_.manifest.hash : election, voter_code)});
    return Sign(container, official);
  }

  std::string SigningCertificateSha256(const std::string& code) {
    auto cert = tokens_.at(code)->Certificate(trust::EidKey::kSigning);
    EXPECT_TRUE(cert.ok());
    return cert.ok() ? CertificateSha256Hex(cert->get()) : std::string();
  }

  std::string Sign(sign::Container& container, const std::string& code) {
    eid::Token& token = *tokens_.at(code);
    auto key = token.PrivateKey(trust::EidKey::kSigning, kPin2);
    auto cert = token.Certificate(trust::EidKey::kSigning);
    EXPECT_TRUE(key.ok() && cert.ok());
    sign::SignerKey signer{key->get(), cert->get(), {ca_->eid_certificate(), ca_->root_certificate()}};
    sign::SignOptions o;
    o.timestamp = [this](std::string_view digest) { return tsa_->TimestampDigest(digest); };
    o.ocsp = [this](std::string_view request) -> Result<std::string> { return ocsp_->Respond(request); };
    o.trust_root = ca_->root_certificate();
    auto added = sign::AddSignature(container, signer, o);
    EXPECT_TRUE(added.ok()) << added.status().message();
    auto bytes = sign::WriteContainer(container);
    EXPECT_TRUE(bytes.ok()) << bytes.status().message();
    return bytes.ok() ? *bytes : std::string();
  }

  Result<CastReceipt> Cast(std::string container, const std::string& code) {
    std::promise<Result<CastReceipt>> promise;
    box_->Cast(std::move(container), code, [&](Result<CastReceipt> r) { promise.set_value(std::move(r)); });
    return promise.get_future().get();
  }

  // The board's entries as stored.
  std::vector<election::BoardEntry> Board() {
    std::vector<election::BoardEntry> out;
    EXPECT_TRUE(transparency::ForEachStoredLeaf(*store_, box_->board().log_id(),
                                                [&](int64_t, const std::string&, const std::string& leaf) {
                                                  out.push_back(*election::ParseBoardEntry(leaf));
                                                  return OkStatus();
                                                })
                    .ok());
    return out;
  }

  // The check, retried while the entry's head awaits its timestamp.
  Result<Json> Check(const std::string& vote_id) {
    for (int i = 0; i < 500; ++i) {
      auto answer = box_->Check(vote_id);
      if (answer.ok() || answer.status().code() != Code::kUnavailable) return answer;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return box_->Check(vote_id);
  }

  static std::vector<Choice> Council1(const std::string& option) { return {{"council-1", {option}}}; }
  static std::vector<Choice> District2(const std::string& option, const std::string& answer) {
    std::vector<Choice> out{{"council-2", {option}}, {"question-2", {}}};
    if (!answer.empty()) out[1].selected.push_back(answer);
    return out;
  }

  riik::testing::TempDir dir_;
  std::unique_ptr<store::Store> trust_store_;
  std::unique_ptr<trust::CertificateAuthority> ca_;
  std::unique_ptr<trust::TimestampAuthority> tsa_;
  std::unique_ptr<trust::OcspResponder> ocsp_;
  std::map<std::string, std::unique_ptr<eid::Token>> tokens_;
  UniquePtr<EVP_PKEY> board_key_;
  std::string board_cert_pem_;
  const std::string secret_ = std::string(32, 'k');
  ElectionSetup setup_;
  std::atomic<int64_t> offset_{0};
  int64_t board_timestamped_within_ = 0;  // the manifest's, in seconds (0: none)
  std::string official_;                  // the manifest's only paper-vote official (empty: none listed)
  std::atomic<bool> tsa_down_{false};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<BallotBox> box_;
};

TEST_F(BallotBoxTest, RegistersASignedBallotAndReVotesWithReceipts) {
  auto first = Cast(SignedBallot(kMari, "1", Council1("101")), kMari);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->leaf_index, 1);  // after the opening
  EXPECT_EQ(first->vote_id.size(), 32u);
  // The receipt's head is the board's, signed with the key the manifest pins.
  EXPECT_GE(first->head.tree_size, 2);
  auto cert = ParseCertificatePem(board_cert_pem_);
  EXPECT_TRUE(transparency::VerifyTreeHeadSignature(first->head, cert->get()).ok());

  auto again = Cast(SignedBallot(kMari, "1", Council1("103")), kMari);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->leaf_index, 2);
  auto board = Board();
  ASSERT_EQ(board.size(), 3u);
  EXPECT_EQ(board[0].kind, election::EntryKind::kOpening);
  EXPECT_EQ(board[2].kind, election::EntryKind::kBallot);
  EXPECT_EQ(board[2].voter, VoterPseudonym(secret_, kMari));
  EXPECT_EQ(HexEncode(election::BallotHash(board[2].ballot)), again->ballot_hash);
  EXPECT_TRUE(box_->board().VerifyLog().ok());
}

TEST_F(BallotBoxTest, RefusesWithAReasonAndRecordsTheRefusal) {
  struct Case {
    std::string container, code;
    Code code_expected;
    std::string reason;
  };
  std::string mari = SignedBallot(kMari, "1", Council1("102"));
  ASSERT_TRUE(Cast(mari, kMari).ok());
  sign::Container unsigned_ballot;
  unsigned_ballot.files.push_back({"ballot.json", "application/json", "{}"});
  sign::Container two_files = unsigned_ballot;
  two_files.files.push_back({"note.txt", "text/plain", "hello"});
  std::string damaged = mari;
  damaged[damaged.size() / 2] ^= 0x20;
  std::vector<Case> cases = {
      {SignedBallot(kTonu, "1", Council1("101")), kTonu, Code::kPermissionDenied, "not on this election's voter list"},
      {SignedBallot(kMari, "1", Council1("101"), kJaan), kJaan, Code::kPermissionDenied, "another voter"},
      {SignedBallot(kJaan, "2", District2("201", "")), kMari, Code::kPermissionDenied, "someone other than"},
      {SignedBallot(kMari, "2", District2("201", "yes")), kMari, Code::kInvalidArgument, "contest"},
      {mari, kMari, Code::kInvalidArgument, "already on the board (a replay)"},
      {*sign::WriteContainer(unsigned_ballot), kMari, Code::kInvalidArgument, "has no signatures"},
      {Sign(two_files, kMari), kMari, Code::kInvalidArgument, "must hold one file"},
      {damaged, kMari, Code::kInvalidArgument, ""},
      {"not a zip", kMari, Code::kInvalidArgument, "not a valid ASiC-E container"},
  };
  size_t entries = Board().size();
  for (const Case& c : cases) {
    auto cast = Cast(c.container, c.code);
    ASSERT_FALSE(cast.ok()) << c.reason;
    EXPECT_EQ(cast.status().code(), c.code_expected) << cast.status().message();
    EXPECT_NE(cast.status().message().find(c.reason), std::string::npos) << cast.status().message();
    auto board = Board();
    ASSERT_EQ(board.size(), ++entries) << c.reason;
    EXPECT_EQ(board.back().kind, election::EntryKind::kRefused);
    EXPECT_EQ(board.back().reason, cast.status().message().substr(0, election::kMaxReasonBytes));
    EXPECT_EQ(board.back().ballot_hash, DigestBytes(Sha256(c.container)));
    EXPECT_EQ(board.back().voter, VoterPseudonym(secret_, c.code));
  }
  // A ballot in another spelling than the canonical one; one signed long before it came.
  auto cast =
      election::EncryptBallot(setup_.manifest, setup_.key, VoterPseudonym(secret_, kMari), "1", Council1("103"));
  ASSERT_TRUE(cast.ok());
  sign::Container spaced;
  spaced.files.push_back({"ballot.json", "application/json", election::BallotToJson(cast->ballot) + " "});
  auto respelled = Cast(Sign(spaced, kMari), kMari);
  EXPECT_NE(respelled.status().message().find("canonical form"), std::string::npos) << respelled.status().message();
  std::string early = SignedBallot(kMari, "1", Council1("104"));
  offset_ = 11LL * 60 * 1'000'000;
  auto stale = Cast(early, kMari);
  EXPECT_NE(stale.status().message().find("not just now"), std::string::npos) << stale.status().message();
  offset_ = 0;
  entries += 2;
  ASSERT_EQ(Board().size(), entries);
  // A malformed personal code is the caller's fault: refused, not recorded.
  EXPECT_EQ(Cast(mari, "123").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Board().size(), entries);
  EXPECT_TRUE(box_->board().VerifyLog().ok());
}

TEST_F(BallotBoxTest, TheVotersCheckOpensTheBallotThreeTimesWithinThirtyMinutes) {
  election::BallotRandomness randomness;
  auto receipt = Cast(SignedBallot(kJaan, "2", District2("203", "no"), "", &randomness), kJaan);
  ASSERT_TRUE(receipt.ok()) << receipt.status().message();
  auto answer = Check(receipt->vote_id);
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_EQ((*answer)["checks_left"], 2);
  // The voter's app: the entry checks offline against the root alone, and the ballot in
  // it opens to what the voter chose.
  ASSERT_EQ((*answer)["entries"].size(), 1u);
  std::string log_id;
  auto entry = transparency::CheckEntry((*answer)["entries"][0], "entry", ca_->root_certificate(), log_id);
  ASSERT_TRUE(entry.ok()) << entry.status().message();
  EXPECT_EQ(log_id, election::BoardLogId(setup_.manifest));
  EXPECT_EQ(entry->leaf_index, receipt->leaf_index);
  auto board_entry = election::ParseBoardEntry(*CanonicalJson((*answer)["entries"][0]["record"]));
  ASSERT_TRUE(board_entry.ok());
  auto ballot = election::ParseBallot(board_entry->ballot);
  ASSERT_TRUE(ballot.ok());
  auto opened = election::OpenBallot(setup_.manifest, setup_.key, *ballot, randomness);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  ASSERT_EQ(opened->size(), 2u);
  EXPECT_EQ((*opened)[0].selected, std::vector<std::string>{"203"});
  EXPECT_EQ((*opened)[1].selected, std::vector<std::string>{"no"});

  EXPECT_TRUE(Check(receipt->vote_id).ok());
  EXPECT_TRUE(Check(receipt->vote_id).ok());
  auto fourth = Check(receipt->vote_id);
  EXPECT_EQ(fourth.status().code(), Code::kResourceExhausted) << fourth.status().message();

  auto other = Cast(SignedBallot(kMari, "1", Council1("104")), kMari);
  ASSERT_TRUE(other.ok());
  offset_ = 31LL * 60 * 1'000'000;
  auto late = Check(other->vote_id);
  EXPECT_EQ(late.status().code(), Code::kFailedPrecondition) << late.status().message();
  EXPECT_NE(late.status().message().find("within 30 minutes"), std::string::npos);
  EXPECT_EQ(Check(std::string(32, '0')).status().code(), Code::kNotFound);
  EXPECT_EQ(Check("../../etc").status().code(), Code::kInvalidArgument);
}

TEST_F(BallotBoxTest, APaperVoteCancelsClosingIsFinalAndARestartKeepsTheRules) {
  std::string jaan = SignedBallot(kJaan, "2", District2("201", "yes"));
  ASSERT_TRUE(Cast(jaan, kJaan).ok());
  std::string mari = SignedBallot(kMari, "1", Council1("101"));
  ASSERT_TRUE(Cast(mari, kMari).ok());
  // A paper vote needs the polling station's statement about that voter, for this
  // election, signed by an official who is not the voter.
  auto refused_paper = [&](const std::string& statement, const std::string& why) {
    Status st = box_->CancelForPaperVote(kJaan, statement);
    EXPECT_EQ(st.code(), Code::kInvalidArgument) << why;
    EXPECT_NE(st.message().find(why), std::string::npos) << st.message();
  };
  refused_paper(PaperStatement(kMari), "another voter's paper vote");
  refused_paper(PaperStatement(kJaan, kJaan), "cannot attest their own paper vote");
  refused_paper(PaperStatement(kJaan, kTonu, std::string(32, 'x')), "for another election");
  refused_paper("not a container", "not a valid ASiC-E container");
  refused_paper(jaan, "must hold one file, paper-vote.json");
  // A statement the TSA dates after the box's now (a clock the operator set back to
  // cancel before a statement existed). The board's heads are timestamped first, so that
  // none of theirs comes from the clock moved ahead.
  for (int i = 0; i < 500 && box_->board().pending_timestamps() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(box_->board().pending_timestamps(), 0);
  offset_ = 10LL * 60 * 1'000'000;
  const std::string ahead = PaperStatement(kJaan);
  offset_ = 0;
  refused_paper(ahead, "timestamped after now");
  ASSERT_TRUE(box_->CancelForPaperVote(kJaan, PaperStatement(kJaan)).ok());
  EXPECT_EQ(box_->CancelForPaperVote(kTonu, PaperStatement(kTonu, kMari)).code(), Code::kNotFound);
  auto after_paper = Cast(SignedBallot(kJaan, "2", District2("202", "")), kJaan);
  EXPECT_EQ(after_paper.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(after_paper.status().message().find("voted on paper"), std::string::npos);

  // Before the polls close, the board stays open.
  EXPECT_EQ(box_->Close().code(), Code::kFailedPrecondition);
  EXPECT_EQ(ExportRecord(*store_, setup_, dir_ / "early").status().code(), Code::kFailedPrecondition);

  // A restart: the box rebuilds its rules from the board.
  box_.reset();
  OpenBox();
  EXPECT_NE(Cast(mari, kMari).status().message().find("replay"), std::string::npos);
  EXPECT_NE(Cast(SignedBallot(kJaan, "2", District2("203", "")), kJaan).status().message().find("voted on paper"),
            std::string::npos);
  // A ballot signed before the voter's newest registered one is stale, after a restart too.
  std::string older = SignedBallot(kMari, "1", Council1("103"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // signature times are read to the second
  ASSERT_TRUE(Cast(SignedBallot(kMari, "1", Council1("104")), kMari).ok());
  box_.reset();
  OpenBox();
  EXPECT_NE(Cast(older, kMari).status().message().find("signed before the voter's last registered one"),
            std::string::npos);

  offset_ = 3601LL * 1'000'000;
  ASSERT_TRUE(box_->Close().ok());
  EXPECT_TRUE(box_->closed());
  const size_t entries = Board().size();
  auto after = Cast(SignedBallot(kMari, "1", Council1("102")), kMari);
  EXPECT_EQ(after.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(Board().size(), entries);  // nothing follows the closing, not even a refusal
  EXPECT_EQ(box_->CancelForPaperVote(kMari, PaperStatement(kMari)).code(), Code::kFailedPrecondition);
  box_.reset();
  OpenBox();
  EXPECT_TRUE(box_->closed());

  // The exported record holds the board as signed; the verifier counts it.
  auto exported = ExportRecord(*store_, setup_, dir_ / "record");
  ASSERT_TRUE(exported.ok()) << exported.status().message();
  EXPECT_EQ(exported->entries, static_cast<int64_t>(entries));
  // The signer's chain is written with the first head alone: the others are its too.
  std::string heads = *ReadFile(dir_ / "record/board_heads.jsonl");
  EXPECT_GT(exported->heads, 1);
  EXPECT_EQ(heads.find("certificates"), heads.rfind("certificates"));
  EXPECT_LT(heads.find("certificates"), heads.find('\n'));
  auto counted = election::CountRecord(dir_ / "record", ca_->root_certificate());
  ASSERT_TRUE(counted.ok()) << counted.status().message();
  EXPECT_EQ(counted->count.ballots, 3u);     // Jaan's and Mari's two
  EXPECT_EQ(counted->count.superseded, 1u);  // Mari's first
  EXPECT_EQ(counted->count.counted, 1u);     // Jaan's cancelled by the paper vote
  EXPECT_EQ(counted->count.refused, 4u);     // two after the paper vote, one replay, one stale
}

// The auditors' annex: every ballot on the board with the container its voter signed, so
// that ballots the operator added (with the board key, but without a voter's PIN2) show.
TEST_F(BallotBoxTest, TheAnnexShowsEveryBallotIsItsVotersSigned) {
  ASSERT_TRUE(Cast(SignedBallot(kJaan, "2", District2("201", "yes")), kJaan).ok());
  ASSERT_TRUE(Cast(SignedBallot(kMari, "1", Council1("101")), kMari).ok());
  ASSERT_TRUE(Cast(SignedBallot(kMari, "1", Council1("102")), kMari).ok());
  offset_ = 3601LL * 1'000'000;
  ASSERT_TRUE(box_->Close().ok());
  const std::string record = dir_ / "record", annex = dir_ / "annex.jsonl";
  ASSERT_TRUE(ExportRecord(*store_, setup_, record).ok());
  const std::string root = VerifiedRoot(record);
  auto exported = ExportAnnex(*store_, setup_, annex);
  ASSERT_TRUE(exported.ok()) << exported.status().message();
  EXPECT_EQ(exported->ballots, 3);
  EXPECT_EQ(exported->paper_votes, 0);
  EXPECT_EQ(std::filesystem::status(annex).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  sign::VerifyOptions verify;
  verify.trust = sign::TrustAnchors::FromRoots({ca_->root_certificate()});
  auto checked = VerifyAnnex(record, root, annex, secret_, verify);
  ASSERT_TRUE(checked.ok()) << checked.status().message();
  EXPECT_EQ(checked->ballots, 3);
  // A board other than the one verified (the file replaced between the two checks).
  auto other = VerifyAnnex(record, std::string(64, '0'), annex, secret_, verify);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("not the board that was verified"), std::string::npos)
      << other.status().message();

  const std::string good = *ReadFile(annex);
  std::vector<std::string> lines;
  for (size_t at = 0, end; (end = good.find('\n', at)) != std::string::npos; at = end + 1) {
    lines.push_back(good.substr(at, end - at + 1));
  }
  ASSERT_EQ(lines.size(), 3u);
  auto refused = [&](const std::string& text, std::string_view secret, const std::string& why) {
    ASSERT_TRUE(WriteFileAtomic(annex, text, true).ok());
    auto r = VerifyAnnex(record, root, annex, secret, verify);
    ASSERT_FALSE(r.ok()) << "expected: " << why;
    EXPECT_NE(r.status().message().find(why), std::string::npos) << r.status().message();
  };
  // A ballot without its container (one the operator cast without the voter).
  refused(lines[0] + lines[2], secret_, "a ballot with no signed container, or one the board does not hold");
  refused(lines[0] + lines[1], secret_, "is a ballot with no signed container");
  // Another voter's container, or the right one read with another election's pseudonyms.
  Json second = Json::parse(lines[1]), third = Json::parse(lines[2]);
  second["container"] = third["container"];
  refused(lines[0] + second.dump() + "\n" + lines[2], secret_, "holds another ballot");
  refused(good, std::string(32, 'x'), "not the voter the board names");
  refused(good + lines[2], secret_, "more lines than the board has ballots and paper votes");

  // A board the operator doctored (the annex trusts the record's check for the heads, so
  // these boards are written straight): a ballot cast twice, and a ballot dated an hour
  // after its voter signed it.
  const std::string board_path = record + "/board.jsonl", board = *ReadFile(board_path);
  std::vector<std::string> entries;
  for (size_t at = 0, end; (end = board.find('\n', at)) != std::string::npos; at = end + 1) {
    entries.push_back(board.substr(at, end - at));
  }
  size_t first_ballot = 0;
  while (election::ParseBoardEntry(entries[first_ballot])->kind != election::EntryKind::kBallot) ++first_ballot;
  Json again = Json::parse(lines[0]);
  again["entry"] = entries.size();
  ASSERT_TRUE(WriteFileAtomic(board_path, board + entries[first_ballot] + "\n", false).ok());
  refused(good + again.dump() + "\n", secret_, "the same ballot is on the board twice");
  election::BoardEntry late = *election::ParseBoardEntry(entries[first_ballot]);
  late.time_us += 3600'000'000LL;
  std::string doctored;
  for (size_t i = 0; i < entries.size(); ++i) {
    doctored += (i == first_ballot ? election::BoardEntryToLeaf(late) : entries[i]) + "\n";
  }
  ASSERT_TRUE(WriteFileAtomic(board_path, doctored, false).ok());
  refused(good, secret_, "not shortly before the board took it");
}

// A paper vote on the board stands on its statement: the annex holds it, and the auditor
// checks it is the one the board names, about that voter, signed by an official before.
TEST_F(BallotBoxTest, TheAnnexShowsEveryPaperVoteOnItsStatement) {
  ASSERT_TRUE(Cast(SignedBallot(kJaan, "2", District2("201", "yes")), kJaan).ok());
  const std::string statement = PaperStatement(kJaan);
  ASSERT_TRUE(box_->CancelForPaperVote(kJaan, statement).ok());
  offset_ = 3601LL * 1'000'000;
  ASSERT_TRUE(box_->Close().ok());
  const std::string record = dir_ / "record", annex = dir_ / "annex.jsonl";
  ASSERT_TRUE(ExportRecord(*store_, setup_, record).ok());
  const std::string root = VerifiedRoot(record);
  // The public record names the statement by its hash alone.
  const std::string board = *ReadFile(record + "/board.jsonl");
  EXPECT_NE(board.find(PaperVoteReason(statement)), std::string::npos);
  EXPECT_EQ(board.find(kJaan), std::string::npos);
  auto exported = ExportAnnex(*store_, setup_, annex);
  ASSERT_TRUE(exported.ok()) << exported.status().message();
  EXPECT_EQ(exported->ballots, 1);
  EXPECT_EQ(exported->paper_votes, 1);
  sign::VerifyOptions verify;
  verify.trust = sign::TrustAnchors::FromRoots({ca_->root_certificate()});
  auto checked = VerifyAnnex(record, root, annex, secret_, verify);
  ASSERT_TRUE(checked.ok()) << checked.status().message();
  EXPECT_EQ(checked->ballots, 1);
  EXPECT_EQ(checked->paper_votes, 1);
  ASSERT_EQ(checked->officials.size(), 1u);
  EXPECT_NE(checked->officials.begin()->first.find("36107212142"), std::string::npos);
  EXPECT_FALSE(checked->officials_listed);  // the auditors match the name themselves

  const std::string good = *ReadFile(annex);
  const size_t split = good.find('\n') + 1;
  const std::string ballot_line = good.substr(0, split), paper_line = good.substr(split);
  std::string board_root = root;  // a doctored board's own, below
  auto refused = [&](const std::string& text, const std::string& why) {
    ASSERT_TRUE(WriteFileAtomic(annex, text, true).ok());
    auto r = VerifyAnnex(record, board_root, annex, secret_, verify);
    ASSERT_FALSE(r.ok()) << "expected: " << why;
    EXPECT_NE(r.status().message().find(why), std::string::npos) << r.status().message();
  };
  refused(ballot_line, "is a paper vote with no signed statement");
  // Another statement in its place: one about Mari, properly signed.
  Json other = Json::parse(paper_line);
  other["container"] = Base64Encode(PaperStatement(kMari));
  refused(ballot_line + other.dump() + "\n", "the annex holds another statement");
  // Boards the operator doctored (the annex trusts the record's check for the heads):
  // the cancellation names another statement that the annex holds, about Mari or for
  // another election; or none at all.
  const std::string reason = PaperVoteReason(statement);
  auto with_board = [&](const std::string& new_reason, const std::string& container) {
    std::string doctored = board;
    doctored.replace(doctored.find(reason), reason.size(), new_reason);
    EXPECT_TRUE(WriteFileAtomic(record + "/board.jsonl", doctored, false).ok());
    board_root = BoardRoot(doctored);
    Json line = Json::parse(paper_line);
    line["container"] = Base64Encode(container);
    return ballot_line + line.dump() + "\n";
  };
  const std::string about_mari = PaperStatement(kMari);
  refused(with_board(PaperVoteReason(about_mari), about_mari), "not the voter the board names");
  const std::string elsewhere = PaperStatement(kJaan, kTonu, std::string(32, 'x'));
  refused(with_board(PaperVoteReason(elsewhere), elsewhere), "for another election");
  refused(with_board("paper vote", statement), "without naming the polling station's statement");
}

// With a manifest that lists the polling stations' officials (Tõnu, by his signing
// certificate): a statement signed by anyone else cancels nothing, in the box or in the
// annex's check, though it is otherwise sound.
class OfficialsBallotBoxTest : public BallotBoxTest {
 protected:
  OfficialsBallotBoxTest() { official_ = kTonu; }
};

TEST_F(OfficialsBallotBoxTest, OnlyAListedOfficialsStatementCancels) {
  ASSERT_TRUE(Cast(SignedBallot(kJaan, "2", District2("201", "yes")), kJaan).ok());
  const std::string by_mari = PaperStatement(kJaan, kMari);
  Status st = box_->CancelForPaperVote(kJaan, by_mari);
  ASSERT_EQ(st.code(), Code::kInvalidArgument) << st.message();
  EXPECT_NE(st.message().find("not among the manifest's paper-vote officials"), std::string::npos) << st.message();
  const std::string by_tonu = PaperStatement(kJaan);
  ASSERT_TRUE(box_->CancelForPaperVote(kJaan, by_tonu).ok());
  offset_ = 3601LL * 1'000'000;
  ASSERT_TRUE(box_->Close().ok());
  const std::string record = dir_ / "record", annex = dir_ / "annex.jsonl";
  ASSERT_TRUE(ExportRecord(*store_, setup_, record).ok());
  const std::string root = VerifiedRoot(record);
  ASSERT_TRUE(ExportAnnex(*store_, setup_, annex).ok());
  sign::VerifyOptions verify;
  verify.trust = sign::TrustAnchors::FromRoots({ca_->root_certificate()});
  auto checked = VerifyAnnex(record, root, annex, secret_, verify);
  ASSERT_TRUE(checked.ok()) << checked.status().message();
  EXPECT_EQ(checked->paper_votes, 1);
  EXPECT_TRUE(checked->officials_listed);
  // A board the operator doctored to cancel on Mari's statement, which the annex holds.
  std::string board = *ReadFile(record + "/board.jsonl");
  const std::string reason = PaperVoteReason(by_tonu);
  board.replace(board.find(reason), reason.size(), PaperVoteReason(by_mari));
  ASSERT_TRUE(WriteFileAtomic(record + "/board.jsonl", board, false).ok());
  std::string lines = *ReadFile(annex);
  const size_t split = lines.find('\n') + 1;
  Json paper = Json::parse(lines.substr(split));
  paper["container"] = Base64Encode(by_mari);
  ASSERT_TRUE(WriteFileAtomic(annex, lines.substr(0, split) + paper.dump() + "\n", true).ok());
  auto doctored = VerifyAnnex(record, BoardRoot(board), annex, secret_, verify);
  ASSERT_FALSE(doctored.ok());
  EXPECT_NE(doctored.status().message().find("not among the manifest's paper-vote officials"), std::string::npos)
      << doctored.status().message();
}

// With a manifest that requires timestamped heads: while the TSA has not stamped the board
// for half the window, the box takes no ballot (the record could not verify) and says to
// try again; once it stamps again, ballots are taken.
class TimestampedBallotBoxTest : public BallotBoxTest {
 protected:
  TimestampedBallotBoxTest() { board_timestamped_within_ = 600; }
};

TEST_F(TimestampedBallotBoxTest, NoBallotIsTakenWhileTheBoardsTimestampsLag) {
  tsa_down_ = true;
  ASSERT_TRUE(Cast(SignedBallot(kMari, "1", Council1("101")), kMari).ok());  // its head waits for a token
  EXPECT_EQ(box_->Held(), "");
  offset_ = 301LL * 1'000'000;                                               // five minutes on: more than half of 600 s
  EXPECT_NE(box_->Held().find("timestamps are behind"), std::string::npos);  // what /healthz says
  auto refused = Cast(SignedBallot(kJaan, "2", District2("201", "")), kJaan);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kUnavailable);
  EXPECT_NE(refused.status().message().find("timestamps are behind"), std::string::npos) << refused.status().message();
  tsa_down_ = false;  // the TSA answers again (the log retries within its backoff)
  Result<CastReceipt> taken = Unavailable("not yet");
  for (int i = 0; i < 100 && !taken.ok(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    taken = Cast(SignedBallot(kJaan, "2", District2("202", "")), kJaan);
  }
  EXPECT_TRUE(taken.ok()) << taken.status().message();
  EXPECT_EQ(box_->Held(), "");
}

}  // namespace
}  // namespace riik::vote
