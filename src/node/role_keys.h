// Reading a role's certificates and keys from the files its settings name.
#pragma once

#include <openssl/x509.h>

#include <string>
#include <vector>

#include "core/status.h"
#include "crypto/handles.h"

namespace riik::node {

// Every certificate of a PEM file, in file order; InvalidArgument if there is none.
Result<std::vector<UniquePtr<X509>>> ReadChain(const std::string& path);
// A PEM private key, decrypted with the first line of `passphrase_file` if one is named.
Result<UniquePtr<EVP_PKEY>> ReadKey(const std::string& path, const std::string& passphrase_file);

}  // namespace riik::node
