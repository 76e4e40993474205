#include "cli/endpoints.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/file.h"
#include "core/version.h"

namespace riik::cli {

Json BuildEndpoints(const node::Node& node, const EndpointsExtras& extras) {
  Json roles = Json::object();
  for (const auto& r : node.roles()) {
    Json role = {{"kind", r.kind}, {"url", r.url}, {"healthz", r.url + "/healthz"}, {"metrics", r.url + "/metrics"}};
    if (auto it = extras.examples.find(r.name); it != extras.examples.end()) role["example"] = it->second;
    if (auto it = extras.urls.find(r.name); it != extras.urls.end()) {
      for (const auto& [key, url] : it->second) role[key] = url;
    }
    roles[r.name] = role;
  }
  Json stores = Json::array();
  for (const store::Store* s : node.Stores()) stores.push_back({{"name", s->node()}, {"engine", s->engine()}});
  return {{"riik_version", kVersion},
          {"data_dir", std::filesystem::absolute(node.config().data_dir).string()},
          {"started_at", FormatRfc3339(node.started_at())},
          {"roles", roles},
          {"stores", stores},
          {"ca_certificates", extras.ca_certificates},
          {"identities", extras.identities}};
}

Status WriteJsonFile(const std::string& path, const Json& value) {
  return WriteFileAtomic(path, value.dump(2) + "\n", /*secret=*/false);
}

}  // namespace riik::cli
