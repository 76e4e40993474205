// Signed tree heads: their canonical encodings, signing and signature checks.
#include "transparency/tree_head.h"

#include <openssl/core_names.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "crypto/json_fields.h"
#include "crypto/prepared_signer.h"
#include "crypto/signature.h"

namespace riik::transparency {
namespace {

constexpr int64_t kTreeHeadVersion = 1;

Json UnsignedJson(const SignedTreeHead& head) {
  return Json{{"log_id", head.log_id},
              {"root", DigestHex(head.root)},
              {"time_us", head.time_us},
              {"tree_size", head.tree_size},
              {"version", kTreeHeadVersion}};
}

}  // namespace

Status ValidateLogId(std::string_view log_id) {
  if (log_id.empty() || log_id.size() > kMaxLogIdBytes) return InvalidArgument("a log id is 1-256 bytes");
  if (!IsValidUtf8(log_id)) return InvalidArgument("a log id must be UTF-8");
  if (std::any_of(log_id.begin(), log_id.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    return InvalidArgument("a log id must not contain control characters");
  }
  return OkStatus();
}

Result<std::string> ToBeSigned(const SignedTreeHead& head) { return CanonicalJson(UnsignedJson(head)); }

Json TreeHeadToJson(const SignedTreeHead& head) {
  Json j = UnsignedJson(head);
  j["signature"] = Base64Encode(head.signature);
  return j;
}

Result<Digest> TimestampImprint(const SignedTreeHead& head) {
  ASSIGN_OR_RETURN(std::string encoding, CanonicalJson(TreeHeadToJson(head)));
  return Sha256(encoding);
}

Result<SignedTreeHead> TreeHeadFromJson(const Json& json, const std::string& what) {
  ASSIGN_OR_RETURN(JsonFields f,
                   JsonFields::Of(json, what, {"log_id", "root", "signature", "time_us", "tree_size", "version"}));
  ASSIGN_OR_RETURN(int64_t version, f.Int("version", 0, INT64_MAX));
  if (version != kTreeHeadVersion) {
    return InvalidArgument(f.Name("version") + ": unknown version " + std::to_string(version));
  }
  SignedTreeHead head;
  ASSIGN_OR_RETURN(head.log_id, f.Text("log_id", kMaxLogIdBytes));
  Status id = ValidateLogId(head.log_id);
  if (!id.ok()) return id.WithContext(f.Name("log_id"));
  ASSIGN_OR_RETURN(head.tree_size, f.Int("tree_size", 1, INT64_MAX));
  ASSIGN_OR_RETURN(head.root, f.Hash("root"));
  ASSIGN_OR_RETURN(head.time_us, f.Int("time_us", 1, INT64_MAX));
  ASSIGN_OR_RETURN(head.signature, f.Base64("signature", kMaxSignatureBytes));
  return head;
}

bool IsP256Key(EVP_PKEY* key) {
  if (key == nullptr || !EVP_PKEY_is_a(key, "EC")) return false;
  char group[64] = {0};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &len) != 1) return false;
  return std::string_view(group, len) == "prime256v1";
}

Result<std::string> SignTreeHead(const SignedTreeHead& head, EVP_PKEY* key) {
  ASSIGN_OR_RETURN(std::string tbs, ToBeSigned(head));
  auto signature = SignSha256(key, tbs);
  if (!signature.ok()) return signature.status().WithContext("signing a tree head");
  return signature;
}

Result<std::string> SignTreeHead(const SignedTreeHead& head, const PreparedSigner& signer) {
  ASSIGN_OR_RETURN(std::string tbs, ToBeSigned(head));
  auto signature = signer.Sign(tbs);
  if (!signature.ok()) return signature.status().WithContext("signing a tree head");
  return signature;
}

Status VerifyTreeHeadSignature(const SignedTreeHead& head, X509* signer) {
  EVP_PKEY* key = X509_get0_pubkey(signer);
  if (!IsP256Key(key)) return DataLoss("the signer's certificate does not hold an ECDSA P-256 key");
  ASSIGN_OR_RETURN(std::string tbs, ToBeSigned(head));
  ASSIGN_OR_RETURN(bool ok, VerifySha256(key, tbs, head.signature));
  if (!ok)
    return DataLoss("the signature of the tree head of size " + std::to_string(head.tree_size) + " does not verify");
  return OkStatus();
}

}  // namespace riik::transparency
