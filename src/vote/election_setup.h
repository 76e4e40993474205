// What a vote service is set up with, read from the election's directory: the manifest
// as published (manifest.json), the key ceremony's commitments (ceremony.json, whose
// combination is the election key) and the pseudonymous voter list (voters.jsonl), each
// checked as the record's verifier checks it (docs/formats/election-record.md).
#pragma once

#include <string>

#include "core/status.h"
#include "election/group.h"
#include "election/manifest.h"
#include "election/voter_list.h"

namespace riik::vote {

struct ElectionSetup {
  election::Manifest manifest;
  std::string manifest_json;  // as published
  std::string ceremony_json;
  election::Point key;  // the election key
  election::VoterList voters;
};

// DIR/voters.jsonl, checked against `manifest` (the organiser's list, or the record's).
Result<election::VoterList> ReadVoterListFile(const std::string& dir, const election::Manifest& manifest);

// Reads and checks the three files in `dir`; the error names the file and what is wrong.
// Without `with_voters`, voters.jsonl is not read (a list still to be made) and the
// setup's list is empty.
Result<ElectionSetup> ReadElectionSetup(const std::string& dir, bool with_voters = true);

}  // namespace riik::vote
