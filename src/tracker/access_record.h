// One access to a person's data, as the registry that gave it out records it for the
// data tracker: who asked (the client subsystem), on whose behalf and why (the X-Road
// headers), which service and fields, when, and the call's X-Road-Id. Format:
// docs/formats/tracker.md.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"

namespace riik::tracker {

struct AccessRecord {
  std::string person;               // personal code whose data was given
  std::string registry;             // the giving subsystem, e.g. EE/GOV/70000013/population
  std::string service;              // its service, e.g. "address"
  std::vector<std::string> fields;  // what the answer disclosed
  std::string client;               // X-Road-Client: the calling subsystem
  std::string user_id;              // X-Road-UserId: on whose behalf (may be empty)
  std::string issue;                // X-Road-Issue: the purpose (may be empty)
  std::string xroad_id;             // X-Road-Id of the call
  UnixMicros time_us = 0;
};

Json AccessToJson(const AccessRecord& record);
// Validates: a valid personal code, bounded texts, a time. InvalidArgument names the field.
Result<AccessRecord> AccessFromJson(const Json& json);
// The record's leaf: its canonical JSON.
Result<std::string> AccessLeaf(const AccessRecord& record);
// The tracker log's LeafCheck (transparency/verify.h): a valid record in canonical
// form, stored under its person's code.
Status CheckAccessLeaf(const std::string& key, const std::string& leaf);

}  // namespace riik::tracker
