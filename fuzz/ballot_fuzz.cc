// Fuzzes reading and checking ballots (src/election/ballot.h) with arbitrary documents:
// every input gets a verdict, a refusal always says why, and a ballot that parses
// re-serialises to a document that parses to the same. The seed corpus
// (fuzz/ballot_corpus/) was written by ElectionFuzzCorpus.DISABLED_WriteFuzzCorpus with
// the test manifest and the key 7·G below, so that valid seeds reach every proof check.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "election/ballot.h"
#include "election/test_manifest.h"
#include "seeds.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace riik::election;
  static const Manifest manifest = [] {
    auto m = ParseManifest(testing::TestManifestJson());
    if (!m.ok()) std::abort();
    return *m;
  }();
  static const Point key = BaseTimes(uint64_t{7});
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto ballot = ParseBallot(text);
  if (!ballot.ok()) {
    if (ballot.status().message().empty()) std::abort();  // every refusal says why
    riik::fuzz::RequireValid(false, ballot.status().message());
    return 0;
  }
  const std::string again = BallotToJson(*ballot);
  auto reparsed = ParseBallot(again);
  if (!reparsed.ok() || BallotToJson(*reparsed) != again) std::abort();  // one meaning, one spelling
  bool valid = false;                                                    // for one of the districts
  for (std::string_view district : {"1", "2"}) {
    Ballot copy = *ballot;
    riik::Status verdict = VerifyBallot(manifest, key, district, copy);
    if (!verdict.ok() && verdict.message().empty()) std::abort();
    valid = valid || verdict.ok();
  }
  riik::fuzz::RequireValid(valid, "the ballot's proofs do not hold in either district");
  return 0;
}
