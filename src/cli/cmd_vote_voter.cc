// `riik vote encrypt` and `riik vote check`: the voter's side of i-voting on the command
// line, as IVXV's voter and verification applications are. `encrypt` makes ballot.json
// from the voter's election (the vote service's GET /election, as the portal relays it)
// and keeps the randomness; the voter signs ballot.json with PIN2 (`riik sign`, or the
// portal with the app) and the portal casts it. `check` is the verification app: with the
// receipt's vote id it fetches the ballot's board entry within 30 minutes (at most 3
// times), checks the entry's proofs against the state root alone, and opens the ballot
// with the randomness to show what it holds.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "cli/commands.h"
#include "cli/failure.h"
#include "cli/input_file.h"
#include "cli/terminal.h"
#include "core/encoding.h"
#include "core/file.h"
#include "core/json.h"
#include "crypto/json_fields.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "election/ballot.h"
#include "election/board.h"
#include "election/record.h"
#include "net/client.h"
#include "transparency/entry_check.h"

namespace riik::cli {
namespace {

struct EncryptArgs {
  std::string election;              // the GET /election answer
  std::vector<std::string> choices;  // CONTEST=OPTION, or CONTEST= for none
  std::string out = "ballot.json";
  std::string randomness_out = "ballot-randomness.json";
};

Result<election::Point> KeyFrom(const Json& j) {
  if (!j.is_string()) return InvalidArgument("no election key");
  ASSIGN_OR_RETURN(std::string bytes, CanonicalBase64Decode(j.get<std::string>()));
  return election::DecodePoint(bytes);
}

Status Encrypt(const EncryptArgs& a) {
  ASSIGN_OR_RETURN(std::string text, ReadInputFile(a.election, 2 * election::kMaxManifestBytes));
  ASSIGN_OR_RETURN(Json j, ParseJson(text));
  if (!j.is_object() || !j.contains("manifest") || !j["voter"].is_string() || !j["district"].is_string()) {
    return InvalidArgument(a.election + " is not the vote service's answer to GET /election");
  }
  ASSIGN_OR_RETURN(election::Manifest manifest, election::ParseManifest(j["manifest"].dump()));
  ASSIGN_OR_RETURN(election::Point key, KeyFrom(j["key"]));
  std::vector<election::Choice> choices;
  for (const std::string& c : a.choices) {
    const size_t eq = c.find('=');
    if (eq == std::string::npos) return InvalidArgument("--choose is CONTEST=OPTION (or CONTEST= for none): " + c);
    const std::string contest = c.substr(0, eq), option = c.substr(eq + 1);
    auto it = std::find_if(choices.begin(), choices.end(), [&](const auto& x) { return x.contest == contest; });
    if (it == choices.end()) it = choices.insert(choices.end(), {contest, {}});
    if (!option.empty()) it->selected.push_back(option);
  }
  ASSIGN_OR_RETURN(election::EncryptedBallot cast, election::EncryptBallot(manifest, key, j["voter"].get<std::string>(),
                                                                           j["district"].get<std::string>(), choices));
  RETURN_IF_ERROR(WriteFileAtomic(a.randomness_out, election::RandomnessToJson(cast.randomness), /*secret=*/true));
  RETURN_IF_ERROR(WriteFileAtomic(a.out, election::BallotToJson(cast.ballot), /*secret=*/false));
  std::printf("%s: your ballot, encrypted; %s: its randomness, for the check (keep it to yourself)\n", a.out.c_str(),
              a.randomness_out.c_str());
  return OkStatus();
}

struct CheckArgs {
  std::string url;  // the vote service
  std::string ca;
  std::string vote_id;
  std::string randomness;
  std::string election;  // the manifest's hash as the voter knows it (the receipt, the portal), hex
};

Result<Json> GetJson(net::HttpClient& client, const std::string& target) {
  for (int attempt = 0;; ++attempt) {
    ASSIGN_OR_RETURN(net::HttpResponse r, client.Get(target));
    // 503: the entry's head awaits its timestamp (a second at most); not counted.
    if (r.status == 503 && attempt < 20) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      continue;
    }
    auto body = ParseJson(r.body);
    if (r.status != 200) {
      std::string message = body.ok() && body->is_object() ? body->value("message", "") : "";
      return Status(r.status == 404   ? Code::kNotFound
                    : r.status == 429 ? Code::kResourceExhausted
                    : r.status == 409 ? Code::kFailedPrecondition
                                      : Code::kUnavailable,
                    "the vote service answered " + std::to_string(r.status) + ": " + message);
    }
    if (!body.ok()) return InvalidArgument("the vote service's answer is not JSON");
    return *body;
  }
}

// Prints what each contest of an opened ballot holds, by the manifest's names.
void PrintChoices(const election::Manifest& manifest, const std::vector<election::Choice>& opened) {
  for (const election::Choice& choice : opened) {
    const election::Contest* contest = manifest.FindContest(choice.contest);
    if (!contest) continue;
    std::printf("  %s: ", ForTerminal(contest->title).c_str());
    if (choice.selected.empty()) std::printf("(none)");
    for (size_t i = 0; i < choice.selected.size(); ++i) {
      for (const auto& o : contest->options) {
        if (o.id != choice.selected[i]) continue;
        std::printf("%s%s%s", i ? ", " : "", ForTerminal(o.name).c_str(),
                    o.party.empty() ? "" : (" (" + ForTerminal(o.party) + ")").c_str());
      }
    }
    std::printf("\n");
  }
}

Status Check(const CheckArgs& a) {
  ASSIGN_OR_RETURN(UniquePtr<X509> root, ReadCertificatePemFile(a.ca));
  ASSIGN_OR_RETURN(std::string randomness_text, ReadSecretFile(a.randomness));
  ASSIGN_OR_RETURN(election::BallotRandomness randomness, election::ParseRandomness(randomness_text));
  ASSIGN_OR_RETURN(auto client, net::HttpClient::Create(a.url, {.ca_file = a.ca}));
  ASSIGN_OR_RETURN(Json published, GetJson(*client, "/manifest"));
  ASSIGN_OR_RETURN(election::Manifest manifest, election::ParseManifest(published.value("manifest", Json()).dump()));
  ASSIGN_OR_RETURN(election::Point key, KeyFrom(published.value("key", Json())));
  // The manifest (and with it the board's key) pinned by what the voter knows, not only by
  // what the service says.
  if (!a.election.empty() && HexEncode(manifest.hash) != a.election) {
    return DataLoss("the service's manifest is not election " + a.election);
  }
  ASSIGN_OR_RETURN(Json answer, GetJson(*client, "/check/" + a.vote_id));
  if (!answer["entries"].is_array() || answer["entries"].size() != 1) {
    return DataLoss("the vote service's answer does not hold exactly one board entry for the ballot");
  }
  // The entry stands on its own proofs: included under a head the board's key signed,
  // which the TSA timestamped; nothing of the service is trusted.
  std::string log_id = election::BoardLogId(manifest);
  ASSIGN_OR_RETURN(transparency::VerifiedEntry verified,
                   transparency::CheckEntry(answer["entries"][0], "the board entry", root.get(), log_id));
  // … by the key the manifest pins for the board, not merely any key under the root.
  const Json& chain = answer["entries"][0]["certificates"];
  if (!chain.is_array() || chain.empty() || !chain[0].is_string()) return DataLoss("the entry names no signer");
  ASSIGN_OR_RETURN(UniquePtr<X509> signer, ParseCertificatePem(chain[0].get<std::string>()));
  UniquePtr<EVP_PKEY> signer_key(X509_get_pubkey(signer.get()));
  if (!signer_key || DigestBytes(Sha256(PublicKeyDer(signer_key.get()))) != manifest.board_key) {
    return DataLoss("the board's head is signed by another key than the one the manifest pins");
  }
  ASSIGN_OR_RETURN(std::string leaf, CanonicalJson(answer["entries"][0]["record"]));
  ASSIGN_OR_RETURN(election::BoardEntry entry, election::ParseBoardEntry(leaf));
  if (entry.kind != election::EntryKind::kBallot) return DataLoss("the board entry is not a ballot");
  ASSIGN_OR_RETURN(election::Ballot ballot, election::ParseBallot(entry.ballot));
  if (ballot.election != manifest.hash) return DataLoss("the ballot is for another election");
  // Proofs first: the key comes from the service, and only the proofs tie it to the ballot.
  auto opened = election::OpenCheckedBallot(manifest, key, ballot, randomness);
  if (!opened.ok()) {
    return DataLoss("the ballot on the board is not the one made with this randomness under the election's key: " +
                    opened.status().message());
  }
  std::printf("Your ballot is on the board of %s as entry %lld,\n", ForTerminal(manifest.title).c_str(),
              static_cast<long long>(verified.leaf_index));
  std::printf("registered %s; the board's head signed by %s, timestamped %s.\n", FormatRfc3339(entry.time_us).c_str(),
              ForTerminal(verified.signer_subject).c_str(), FormatRfc3339(verified.timestamp_time).c_str());
  std::printf("It holds:\n");
  PrintChoices(manifest, *opened);
  std::printf(
      "Checks left for this ballot: %d. If this is not what you chose, vote again (the last i-vote counts),\n"
      "or vote on paper, and tell the electoral office.\n",
      static_cast<int>(IntOr(answer, "checks_left")));
  return OkStatus();
}

struct AuditArgs {
  std::string file;  // {ballot, randomness, district}
  std::string url;
  std::string ca;
};

// Benaloh's challenge, checked on another device than the one that encrypted: the
// challenged ballot's proofs hold for the election, and its randomness opens it.
Status Audit(const AuditArgs& a) {
  ASSIGN_OR_RETURN(std::string text, ReadInputFile(a.file, 2 * election::kMaxBallotBytes));
  ASSIGN_OR_RETURN(Json j, ParseJson(text));
  if (!j.is_object() || !j["ballot"].is_string() || !j["randomness"].is_array() || !j["district"].is_string()) {
    return InvalidArgument(a.file + " is not a challenged ballot ({ballot, randomness, district})");
  }
  ASSIGN_OR_RETURN(auto client, net::HttpClient::Create(a.url, {.ca_file = a.ca}));
  ASSIGN_OR_RETURN(Json published, GetJson(*client, "/manifest"));
  ASSIGN_OR_RETURN(election::Manifest manifest, election::ParseManifest(published.value("manifest", Json()).dump()));
  ASSIGN_OR_RETURN(election::Point key, KeyFrom(published.value("key", Json())));
  const std::string ballot_json = j["ballot"].get<std::string>();
  ASSIGN_OR_RETURN(election::Ballot ballot, election::ParseBallot(ballot_json));
  Status proofs = election::VerifyBallot(manifest, key, j["district"].get<std::string>(), ballot);
  if (!proofs.ok()) return DataLoss("the challenged ballot's proofs do not hold: " + proofs.message());
  ASSIGN_OR_RETURN(election::BallotRandomness randomness, election::ParseRandomness(j["randomness"].dump()));
  auto opened = election::OpenBallot(manifest, key, ballot, randomness);
  if (!opened.ok()) return DataLoss("the randomness does not open the challenged ballot: " + opened.status().message());
  std::printf("The challenged ballot %s is a valid ballot of %s, encrypted under its key, and holds:\n",
              HexEncode(election::BallotHash(ballot_json)).c_str(), ForTerminal(manifest.title).c_str());
  PrintChoices(manifest, *opened);
  std::printf("If that is what you chose, the device encrypts honestly: vote (a challenged ballot is never cast).\n");
  return OkStatus();
}

}  // namespace

void AddVoteVoterCommands(CLI::App* vote, int& exit_code) {
  auto e = std::make_shared<EncryptArgs>();
  CLI::App* enc = vote->add_subcommand("encrypt", "The voter's side: encrypt a ballot for your district");
  enc->footer(
      "Example (the portal does the same in your browser):\n"
      "  riik vote encrypt --election election.json --choose riigikogu-1=1102 --out ballot.json\n"
      "  riik sign ballot.json --token riik-data/citizens/38001085718 --out ballot.asice   # PIN2");
  enc->add_option("--election", e->election, "The vote service's GET /election answer for you")->required();
  enc->add_option("--choose", e->choices, "CONTEST=OPTION, once per choice (CONTEST= for none)")->required();
  enc->add_option("--out", e->out, "The ballot (JSON)")->capture_default_str();
  enc->add_option("--randomness-out", e->randomness_out, "Its randomness, for the check (0600)")->capture_default_str();
  enc->callback([e, &exit_code] {
    if (Status st = Encrypt(*e); !st.ok()) exit_code = Fail("vote", "encrypt", st);
  });

  auto c = std::make_shared<CheckArgs>();
  CLI::App* chk = vote->add_subcommand("check", "The verification app: see what your ballot on the board holds");
  chk->footer(
      "Within 30 minutes of voting, at most 3 times. Nothing of the vote service is trusted:\n"
      "the entry's proofs are checked against the state root, and the ballot is opened with\n"
      "the randomness only your side has.\n"
      "Example:\n"
      "  riik vote check --url https://127.0.0.1:7043 --ca riik-data/trust/root.pem \\\n"
      "    --vote-id 5f1c… --randomness ballot-randomness.json");
  chk->add_option("--url", c->url, "The vote service (endpoints.json: roles.vote.url)")->required();
  chk->add_option("--ca", c->ca, "The state root certificate (PEM)")->required();
  chk->add_option("--vote-id", c->vote_id, "The vote id of your receipt")->required();
  chk->add_option("--randomness", c->randomness, "The randomness your ballot was made with")->required();
  chk->add_option("--election", c->election,
                  "The election's manifest hash (64 hex, on your receipt): the service's manifest must be it");
  chk->callback([c, &exit_code] {
    if (Status st = Check(*c); !st.ok()) exit_code = Fail("vote", "check", st);
  });

  auto au = std::make_shared<AuditArgs>();
  CLI::App* aud =
      vote->add_subcommand("audit", "Benaloh's challenge: check a ballot the portal opened instead of cast");
  aud->footer(
      "On another device than the one you vote with. The portal's \"Challenge\" encrypts your\n"
      "choice, then opens it instead of casting it (spoiled-ballot.json): here its proofs are\n"
      "checked for the election and its randomness opens it, so you see whether the device\n"
      "encrypted what you chose.\n"
      "Example:\n"
      "  riik vote audit spoiled-ballot.json --url https://127.0.0.1:7043 --ca riik-data/trust/root.pem");
  aud->add_option("file", au->file, "The challenged ballot, as the portal gave it")->required();
  aud->add_option("--url", au->url, "The vote service (endpoints.json: roles.vote.url)")->required();
  aud->add_option("--ca", au->ca, "The state root certificate (PEM)")->required();
  aud->callback([au, &exit_code] {
    if (Status st = Audit(*au); !st.ok()) exit_code = Fail("vote", "audit", st);
  });
}

}  // namespace riik::cli
