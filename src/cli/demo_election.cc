// The demo election (demo_election.h).
#include "cli/demo_election.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/encoding.h"
#include "core/file.h"
#include "core/json.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "election/key_ceremony.h"
#include "election/manifest.h"
#include "election/record_json.h"
#include "election/trustee_files.h"

namespace riik::cli {
namespace {

constexpr uint32_t kDemoTrustees = 5, kDemoThreshold = 3;

struct DemoDistrict {
  const char* id;
  const char* name;
  std::vector<const char*> counties;
  std::vector<std::pair<const char*, const char*>> candidates;  // name, party
};

const std::vector<DemoDistrict>& DemoDistricts() {
  static const std::vector<DemoDistrict> all = {
      {"1",
       "Harjumaa",
       {"Harju maakond"},
       {{"Kadri Kask", "Rohelised"}, {"Märt Mänd", "Keskel"}, {"Liisa Lepp", "Vabad"}, {"Toomas Tamm", ""}}},
      {"2",
       "Lõuna-Eesti",
       {"Tartu maakond", "Jõgeva maakond", "Põlva maakond", "Valga maakond", "Võru maakond"},
       {{"Anu Saar", "Rohelised"}, {"Peeter Puu", "Keskel"}, {"Kati Karu", "Vabad"}}},
      {"3",
       "Virumaa",
       {"Ida-Viru maakond", "Lääne-Viru maakond"},
       {{"Ivan Orav", "Keskel"}, {"Eha Ilves", "Vabad"}, {"Rein Rebane", "Rohelised"}}},
      {"4",
       "Lääne- ja Kesk-Eesti",
       {"Pärnu maakond", "Lääne maakond", "Saare maakond", "Hiiu maakond", "Rapla maakond", "Järva maakond",
        "Viljandi maakond"},
       {{"Maris Meri", "Rohelised"}, {"Jüri Jõgi", "Keskel"}, {"Laura Luik", "Vabad"}, {"Olev Oja", ""}}},
  };
  return all;
}

Result<std::string> DemoManifest(const std::string& board_cert, std::chrono::seconds polls,
                                 const std::vector<std::string>& officials) {
  ASSIGN_OR_RETURN(std::string pem, ReadFile(board_cert));
  ASSIGN_OR_RETURN(UniquePtr<X509> cert, ParseCertificatePem(pem));
  UniquePtr<EVP_PKEY> key(X509_get_pubkey(cert.get()));
  if (!key) return InvalidArgument(board_cert + ": no public key");
  const UnixMicros opens = NowMicros() / 1'000'000 * 1'000'000;
  const UnixMicros closes = opens + polls.count() * 1'000'000;
  const int64_t day = int64_t{86400} * 1'000'000;
  Json districts = Json::array(), contests = Json::array();
  for (const DemoDistrict& d : DemoDistricts()) {
    districts.push_back({{"id", d.id}, {"name", d.name}, {"counties", d.counties}});
    Json options = Json::array();
    int n = 0;
    for (const auto& [name, party] : d.candidates) {
      options.push_back({{"id", std::string(d.id) + std::to_string(++n + 100)}, {"name", name}, {"party", party}});
    }
    contests.push_back({{"id", std::string("riigikogu-") + d.id},
                        {"district", d.id},
                        {"title", std::string("Riigikogu, ") + d.name},
                        {"min", 1},
                        {"max", 1},
                        {"options", std::move(options)}});
  }
  Json manifest = {{"format", "riik-election-v1"},
                   {"id", "riigikogu-demo"},
                   {"title", "Riigikogu elections (demo)"},
                   {"opens", FormatRfc3339Seconds(opens)},
                   {"closes", FormatRfc3339Seconds(closes)},
                   {"election_day", FormatIsoDate(closes / day)},
                   {"voter_list_cutoff", FormatIsoDate(opens / day)},
                   {"minimum_age", 18},
                   {"citizenship", "EST"},
                   {"trustees", kDemoTrustees},
                   {"threshold", kDemoThreshold},
                   {"board_key", DigestHex(Sha256(PublicKeyDer(key.get())))},
                   // The board's heads are timestamped every second: ten minutes is an outage
                   // of the TSA to mend, not a day's history to take the operator's word for.
                   {"board_timestamped_within", 600},
                   {"districts", std::move(districts)},
                   {"contests", std::move(contests)}};
  // Only these officials' statements of paper votes cancel i-votes (not their personal
  // codes: the manifest is public).
  if (!officials.empty()) manifest["paper_vote_officials"] = officials;
  return manifest.dump(2) + "\n";
}

}  // namespace

std::string DemoTrusteePassphrase(int trustee) { return "trustee-" + std::to_string(trustee) + " demo"; }

Status PrepareDemoElection(const std::string& election_dir, const std::string& trustees_dir,
                           const std::string& board_cert, std::chrono::seconds polls,
                           const std::vector<std::string>& officials) {
  const std::string manifest_path = election_dir + "/manifest.json", ceremony_path = election_dir + "/ceremony.json";
  if (std::filesystem::exists(manifest_path) && std::filesystem::exists(ceremony_path)) return OkStatus();
  // Under riik up's directory, whose every directory is the operator's alone; the record
  // is published by `riik vote export`.
  RETURN_IF_ERROR(MakePrivateDirectory(election_dir));
  RETURN_IF_ERROR(MakePrivateDirectory(trustees_dir));
  ASSIGN_OR_RETURN(std::string manifest_json, DemoManifest(board_cert, polls, officials));
  ASSIGN_OR_RETURN(election::Manifest manifest, election::ParseManifest(manifest_json));
  // The ceremony as the five trustees run it (`riik vote ceremony`), in one place for
  // the demo: each commits to a polynomial; trustee j's key share is the sum of the
  // others' values at j. Only the shares are kept, sealed.
  std::vector<election::Polynomial> polynomials;
  std::vector<election::TrusteeCommitments> ceremony;
  for (uint32_t i = 1; i <= kDemoTrustees; ++i) {
    polynomials.push_back(election::NewPolynomial(kDemoThreshold));
    ceremony.push_back(election::Commit(manifest.hash, i, polynomials.back()));
  }
  for (uint32_t j = 1; j <= kDemoTrustees; ++j) {
    election::Scalar share;
    for (const auto& f : polynomials) share = share + f.At(j);
    ASSIGN_OR_RETURN(std::string sealed,
                     election::SealKeyShare(manifest.hash, j, share, DemoTrusteePassphrase(static_cast<int>(j)),
                                            election::SealCost::kInteractive));
    RETURN_IF_ERROR(WriteFileAtomic(trustees_dir + "/trustee-" + std::to_string(j) + ".share", sealed,
                                    /*secret=*/true));
  }
  RETURN_IF_ERROR(WriteFileAtomic(ceremony_path, election::CeremonyToJson(ceremony), /*secret=*/false));
  return WriteFileAtomic(manifest_path, manifest_json, /*secret=*/false);
}

}  // namespace riik::cli
