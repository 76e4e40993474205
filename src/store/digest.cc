// Store::Digest and Store::VerifyJournal: the checks two copies of a node, or an
// auditor, run to agree on its state.
#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/big_endian.h"
#include "crypto/sha256.h"
#include "store/canonical_row.h"
#include "store/impl/backend.h"
#include "store/store.h"

namespace riik::store {
namespace {

constexpr std::string_view kDigestDomain = "riik-state-v1";
constexpr int64_t kVerifyBatch = 2000;

void AppendLengthPrefixed(Sha256Hasher& h, std::string_view s) {
  h.Update(BigEndian(s.size()));
  h.Update(s);
}

constexpr size_t kBatchBytes = 1 << 20;
constexpr size_t kQueuedBatches = 4;

// One table's share of the state digest, computed on a thread of its own: the reader
// hands over rows as they stream from the database (packed as tag + bytes, so it only
// copies), the hasher writes each row's canonical JSON (keys in byte order, values as
// the schema types them: what ConformRow and canonical_row.h give for a row), hashes it,
// and at the end sorts the row hashes and hashes them with the schema — while the
// reader goes on to the next table.
class TableHasher {
 public:
  // `own_thread`: hash on a thread of its own; otherwise on the reader's, batch by batch.
  TableHasher(const TableSchema& schema, std::string schema_text, bool own_thread)
      : schema_(schema), schema_text_(std::move(schema_text)) {
    for (const Column& c : schema_.columns) columns_.push_back(&c);
    std::sort(columns_.begin(), columns_.end(), [](auto* a, auto* b) { return a->name < b->name; });
    for (size_t k = 0; k < columns_.size(); ++k) {
      std::string prefix(1, k == 0 ? '{' : ',');
      AppendJsonString(prefix, columns_[k]->name);
      prefix.push_back(':');
      prefixes_.push_back(std::move(prefix));
    }
    if (own_thread) thread_ = std::thread([this] { Run(); });
  }
  ~TableHasher() {
    if (thread_.joinable()) (void)Finish();
  }

  // The query whose rows AddRow takes: the columns in canonical (byte) order.
  std::string Sql() const {
    std::string sql = "SELECT ";
    for (size_t k = 0; k < columns_.size(); ++k) sql += (k ? ",\"" : "\"") + columns_[k]->name + "\"";
    return sql + " FROM \"" + schema_.name + "\"";
  }

  void AddRow(std::span<const Value> row) {
    for (size_t k = 0; k < columns_.size(); ++k) Pack(columns_[k]->type, row[k]);
    if (++rows_in_batch_ >= 4096 || batch_.size() >= kBatchBytes) Send();
  }

  // No more rows: the hasher finishes on its own.
  void Close() {
    Send();
    std::lock_guard lock(mu_);
    done_ = true;
    changed_.notify_all();
  }

  // Waits for the hasher: SHA-256(schema, row count, sorted row hashes), and the count.
  std::pair<std::string, int64_t> Finish() {
    if (!done_) Close();
    if (thread_.joinable()) {
      thread_.join();
    } else {
      Seal();
    }
    return {digest_, rows_};
  }

 private:
  // Tags: 'n' null, 'i' 8-byte integer, 't' text and 'b' blob (4-byte length + bytes),
  // as the column's type reads the value (a blob column's text is its bytes).
  void Pack(ColumnType type, const Value& v) {
    auto bytes = [&](char tag, const std::string& s) {
      batch_.push_back(tag);
      uint32_t n = static_cast<uint32_t>(s.size());
      batch_.append(reinterpret_cast<const char*>(&n), sizeof n);
      batch_.append(s);
    };
    if (auto* n = std::get_if<int64_t>(&v)) {
      batch_.push_back('i');
      batch_.append(reinterpret_cast<const char*>(n), sizeof *n);
    } else if (auto* t = std::get_if<std::string>(&v)) {
      bytes(type == ColumnType::kBlob ? 'b' : 't', *t);
    } else if (auto* b = std::get_if<Blob>(&v)) {
      bytes(type == ColumnType::kText ? 't' : 'b', b->bytes);
    } else {
      batch_.push_back('n');
    }
  }

  void Send() {
    if (rows_in_batch_ == 0) return;
    if (!thread_.joinable()) {
      HashBatch(batch_, rows_in_batch_);
      batch_.clear();
      rows_in_batch_ = 0;
      return;
    }
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return queue_.size() < kQueuedBatches; });
    queue_.emplace_back(std::move(batch_), rows_in_batch_);
    changed_.notify_all();
    batch_ = std::string();
    rows_in_batch_ = 0;
  }

  void Run() {
    while (true) {
      std::pair<std::string, size_t> batch;
      {
        std::unique_lock lock(mu_);
        changed_.wait(lock, [&] { return done_ || !queue_.empty(); });
        if (queue_.empty()) break;
        batch = std::move(queue_.front());
        queue_.pop_front();
        changed_.notify_all();
      }
      HashBatch(batch.first, batch.second);
    }
    Seal();
  }

  // Each packed row's canonical JSON, hashed.
  void HashBatch(const std::string& packed, size_t rows) {
    const char* p = packed.data();
    for (size_t r = 0; r < rows; ++r) {
      canon_.assign(columns_.empty() ? "{" : "");
      for (const std::string& prefix : prefixes_) {
        canon_ += prefix;
        p = Unpack(p, value_);
        AppendCanonicalValue(canon_, value_);
      }
      canon_.push_back('}');
      leaves_.push_back(Sha256(canon_));
    }
  }

  void Seal() {
    std::sort(leaves_.begin(), leaves_.end());
    Sha256Hasher table;
    AppendLengthPrefixed(table, schema_text_);
    AppendLengthPrefixed(table, std::to_string(leaves_.size()));
    for (const auto& l : leaves_) table.Update({reinterpret_cast<const char*>(l.data()), l.size()});
    digest_ = DigestBytes(table.Finish());
    rows_ = static_cast<int64_t>(leaves_.size());
  }

  static const char* Unpack(const char* p, Value& v) {
    char tag = *p++;
    if (tag == 'i') {
      int64_t n;
      std::memcpy(&n, p, sizeof n);
      v = n;
      return p + sizeof n;
    }
    if (tag == 'n') {
      v = std::monostate{};
      return p;
    }
    uint32_t n;
    std::memcpy(&n, p, sizeof n);
    p += sizeof n;
    if (tag == 't') {
      if (!std::holds_alternative<std::string>(v)) v = std::string();
      std::get<std::string>(v).assign(p, n);
    } else {
      if (!std::holds_alternative<Blob>(v)) v = Blob{};
      std::get<Blob>(v).bytes.assign(p, n);
    }
    return p + n;
  }

  const TableSchema& schema_;
  std::string schema_text_;  // its canonical JSON
  std::vector<const Column*> columns_;
  std::vector<std::string> prefixes_;  // `{"name":` for the first column, `,"name":` after
  std::string batch_;                  // the reader's
  // The hasher's: the row hashes so far, and scratch space.
  std::vector<riik::Digest> leaves_;
  std::string canon_;
  Value value_;
  size_t rows_in_batch_ = 0;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::pair<std::string, size_t>> queue_;  // (packed rows, how many)
  bool done_ = false;
  std::string digest_;  // the hasher's until Finish joins it
  int64_t rows_ = 0;
  std::thread thread_;
};

}  // namespace

Result<StateDigest> Store::Digest(DigestThreads threads) {
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
    // With kParallel each table is hashed on a thread of its own while the next one is
    // read; at most kHashersAtOnce are alive (a store may have dozens of tables, and a
    // node digests while it serves): the oldest is finished before another starts.
    constexpr size_t kHashersAtOnce = 2;
    const bool parallel = threads == DigestThreads::kParallel;
    std::vector<std::unique_ptr<TableHasher>> hashers(tables.size());
    size_t finished = 0;
    auto finish_next = [&] {
      auto [table_digest, rows] = hashers[finished]->Finish();
      hashers[finished].reset();
      AppendLengthPrefixed(total, tables[finished]->name);
      total.Update(table_digest);
      out.tables++;
      out.rows += rows;
      ++finished;
    };
    for (size_t i = 0; i < tables.size(); ++i) {
      if (i - finished >= kHashersAtOnce) finish_next();
      ASSIGN_OR_RETURN(std::string schema_text, CanonicalJson(SchemaToJson(*tables[i])));
      hashers[i] = std::make_unique<TableHasher>(*tables[i], std::move(schema_text), parallel);
      TableHasher& hasher = *hashers[i];
      RETURN_IF_ERROR(backend_->QueryEach(hasher.Sql(), {}, [&](std::span<Value> row) {
        hasher.AddRow(row);
        return OkStatus();
      }));
      hasher.Close();
      if (!parallel) finish_next();
    }
    while (finished < tables.size()) finish_next();
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
