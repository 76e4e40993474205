// Verifying a whole signed log from its store, in one pass over leaves and heads.
#include "transparency/verify.h"

#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "ledger/merkle_frontier.h"
#include "transparency/migration.h"
#include "transparency/tables.h"
#include "transparency/tree_head.h"
#include "trust/chain_checks.h"

namespace riik::transparency {
namespace {

constexpr int64_t kHeadPage = 1024;

// The signers' certificate chains, each parsed and checked against the root once.
class Signers {
 public:
  Signers(store::Store& store, X509* trust_root) : store_(store), trust_root_(trust_root) {}

  // The chain of `fingerprint`, checked at `at` the first time it is asked for.
  Result<const std::vector<UniquePtr<X509>>*> Chain(const std::string& fingerprint, UnixMicros at) {
    auto it = chains_.find(fingerprint);
    if (it != chains_.end()) return &it->second;
    ASSIGN_OR_RETURN(std::vector<std::string> pems, tables::SignerChain(store_, fingerprint));
    Result<std::vector<UniquePtr<X509>>> chain = trust::ParseCertificateChain(pems);
    if (!chain.ok()) return DataLoss("signer " + fingerprint + ": " + chain.status().message());
    RETURN_IF_ERROR(trust::VerifySignerChain(*chain, trust_root_, at, "signer " + fingerprint));
    return &chains_.emplace(fingerprint, std::move(*chain)).first->second;
  }

  // Every issuing CA certificate seen, to complete TSA chains with.
  std::vector<UniquePtr<X509>> Intermediates() const {
    std::vector<UniquePtr<X509>> out;
    for (const auto& [fingerprint, chain] : chains_) {
      for (size_t i = 1; i < chain.size(); ++i) {
        X509_up_ref(chain[i].get());
        out.emplace_back(chain[i].get());
      }
    }
    return out;
  }

 private:
  store::Store& store_;
  X509* trust_root_;
  std::map<std::string, std::vector<UniquePtr<X509>>> chains_;
};

// The log's heads of size at most `last_size`, in order of size, read a page at a time.
class HeadCursor {
 public:
  HeadCursor(store::Store& store, const std::string& log_id, int64_t last_size)
      : store_(store), log_id_(log_id), last_size_(last_size) {}

  Result<std::optional<tables::StoredHead>> Next() {
    if (buffer_.empty() && !exhausted_) {
      ASSIGN_OR_RETURN(std::vector<tables::StoredHead> page, tables::HeadsFrom(store_, log_id_, from_, kHeadPage));
      exhausted_ = static_cast<int64_t>(page.size()) < kHeadPage;
      for (auto& h : page) buffer_.push_back(std::move(h));
      if (!buffer_.empty()) from_ = buffer_.back().head.tree_size + 1;
    }
    if (buffer_.empty() || buffer_.front().head.tree_size > last_size_) return std::optional<tables::StoredHead>();
    std::optional<tables::StoredHead> out(std::move(buffer_.front()));
    buffer_.pop_front();
    return out;
  }

 private:
  store::Store& store_;
  const std::string& log_id_;
  const int64_t last_size_;
  std::deque<tables::StoredHead> buffer_;
  int64_t from_ = 0;
  bool exhausted_ = false;
};

Status CheckLeaf(const tables::StoredLeaf& stored, int64_t expected_index, const LeafCheck& check) {
  const std::string where = "leaf " + std::to_string(expected_index);
  if (stored.leaf_index != expected_index) return DataLoss(where + " is missing");
  Status leaf = check(stored.key, stored.leaf);
  return leaf.ok() ? leaf : DataLoss(where + " " + leaf.message());
}

// `previous_size`: the size of the head before (0 for the first).
Status CheckHead(const tables::StoredHead& stored, const std::string& log_id, int64_t previous_size,
                 const ledger::MerkleFrontier& leaves, Signers& signers) {
  const SignedTreeHead& head = stored.head;
  const std::string where = "tree head of size " + std::to_string(head.tree_size);
  if (head.log_id != log_id) return DataLoss(where + " names another log");
  if (head.root != leaves.Root()) {
    std::string which = previous_size + 1 == head.tree_size ? "leaf " + std::to_string(previous_size)
                                                            : "one of leaves " + std::to_string(previous_size) + ".." +
                                                                  std::to_string(head.tree_size - 1);
    return DataLoss(where + " does not match the leaves it covers: " + which + " was changed");
  }
  Result<const std::vector<UniquePtr<X509>>*> chain = signers.Chain(stored.signer, head.time_us);
  if (!chain.ok()) return chain.status().WithContext(where);
  Status signature = VerifyTreeHeadSignature(head, (**chain)[0].get());
  if (!signature.ok()) return signature.WithContext(where);
  return OkStatus();
}

// The leaves before `view` and the heads of sizes up to it.
Status CheckTreeAndHeads(store::Store& store, const std::string& log_id, int64_t view, Signers& signers,
                         const LeafCheck& check, VerifiedLog& found) {
  HeadCursor heads(store, log_id, view);
  ASSIGN_OR_RETURN(std::optional<tables::StoredHead> next, heads.Next());
  if (next && next->head.tree_size < 1) return DataLoss("a tree head has size 0");
  ledger::MerkleFrontier frontier;
  int64_t covered = 0;  // size of the last head checked
  RETURN_IF_ERROR(tables::ForEachLeaf(store, log_id, view, [&](const tables::StoredLeaf& r) -> Status {
    RETURN_IF_ERROR(CheckLeaf(r, static_cast<int64_t>(frontier.size()), check));
    RETURN_IF_ERROR(tables::CheckKeyIndexed(store, log_id, r));
    frontier.Append(ledger::LeafHash(r.leaf));
    if (next && next->head.tree_size == static_cast<int64_t>(frontier.size())) {
      RETURN_IF_ERROR(CheckHead(*next, log_id, covered, frontier, signers));
      covered = next->head.tree_size;
      ++found.heads;
      ASSIGN_OR_RETURN(next, heads.Next());
    }
    return OkStatus();
  }));
  if (next) {
    return DataLoss("tree head of size " + std::to_string(next->head.tree_size) + " covers leaves that are missing (" +
                    std::to_string(frontier.size()) + " leaves stored)");
  }
  found.leaves = static_cast<int64_t>(frontier.size());
  found.signed_leaves = covered;
  return tables::CheckKeyIndexSize(store, log_id, found.leaves);
}

// Rows stored after the view was taken are not checked, but each is stored after what it
// names (a timestamp after its head; a head and a key index row with their leaves or
// after them), so one that names what is not stored even now means rows were deleted, or
// it was forged. Read in that order: timestamps, heads and the key index, then leaves.
Status CheckNothingBeyondTheLeaves(store::Store& store, const std::string& log_id) {
  ASSIGN_OR_RETURN(int64_t last_timestamped, tables::LastTimestampedSize(store, log_id));
  ASSIGN_OR_RETURN(std::optional<tables::StoredHead> last_head, tables::LastHead(store, log_id));
  ASSIGN_OR_RETURN(int64_t last_indexed, tables::LastIndexedLeaf(store, log_id));
  ASSIGN_OR_RETURN(int64_t stored, tables::StoredLeafCount(store, log_id));
  if (last_timestamped > (last_head ? last_head->head.tree_size : 0)) {
    return DataLoss("timestamp of tree head of size " + std::to_string(last_timestamped) + ": there is no such head");
  }
  if (last_head && last_head->head.tree_size > stored) {
    return DataLoss("tree head of size " + std::to_string(last_head->head.tree_size) +
                    " covers leaves that are missing (" + std::to_string(stored) + " leaves stored)");
  }
  if (last_indexed >= stored) {
    return DataLoss("the key index names leaf " + std::to_string(last_indexed) + ", which is not stored (" +
                    std::to_string(stored) + " leaves stored)");
  }
  return OkStatus();
}

// The timestamps of the heads up to `view`.
Status CheckTimestamps(store::Store& store, const std::string& log_id, int64_t view, X509* trust_root,
                       const Signers& signers, VerifiedLog& found) {
  std::vector<UniquePtr<X509>> intermediates = signers.Intermediates();
  return tables::ForEachTimestamp(store, log_id, 0, view, [&](const tables::StoredTimestamp& t) -> Status {
    const std::string where = "timestamp of tree head of size " + std::to_string(t.tree_size);
    ASSIGN_OR_RETURN(std::optional<tables::StoredHead> head,
                     tables::FirstHeadFrom(store, log_id, t.tree_size, t.tree_size));
    if (!head) return DataLoss(where + ": there is no such head");
    ASSIGN_OR_RETURN(Digest imprint, TimestampImprint(head->head));
    Result<trust::TimestampInfo> info = trust::VerifyTimestampToken(t.token, imprint, trust_root, intermediates);
    if (!info.ok()) return info.status().WithContext(where);
    ++found.timestamps;
    return OkStatus();
  });
}

}  // namespace

std::string VerifiedSummary(const VerifiedLog& found) {
  std::string out = std::to_string(found.signed_leaves) + " leaves under " + std::to_string(found.heads) +
                    " signed tree heads, " + std::to_string(found.timestamps) + " timestamps";
  if (found.leaves > found.signed_leaves) {
    out += "; " + std::to_string(found.leaves - found.signed_leaves) +
           " leaves after the last head, checked but not signed yet (a log with a head interval signs them "
           "within it, or when it opens again)";
  }
  return out;
}

Status RequireEverySigned(const VerifiedLog& found) {
  if (found.signed_leaves == found.leaves) return OkStatus();
  return DataLoss("leaf " + std::to_string(found.signed_leaves) +
                  " is not covered by any signed tree head, in a log that signs one with every batch");
}

Result<VerifiedLog> VerifyLog(store::Store& store, const std::string& log_id, X509* trust_root,
                              const LeafCheck& check) {
  if (trust_root == nullptr) return InvalidArgument("verifying a signed log needs the trust root certificate");
  if (!check) return InvalidArgument("verifying a signed log needs the check of its leaves");
  RETURN_IF_ERROR(RequireMigrated(store));
  Signers signers(store, trust_root);
  VerifiedLog found;
  // The log as it stood when the check began: its leaves then, and the heads and
  // timestamps of sizes up to theirs. Its owner may go on appending while it is read (a
  // serving node), and leaves are only ever appended, a head stored with or after its
  // leaves, so that is one consistent state of the log without holding a snapshot open.
  Result<int64_t> view = tables::StoredLeafCount(store, log_id);
  Status status = view.status();
  if (status.ok()) status = CheckTreeAndHeads(store, log_id, *view, signers, check, found);
  if (status.ok()) status = CheckNothingBeyondTheLeaves(store, log_id);
  if (status.ok()) status = CheckTimestamps(store, log_id, *view, trust_root, signers, found);
  if (!status.ok()) return status.WithContext("signed log " + log_id);
  return found;
}

}  // namespace riik::transparency
