// Message records: validation, their JSON form (the Merkle leaf) and the X-Road header digest.
#include "exchange/message_record.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/big_endian.h"
#include "core/encoding.h"
#include "crypto/json_fields.h"
#include "transparency/record_leaf.h"

namespace riik::exchange {
namespace {

constexpr int64_t kRecordVersion = 1;

Status CheckText(std::string_view field, const std::string& value, size_t max_bytes, bool required) {
  if (required && value.empty()) return InvalidArgument("record field " + std::string(field) + " is required");
  if (value.size() > max_bytes) {
    return InvalidArgument("record field " + std::string(field) + " is longer than " + std::to_string(max_bytes) +
                           " bytes");
  }
  if (!IsValidUtf8(value)) return InvalidArgument("record field " + std::string(field) + " is not valid UTF-8");
  if (std::any_of(value.begin(), value.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return InvalidArgument("record field " + std::string(field) + " contains a control character");
  }
  return OkStatus();
}

void AppendLengthPrefixed(std::string& out, std::string_view s) {
  AppendBigEndian(out, static_cast<uint32_t>(s.size()), 4);
  out.append(s);
}

}  // namespace

std::string_view DirectionName(Direction d) { return d == Direction::kRequest ? "request" : "response"; }

Status ValidateRecord(const MessageRecord& r) {
  RETURN_IF_ERROR(CheckText("xroad_id", r.xroad_id, kMaxXRoadIdBytes, true));
  RETURN_IF_ERROR(CheckText("client", r.client, kMaxRecordFieldBytes, true));
  RETURN_IF_ERROR(CheckText("service", r.service, kMaxRecordFieldBytes, true));
  RETURN_IF_ERROR(CheckText("method", r.method, kMaxRecordFieldBytes, true));
  RETURN_IF_ERROR(CheckText("path", r.path, kMaxRecordFieldBytes, false));
  RETURN_IF_ERROR(CheckText("user_id", r.user_id, kMaxRecordFieldBytes, false));
  RETURN_IF_ERROR(CheckText("issue", r.issue, kMaxRecordFieldBytes, false));
  RETURN_IF_ERROR(CheckText("represented_party", r.represented_party, kMaxRecordFieldBytes, false));
  if (r.direction == Direction::kRequest && r.status != 0) {
    return InvalidArgument("record field status must be 0 on a request");
  }
  if (r.direction == Direction::kResponse && (r.status < 100 || r.status > 599)) {
    return InvalidArgument("record field status must be an HTTP status (100-599) on a response");
  }
  if (r.time_us <= 0) return InvalidArgument("record field time_us must be positive");
  return OkStatus();
}

Json RecordToJson(const MessageRecord& r) {
  return Json{{"body_sha256", DigestHex(r.body_sha256)},
              {"client", r.client},
              {"direction", DirectionName(r.direction)},
              {"headers_sha256", DigestHex(r.headers_sha256)},
              {"issue", r.issue},
              {"method", r.method},
              {"path", r.path},
              {"represented_party", r.represented_party},
              {"service", r.service},
              {"status", r.status},
              {"time_us", r.time_us},
              {"user_id", r.user_id},
              {"version", kRecordVersion},
              {"xroad_id", r.xroad_id}};
}

Result<MessageRecord> RecordFromJson(const Json& json) {
  ASSIGN_OR_RETURN(JsonFields f, JsonFields::Of(json, "record",
                                                {"body_sha256", "client", "direction", "headers_sha256", "issue",
                                                 "method", "path", "represented_party", "service", "status", "time_us",
                                                 "user_id", "version", "xroad_id"}));
  ASSIGN_OR_RETURN(int64_t version, f.Int("version", 0, INT64_MAX));
  if (version != kRecordVersion) return InvalidArgument("record.version: unknown version " + std::to_string(version));
  MessageRecord r;
  ASSIGN_OR_RETURN(std::string direction, f.Text("direction", 16));
  if (direction == "request") {
    r.direction = Direction::kRequest;
  } else if (direction == "response") {
    r.direction = Direction::kResponse;
  } else {
    return InvalidArgument("record.direction: expected \"request\" or \"response\"");
  }
  ASSIGN_OR_RETURN(r.xroad_id, f.Text("xroad_id", kMaxXRoadIdBytes));
  ASSIGN_OR_RETURN(r.client, f.Text("client", kMaxRecordFieldBytes));
  ASSIGN_OR_RETURN(r.service, f.Text("service", kMaxRecordFieldBytes));
  ASSIGN_OR_RETURN(r.method, f.Text("method", kMaxRecordFieldBytes));
  ASSIGN_OR_RETURN(r.path, f.Text("path", kMaxRecordFieldBytes));
  ASSIGN_OR_RETURN(r.user_id, f.Text("user_id", kMaxRecordFieldBytes));
  ASSIGN_OR_RETURN(r.issue, f.Text("issue", kMaxRecordFieldBytes));
  ASSIGN_OR_RETURN(r.represented_party, f.Text("represented_party", kMaxRecordFieldBytes));
  ASSIGN_OR_RETURN(int64_t status, f.Int("status", 0, 599));
  r.status = static_cast<int>(status);
  ASSIGN_OR_RETURN(r.time_us, f.Int("time_us", 1, INT64_MAX));
  ASSIGN_OR_RETURN(r.body_sha256, f.Hash("body_sha256"));
  ASSIGN_OR_RETURN(r.headers_sha256, f.Hash("headers_sha256"));
  RETURN_IF_ERROR(ValidateRecord(r));
  return r;
}

// Written directly, keys in byte order, without building RecordToJson's document first:
// a leaf is made for every message a security server handles. Byte for byte
// CanonicalJson(RecordToJson(record)) (tests/exchange/message_log_test.cc compares them).
Result<std::string> LeafData(const MessageRecord& record) {
  RETURN_IF_ERROR(ValidateRecord(record));
  std::string out;
  out.reserve(400 + record.xroad_id.size() + record.client.size() + record.service.size() + record.path.size() +
              record.user_id.size() + record.issue.size() + record.represented_party.size());
  char separator = '{';
  auto name = [&](std::string_view key) {
    out.push_back(separator);
    separator = ',';
    AppendJsonString(out, key);
    out.push_back(':');
  };
  auto text = [&](std::string_view key, std::string_view value) {
    name(key);
    AppendJsonString(out, value);
  };
  auto number = [&](std::string_view key, int64_t value) {
    name(key);
    out += std::to_string(value);
  };
  text("body_sha256", DigestHex(record.body_sha256));
  text("client", record.client);
  text("direction", DirectionName(record.direction));
  text("headers_sha256", DigestHex(record.headers_sha256));
  text("issue", record.issue);
  text("method", record.method);
  text("path", record.path);
  text("represented_party", record.represented_party);
  text("service", record.service);
  number("status", record.status);
  number("time_us", record.time_us);
  text("user_id", record.user_id);
  number("version", kRecordVersion);
  text("xroad_id", record.xroad_id);
  out.push_back('}');
  return out;
}

Digest XRoadHeadersSha256(std::span<const std::pair<std::string, std::string>> headers) {
  std::vector<std::pair<std::string, std::string>> xroad;
  for (const auto& [name, value] : headers) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower.starts_with("x-road-")) xroad.emplace_back(std::move(lower), value);
  }
  std::sort(xroad.begin(), xroad.end());
  std::string preimage;
  for (const auto& [name, value] : xroad) {
    AppendLengthPrefixed(preimage, name);
    AppendLengthPrefixed(preimage, value);
  }
  return Sha256(preimage);
}

Status CheckMessageLeaf(const std::string& key, const std::string& leaf) {
  static const transparency::RecordLeafFormat format{
      "record", RecordFromJson, LeafData, [](const MessageRecord& r) { return r.xroad_id; }, "another X-Road-Id"};
  return transparency::CheckRecordLeaf(format, key, leaf);
}

}  // namespace riik::exchange
