// Archive timestamps (XAdES 1.4.1 xades141:ArchiveTimeStamp; XAdES-BASELINE-LTA): a TSA
// timestamp over everything a signature is made of — the signed files and properties,
// SignedInfo, the signature value, the signer's certificate and every unsigned property
// before it — so the signature stays provable after its algorithms weaken or its
// certificates expire. `riik sign --extend` adds one; a later one covers the earlier.
#pragma once

#include <libxml/tree.h>

#include <string>

#include "core/status.h"
#include "crypto/sha256.h"
#include "sign/container.h"
#include "sign/xml.h"
#include "trust/timestamp_client.h"

namespace riik::sign {

// The digest (with `md`: the token's own algorithm) an archive timestamp covers, for the
// ds:Signature `signature` of a file of `container`: in order, each Reference's data (the
// file's bytes; the signed properties canonicalised by the reference's transform), then
// SignedInfo, SignatureValue and KeyInfo, then each child of UnsignedSignatureProperties
// before `stop_at` (all of them when null), each canonicalised with `method`.
// InvalidArgument if a part is missing.
Result<std::string> ArchiveTimestampImprint(xmlNode* signature, const Container& container, C14n method,
                                            const xmlNode* stop_at, const EVP_MD* md);

// Adds an archive timestamp to the signature file `name` of `container` (its text gains
// one element at the end of UnsignedSignatureProperties; nothing before it changes).
// NotFound for an unknown name; FailedPrecondition for a signature without a signature
// timestamp (extend an LT signature); Unavailable when the TSA is.
Status ExtendSignature(Container& container, std::string_view name, const trust::TimestampFn& timestamp,
                       X509* trust_root);

}  // namespace riik::sign
