// An EVP_PKEY whose private half stays on a PKCS#11 token: OpenSSL's ECDSA signing
// (CMS, TLS client auth, EVP_DigestSign) is routed to C_Sign on the token's session.
// Internal to src/eid.
#pragma once

#include <memory>

#include "core/status.h"
#include "crypto/handles.h"
#include "eid/impl/pkcs11_module.h"

namespace riik::eid {

// `public_key` is the key's public half (from its certificate or public object);
// the returned key owns `session` (logged in) and signs with `private_key` on it.
Result<UniquePtr<EVP_PKEY>> TokenKey(EVP_PKEY* public_key, std::unique_ptr<Pkcs11Session> session,
                                     CK_OBJECT_HANDLE private_key);

}  // namespace riik::eid
