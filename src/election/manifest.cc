// Reading an election's manifest.
#include "election/manifest.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "core/json.h"
#include "crypto/json_fields.h"
#include "crypto/sha256.h"
#include "election/key_ceremony.h"

namespace riik::election {
namespace {

constexpr size_t kMaxId = 64, kMaxName = 256;
// The officials who enter paper votes (the electoral office's staff, a county's): the
// whole list travels with the manifest to every voter, 67 bytes an official.
constexpr size_t kMaxOfficials = 1000;

// An identifier: 1-64 of [A-Za-z0-9._-], so it prints and compares as it reads.
Result<std::string> Id(const JsonFields& f, std::string_view key) {
  ASSIGN_OR_RETURN(std::string id, f.Text(key, kMaxId));
  if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
      })) {
    return InvalidArgument(f.Name(key) + " must be 1-64 letters, digits, '.', '_' or '-'");
  }
  return id;
}

Result<UnixMicros> TimeField(const JsonFields& f, std::string_view key) {
  ASSIGN_OR_RETURN(std::string text, f.Text(key, 32));
  auto t = ParseRfc3339Utc(text);
  if (!t.ok()) return InvalidArgument(f.Name(key) + ": " + t.status().message());
  return *t;
}

Result<int64_t> DateField(const JsonFields& f, std::string_view key) {
  ASSIGN_OR_RETURN(std::string text, f.Text(key, 16));
  auto day = ParseIsoDate(text);
  if (!day.ok()) return InvalidArgument(f.Name(key) + ": " + day.status().message());
  return *day;
}

template <typename T>
Status Unique(const std::vector<T>& items, std::string_view what) {
  std::set<std::string> seen;
  for (const auto& item : items) {
    if (!seen.insert(item.id).second) return InvalidArgument(std::string(what) + " " + item.id + " appears twice");
  }
  return OkStatus();
}

Result<Option> ParseOption(const Json& j, const std::string& what) {
  ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, what, {"id", "name", "party"}));
  Option o;
  ASSIGN_OR_RETURN(o.id, Id(f, "id"));
  ASSIGN_OR_RETURN(o.name, f.Text("name", kMaxName));
  ASSIGN_OR_RETURN(o.party, f.Text("party", kMaxName));
  return o;
}

Result<Contest> ParseContest(const Json& j, const std::string& what) {
  ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, what, {"id", "district", "title", "min", "max", "options"}));
  Contest c;
  ASSIGN_OR_RETURN(c.id, Id(f, "id"));
  ASSIGN_OR_RETURN(c.district, Id(f, "district"));
  ASSIGN_OR_RETURN(c.title, f.Text("title", kMaxName));
  ASSIGN_OR_RETURN(const Json* options, f.Array("options", kMaxOptions));
  for (size_t i = 0; i < options->size(); ++i) {
    ASSIGN_OR_RETURN(Option o, ParseOption((*options)[i], what + ".options[" + std::to_string(i) + "]"));
    c.options.push_back(std::move(o));
  }
  if (c.options.empty()) return InvalidArgument(what + " has no options");
  RETURN_IF_ERROR(Unique(c.options, what + ": option"));
  const auto n = static_cast<int64_t>(c.options.size());
  ASSIGN_OR_RETURN(int64_t max, f.Int("max", 1, n));
  ASSIGN_OR_RETURN(int64_t min, f.Int("min", 0, max));
  c.min = static_cast<uint32_t>(min);
  c.max = static_cast<uint32_t>(max);
  return c;
}

Result<District> ParseDistrict(const Json& j, const std::string& what) {
  ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, what, {"id", "name", "counties"}));
  District d;
  ASSIGN_OR_RETURN(d.id, Id(f, "id"));
  ASSIGN_OR_RETURN(d.name, f.Text("name", kMaxName));
  ASSIGN_OR_RETURN(d.counties, f.Texts("counties", 64, kMaxName));
  if (d.counties.empty()) return InvalidArgument(what + " has no counties");
  return d;
}

}  // namespace

int Contest::OptionIndex(std::string_view option) const {
  for (size_t i = 0; i < options.size(); ++i) {
    if (options[i].id == option) return static_cast<int>(i);
  }
  return -1;
}

const Contest* Manifest::FindContest(std::string_view contest) const {
  for (const auto& c : contests) {
    if (c.id == contest) return &c;
  }
  return nullptr;
}

const District* Manifest::FindDistrict(std::string_view district) const {
  for (const auto& d : districts) {
    if (d.id == district) return &d;
  }
  return nullptr;
}

const District* Manifest::DistrictOfCounty(std::string_view county) const {
  for (const auto& d : districts) {
    if (std::find(d.counties.begin(), d.counties.end(), county) != d.counties.end()) return &d;
  }
  return nullptr;
}

Result<Manifest> ParseManifest(std::string_view text) {
  ASSIGN_OR_RETURN(Json j, ParseJson(text, JsonLimits{kMaxManifestBytes, 8}));
  ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, "manifest",
                                          {"format", "id", "title", "opens", "closes", "election_day",
                                           "voter_list_cutoff", "minimum_age", "citizenship", "trustees", "threshold",
                                           "board_key", "districts", "contests"},
                                          {"board_timestamped_within", "paper_vote_officials"}));
  ASSIGN_OR_RETURN(std::string format, f.Text("format", 64));
  if (format != "riik-election-v1") return InvalidArgument("manifest.format is not riik-election-v1");
  Manifest m;
  ASSIGN_OR_RETURN(m.id, Id(f, "id"));
  ASSIGN_OR_RETURN(m.title, f.Text("title", kMaxName));
  ASSIGN_OR_RETURN(m.opens, TimeField(f, "opens"));
  ASSIGN_OR_RETURN(m.closes, TimeField(f, "closes"));
  if (m.closes <= m.opens) return InvalidArgument("manifest: the polls close before they open");
  ASSIGN_OR_RETURN(m.election_day, DateField(f, "election_day"));
  ASSIGN_OR_RETURN(m.voter_list_cutoff, DateField(f, "voter_list_cutoff"));
  if (m.voter_list_cutoff > m.election_day)
    return InvalidArgument("manifest: the voter list's cut-off is after election day");
  ASSIGN_OR_RETURN(int64_t age, f.Int("minimum_age", 0, 150));
  m.minimum_age = static_cast<uint32_t>(age);
  ASSIGN_OR_RETURN(m.citizenship, f.Text("citizenship", 3));
  if (m.citizenship.size() != 3) return InvalidArgument("manifest.citizenship is a three-letter country code");
  ASSIGN_OR_RETURN(int64_t trustees, f.Int("trustees", 1, kMaxTrustees));
  ASSIGN_OR_RETURN(int64_t threshold, f.Int("threshold", 1, trustees));
  m.trustees = static_cast<uint32_t>(trustees);
  m.threshold = static_cast<uint32_t>(threshold);
  ASSIGN_OR_RETURN(Digest board_key, f.Hash("board_key"));
  m.board_key = DigestBytes(board_key);
  if (f.Has("board_timestamped_within")) {
    ASSIGN_OR_RETURN(int64_t within, f.Int("board_timestamped_within", 1, 86400));
    m.board_timestamped_within = within * 1'000'000;
  }
  if (f.Has("paper_vote_officials")) {
    // Each by its index when it is wrong, never its text: a personal code put there by
    // mistake would end up in the logs.
    ASSIGN_OR_RETURN(std::vector<Digest> officials, f.Hashes("paper_vote_officials", kMaxOfficials));
    if (officials.empty()) return InvalidArgument("manifest.paper_vote_officials names nobody");
    for (const Digest& d : officials) m.paper_vote_officials.push_back(DigestHex(d));
  }

  ASSIGN_OR_RETURN(const Json* districts, f.Array("districts", kMaxDistricts));
  for (size_t i = 0; i < districts->size(); ++i) {
    ASSIGN_OR_RETURN(District d, ParseDistrict((*districts)[i], "manifest.districts[" + std::to_string(i) + "]"));
    m.districts.push_back(std::move(d));
  }
  RETURN_IF_ERROR(Unique(m.districts, "district"));
  std::set<std::string> counties;
  for (const auto& d : m.districts) {
    for (const auto& county : d.counties) {
      if (!counties.insert(county).second) return InvalidArgument("county " + county + " is in two districts");
    }
  }
  ASSIGN_OR_RETURN(const Json* contests, f.Array("contests", kMaxContests));
  for (size_t i = 0; i < contests->size(); ++i) {
    const std::string what = "manifest.contests[" + std::to_string(i) + "]";
    ASSIGN_OR_RETURN(Contest c, ParseContest((*contests)[i], what));
    if (!m.FindDistrict(c.district)) return InvalidArgument(what + ".district " + c.district + " is not a district");
    m.contests.push_back(std::move(c));
  }
  if (m.contests.empty()) return InvalidArgument("manifest has no contests");
  RETURN_IF_ERROR(Unique(m.contests, "contest"));

  ASSIGN_OR_RETURN(m.text, CanonicalJson(j));
  m.hash = DigestBytes(Sha256(m.text));
  return m;
}

}  // namespace riik::election
