// One message a security server handled, as its message log records it: the X-Road
// identifiers and headers, the HTTP method, path and status, SHA-256 of the body and of
// the X-Road headers, and the time. Bodies are never recorded (personal data stays with
// the parties). The record's leaf in the log's Merkle tree is its canonical JSON
// (docs/formats/evidence.md, "Record").
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "crypto/sha256.h"

namespace riik::exchange {

enum class Direction { kRequest, kResponse };
std::string_view DirectionName(Direction d);  // "request" or "response"

struct MessageRecord {
  std::string xroad_id;  // X-Road-Id, required
  Direction direction = Direction::kRequest;
  std::string client;             // X-Road-Client, e.g. "EE/GOV/70000310/tax", required
  std::string service;            // e.g. "EE/GOV/70000013/population/person", required
  std::string method;             // "GET", "POST", …, required
  std::string path;               // path and query below the service, may be empty
  std::string user_id;            // X-Road-UserId, empty if absent
  std::string issue;              // X-Road-Issue, empty if absent
  std::string represented_party;  // X-Road-Represented-Party, empty if absent
  int status = 0;                 // HTTP status of a response; 0 for a request
  Digest body_sha256{};           // SHA-256 of the body as sent
  Digest headers_sha256{};        // XRoadHeadersSha256() of the message's headers
  UnixMicros time_us = 0;         // when the security server handled the message
  bool operator==(const MessageRecord&) const = default;
};

// Limits on a record's text fields (bytes).
inline constexpr size_t kMaxXRoadIdBytes = 256;
inline constexpr size_t kMaxRecordFieldBytes = 8192;

// Checks a record: required fields present, text UTF-8 without control characters,
// sizes within the limits, a status only on responses (100–599). InvalidArgument names
// the field.
Status ValidateRecord(const MessageRecord& record);

// The record's JSON object (every field present; digests as lower-case hex).
Json RecordToJson(const MessageRecord& record);
// Reads a record's JSON object strictly: exactly the fields RecordToJson writes, with
// their types, canonical hex, and ValidateRecord's rules. InvalidArgument names the field.
Result<MessageRecord> RecordFromJson(const Json& json);

// The leaf data: canonical JSON of RecordToJson(record), written directly. Fails if the
// record is invalid.
Result<std::string> LeafData(const MessageRecord& record);

// The message log's LeafCheck (transparency/verify.h): a valid record in canonical form,
// stored under its own X-Road-Id. DataLoss says what is wrong.
Status CheckMessageLeaf(const std::string& key, const std::string& leaf);

// SHA-256 over a message's X-Road headers, independent of their order and of the case
// of their names: headers whose lower-cased name starts with "x-road-" are sorted by
// (name, value) and each contributes u32be(len(name)) ‖ name ‖ u32be(len(value)) ‖ value.
Digest XRoadHeadersSha256(std::span<const std::pair<std::string, std::string>> headers);

}  // namespace riik::exchange
