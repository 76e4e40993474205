// Store: journaled writes, schema registry and reads over a Backend.
#include "store/store.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/metrics.h"
#include "store/canonical_row.h"
#include "store/impl/backend.h"

namespace riik::store {
namespace {

constexpr int kFormatVersion = 1;

std::string Join(const std::vector<std::string>& items, std::string_view sep,
                 const std::function<std::string(const std::string&)>& f) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += f(items[i]);
  }
  return out;
}

// Identifiers are validated ([a-z][a-z0-9_]*), so quoting is safe; it lets reserved
// words such as "user" or "order" be names on every engine alike.
std::string Q(const std::string& name) { return "\"" + name + "\""; }
std::string QuotedList(const std::vector<std::string>& names) { return Join(names, ", ", Q); }
std::string KeyCondition(const std::vector<std::string>& key) {
  return Join(key, " AND ", [](const std::string& c) { return Q(c) + " = ?"; });
}

std::vector<std::string> ColumnNames(const TableSchema& s) {
  std::vector<std::string> names;
  for (const auto& c : s.columns) names.push_back(c.name);
  return names;
}

// Turns a backend result into rows keyed by column name.
std::vector<Row> ToRows(impl::QueryResult r) {
  std::vector<Row> out;
  out.reserve(r.rows.size());
  for (auto& values : r.rows) {
    Row row;
    for (size_t i = 0; i < values.size(); ++i) row[r.columns[i]] = std::move(values[i]);
    out.push_back(std::move(row));
  }
  return out;
}

// A stored row of riik_journal; a value of the wrong type means the table was tampered with.
Result<JournalEntry> EntryFromValues(const std::vector<Value>& v) {
  auto* seq = std::get_if<int64_t>(&v[0]);
  auto* prev = std::get_if<Blob>(&v[1]);
  auto* hash = std::get_if<Blob>(&v[2]);
  auto* time = std::get_if<int64_t>(&v[3]);
  auto* node = std::get_if<std::string>(&v[4]);
  auto* changes = std::get_if<std::string>(&v[5]);
  if (!seq) return DataLoss("journal row with a non-integer seq");
  if (!prev || !hash || !time || !node || !changes) {
    return DataLoss("journal entry seq " + std::to_string(*seq) + ": a column holds a value of the wrong type");
  }
  return JournalEntry{*seq, prev->bytes, hash->bytes, *time, *node, *changes};
}

constexpr const char* kJournalColumns = "seq, prev_hash, hash, time_us, node, changes";

}  // namespace

// ---- WriteTxn -------------------------------------------------------------------------

Status WriteTxn::Put(const std::string& table, const Row& row) {
  ASSIGN_OR_RETURN(const TableSchema* s, store_.SchemaLocked(table));
  return store_.PutLocked(*s, row, this);
}

Status WriteTxn::Delete(const std::string& table, const Row& key) {
  ASSIGN_OR_RETURN(const TableSchema* s, store_.SchemaLocked(table));
  return store_.DeleteLocked(*s, key, this);
}

Result<std::optional<Row>> WriteTxn::Get(const std::string& table, const Row& key) {
  return store_.GetLocked(table, key);
}

Result<std::vector<Row>> WriteTxn::Query(const std::string& sql, const std::vector<Value>& params) {
  ASSIGN_OR_RETURN(bool read_only, store_.backend_->IsReadOnly(sql));
  if (!read_only) return PermissionDenied("WriteTxn::Query runs only reads; write with Put and Delete");
  return store_.QueryLocked(sql, params);
}

// ---- Store ----------------------------------------------------------------------------

Store::Store(std::unique_ptr<impl::Backend> backend, StoreOptions options)
    : backend_(std::move(backend)),
      node_(std::move(options.node)),
      clock_(std::move(options.clock)),
      read_only_(options.read_only),
      owner_wait_(options.owner_wait),
      // Only a store's writer reports its head: a read-only observer, a snapshot being
      // digested or a scratch copy of the same node must not replace (and, closing,
      // remove) the gauge of the store being served.
      head_seq_metric_(
          options.read_only || options.url == "sqlite::memory:" ? nullptr : std::make_shared<std::atomic<int64_t>>(0)) {
}

Store::~Store() {
  if (head_seq_metric_) Metrics().RemoveCallbackGauge("riik_journal_head_seq", {{"node", node_}});
}

std::string_view Store::engine() const { return backend_->Kind(); }

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (options.node.empty()) return InvalidArgument("store needs a node name");
  RETURN_IF_ERROR(ValidateIdentifier(options.node, "node"));
  RETURN_IF_ERROR(CheckSqliteTuning(options.sqlite));
  std::unique_ptr<impl::Backend> backend;
  const std::string& url = options.url;
  if (url.starts_with("sqlite:")) {
    ASSIGN_OR_RETURN(backend, impl::OpenSqlite(url.substr(7), options.sqlite));
  } else if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    ASSIGN_OR_RETURN(backend, impl::OpenPostgres(url));
  } else {
    return InvalidArgument("store URL must start with sqlite: or postgresql:// (got '" + url.substr(0, 12) + "…')");
  }
  std::unique_ptr<Store> store(new Store(std::move(backend), options));
  RETURN_IF_ERROR(store->Init());
  return store;
}

Status Store::Init() {
  std::lock_guard lock(mu_);
  if (read_only_) {
    ASSIGN_OR_RETURN(bool exists, backend_->TableExists("riik_journal"));
    if (!exists) return NotFound("no riik store here (no journal table)");
  } else {
    RETURN_IF_ERROR(backend_->LockOwnership(node_, owner_wait_));
  }
  if (!read_only_) {
    // A new store's tables and its node and format are made in one transaction: a crash
    // half way leaves no store rather than one that can never be opened again.
    RETURN_IF_ERROR(backend_->Exec("BEGIN"));
    Status made = CreateStoreTables();
    if (made.ok()) made = backend_->Exec("COMMIT");
    if (!made.ok()) {
      (void)backend_->Exec("ROLLBACK");
      return made;
    }
  }

  ASSIGN_OR_RETURN(auto meta, backend_->Query("SELECT key, value FROM riik_meta"));
  std::map<std::string, std::string> kv;
  for (auto& r : meta.rows) {
    auto* k = std::get_if<std::string>(&r[0]);
    auto* v = std::get_if<std::string>(&r[1]);
    if (!k || !v) return DataLoss("riik_meta holds a value of the wrong type (the store was altered)");
    kv[*k] = *v;
  }
  if (kv.empty()) return NotFound("no riik store here (empty riik_meta)");
  {
    if (kv["node"] != node_) {
      return FailedPrecondition("this store belongs to node '" + kv["node"] + "', not '" + node_ + "'");
    }
    if (kv["format"] != std::to_string(kFormatVersion)) {
      return FailedPrecondition("store format " + kv["format"] + " is not supported (this riik reads format " +
                                std::to_string(kFormatVersion) + ")");
    }
  }
  RETURN_IF_ERROR(LoadSchemas());
  ASSIGN_OR_RETURN(JournalHead opened_at, ReadHead());
  if (head_seq_metric_) {
    Metrics().SetCallbackGauge("riik_journal_head_seq", "Sequence number of the newest journal entry",
                               {{"node", node_}}, [m = head_seq_metric_] { return static_cast<double>(m->load()); });
  }
  PublishHead(opened_at);
  return OkStatus();
}

Status Store::CreateStoreTables() {
  auto blob = std::string(backend_->TypeName(ColumnType::kBlob));
  auto integer = std::string(backend_->TypeName(ColumnType::kInt));
  RETURN_IF_ERROR(backend_->Exec("CREATE TABLE IF NOT EXISTS riik_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"));
  RETURN_IF_ERROR(backend_->Exec("CREATE TABLE IF NOT EXISTS riik_journal (seq " + integer +
                                 " PRIMARY KEY, prev_hash " + blob + " NOT NULL, hash " + blob + " NOT NULL, time_us " +
                                 integer + " NOT NULL, node TEXT NOT NULL, changes TEXT NOT NULL)"));
  RETURN_IF_ERROR(
      backend_->Exec("CREATE TABLE IF NOT EXISTS riik_tables (name TEXT PRIMARY KEY, schema TEXT NOT NULL)"));
  ASSIGN_OR_RETURN(auto meta, backend_->Query("SELECT key FROM riik_meta"));
  if (!meta.rows.empty()) return OkStatus();
  std::vector<Value> p1 = {std::string("node"), node_};
  std::vector<Value> p2 = {std::string("format"), std::to_string(kFormatVersion)};
  RETURN_IF_ERROR(backend_->Exec("INSERT INTO riik_meta (key, value) VALUES (?, ?)", p1));
  return backend_->Exec("INSERT INTO riik_meta (key, value) VALUES (?, ?)", p2);
}

Status Store::LoadSchemas() {
  ASSIGN_OR_RETURN(auto r, backend_->Query("SELECT schema FROM riik_tables ORDER BY name"));
  schemas_.clear();
  for (auto& row : r.rows) {
    auto* text = std::get_if<std::string>(&row[0]);
    if (!text) return DataLoss("riik_tables holds a schema of the wrong type (the store was altered)");
    ASSIGN_OR_RETURN(Json j, ParseJson(*text));
    ASSIGN_OR_RETURN(TableSchema s, SchemaFromJson(j));
    schemas_.push_back(std::move(s));
  }
  return OkStatus();
}

constexpr const char* kHeadQuery = "SELECT seq, hash, time_us FROM riik_journal ORDER BY seq DESC LIMIT 1";

Result<JournalHead> HeadFrom(const impl::QueryResult& r) {
  JournalHead h;
  h.hash = GenesisHash();
  if (!r.rows.empty()) {
    auto* seq = std::get_if<int64_t>(&r.rows[0][0]);
    auto* hash = std::get_if<Blob>(&r.rows[0][1]);
    auto* time = std::get_if<int64_t>(&r.rows[0][2]);
    if (!seq || !hash || !time) return DataLoss("the journal's head entry holds values of the wrong type");
    h = JournalHead{*seq, hash->bytes, *time};
  }
  return h;
}

Result<JournalHead> Store::ReadHead() {
  ASSIGN_OR_RETURN(auto r, backend_->Query(kHeadQuery));
  return HeadFrom(r);
}

Status Store::BeginWriteLocked() {
  if (read_only_) return FailedPrecondition("store " + node_ + " is open read-only");
  return backend_->BeginWrite();
}

void Store::PublishHead(const JournalHead& head) {
  std::lock_guard lock(head_mu_);
  head_ = head;
  if (head_seq_metric_) head_seq_metric_->store(head.seq);
}

void Store::ForgetSchemasAfterLocked(size_t count) {
  schemas_.erase(schemas_.begin() + static_cast<std::ptrdiff_t>(std::min(count, schemas_.size())), schemas_.end());
}

Result<const TableSchema*> Store::SchemaLocked(const std::string& table) const {
  for (const auto& s : schemas_) {
    if (s.name == table) return &s;
  }
  return NotFound("no table named '" + table + "' in store " + node_);
}

Result<TableSchema> Store::Schema(const std::string& table) const {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(const TableSchema* s, SchemaLocked(table));
  return *s;
}

std::vector<std::string> Store::Tables() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> names;
  for (const auto& s : schemas_) names.push_back(s.name);
  return names;
}

JournalHead Store::Head() const {
  std::lock_guard lock(head_mu_);  // not mu_: a network thread may ask while a commit waits on the disk
  return head_;
}

Result<JournalHead> Store::RefreshHead() {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(JournalHead h, ReadHead());
  PublishHead(h);
  return h;
}

// ---- writing --------------------------------------------------------------------------

Status Store::CreateTableLocked(const TableSchema& schema, WriteTxn* record) {
  RETURN_IF_ERROR(ValidateSchema(schema));
  if (SchemaLocked(schema.name).ok()) return AlreadyExists("table " + schema.name + " already exists");
  upserts_.erase(schema.name);  // a plan of a same-named table whose creation was rolled back
  std::string sql = "CREATE TABLE " + Q(schema.name) + " (";
  for (const auto& c : schema.columns) {
    sql += Q(c.name) + " " + std::string(backend_->TypeName(c.type)) + (c.nullable ? "" : " NOT NULL") + ", ";
  }
  sql += "PRIMARY KEY (" + QuotedList(schema.primary_key) + "))";
  RETURN_IF_ERROR(backend_->Exec(sql));
  for (size_t i = 0; i < schema.indexes.size(); ++i) {
    // riik_ix_<table>_<n>: the riik_ prefix is reserved, so no table can take the name.
    std::string index = "riik_ix_" + schema.name + "_" + std::to_string(i);
    RETURN_IF_ERROR(backend_->Exec("CREATE INDEX " + Q(index) + " ON " + Q(schema.name) + " (" +
                                   QuotedList(schema.indexes[i]) + ")"));
  }
  Json schema_json = SchemaToJson(schema);
  ASSIGN_OR_RETURN(std::string schema_text, CanonicalJson(schema_json));
  std::vector<Value> p = {schema.name, schema_text};
  RETURN_IF_ERROR(backend_->Exec("INSERT INTO riik_tables (name, schema) VALUES (?, ?)", p));
  schemas_.push_back(schema);
  if (record) {
    ASSIGN_OR_RETURN(std::string change, CanonicalJson(Json{{"op", "create_table"}, {"schema", schema_json}}));
    record->changes_.push_back(std::move(change));
  }
  return OkStatus();
}

Status Store::PutLocked(const TableSchema& schema, const Row& row, WriteTxn* record) {
  ASSIGN_OR_RETURN(Row full, NormalizeRow(row, schema, /*key_only=*/false));
  auto plan = upserts_.find(schema.name);
  if (plan == upserts_.end()) {
    // Columns in the row map's (byte) order, so that the values bind in one pass over it.
    auto cols = ColumnNames(schema);
    std::sort(cols.begin(), cols.end());
    std::string sql = "INSERT INTO " + Q(schema.name) + " (" + QuotedList(cols) + ") VALUES (" +
                      Join(cols, ", ", [](auto&) { return std::string("?"); }) + ") ON CONFLICT (" +
                      QuotedList(schema.primary_key) + ") DO ";
    std::vector<std::string> non_key;
    for (const auto& c : cols) {
      if (std::find(schema.primary_key.begin(), schema.primary_key.end(), c) == schema.primary_key.end()) {
        non_key.push_back(c);
      }
    }
    sql += non_key.empty() ? "NOTHING"
                           : "UPDATE SET " + Join(non_key, ", ", [](auto& c) { return Q(c) + " = excluded." + Q(c); });
    plan = upserts_.emplace(schema.name, UpsertPlan{std::move(sql), std::move(cols)}).first;
  }
  if (full.size() != plan->second.columns.size())
    return Internal("table " + schema.name + ": a normalised row lacks columns");
  std::vector<Value> params;
  params.reserve(full.size());
  for (const auto& [column, value] : full) params.push_back(value);
  RETURN_IF_ERROR(backend_->Exec(plan->second.sql, params));
  if (record) {  // {"op":"put","row":{…},"table":…}: keys in byte order
    std::string change = "{\"op\":\"put\",\"row\":";
    AppendCanonicalRow(change, full);
    change += ",\"table\":";
    AppendJsonString(change, schema.name);
    change.push_back('}');
    record->changes_.push_back(std::move(change));
  }
  return OkStatus();
}

Status Store::DeleteLocked(const TableSchema& schema, const Row& key, WriteTxn* record) {
  ASSIGN_OR_RETURN(Row k, NormalizeRow(key, schema, /*key_only=*/true));
  ASSIGN_OR_RETURN(auto existing, GetLocked(schema.name, k));
  if (!existing) return OkStatus();
  std::vector<Value> params;
  for (const auto& c : schema.primary_key) params.push_back(k[c]);
  RETURN_IF_ERROR(
      backend_->Exec("DELETE FROM " + Q(schema.name) + " WHERE " + KeyCondition(schema.primary_key), params));
  if (record) {  // {"key":{…},"op":"delete","table":…}
    std::string change = "{\"key\":";
    AppendCanonicalRow(change, k);
    change += ",\"op\":\"delete\",\"table\":";
    AppendJsonString(change, schema.name);
    change.push_back('}');
    record->changes_.push_back(std::move(change));
  }
  return OkStatus();
}

Status Store::ApplyChange(const Json& change, WriteTxn* record) {
  if (!change.is_object() || !change.contains("op") || !change["op"].is_string()) {
    return InvalidArgument("change must be an object with an op");
  }
  std::string op = change["op"].get<std::string>();
  if (op == "create_table") {
    if (!change.contains("schema")) return InvalidArgument("create_table change lacks a schema");
    ASSIGN_OR_RETURN(TableSchema s, SchemaFromJson(change["schema"]));
    return CreateTableLocked(s, record);
  }
  if (!change.contains("table") || !change["table"].is_string()) return InvalidArgument(op + " change lacks a table");
  ASSIGN_OR_RETURN(const TableSchema* s, SchemaLocked(change["table"].get<std::string>()));
  if (op == "put") {
    if (!change.contains("row")) return InvalidArgument("put change lacks a row");
    ASSIGN_OR_RETURN(Row row, RowFromJson(change["row"], *s, false));
    return PutLocked(*s, row, record);
  }
  if (op == "delete") {
    if (!change.contains("key")) return InvalidArgument("delete change lacks a key");
    ASSIGN_OR_RETURN(Row key, RowFromJson(change["key"], *s, true));
    return DeleteLocked(*s, key, record);
  }
  return InvalidArgument("unknown change op '" + op + "'");
}

Status Store::InsertEntryLocked(const JournalEntry& e) {
  std::vector<Value> p = {e.seq, Blob{e.prev_hash}, Blob{e.hash}, e.time, e.node, e.changes};
  return backend_->Exec(std::string("INSERT INTO riik_journal (") + kJournalColumns + ") VALUES (?, ?, ?, ?, ?, ?)", p);
}

Status Store::EnsureTables(const std::vector<TableSchema>& schemas) {
  for (const auto& s : schemas) RETURN_IF_ERROR(ValidateSchema(s));
  return Write([&](WriteTxn& txn) -> Status {
           for (const auto& s : schemas) {
             auto existing = SchemaLocked(s.name);
             if (existing.ok()) {
               if (**existing != s) {
                 return FailedPrecondition("table " + s.name +
                                           " exists with a different schema; write an explicit migration");
               }
               continue;
             }
             RETURN_IF_ERROR(CreateTableLocked(s, &txn));
           }
           return OkStatus();
         })
      .status();
}

Result<JournalHead> Store::ApplyEntry(const JournalEntry& entry) {
  return ApplyEntries(std::span<const JournalEntry>(&entry, 1));
}

Result<JournalHead> Store::ApplyEntries(std::span<const JournalEntry> entries) {
  std::vector<Json> changes;
  changes.reserve(entries.size());
  for (const JournalEntry& entry : entries) {
    changes.push_back(Json::parse(entry.changes, nullptr, false));
    RETURN_IF_ERROR(CheckCanonicalChanges(entry, changes.back()));
  }
  return ApplyParsedEntries(entries, changes);
}

Result<JournalHead> Store::ApplyParsedEntries(std::span<const JournalEntry> entries, const std::vector<Json>& changes) {
  if (entries.empty()) return Head();
  if (changes.size() != entries.size()) return InvalidArgument("one parsed change list per entry");
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(BeginWriteLocked());
  JournalHead head = head_;
  const size_t schemas_before = schemas_.size();
  auto fail = [&](Status s) {
    (void)backend_->Rollback();
    ForgetSchemasAfterLocked(schemas_before);
    return s;
  };
  for (size_t i = 0; i < entries.size(); ++i) {
    const JournalEntry& entry = entries[i];
    JournalEntry prev;
    prev.seq = head.seq;
    prev.hash = head.hash;
    Status link = CheckChainLink(head.seq == 0 ? nullptr : &prev, entry, node_);
    if (!link.ok()) return fail(link);
    if (!changes[i].is_array()) return fail(DataLoss("entry seq " + std::to_string(entry.seq) + " has no change list"));
    for (const auto& c : changes[i]) {
      Status st = ApplyChange(c, nullptr);
      if (!st.ok()) return fail(st.WithContext("applying entry seq " + std::to_string(entry.seq)));
    }
    Status st = InsertEntryLocked(entry);
    if (!st.ok()) return fail(st);
    head = JournalHead{entry.seq, entry.hash, entry.time};
  }
  Status st = backend_->Commit();
  if (!st.ok()) return fail(st);
  PublishHead(head);
  return head_;
}

// ---- reading --------------------------------------------------------------------------

Result<std::vector<Row>> Store::QueryLocked(const std::string& sql, const std::vector<Value>& params) {
  ASSIGN_OR_RETURN(auto r, backend_->Query(sql, params));
  return ToRows(std::move(r));
}

Result<std::optional<Row>> Store::GetLocked(const std::string& table, const Row& key) {
  ASSIGN_OR_RETURN(const TableSchema* s, SchemaLocked(table));
  ASSIGN_OR_RETURN(Row k, NormalizeRow(key, *s, /*key_only=*/true));
  std::vector<Value> params;
  for (const auto& c : s->primary_key) params.push_back(k[c]);
  ASSIGN_OR_RETURN(auto rows,
                   QueryLocked("SELECT * FROM " + Q(s->name) + " WHERE " + KeyCondition(s->primary_key), params));
  if (rows.empty()) return std::optional<Row>();
  return std::optional<Row>(ConformRow(std::move(rows[0]), *s));
}

Status Store::Tune(const SqliteTuning& tuning) {
  RETURN_IF_ERROR(CheckSqliteTuning(tuning));
  std::lock_guard lock(mu_);
  return backend_->Tune(tuning);
}

Result<std::optional<Row>> Store::Get(const std::string& table, const Row& key) {
  std::lock_guard lock(mu_);
  return GetLocked(table, key);
}

Result<std::vector<Row>> Store::Query(const std::string& sql, const std::vector<Value>& params) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto r, backend_->QueryReadOnly(sql, params));
  return ToRows(std::move(r));
}

Result<std::vector<JournalEntry>> Store::ReadJournal(int64_t after, int64_t limit) {
  std::lock_guard lock(mu_);
  std::vector<Value> p = {after, limit};
  ASSIGN_OR_RETURN(auto r, backend_->Query(std::string("SELECT ") + kJournalColumns +
                                               " FROM riik_journal WHERE seq > ? ORDER BY seq LIMIT ?",
                                           p));
  std::vector<JournalEntry> out;
  out.reserve(r.rows.size());
  for (const auto& row : r.rows) {
    ASSIGN_OR_RETURN(JournalEntry e, EntryFromValues(row));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace riik::store
