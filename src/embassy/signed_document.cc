// Signing and checking small JSON documents.
#include "embassy/signed_document.h"

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "crypto/signature.h"

namespace riik::embassy {

Result<std::string> SignDocument(const Json& doc, EVP_PKEY* key) {
  if (!doc.is_object() || doc.contains("signature"))
    return InvalidArgument("a signed document is an object without a signature");
  ASSIGN_OR_RETURN(std::string tbs, CanonicalJson(doc));
  ASSIGN_OR_RETURN(std::string signature, SignSha256(key, tbs));
  Json signed_doc = doc;
  signed_doc["signature"] = Base64Encode(signature);
  return CanonicalJson(signed_doc);
}

Result<Json> CheckSignedDocument(std::string_view text, std::string_view format, EVP_PKEY* signer, size_t max_bytes) {
  if (text.size() > max_bytes) {
    return InvalidArgument("a signed " + std::string(format) + " document is at most " + std::to_string(max_bytes) +
                           " bytes");
  }
  auto doc = ParseJson(text, JsonLimits{max_bytes, 4});
  if (!doc.ok() || !doc->is_object() || StringOr(*doc, "format") != format || !(*doc)["signature"].is_string()) {
    return InvalidArgument("not a signed " + std::string(format) + " document");
  }
  auto signature = Base64Decode((*doc)["signature"].get<std::string>());
  if (!signature.ok()) return InvalidArgument("the document's signature is not base64");
  doc->erase("signature");
  ASSIGN_OR_RETURN(std::string tbs, CanonicalJson(*doc));
  ASSIGN_OR_RETURN(bool ok, VerifySha256(signer, tbs, *signature));
  if (!ok) return DataLoss("the " + std::string(format) + " document's signature does not verify (it was altered)");
  return *doc;
}

}  // namespace riik::embassy
