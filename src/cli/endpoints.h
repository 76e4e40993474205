// DIR/endpoints.json: what `riik up` started and how to call it (docs/endpoints.md).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "core/json.h"
#include "core/status.h"
#include "node/node.h"

namespace riik::cli {

struct EndpointsExtras {
  std::map<std::string, std::string> ca_certificates;              // name -> path
  std::map<std::string, std::string> examples;                     // role name -> a ready command
  std::map<std::string, std::map<std::string, std::string>> urls;  // role name -> extra named URLs
  Json identities = Json::array();                                 // demo people and their credentials
};

Json BuildEndpoints(const node::Node& node, const EndpointsExtras& extras);
// Writes atomically (temporary file + rename).
Status WriteJsonFile(const std::string& path, const Json& value);

}  // namespace riik::cli
