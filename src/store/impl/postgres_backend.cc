// PostgreSQL backend over libpq: one connection, text-format parameters and results,
// statements prepared once per SQL text.
#include <libpq-fe.h>

#include <cctype>
#include <cstdlib>
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

  Result<QueryResult> BeginWrite(std::string_view then_query) override {
    // Writers queue on the journal table; plain readers are not blocked. One simple
    // query carries all three statements and returns the last one's rows.
    return Query("BEGIN; LOCK TABLE riik_journal IN EXCLUSIVE MODE; " + std::string(then_query));
  }
  Status Commit() override { return Exec("COMMIT"); }
  Status ExecAndCommit(std::string_view sql, std::span<const Value> params) override {
    ASSIGN_OR_RETURN(std::string inlined, Inline(sql, params));
    return Exec(inlined + "; COMMIT");
  }
  Status Rollback() override { return Exec("ROLLBACK"); }

  Status Exec(std::string_view sql, std::span<const Value> params = {}) override {
    return Run(sql, params).status();
  }

  Result<QueryResult> Query(std::string_view sql, std::span<const Value> params = {}) override {
    ASSIGN_OR_RETURN(ResultPtr res, Run(sql, params));
    QueryResult out;
    int ncols = PQnfields(res.get()), nrows = PQntuples(res.get());
    for (int c = 0; c < ncols; ++c) out.columns.emplace_back(PQfname(res.get(), c));
    out.rows.reserve(nrows);
    for (int r = 0; r < nrows; ++r) {
      std::vector<Value> row(ncols);
      for (int c = 0; c < ncols; ++c) {
        if (PQgetisnull(res.get(), r, c)) continue;
        std::string_view text(PQgetvalue(res.get(), r, c), PQgetlength(res.get(), r, c));
        switch (PQftype(res.get(), c)) {
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

  Result<bool> IsReadOnly(std::string_view sql) override {
    // One plain SELECT: no statement separator and no data-modifying WITH.
    size_t i = sql.find_first_not_of(" \t\r\n");
    if (i == std::string_view::npos || sql.find(';') != std::string_view::npos) return false;
    std::string head(sql.substr(i, 7));
    for (auto& c : head) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return head == "SELECT " || head == "SELECT\n";
  }

  Result<bool> TableExists(std::string_view table) override {
    Value name = std::string(table);
    ASSIGN_OR_RETURN(auto r, Query("SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?",
                                   {&name, 1}));
    return !r.rows.empty();
  }

 private:
  // Replaces each `?` by the parameter as a safely quoted literal.
  Result<std::string> Inline(std::string_view sql, std::span<const Value> params) {
    std::string out;
    size_t next = 0;
    for (char c : sql) {
      if (c != '?') {
        out.push_back(c);
        continue;
      }
      if (next >= params.size()) return Internal("postgresql: fewer parameters than placeholders");
      const Value& v = params[next++];
      if (auto* n = std::get_if<int64_t>(&v)) {
        out += std::to_string(*n);
      } else if (auto* b = std::get_if<Blob>(&v)) {
        out += "'\\x" + HexEncode(b->bytes) + "'::bytea";
      } else if (auto* t = std::get_if<std::string>(&v)) {
        std::unique_ptr<char, decltype(&PQfreemem)> lit(PQescapeLiteral(conn_.get(), t->data(), t->size()), PQfreemem);
        if (!lit) return Error(nullptr, sql);
        out += lit.get();
      } else {
        out += "NULL";
      }
    }
    if (next != params.size()) return Internal("postgresql: more parameters than placeholders");
    return out;
  }

  Result<ResultPtr> Run(std::string_view sql, std::span<const Value> params) {
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (auto* n = std::get_if<int64_t>(&v)) texts[i] = std::to_string(*n);
      else if (auto* s = std::get_if<std::string>(&v)) texts[i] = *s;
      else if (auto* b = std::get_if<Blob>(&v)) texts[i] = "\\x" + HexEncode(b->bytes);
      values[i] = std::holds_alternative<std::monostate>(v) ? nullptr : texts[i].c_str();
    }
    PGresult* raw;
    if (params.empty()) {
      raw = PQexec(conn_.get(), std::string(sql).c_str());
    } else {
      ASSIGN_OR_RETURN(std::string name, Prepared(sql, static_cast<int>(params.size())));
      raw = PQexecPrepared(conn_.get(), name.c_str(), static_cast<int>(params.size()), values.data(), nullptr, nullptr, 0);
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
