// Loading registries and recording the load.
#include "registry/load.h"

#include <nlohmann/json.hpp>

#include "population/adopt.h"
#include "population/generator.h"
#include "registry/registers.h"
#include "store/row_fields.h"

namespace riik::registry {
namespace {

const std::string kMeta = "registry_meta";
const std::string kLoadKey = "population";

store::TableSchema MetaTable() {
  return {kMeta, {{"key", store::ColumnType::kText}, {"value", store::ColumnType::kText}}, {"key"}, {}};
}

Status EnsureTables(Kind kind, store::Store& store) {
  std::vector<store::TableSchema> tables = RegisterOf(kind).tables();
  tables.push_back(MetaTable());
  return store.EnsureTables(tables);
}

}  // namespace

Result<std::optional<LoadRecord>> LoadedFrom(store::Store& store) {
  if (!store.Schema(kMeta).ok()) return std::optional<LoadRecord>();
  ASSIGN_OR_RETURN(std::optional<store::Row> row, store.Get(kMeta, {{"key", kLoadKey}}));
  if (!row) return std::optional<LoadRecord>();
  ASSIGN_OR_RETURN(Json j, ParseJson(store::TextOr(*row, "value")));
  if (!j.is_object()) return DataLoss("registry_meta: the population record is not a JSON object");
  return std::optional<LoadRecord>(LoadRecord{j.value("count", int64_t{0}), j.value("seed", uint64_t{0}),
                                              j.value("demo_people", false), j.value("rows", int64_t{0})});
}

Result<population::Population> GenerateFor(const LoadOptions& options) {
  population::GenerateOptions generate;
  generate.count = options.count;
  generate.seed = options.seed;
  ASSIGN_OR_RETURN(population::Population pop, population::Generate(generate));
  if (options.demo_people) RETURN_IF_ERROR(population::AdoptIdentities(pop, identity::kDemoPeople).status());
  return pop;
}

Status LoadRegistry(Kind kind, store::Store& store, const population::Population& pop, const LoadOptions& options,
                    const LoadProgress& progress) {
  RETURN_IF_ERROR(EnsureTables(kind, store));
  ASSIGN_OR_RETURN(std::optional<LoadRecord> before, LoadedFrom(store));
  if (before) {
    return AlreadyExists("the " + std::string(InfoOf(kind).name) + " registry's store was loaded already (" +
                         std::to_string(before->count) + " persons, seed " + std::to_string(before->seed) + ")");
  }
  const Register& reg = RegisterOf(kind);
  BulkLoader loader(store, reg.row_count(pop), progress);
  RETURN_IF_ERROR(reg.load(pop, loader));
  RETURN_IF_ERROR(loader.Finish());
  Json record{{"count", options.count},
              {"seed", options.seed},
              {"demo_people", options.demo_people},
              {"rows", loader.written()}};
  ASSIGN_OR_RETURN(std::string value, CanonicalJson(record));
  return store.Write([&](store::WriteTxn& txn) {
                return txn.Put(kMeta, {{"key", kLoadKey}, {"value", value}});
              })
      .status();
}

Status EnsureLoaded(Kind kind, store::Store& store, const LoadOptions& options, const LoadProgress& progress) {
  RETURN_IF_ERROR(EnsureTables(kind, store));
  ASSIGN_OR_RETURN(std::optional<LoadRecord> before, LoadedFrom(store));
  if (before) return OkStatus();
  ASSIGN_OR_RETURN(population::Population pop, GenerateFor(options));
  return LoadRegistry(kind, store, pop, options, progress);
}

}  // namespace riik::registry
