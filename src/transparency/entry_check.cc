// Checking a signed log's entries and heads offline.
#include "transparency/entry_check.h"

#include <nlohmann/json.hpp>

#include "crypto/json_fields.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "ledger/merkle.h"
#include "trust/chain_checks.h"

namespace riik::transparency {
namespace {

// How far a tree head's own time may be after the TSA's genTime (clocks differ).
constexpr UnixMicros kMaxClockSkew = 5 * 60 * 1'000'000LL;

}  // namespace

struct EntryChecker::SignedHead {
  SignedTreeHead head;
  std::vector<UniquePtr<X509>> chain;
};

Result<EntryChecker::SignedHead> EntryChecker::ReadSignedHead(const JsonFields& f, const std::string& what) {
  SignedHead out;
  ASSIGN_OR_RETURN(out.head, TreeHeadFromJson(f["head"], what + ".head"));
  ASSIGN_OR_RETURN(std::vector<std::string> pems,
                   f.Texts("certificates", trust::kMaxChainCertificates, trust::kMaxCertificatePemBytes));
  Result<std::vector<UniquePtr<X509>>> chain = ParseChain(pems);
  if (!chain.ok()) return chain.status().WithContext(f.Name("certificates"));
  out.chain = std::move(*chain);
  Status signature = VerifyTreeHeadSignature(out.head, out.chain[0].get());
  if (!signature.ok()) return signature.WithContext(what);
  return out;
}

namespace {

// Another owner of `cert`.
UniquePtr<X509> Share(X509* cert) {
  X509_up_ref(cert);
  return UniquePtr<X509>(cert);
}

void AddIntermediates(const std::vector<UniquePtr<X509>>& chain, std::vector<UniquePtr<X509>>& out) {
  for (size_t i = 1; i < chain.size(); ++i) out.push_back(Share(chain[i].get()));
}

// The DER of each certificate, each preceded by its length: a key that names the chain.
std::string ChainKey(std::span<const UniquePtr<X509>> chain) {
  std::string key;
  for (const auto& cert : chain) {
    std::string der = CertificateDer(cert.get());
    key += std::to_string(der.size()) + ":" + der;
  }
  return key;
}

// What the memo files a check under: the SHA-256 of its inputs, laid out so that no two
// different inputs give the same bytes (every part fixed-size or length-prefixed).
std::string MemoKey(std::string_view material) { return DigestBytes(Sha256(material)); }

std::vector<UniquePtr<X509>> Copy(const std::vector<UniquePtr<X509>>& chain) {
  std::vector<UniquePtr<X509>> copy;
  for (const auto& cert : chain) copy.push_back(Share(cert.get()));
  return copy;
}

}  // namespace

Result<std::vector<UniquePtr<X509>>> EntryChecker::ParseChain(const std::vector<std::string>& pems) {
  std::string material;
  for (const std::string& pem : pems) material += std::to_string(pem.size()) + ":" + pem;
  std::string key = MemoKey(material);
  if (auto known = parsed_.find(key); known != parsed_.end()) return Copy(known->second);
  ASSIGN_OR_RETURN(std::vector<UniquePtr<X509>> chain, trust::ParseCertificateChain(pems));
  if (parsed_.size() < kMaxRemembered) parsed_.emplace(std::move(key), Copy(chain));
  return chain;
}

Status EntryChecker::VerifySignerChain(const std::vector<UniquePtr<X509>>& chain, UnixMicros at,
                                       std::string_view what) {
  std::string key = MemoKey(std::to_string(at) + "@" + ChainKey(chain));
  if (chains_.contains(key)) return OkStatus();
  RETURN_IF_ERROR(trust::VerifySignerChain(chain, trust_root_, at, what));
  if (chains_.size() < kMaxRemembered) chains_.insert(std::move(key));
  return OkStatus();
}

// The entry's timestamp: on its head, or on a later head of the same log that is
// consistent with it. Returns the TSA's genTime.
Result<UnixMicros> EntryChecker::CheckTimestamp(const Json& json, const std::string& what, const SignedHead& head) {
  ASSIGN_OR_RETURN(JsonFields f, JsonFields::Of(json, what, {"certificates", "consistency_proof", "head", "token"}));
  ASSIGN_OR_RETURN(SignedHead stamped, ReadSignedHead(f, what));
  ASSIGN_OR_RETURN(std::vector<ledger::Hash> consistency, f.Hashes("consistency_proof", kMaxProofHashes));
  if (stamped.head.log_id != head.head.log_id) return DataLoss(what + ".head: belongs to another log");
  if (stamped.head.tree_size == head.head.tree_size) {
    if (!(stamped.head == head.head) || !consistency.empty()) {
      return DataLoss(what + ".head: differs from the entry's head of the same size");
    }
  } else if (stamped.head.tree_size < head.head.tree_size) {
    return DataLoss(what + ".head: is older than the entry's head");
  } else {
    Status consistent = ledger::VerifyConsistency(static_cast<uint64_t>(head.head.tree_size),
                                                  static_cast<uint64_t>(stamped.head.tree_size), head.head.root,
                                                  stamped.head.root, consistency);
    if (!consistent.ok()) return DataLoss(what + ".consistency_proof: " + consistent.message());
  }
  ASSIGN_OR_RETURN(std::string token, f.Base64("token", trust::kMaxTimestampTokenBytes));
  ASSIGN_OR_RETURN(Digest imprint, TimestampImprint(stamped.head));
  std::vector<UniquePtr<X509>> intermediates;
  AddIntermediates(head.chain, intermediates);
  AddIntermediates(stamped.chain, intermediates);
  std::string key =
      MemoKey(DigestBytes(imprint) + std::to_string(token.size()) + ":" + token + ChainKey(intermediates));
  auto known = tokens_.find(key);
  UnixMicros gen_time;
  if (known != tokens_.end()) {
    gen_time = known->second;
  } else {
    Result<trust::TimestampInfo> info = trust::VerifyTimestampToken(token, imprint, trust_root_, intermediates);
    if (!info.ok()) return info.status().WithContext(f.Name("token"));
    gen_time = info->gen_time;
    if (tokens_.size() < kMaxRemembered) tokens_.emplace(std::move(key), gen_time);
  }
  if (stamped.head.time_us > gen_time + kMaxClockSkew) {
    return DataLoss(what + ".head: signed at " + FormatRfc3339(stamped.head.time_us) + ", after its timestamp " +
                    FormatRfc3339(gen_time));
  }
  // The signers' certificates must have been valid when the timestamp proves the heads existed.
  RETURN_IF_ERROR(VerifySignerChain(stamped.chain, gen_time, f.Name("certificates")));
  return gen_time;
}

Result<VerifiedEntry> CheckEntry(const Json& json, const std::string& what, X509* trust_root, std::string& log_id) {
  return EntryChecker(trust_root).Check(json, what, log_id);
}

Result<VerifiedEntry> EntryChecker::Check(const Json& json, const std::string& what, std::string& log_id) {
  ASSIGN_OR_RETURN(
      JsonFields f,
      JsonFields::Of(json, what, {"certificates", "head", "inclusion_proof", "leaf_index", "record", "timestamp"}));
  ASSIGN_OR_RETURN(std::string leaf, CanonicalJson(f["record"]));
  ASSIGN_OR_RETURN(SignedHead head, ReadSignedHead(f, what));
  if (log_id.empty()) log_id = head.head.log_id;
  if (head.head.log_id != log_id) return DataLoss(what + ".head: belongs to another log than the first entry's");
  ASSIGN_OR_RETURN(int64_t leaf_index, f.Int("leaf_index", 0, head.head.tree_size - 1));
  ASSIGN_OR_RETURN(std::vector<ledger::Hash> inclusion, f.Hashes("inclusion_proof", kMaxProofHashes));
  Status included =
      ledger::VerifyInclusion(static_cast<uint64_t>(leaf_index), static_cast<uint64_t>(head.head.tree_size),
                              ledger::LeafHash(leaf), inclusion, head.head.root);
  if (!included.ok()) {
    return DataLoss(what +
                    ": the record and its inclusion proof do not lead to the signed root: " + included.message());
  }
  ASSIGN_OR_RETURN(UnixMicros stamped_at, CheckTimestamp(f["timestamp"], what + ".timestamp", head));
  RETURN_IF_ERROR(VerifySignerChain(head.chain, stamped_at, f.Name("certificates")));
  return VerifiedEntry{leaf_index, stamped_at, SubjectString(head.chain[0].get()), head.head};
}

Result<SignedTreeHead> CheckSignedHead(const Json& json, const std::string& what, X509* trust_root) {
  using SignedHead = EntryChecker::SignedHead;
  ASSIGN_OR_RETURN(JsonFields f, JsonFields::Of(json, what, {"certificates", "head"}));
  EntryChecker checker(trust_root);
  ASSIGN_OR_RETURN(SignedHead head, checker.ReadSignedHead(f, what));
  RETURN_IF_ERROR(checker.VerifySignerChain(head.chain, head.head.time_us, f.Name("certificates")));
  return head.head;
}

}  // namespace riik::transparency
