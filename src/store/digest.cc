// Store::Digest and Store::VerifyJournal: the checks two copies of a node, or an
// auditor, run to agree on its state.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "crypto/sha256.h"
#include "store/canonical_row.h"
#include "store/impl/backend.h"
#include "store/store.h"

namespace riik::store {
namespace {

constexpr std::string_view kDigestDomain = "riik-state-v1";
constexpr int64_t kVerifyBatch = 2000;

void AppendLengthPrefixed(Sha256Hasher& h, std::string_view s) {
  std::string len(8, '\0');
  for (int i = 0; i < 8; ++i) len[7 - i] = static_cast<char>(static_cast<uint64_t>(s.size()) >> (8 * i));
  h.Update(len);
  h.Update(s);
}

}  // namespace

Result<StateDigest> Store::Digest() {
  std::lock_guard lock(mu_);
  // A write transaction keeps other processes' writers out while we read.
  RETURN_IF_ERROR(backend_->BeginRead());
  auto compute = [&]() -> Result<StateDigest> {
    StateDigest out;
    ASSIGN_OR_RETURN(JournalHead head, ReadHead());
    out.seq = head.seq;
    RETURN_IF_ERROR(LoadSchemas());  // a read-only observer may not have seen new tables
    std::vector<const TableSchema*> tables;
    for (const auto& s : schemas_) tables.push_back(&s);
    std::sort(tables.begin(), tables.end(), [](auto* a, auto* b) { return a->name < b->name; });
    Sha256Hasher total;
    AppendLengthPrefixed(total, kDigestDomain);
    for (const TableSchema* s : tables) {
      ASSIGN_OR_RETURN(impl::QueryResult r, backend_->Query("SELECT * FROM \"" + s->name + "\""));
      // Each row's canonical JSON (keys in byte order, values as the schema types them:
      // what ConformRow and canonical_row.h give for a row), written straight from the
      // result without building a row map per row.
      std::vector<size_t> order(r.columns.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return r.columns[a] < r.columns[b]; });
      std::vector<std::string> prefixes;
      std::vector<ColumnType> types;
      for (size_t k = 0; k < order.size(); ++k) {
        std::string prefix(1, k == 0 ? '{' : ',');
        AppendJsonString(prefix, r.columns[order[k]]);
        prefix.push_back(':');
        prefixes.push_back(std::move(prefix));
        const Column* c = s->FindColumn(r.columns[order[k]]);
        types.push_back(c ? c->type : ColumnType::kInt);
      }
      std::vector<std::string> leaves;
      leaves.reserve(r.rows.size());
      std::string canon;
      for (auto& row : r.rows) {
        canon.assign(order.empty() ? "{" : "");
        for (size_t k = 0; k < order.size(); ++k) {
          canon += prefixes[k];
          Value& v = row[order[k]];
          if (types[k] == ColumnType::kBlob) {
            if (auto* t = std::get_if<std::string>(&v)) v = Blob{std::move(*t)};
          } else if (types[k] == ColumnType::kText) {
            if (auto* b = std::get_if<Blob>(&v)) v = std::move(b->bytes);
          }
          AppendCanonicalValue(canon, v);
        }
        canon.push_back('}');
        leaves.push_back(DigestBytes(Sha256(canon)));
      }
      std::sort(leaves.begin(), leaves.end());
      ASSIGN_OR_RETURN(std::string schema_text, CanonicalJson(SchemaToJson(*s)));
      Sha256Hasher table;
      AppendLengthPrefixed(table, schema_text);
      AppendLengthPrefixed(table, std::to_string(leaves.size()));
      for (const auto& l : leaves) table.Update(l);
      AppendLengthPrefixed(total, s->name);
      total.Update(DigestBytes(table.Finish()));
      out.tables++;
      out.rows += static_cast<int64_t>(leaves.size());
    }
    out.digest = DigestBytes(total.Finish());
    return out;
  };
  auto result = compute();
  (void)backend_->Rollback();
  return result;
}

Result<VerifyReport> Store::VerifyJournal(bool replay, const std::function<void(int64_t, int64_t)>& progress) {
  VerifyReport report;
  ASSIGN_OR_RETURN(JournalHead current, RefreshHead());
  const int64_t total = current.seq;
  std::unique_ptr<Store> scratch;
  if (replay) {
    ASSIGN_OR_RETURN(scratch, Open(StoreOptions{"sqlite::memory:", node_, clock_}));
  }
  JournalEntry prev;
  bool have_prev = false;
  for (;;) {
    auto batch = ReadJournal(have_prev ? prev.seq : 0, kVerifyBatch);
    if (!batch.ok()) {
      report.first_bad = (have_prev ? prev.seq : 0) + 1;
      report.status = batch.status();
      return report;
    }
    for (auto& e : *batch) {
      Status st = CheckLink(have_prev ? &prev : nullptr, e, node_);
      if (st.ok() && scratch) st = scratch->ApplyEntry(e).status();
      if (!st.ok()) {
        report.first_bad = e.seq;
        report.status = st;
        return report;
      }
      report.entries++;
      prev = std::move(e);
      have_prev = true;
    }
    if (progress) progress(report.entries, total);
    if (static_cast<int64_t>(batch->size()) < kVerifyBatch) break;
  }
  if (scratch) {
    ASSIGN_OR_RETURN(StateDigest mine, Digest());
    ASSIGN_OR_RETURN(StateDigest replayed, scratch->Digest());
    if (mine.seq != replayed.seq) {
      report.status = DataLoss("the journal changed while it was being verified (head " + std::to_string(mine.seq) +
                               " vs " + std::to_string(replayed.seq) + "); run verify again");
    } else if (mine.digest != replayed.digest) {
      report.status = DataLoss(
          "the tables differ from what replaying the journal gives: rows were written or altered behind the "
          "journal's back (" +
          std::to_string(mine.rows) + " rows stored, " + std::to_string(replayed.rows) + " rows replayed)");
    }
  }
  return report;
}

}  // namespace riik::store
