// Reading an election's set-up (election_setup.h).
#include "vote/election_setup.h"

#include "core/file.h"
#include "election/key_ceremony.h"
#include "election/record_json.h"

namespace riik::vote {
namespace {

Result<std::string> ReadSetupFile(const std::string& dir, const std::string& name, uintmax_t max) {
  auto text = ReadFileBounded(dir + "/" + name, max);
  if (!text.ok()) return Status(text.status().code(), dir + "/" + name + ": " + text.status().message());
  return text;
}

template <typename T>
Result<T> Named(const std::string& name, Result<T> r) {
  if (!r.ok()) return Status(r.status().code(), name + ": " + r.status().message());
  return r;
}

}  // namespace

Result<election::VoterList> ReadVoterListFile(const std::string& dir, const election::Manifest& manifest) {
  ASSIGN_OR_RETURN(std::string voters, ReadSetupFile(dir, "voters.jsonl", uintmax_t{1} << 30));
  return Named("voters.jsonl", election::VoterList::FromJsonLines(voters, manifest));
}

Result<ElectionSetup> ReadElectionSetup(const std::string& dir, bool with_voters) {
  ElectionSetup setup;
  ASSIGN_OR_RETURN(setup.manifest_json, ReadSetupFile(dir, "manifest.json", election::kMaxManifestBytes));
  ASSIGN_OR_RETURN(setup.manifest, Named("manifest.json", election::ParseManifest(setup.manifest_json)));
  const election::Manifest& manifest = setup.manifest;
  ASSIGN_OR_RETURN(setup.ceremony_json, ReadSetupFile(dir, "ceremony.json", 1 << 20));
  ASSIGN_OR_RETURN(auto ceremony, Named("ceremony.json", election::ParseCeremony(setup.ceremony_json)));
  if (ceremony.size() != manifest.trustees) {
    return InvalidArgument("ceremony.json: " + std::to_string(ceremony.size()) + " trustees; the manifest has " +
                           std::to_string(manifest.trustees));
  }
  for (const auto& trustee : ceremony) {
    Status st = election::VerifyCommitments(manifest.hash, manifest.threshold, trustee);
    if (!st.ok()) return Status(st.code(), "ceremony.json: " + st.message());
  }
  setup.key = election::ElectionKey(ceremony);
  if (!with_voters) return setup;
  ASSIGN_OR_RETURN(setup.voters, ReadVoterListFile(dir, setup.manifest));
  return setup;
}

}  // namespace riik::vote
