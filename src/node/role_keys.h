// Reading a role's certificates and keys from the files its settings name.
#pragma once

#include <openssl/x509.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crypto/handles.h"

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

}  // namespace riik::node
