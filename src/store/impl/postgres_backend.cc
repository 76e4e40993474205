// PostgreSQL backend over libpq: one connection, text-format parameters and results,
// statements prepared once per SQL text. Write transactions run in libpq's pipeline
// mode: statements are queued and sent together, so a transaction of writes costs one
// round trip (plus one per read inside it).
#include <libpq-fe.h>

#include <cctype>
#include <cstdlib>
#include <thread>
#include <unordered_map>

#include "core/encoding.h"
#include "store/impl/backend.h"

namespace riik::store::impl {
namespace {

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultClearer {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnCloser>;
using ResultPtr = std::unique_ptr<PGresult, ResultClearer>;

// Type OIDs from pg_type.h.
constexpr Oid kBoolOid = 16, kByteaOid = 17, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23;

// Rewrites `?` placeholders as $1, $2, … (riik's SQL never has `?` inside literals).
std::string TranslatePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int n = 0;
  for (char c : sql) {
    if (c == '?') {
      out += "$" + std::to_string(++n);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Parameters as libpq text values (NULL stays a null pointer).
struct TextParams {
  explicit TextParams(std::span<const Value> params) : texts(params.size()), values(params.size()) {
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (auto* n = std::get_if<int64_t>(&v)) texts[i] = std::to_string(*n);
      else if (auto* s = std::get_if<std::string>(&v)) texts[i] = *s;
      else if (auto* b = std::get_if<Blob>(&v)) texts[i] = "\\x" + HexEncode(b->bytes);
      values[i] = std::holds_alternative<std::monostate>(v) ? nullptr : texts[i].c_str();
    }
  }
  std::vector<std::string> texts;
  std::vector<const char*> values;
};

Result<QueryResult> ToQueryResult(PGresult* res) {
  QueryResult out;
  int ncols = PQnfields(res), nrows = PQntuples(res);
  for (int c = 0; c < ncols; ++c) out.columns.emplace_back(PQfname(res, c));
  out.rows.reserve(nrows);
  for (int r = 0; r < nrows; ++r) {
    std::vector<Value> row(ncols);
    for (int c = 0; c < ncols; ++c) {
      if (PQgetisnull(res, r, c)) continue;
      std::string_view text(PQgetvalue(res, r, c), PQgetlength(res, r, c));
      switch (PQftype(res, c)) {
        case kInt8Oid:
        case kInt4Oid:
        case kInt2Oid: row[c] = static_cast<int64_t>(std::strtoll(std::string(text).c_str(), nullptr, 10)); break;
        case kBoolOid: row[c] = static_cast<int64_t>(text == "t"); break;
        case kByteaOid: {
          if (!text.starts_with("\\x")) return Internal("postgresql: unexpected bytea encoding");
          ASSIGN_OR_RETURN(Bytes b, HexDecode(text.substr(2)));
          row[c] = Blob{std::move(b)};
          break;
        }
        default: row[c] = std::string(text); break;
      }
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

class PostgresBackend final : public Backend {
 public:
  explicit PostgresBackend(ConnPtr conn) : conn_(std::move(conn)) {}

  std::string_view Kind() const override { return "postgresql"; }
  std::string_view TypeName(ColumnType t) const override {
    switch (t) {
      case ColumnType::kInt: return "BIGINT";
      case ColumnType::kText: return "TEXT";
      case ColumnType::kBlob: return "BYTEA";
    }
    return "BYTEA";
  }

  Status LockOwnership(std::string_view key, std::chrono::milliseconds wait) override {
    Value k = "riik-store:" + std::string(key);
    auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
      ASSIGN_OR_RETURN(auto r, Query("SELECT pg_try_advisory_lock(hashtextextended(?, 0))", {&k, 1}));
      if (!r.rows.empty() && std::get_if<int64_t>(&r.rows[0][0]) && std::get<int64_t>(r.rows[0][0]) == 1) {
        return OkStatus();
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        return FailedPrecondition("store " + std::string(key) +
                                  " is open for writing by another connection to this database; stop it first, or "
                                  "open read-only");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  Status BeginWrite() override {
    if (PQenterPipelineMode(conn_.get()) != 1) return Error(nullptr, "entering pipeline mode");
    in_pipeline_ = true;
    first_error_ = OkStatus();
    return Queue("BEGIN", {});
  }

  Status BeginRead() override { return Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }

  Status Commit() override {
    if (!in_pipeline_) return Exec("COMMIT");
    RETURN_IF_ERROR(Queue("COMMIT", {}));
    auto drained = Drain();
    LeavePipeline();
    if (!first_error_.ok()) {
      Status err = first_error_;
      // COMMIT of a failed transaction rolls back; make sure nothing is left open.
      (void)Exec("ROLLBACK");
      return err;
    }
    return drained.status();
  }

  Status Sync() override {
    if (!in_pipeline_) return OkStatus();
    auto drained = Drain();
    Status err = first_error_;
    first_error_ = OkStatus();
    return err.ok() ? drained.status() : err;
  }

  Status Rollback() override {
    if (in_pipeline_) {
      (void)Drain();
      LeavePipeline();
    }
    return Exec("ROLLBACK");
  }

  Status Exec(std::string_view sql, std::span<const Value> params = {}) override {
    if (in_pipeline_) return Queue(sql, params);
    return Run(sql, params).status();
  }

  Result<QueryResult> Query(std::string_view sql, std::span<const Value> params = {}) override {
    if (in_pipeline_) {
      RETURN_IF_ERROR(Queue(sql, params));
      ASSIGN_OR_RETURN(ResultPtr last, Drain());
      if (!first_error_.ok()) return first_error_;
      if (!last) return Internal("postgresql: pipelined query returned no rows result");
      return ToQueryResult(last.get());
    }
    ASSIGN_OR_RETURN(ResultPtr res, Run(sql, params));
    return ToQueryResult(res.get());
  }

  Result<bool> IsReadOnly(std::string_view sql) override {
    // One plain SELECT: no statement separator, no data-modifying WITH, no SELECT INTO,
    // and no advisory-lock calls (which could release the store's writer lock).
    std::string upper(sql);
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    size_t i = upper.find_first_not_of(" \t\r\n");
    if (i == std::string::npos || upper.find(';') != std::string::npos) return false;
    if (upper.compare(i, 6, "SELECT") != 0 || upper.find("PG_ADVISORY") != std::string::npos) return false;
    for (size_t at = upper.find("INTO"); at != std::string::npos; at = upper.find("INTO", at + 4)) {
      bool word_start = at == 0 || !(std::isalnum(static_cast<unsigned char>(upper[at - 1])) || upper[at - 1] == '_');
      bool word_end = at + 4 >= upper.size() ||
                      !(std::isalnum(static_cast<unsigned char>(upper[at + 4])) || upper[at + 4] == '_');
      if (word_start && word_end) return false;
    }
    return true;
  }

  Result<QueryResult> QueryReadOnly(std::string_view sql, std::span<const Value> params) override {
    ASSIGN_OR_RETURN(bool read_only, IsReadOnly(sql));
    if (!read_only) return PermissionDenied("only a single reading query is allowed here; write through Store::Write");
    // The database enforces it too: the query runs in a READ ONLY transaction, all in
    // one round trip.
    if (PQenterPipelineMode(conn_.get()) != 1) return Error(nullptr, "entering pipeline mode");
    in_pipeline_ = true;
    first_error_ = OkStatus();
    Status st = Queue("BEGIN READ ONLY", {});
    if (st.ok()) st = Queue(sql, params);
    if (st.ok()) st = Queue("ROLLBACK", {});
    Result<ResultPtr> rows = st.ok() ? Drain() : Result<ResultPtr>(st);
    LeavePipeline();
    Status err = !rows.ok() ? rows.status() : first_error_;
    first_error_ = OkStatus();
    if (!err.ok()) {
      (void)Exec("ROLLBACK");  // the queued ROLLBACK was skipped after the error
      return err;
    }
    if (!*rows) return Internal("postgresql: the query returned no rows result");
    return ToQueryResult(rows->get());
  }

  Result<bool> TableExists(std::string_view table) override {
    Value name = std::string(table);
    ASSIGN_OR_RETURN(auto r, Query("SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?",
                                   {&name, 1}));
    return !r.rows.empty();
  }

 private:
  // Pipeline mode: sends the statement without waiting for its result.
  Status Queue(std::string_view sql, std::span<const Value> params) {
    TextParams p(params);
    auto it = prepared_.find(std::string(sql));
    if (it == prepared_.end()) {
      std::string name = "riik_s" + std::to_string(prepared_.size());
      if (PQsendPrepare(conn_.get(), name.c_str(), TranslatePlaceholders(sql).c_str(), static_cast<int>(params.size()),
                        nullptr) != 1) {
        return Error(nullptr, sql);
      }
      queued_.push_back(Queued{std::string(sql), true});
      it = prepared_.emplace(std::string(sql), name).first;
    }
    if (PQsendQueryPrepared(conn_.get(), it->second.c_str(), static_cast<int>(params.size()), p.values.data(), nullptr,
                            nullptr, 0) != 1) {
      return Error(nullptr, sql);
    }
    queued_.push_back(Queued{std::string(sql), false});
    return OkStatus();
  }

  // Sends a sync point and reads every queued result. Records the first error in
  // first_error_ and returns the last rows result (or null).
  Result<ResultPtr> Drain() {
    if (PQpipelineSync(conn_.get()) != 1) return Error(nullptr, "pipeline sync");
    ResultPtr last_rows;
    size_t index = 0;
    for (;;) {
      ResultPtr res(PQgetResult(conn_.get()));
      if (!res) {
        if (PQstatus(conn_.get()) == CONNECTION_BAD) return Error(nullptr, "reading pipeline results");
        continue;  // the end of one statement's results
      }
      ExecStatusType st = PQresultStatus(res.get());
      if (st == PGRES_PIPELINE_SYNC) break;
      const Queued* q = index < queued_.size() ? &queued_[index] : nullptr;
      if (st == PGRES_FATAL_ERROR && first_error_.ok()) first_error_ = Error(res.get(), q ? q->sql : "pipelined statement");
      // A prepare the server skipped or refused did not happen: prepare it again next time.
      if (q && q->is_prepare && st != PGRES_COMMAND_OK) prepared_.erase(q->sql);
      if (st == PGRES_TUPLES_OK) last_rows = std::move(res);
      ++index;
    }
    queued_.clear();
    return last_rows;
  }

  void LeavePipeline() {
    PQexitPipelineMode(conn_.get());
    in_pipeline_ = false;
  }

  Result<ResultPtr> Run(std::string_view sql, std::span<const Value> params) {
    PGresult* raw;
    if (params.empty()) {
      raw = PQexec(conn_.get(), std::string(sql).c_str());
    } else {
      TextParams p(params);
      ASSIGN_OR_RETURN(std::string name, Prepared(sql, static_cast<int>(params.size())));
      raw = PQexecPrepared(conn_.get(), name.c_str(), static_cast<int>(params.size()), p.values.data(), nullptr,
                           nullptr, 0);
    }
    ResultPtr res(raw);
    auto st = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Error(res.get(), sql);
    return res;
  }

  Result<std::string> Prepared(std::string_view sql, int nparams) {
    auto it = prepared_.find(std::string(sql));
    if (it != prepared_.end()) return it->second;
    std::string name = "riik_s" + std::to_string(prepared_.size());
    ResultPtr res(PQprepare(conn_.get(), name.c_str(), TranslatePlaceholders(sql).c_str(), nparams, nullptr));
    if (!res || PQresultStatus(res.get()) != PGRES_COMMAND_OK) return Error(res.get(), sql);
    prepared_.emplace(std::string(sql), name);
    return name;
  }

  Status Error(PGresult* res, std::string_view sql) {
    std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn_.get());
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    std::string sqlstate = state ? state : "";
    Code code = Code::kInternal;
    if (PQstatus(conn_.get()) != CONNECTION_OK || sqlstate.starts_with("08")) code = Code::kUnavailable;
    if (sqlstate == "23505") code = Code::kAlreadyExists;
    if (sqlstate == "53100") code = Code::kResourceExhausted;  // disk_full
    if (sqlstate.starts_with("XX")) code = Code::kDataLoss;
    return Status(code, "postgresql: " + msg + " (in: " + std::string(sql.substr(0, 120)) + ")");
  }

  ConnPtr conn_;
  std::unordered_map<std::string, std::string> prepared_;
  bool in_pipeline_ = false;
  struct Queued {
    std::string sql;
    bool is_prepare;  // the Parse of a new prepared statement, not an execution
  };
  std::vector<Queued> queued_;  // sent in pipeline mode, results not yet read
  Status first_error_;
};

}  // namespace

Result<std::unique_ptr<Backend>> OpenPostgres(const std::string& conninfo) {
  ConnPtr conn(PQconnectdb(conninfo.c_str()));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    std::string msg = conn ? PQerrorMessage(conn.get()) : "out of memory";
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    return Unavailable("cannot connect to PostgreSQL: " + msg);
  }
  auto backend = std::make_unique<PostgresBackend>(std::move(conn));
  RETURN_IF_ERROR(backend->Exec("SET client_min_messages = warning"));
  return std::unique_ptr<Backend>(std::move(backend));
}

}  // namespace riik::store::impl
