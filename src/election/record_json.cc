// JSON of the record's shared pieces.
#include "election/record_json.h"

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "crypto/json_fields.h"

namespace riik::election {
namespace {

Json B64(std::string_view bytes) { return Base64Encode(bytes); }

}  // namespace

Result<Point> ElementFromJson(const JsonFields& f, std::string_view key, bool allow_identity) {
  ASSIGN_OR_RETURN(std::string bytes, f.Base64(key, kElementBytes));
  auto p = DecodePoint(bytes, allow_identity);
  if (!p.ok()) return InvalidArgument(f.Name(key) + ": " + p.status().message());
  return *p;
}

Result<Scalar> ScalarFromJson(const JsonFields& f, std::string_view key) {
  ASSIGN_OR_RETURN(std::string bytes, f.Base64(key, kElementBytes));
  auto s = DecodeScalar(bytes);
  if (!s.ok()) return InvalidArgument(f.Name(key) + ": " + s.status().message());
  return *s;
}

Json DecryptionPartToJson(const DecryptionPart& part) {
  return {
      {"trustee", part.trustee},
      {"share", B64(part.share.Bytes())},
      {"proof",
       {{"a", B64(part.proof.a.Bytes())}, {"b", B64(part.proof.b.Bytes())}, {"z", B64(part.proof.response.Bytes())}}}};
}

Result<DecryptionPart> DecryptionPartFromJson(const Json& j, const std::string& what) {
  ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, what, {"trustee", "share", "proof"}));
  DecryptionPart part;
  ASSIGN_OR_RETURN(int64_t trustee, f.Int("trustee", 1, kMaxTrustees));
  part.trustee = static_cast<uint32_t>(trustee);
  ASSIGN_OR_RETURN(part.share, ElementFromJson(f, "share"));
  ASSIGN_OR_RETURN(auto pf, JsonFields::Of(f["proof"], f.Name("proof"), {"a", "b", "z"}));
  ASSIGN_OR_RETURN(part.proof.a, ElementFromJson(pf, "a"));
  ASSIGN_OR_RETURN(part.proof.b, ElementFromJson(pf, "b"));
  ASSIGN_OR_RETURN(part.proof.response, ScalarFromJson(pf, "z"));
  return part;
}

namespace {

Json CommitmentsJson(const TrusteeCommitments& t) {
  Json commitments = Json::array(), proofs = Json::array();
  for (const auto& c : t.commitments) commitments.push_back(B64(c.Bytes()));
  for (const auto& p : t.proofs) proofs.push_back({{"a", B64(p.commitment.Bytes())}, {"z", B64(p.response.Bytes())}});
  return {{"trustee", t.trustee}, {"commitments", commitments}, {"proofs", proofs}};
}

// `extra`: the keys an object may have besides the commitments' (e.g. "format").
Result<TrusteeCommitments> CommitmentsFromJson(const Json& j, const std::string& what,
                                               std::initializer_list<std::string_view> keys) {
  ASSIGN_OR_RETURN(auto tf, JsonFields::Of(j, what, keys));
  TrusteeCommitments t;
  ASSIGN_OR_RETURN(int64_t n, tf.Int("trustee", 1, kMaxTrustees));
  t.trustee = static_cast<uint32_t>(n);
  ASSIGN_OR_RETURN(const Json* commitments, tf.Array("commitments", kMaxTrustees));
  for (size_t k = 0; k < commitments->size(); ++k) {
    const std::string item = what + ".commitments[" + std::to_string(k) + "]";
    if (!(*commitments)[k].is_string()) return InvalidArgument(item + " is not a string");
    auto bytes = CanonicalBase64Decode((*commitments)[k].get<std::string>());
    if (!bytes.ok()) return InvalidArgument(item + ": " + bytes.status().message());
    auto p = DecodePoint(*bytes);
    if (!p.ok()) return InvalidArgument(item + ": " + p.status().message());
    t.commitments.push_back(*p);
  }
  ASSIGN_OR_RETURN(const Json* proofs, tf.Array("proofs", kMaxTrustees));
  for (size_t k = 0; k < proofs->size(); ++k) {
    ASSIGN_OR_RETURN(auto pf, JsonFields::Of((*proofs)[k], what + ".proofs[" + std::to_string(k) + "]", {"a", "z"}));
    SchnorrProof proof;
    ASSIGN_OR_RETURN(proof.commitment, ElementFromJson(pf, "a"));
    ASSIGN_OR_RETURN(proof.response, ScalarFromJson(pf, "z"));
    t.proofs.push_back(proof);
  }
  return t;
}

}  // namespace

std::string CeremonyToJson(std::span<const TrusteeCommitments> ceremony) {
  Json trustees = Json::array();
  for (const auto& t : ceremony) trustees.push_back(CommitmentsJson(t));
  return Json{{"format", "riik-ceremony-v1"}, {"trustees", trustees}}.dump();
}

Result<std::vector<TrusteeCommitments>> ParseCeremony(std::string_view json) {
  ASSIGN_OR_RETURN(Json j, ParseJson(json, JsonLimits{1 << 20, 6}));
  ASSIGN_OR_RETURN(auto f, JsonFields::Of(j, "ceremony", {"format", "trustees"}));
  ASSIGN_OR_RETURN(std::string format, f.Text("format", 32));
  if (format != "riik-ceremony-v1") return InvalidArgument("ceremony.format is not riik-ceremony-v1");
  ASSIGN_OR_RETURN(const Json* trustees, f.Array("trustees", kMaxTrustees));
  std::vector<TrusteeCommitments> out;
  for (size_t i = 0; i < trustees->size(); ++i) {
    const std::string what = "ceremony.trustees[" + std::to_string(i) + "]";
    ASSIGN_OR_RETURN(TrusteeCommitments t,
                     CommitmentsFromJson((*trustees)[i], what, {"trustee", "commitments", "proofs"}));
    if (t.trustee != i + 1) return InvalidArgument(what + ".trustee is not " + std::to_string(i + 1));
    out.push_back(std::move(t));
  }
  return out;
}

std::string CommitmentsFileJson(const TrusteeCommitments& commitments) {
  Json j = CommitmentsJson(commitments);
  j["format"] = "riik-commitments-v1";
  return j.dump();
}

Result<TrusteeCommitments> ParseCommitmentsFile(std::string_view json) {
  ASSIGN_OR_RETURN(Json j, ParseJson(json, JsonLimits{64 * 1024, 4}));
  if (StringOr(j, "format") != "riik-commitments-v1") return InvalidArgument("not a trustee's commitments file");
  return CommitmentsFromJson(j, "commitments", {"format", "trustee", "commitments", "proofs"});
}

}  // namespace riik::election
