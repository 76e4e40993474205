// What a role with state of its own gives the node: the routes are added before its
// server starts (answering 503 until ready); Start() runs once the server listens and
// its URL is known (the trust role puts it into certificates, central into the
// configuration it signs).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "node/config.h"

namespace riik::node {

class Node;

class RoleService {
 public:
  virtual ~RoleService() = default;
  virtual Status Start(Node& node, const RoleConfig& role, const std::string& url) = 0;
  // The stores the role serves (for endpoints.json and the status role).
  virtual std::vector<std::string> stores() const = 0;
};

}  // namespace riik::node
