// Board entries and their leaves.
#include "election/board.h"

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/json.h"
#include "crypto/json_fields.h"
#include "election/record_json.h"

namespace riik::election {
namespace {

std::string HexOf(std::string_view bytes) { return HexEncode(bytes); }

Result<std::string> HashField(const JsonFields& f, std::string_view key) {
  ASSIGN_OR_RETURN(Digest d, f.Hash(key));
  return DigestBytes(d);
}

}  // namespace

std::string BoardEntryToLeaf(const BoardEntry& e) {
  Json j = {{"time_us", e.time_us}};
  switch (e.kind) {
    case EntryKind::kOpening:
      j["kind"] = "opening";
      j["election"] = HexOf(e.election);
      j["key"] = Base64Encode(e.key.Bytes());
      j["voter_list_root"] = HexOf(e.voter_list_root);
      break;
    case EntryKind::kBallot:
      j["kind"] = "ballot";
      j["voter"] = e.voter;
      j["ballot"] = e.ballot;
      break;
    case EntryKind::kCancel:
      j["kind"] = "cancel";
      j["voter"] = e.voter;
      j["reason"] = e.reason;
      break;
    case EntryKind::kClosing:
      j["kind"] = "closing";
      break;
    case EntryKind::kRefused:
      j["kind"] = "refused";
      j["voter"] = e.voter;
      j["ballot_hash"] = HexOf(e.ballot_hash);
      j["reason"] = e.reason;
      break;
  }
  return j.dump();
}

Result<BoardEntry> ParseBoardEntry(std::string_view leaf) {
  ASSIGN_OR_RETURN(Json j, ParseJson(leaf, JsonLimits{kMaxBoardEntryBytes, 4}));
  if (!j.is_object() || !j.contains("kind") || !j["kind"].is_string()) {
    return InvalidArgument("a board entry is an object with a kind");
  }
  const std::string kind = j["kind"].get<std::string>();
  BoardEntry e;
  auto common = [&](const JsonFields& f) -> Status {
    ASSIGN_OR_RETURN(e.time_us, f.Int("time_us", 0, INT64_MAX));
    return OkStatus();
  };
  auto voter = [&](const JsonFields& f) -> Status {
    ASSIGN_OR_RETURN(e.voter, f.Text("voter", 64));
    if (e.voter.empty()) return InvalidArgument(f.Name("voter") + " is empty");
    return OkStatus();
  };
  if (kind == "opening") {
    ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, "opening", {"kind", "time_us", "election", "key", "voter_list_root"}));
    e.kind = EntryKind::kOpening;
    RETURN_IF_ERROR(common(f));
    ASSIGN_OR_RETURN(e.election, HashField(f, "election"));
    ASSIGN_OR_RETURN(e.key, ElementFromJson(f, "key"));
    ASSIGN_OR_RETURN(e.voter_list_root, HashField(f, "voter_list_root"));
  } else if (kind == "ballot") {
    ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, "ballot entry", {"kind", "time_us", "voter", "ballot"}));
    e.kind = EntryKind::kBallot;
    RETURN_IF_ERROR(common(f));
    RETURN_IF_ERROR(voter(f));
    ASSIGN_OR_RETURN(e.ballot, f.Text("ballot", kMaxBoardEntryBytes));
  } else if (kind == "cancel") {
    ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, "cancel entry", {"kind", "time_us", "voter", "reason"}));
    e.kind = EntryKind::kCancel;
    RETURN_IF_ERROR(common(f));
    RETURN_IF_ERROR(voter(f));
    ASSIGN_OR_RETURN(e.reason, f.Text("reason", kMaxReasonBytes));
  } else if (kind == "refused") {
    ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, "refused entry", {"kind", "time_us", "voter", "ballot_hash", "reason"}));
    e.kind = EntryKind::kRefused;
    RETURN_IF_ERROR(common(f));
    RETURN_IF_ERROR(voter(f));
    ASSIGN_OR_RETURN(e.ballot_hash, HashField(f, "ballot_hash"));
    ASSIGN_OR_RETURN(e.reason, f.Text("reason", kMaxReasonBytes));
  } else if (kind == "closing") {
    ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, "closing", {"kind", "time_us"}));
    e.kind = EntryKind::kClosing;
    RETURN_IF_ERROR(common(f));
  } else {
    return InvalidArgument("a board entry's kind is opening, ballot, cancel, refused or closing, not " +
                           kind.substr(0, 32));
  }
  return e;
}

}  // namespace riik::election
