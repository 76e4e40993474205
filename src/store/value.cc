// Schema validation and the JSON form of values, rows and schemas.
#include "store/value.h"

#include <nlohmann/json.hpp>
#include <cstdint>
#include <set>

#include "core/encoding.h"

namespace riik::store {

const Column* TableSchema::FindColumn(const std::string& column) const {
  for (const auto& c : columns) {
    if (c.name == column) return &c;
  }
  return nullptr;
}

std::string_view ColumnTypeName(ColumnType t) {
  switch (t) {
    case ColumnType::kInt: return "int";
    case ColumnType::kText: return "text";
    case ColumnType::kBlob: return "blob";
  }
  return "?";
}

Result<ColumnType> ParseColumnType(std::string_view name) {
  if (name == "int") return ColumnType::kInt;
  if (name == "text") return ColumnType::kText;
  if (name == "blob") return ColumnType::kBlob;
  return InvalidArgument("unknown column type '" + std::string(name) + "' (expected int, text or blob)");
}

Status ValidateIdentifier(std::string_view name, std::string_view what) {
  auto bad = [&](const std::string& why) {
    return InvalidArgument(std::string(what) + " name '" + std::string(name.substr(0, 80)) + "' " + why);
  };
  if (name.empty() || name.size() > 63) return bad("must be 1 to 63 characters long");
  if (name[0] < 'a' || name[0] > 'z') return bad("must start with a lower-case letter");
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return bad("may hold only a-z, 0-9 and _");
    }
  }
  if (name.starts_with("riik_")) return bad("uses the reserved prefix riik_");
  return OkStatus();
}

Status ValidateSchema(const TableSchema& schema) {
  RETURN_IF_ERROR(ValidateIdentifier(schema.name, "table"));
  // Index names are riik_ix_<table>_<n> and must fit PostgreSQL's 63 bytes.
  if (schema.name.size() > 48) return InvalidArgument("table name '" + schema.name + "' is longer than 48 characters");
  if (schema.columns.empty()) return InvalidArgument("table " + schema.name + " has no columns");
  std::set<std::string> names;
  for (const auto& c : schema.columns) {
    RETURN_IF_ERROR(ValidateIdentifier(c.name, "column"));
    if (!names.insert(c.name).second) return InvalidArgument("table " + schema.name + " repeats column " + c.name);
  }
  if (schema.primary_key.empty()) return InvalidArgument("table " + schema.name + " has no primary key");
  auto check_cols = [&](const std::vector<std::string>& cols, const char* what) -> Status {
    for (const auto& k : cols) {
      if (!names.count(k)) return InvalidArgument("table " + schema.name + ": " + what + " names unknown column " + k);
    }
    return OkStatus();
  };
  RETURN_IF_ERROR(check_cols(schema.primary_key, "primary key"));
  for (const auto& k : schema.primary_key) {
    if (schema.FindColumn(k)->nullable) return InvalidArgument("table " + schema.name + ": key column " + k + " is nullable");
  }
  for (const auto& idx : schema.indexes) {
    if (idx.empty()) return InvalidArgument("table " + schema.name + " has an empty index");
    RETURN_IF_ERROR(check_cols(idx, "index"));
  }
  return OkStatus();
}

Json ValueToJson(const Value& v) {
  switch (v.index()) {
    case 1: return std::get<int64_t>(v);
    case 2: return std::get<std::string>(v);
    case 3: return Base64Encode(std::get<Blob>(v).bytes);
    default: return nullptr;
  }
}

Result<Value> ValueFromJson(const Json& j, const Column& column) {
  if (j.is_null()) {
    if (!column.nullable) return InvalidArgument("column " + column.name + " may not be null");
    return Value{};
  }
  switch (column.type) {
    case ColumnType::kInt:
      if (j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
        return InvalidArgument("column " + column.name + " holds an integer beyond the 64-bit signed range");
      }
      if (j.is_number_integer()) return Value{j.get<int64_t>()};
      break;
    case ColumnType::kText:
      if (j.is_string()) return Value{j.get<std::string>()};
      break;
    case ColumnType::kBlob:
      if (j.is_string()) {
        ASSIGN_OR_RETURN(Bytes b, Base64Decode(j.get<std::string>()));
        return Value{Blob{std::move(b)}};
      }
      break;
  }
  return InvalidArgument("column " + column.name + " expects " + std::string(ColumnTypeName(column.type)) +
                         ", got JSON " + j.type_name());
}

Json RowToJson(const Row& row) {
  Json j = Json::object();
  for (const auto& [k, v] : row) j[k] = ValueToJson(v);
  return j;
}

Result<Row> RowFromJson(const Json& j, const TableSchema& schema, bool key_only) {
  if (!j.is_object()) return InvalidArgument("row of table " + schema.name + " must be a JSON object");
  Row row;
  for (const auto& [k, v] : j.items()) {
    const Column* c = schema.FindColumn(k);
    if (!c) return InvalidArgument("table " + schema.name + " has no column " + k);
    ASSIGN_OR_RETURN(row[k], ValueFromJson(v, *c));
  }
  return NormalizeRow(row, schema, key_only);
}

Json SchemaToJson(const TableSchema& schema) {
  Json cols = Json::array();
  for (const auto& c : schema.columns) {
    cols.push_back({{"name", c.name}, {"type", ColumnTypeName(c.type)}, {"nullable", c.nullable}});
  }
  return {{"table", schema.name}, {"columns", cols}, {"primary_key", schema.primary_key}, {"indexes", schema.indexes}};
}

Result<TableSchema> SchemaFromJson(const Json& j) {
  if (!j.is_object() || !j.contains("table") || !j.contains("columns") || !j.contains("primary_key")) {
    return InvalidArgument("schema must be an object with table, columns and primary_key");
  }
  TableSchema s;
  try {
    s.name = j.at("table").get<std::string>();
    for (const auto& c : j.at("columns")) {
      Column col;
      col.name = c.at("name").get<std::string>();
      ASSIGN_OR_RETURN(col.type, ParseColumnType(c.at("type").get<std::string>()));
      col.nullable = c.value("nullable", false);
      s.columns.push_back(std::move(col));
    }
    s.primary_key = j.at("primary_key").get<std::vector<std::string>>();
    if (j.contains("indexes")) s.indexes = j.at("indexes").get<std::vector<std::vector<std::string>>>();
  } catch (const Json::exception& e) {
    return InvalidArgument(std::string("malformed schema: ") + e.what());
  }
  RETURN_IF_ERROR(ValidateSchema(s));
  return s;
}

Result<Row> NormalizeRow(const Row& row, const TableSchema& schema, bool key_only) {
  Row out;
  // Every column of the row must be the table's: counted in one pass over the schema,
  // and only when the count is short is the stranger looked for by name.
  size_t known = 0;
  for (const Column& c : schema.columns) known += row.count(c.name);
  if (known != row.size()) {
    for (const auto& [k, v] : row) {
      if (!schema.FindColumn(k)) return InvalidArgument("table " + schema.name + " has no column " + k);
    }
  }
  auto take = [&](const Column& c) -> Status {
    auto it = row.find(c.name);
    if (it == row.end() || std::holds_alternative<std::monostate>(it->second)) {
      if (!c.nullable) return InvalidArgument("table " + schema.name + ": column " + c.name + " is required");
      out.emplace(c.name, Value{});
      return OkStatus();
    }
    const Value& v = it->second;
    bool type_ok = (c.type == ColumnType::kInt && std::holds_alternative<int64_t>(v)) ||
                   (c.type == ColumnType::kText && std::holds_alternative<std::string>(v)) ||
                   (c.type == ColumnType::kBlob && std::holds_alternative<Blob>(v));
    if (!type_ok) {
      return InvalidArgument("table " + schema.name + ": column " + c.name + " expects " +
                             std::string(ColumnTypeName(c.type)));
    }
    if (auto* text = std::get_if<std::string>(&v)) {
      if (!IsValidUtf8(*text) || text->find('\0') != std::string::npos) {
        return InvalidArgument("table " + schema.name + ": column " + c.name +
                               " holds text that is not valid UTF-8 or contains a NUL byte");
      }
    }
    out.emplace(c.name, v);
    return OkStatus();
  };
  if (key_only) {
    if (row.size() != schema.primary_key.size()) {
      return InvalidArgument("table " + schema.name + ": a key must hold exactly the primary key columns");
    }
    for (const auto& k : schema.primary_key) RETURN_IF_ERROR(take(*schema.FindColumn(k)));
  } else {
    for (const auto& c : schema.columns) RETURN_IF_ERROR(take(c));
  }
  return out;
}

Row ConformRow(Row row, const TableSchema& s) {
  for (auto& [name, v] : row) {
    const Column* c = s.FindColumn(name);
    if (!c) continue;
    if (c->type == ColumnType::kBlob) {
      if (auto* t = std::get_if<std::string>(&v)) v = Blob{std::move(*t)};
    } else if (c->type == ColumnType::kText) {
      if (auto* b = std::get_if<Blob>(&v)) v = std::move(b->bytes);
    }
  }
  return row;
}

}  // namespace riik::store
