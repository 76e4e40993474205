// A small JSON document signed by a node or an embassy: its canonical JSON with a
// "signature" member added — base64 of a DER ECDSA signature over SHA-256 of the
// canonical JSON without it. Checkpoints (a node's signed state digest) and drill
// results are such documents, so anyone with the signer's certificate can check them.
#pragma once

#include <openssl/evp.h>

#include <string>
#include <string_view>

#include "core/json.h"
#include "core/status.h"

namespace riik::embassy {

inline constexpr size_t kMaxSignedDocumentBytes = 16 * 1024;

Result<std::string> SignDocument(const Json& doc, EVP_PKEY* key);
// The document without its signature, if it is one with `format` and the signature
// verifies; DataLoss otherwise (InvalidArgument when it is not such a document at all).
// `max_bytes`: how large such a document may be (a snapshot's manifest lists its chunks).
Result<Json> CheckSignedDocument(std::string_view text, std::string_view format, EVP_PKEY* signer,
                                 size_t max_bytes = kMaxSignedDocumentBytes);

}  // namespace riik::embassy
