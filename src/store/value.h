// The values, rows and table schemas a Store holds, and their JSON form (the form the
// journal records; see docs/formats/journal.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace riik::store {

enum class ColumnType { kInt, kText, kBlob };

struct Blob {
  std::string bytes;
  bool operator==(const Blob&) const = default;
};

// NULL, a 64-bit integer, UTF-8 text or raw bytes.
using Value = std::variant<std::monostate, int64_t, std::string, Blob>;
// Column name -> value; std::map keeps rows in one canonical column order.
using Row = std::map<std::string, Value>;

struct Column {
  std::string name;
  ColumnType type = ColumnType::kText;
  bool nullable = false;
  bool operator==(const Column&) const = default;
};

struct TableSchema {
  std::string name;
  std::vector<Column> columns;
  std::vector<std::string> primary_key;           // at least one column
  std::vector<std::vector<std::string>> indexes;  // secondary indexes, each a list of columns
  bool operator==(const TableSchema&) const = default;

  const Column* FindColumn(const std::string& column) const;
};

std::string_view ColumnTypeName(ColumnType t);  // "int", "text", "blob"
Result<ColumnType> ParseColumnType(std::string_view name);

// Table and column names: [a-z][a-z0-9_]{0,62}; names starting "riik_" are reserved.
Status ValidateIdentifier(std::string_view name, std::string_view what);
// Checks names, types, key and index columns.
Status ValidateSchema(const TableSchema& schema);

// JSON forms. Integers are JSON numbers, text JSON strings, blobs base64 strings, NULL null.
Json ValueToJson(const Value& v);
Result<Value> ValueFromJson(const Json& j, const Column& column);
Json RowToJson(const Row& row);
Result<Row> RowFromJson(const Json& j, const TableSchema& schema, bool key_only);
Json SchemaToJson(const TableSchema& schema);
Result<TableSchema> SchemaFromJson(const Json& j);

// Checks a row against the schema and returns it with every column present (absent
// nullable columns become NULL). With key_only, the row must hold exactly the key columns.
Result<Row> NormalizeRow(const Row& row, const TableSchema& schema, bool key_only);

// Converts values read back from an engine to the column types the schema declares
// (SQLite may hand back text for a blob column and vice versa).
Row ConformRow(Row row, const TableSchema& schema);

}  // namespace riik::store
