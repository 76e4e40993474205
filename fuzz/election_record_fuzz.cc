// Fuzzes the election record's parsers (src/election/): a board entry (board.h), the
// tally (tally.h) and the key ceremony's commitments (record_json.h), chosen by the
// input's first byte. Every input gets a verdict and a refusal says why; what parses
// re-serialises to what parses to the same. Seeds: fuzz/election_record_corpus/, the
// pieces of the test election's record (tests/election/record_test.cc), each prefixed
// with its parser's byte: 'b' board entry, 't' tally, 'c' ceremony.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "election/board.h"
#include "election/record_json.h"
#include "election/tally.h"
#include "round_trip.h"

using riik::fuzz::Refused;
using riik::fuzz::RoundTrip;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace riik::election;
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0]) {
    case 'b': {
      auto entry = ParseBoardEntry(text);
      if (!entry.ok()) return Refused(entry), 0;
      RoundTrip(*entry, BoardEntryToLeaf, ParseBoardEntry);
      break;
    }
    case 't': {
      auto tally = ParseTally(text);
      if (!tally.ok()) return Refused(tally), 0;
      RoundTrip(*tally, TallyToJson, ParseTally);
      break;
    }
    case 'c': {
      auto ceremony = ParseCeremony(text);
      if (!ceremony.ok()) return Refused(ceremony), 0;
      RoundTrip(
          *ceremony, [](const auto& c) { return CeremonyToJson(c); }, ParseCeremony);
      break;
    }
    default:
      break;
  }
  return 0;
}
