// What a role with state of its own gives the node: the routes are added before its
// server starts (answering 503 until ready); Start() runs once the server listens and
// its URL is known (the trust role puts it into certificates, central into the
// configuration it signs).
#pragma once

#include <openssl/x509.h>

#include <functional>
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
  // Who the role's TLS listener lets in (applied to net::TlsServerConfig).
  struct ListenerPolicy {
    // The check of a client certificate at the handshake, before a byte of any request
    // is read; none: any certificate chaining to tls.client_ca.
    std::function<Status(X509* leaf)> verify_client;
    // A client may also connect without a certificate (an operator with a bearer token;
    // the role's router gate keeps such connections to the operator routes).
    bool client_cert_optional = false;
    bool require_tls13 = false;
  };
  virtual ListenerPolicy listener_policy() const { return {}; }
  // Why the role cannot serve yet, while it starts (empty once it can): its listener's
  // GET /healthz answers 503 with it. Called from the network threads.
  virtual std::string NotReady() const { return ""; }
  // Stops the listeners the role runs itself (on the node's event loops), before the
  // node stops those loops. Nothing else goes yet.
  virtual void StopListening() {}
};

}  // namespace riik::node
