// Reading a role's certificates and keys from the files its settings name.
#pragma once

#include <openssl/x509.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crypto/handles.h"
#include "net/client.h"
#include "node/config.h"
#include "transparency/signed_log.h"

namespace riik::node {

// Every certificate of a PEM file, in file order; InvalidArgument if there is none.
Result<std::vector<UniquePtr<X509>>> ReadChain(const std::string& path);
// A PEM private key, decrypted with the first line of `passphrase_file` if one is named.
Result<UniquePtr<EVP_PKEY>> ReadKey(const std::string& path, const std::string& passphrase_file);

// Pinned certificates: the SHA-256 (lower-case hex) of the first certificate of each PEM
// file in `paths`, for a listener that lets exactly those clients in.
Result<std::set<std::string>> ReadPins(const std::vector<std::string>& paths);
// OK if `leaf`'s SHA-256 is among `pins`; PermissionDenied naming the certificate and
// `who` may call (e.g. "only this registry's security server") otherwise.
Status CheckPinned(const std::set<std::string>& pins, X509* leaf, std::string_view who);

// Who may call a member's backend listener (a registry, the validation service): over
// TLS, exactly the security server certificate(s) in exchange_cert (the listener must
// ask for client certificates); plain HTTP only where plain_http = "development" says
// so, and then no pins. `who` names the role in messages ("a registry").
Result<std::set<std::string>> ListenerPins(const RoleConfig& role, std::string_view who);

// The TLS a member's information system calls its security server with (X-Road's
// SSLAUTH): for an https `url`, the state root (trust_root) and the subsystem's own
// certificate and key (client_cert and client_key, by default the listener's).
Result<net::ClientOptions> ExchangeClientTls(const RoleConfig& role, const std::string& url);

class Node;
// A signed log's options from a member role's settings: signing_cert (its chain),
// signing_key with key_passphrase_file, trust_root, and TSA timestamps from tsa_url or
// the trust role of this process. The caller sets log_id and leaf_check.
Result<transparency::SignedLogOptions> MemberLogOptions(Node& node, const RoleConfig& role);

}  // namespace riik::node
