// AccessRecord's JSON form and checks.
#include "tracker/access_record.h"

#include <nlohmann/json.hpp>

#include "core/json.h"
#include "identity/personal_code.h"
#include "transparency/record_leaf.h"

namespace riik::tracker {
namespace {

constexpr size_t kMaxText = 512;
constexpr size_t kMaxFields = 64;

Result<std::string> Text(const Json& j, const char* key, bool required) {
  if (!j.contains(key) || !j[key].is_string())
    return InvalidArgument(std::string("access record: ") + key + " must be a string");
  std::string text = j[key].get<std::string>();
  if (text.size() > kMaxText) return InvalidArgument(std::string("access record: ") + key + " is too long");
  if (required && text.empty()) return InvalidArgument(std::string("access record: ") + key + " is empty");
  return text;
}

}  // namespace

Json AccessToJson(const AccessRecord& r) {
  return {{"person", r.person}, {"registry", r.registry}, {"service", r.service},
          {"fields", r.fields}, {"client", r.client},     {"user_id", r.user_id},
          {"issue", r.issue},   {"xroad_id", r.xroad_id}, {"time_us", r.time_us}};
}

Result<AccessRecord> AccessFromJson(const Json& j) {
  if (!j.is_object() || j.size() != 9) return InvalidArgument("an access record is an object of 9 fields");
  AccessRecord r;
  ASSIGN_OR_RETURN(r.person, Text(j, "person", true));
  if (auto code = identity::PersonalCode::Parse(r.person); !code.ok()) {
    return InvalidArgument("access record: person: " + code.status().message());
  }
  ASSIGN_OR_RETURN(r.registry, Text(j, "registry", true));
  ASSIGN_OR_RETURN(r.service, Text(j, "service", true));
  ASSIGN_OR_RETURN(r.client, Text(j, "client", false));
  ASSIGN_OR_RETURN(r.user_id, Text(j, "user_id", false));
  ASSIGN_OR_RETURN(r.issue, Text(j, "issue", false));
  ASSIGN_OR_RETURN(r.xroad_id, Text(j, "xroad_id", false));
  // Both looked up with find: a const operator[] on a missing key is undefined behaviour.
  const auto fields = j.find("fields"), time = j.find("time_us");
  if (fields == j.end() || !fields->is_array() || fields->size() > kMaxFields)
    return InvalidArgument("access record: fields must be a short array");
  for (const Json& f : *fields) {
    if (!f.is_string() || f.get<std::string>().size() > kMaxText)
      return InvalidArgument("access record: fields must be strings");
    r.fields.push_back(f.get<std::string>());
  }
  if (time == j.end()) return InvalidArgument("access record: time_us must be a positive integer");
  ASSIGN_OR_RETURN(r.time_us, IntegerIn(*time, "access record: time_us", 1, INT64_MAX));
  return r;
}

Result<std::string> AccessLeaf(const AccessRecord& record) {
  RETURN_IF_ERROR(AccessFromJson(AccessToJson(record)).status());
  return CanonicalJson(AccessToJson(record));
}

Status CheckAccessLeaf(const std::string& key, const std::string& leaf) {
  static const transparency::RecordLeafFormat format{"access record", AccessFromJson, AccessLeaf,
                                                     [](const AccessRecord& r) { return r.person; },
                                                     "another person's code"};
  return transparency::CheckRecordLeaf(format, key, leaf);
}

}  // namespace riik::tracker
