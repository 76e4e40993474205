// The voter list's tables (voter_store.h).
#include "vote/voter_store.h"

#include "core/encoding.h"
#include "crypto/sha256.h"
#include "store/paged_scan.h"
#include "store/row_fields.h"

namespace riik::vote {
namespace {

using store::ColumnType;

const std::string kVoters = "vote_voters";
// One row, written after every voter's: how many there are and their root (voter_list.h).
const std::string kVoterList = "vote_voter_list";

std::vector<store::TableSchema> VoterTables() {
  return {{kVoters, {{"voter", ColumnType::kText}, {"district", ColumnType::kText}}, {"voter"}, {}},
          {kVoterList,
           {{"id", ColumnType::kInt},
            {"voters", ColumnType::kInt},
            {"root", ColumnType::kText},
            {"secret_check", ColumnType::kText}},
           {"id"},
           {}}};
}

// What the list's marker holds of the secret: an HMAC of a fixed text, which tells the
// secret again without revealing it.
std::string SecretCheck(const std::string& secret) { return DigestHex(HmacSha256(secret, "riik voter list")); }

}  // namespace

Result<std::optional<election::VoterList>> LoadVoterList(store::Store& store, const election::Manifest& manifest,
                                                         const std::string* pseudonym_secret) {
  if (!store.Schema(kVoterList).ok()) return std::optional<election::VoterList>();  // none made yet
  ASSIGN_OR_RETURN(auto marker, store.Get(kVoterList, {{"id", int64_t{1}}}));
  if (!marker) return std::optional<election::VoterList>();
  if (pseudonym_secret && store::TextOr(*marker, "secret_check") != SecretCheck(*pseudonym_secret)) {
    return FailedPrecondition(
        "the pseudonym secret is not the one the voter list was made with: restore the service's pseudonym.key "
        "(the vault holds it); with another secret no voter would be found on the list");
  }
  election::VoterList voters;
  RETURN_IF_ERROR(store::ForEachRowByKey(store, kVoters, "voter", "voter, district", [&](const store::Row& row) {
    std::string voter = store::TextOr(row, "voter"), district = store::TextOr(row, "district");
    if (!manifest.FindDistrict(district)) return DataLoss("the stored voter list names a district not in the manifest");
    return voters.Add(std::move(voter), std::move(district));
  }));
  if (static_cast<int64_t>(voters.size()) != store::IntField(*marker, "voters").value_or(-1) ||
      HexEncode(voters.Root()) != store::TextOr(*marker, "root")) {
    return DataLoss("the stored voter list is not the one its count and root say");
  }
  return std::optional<election::VoterList>(std::move(voters));
}

Status SaveVoterList(store::Store& store, const election::VoterList& voters, const std::string& pseudonym_secret) {
  RETURN_IF_ERROR(store.EnsureTables(VoterTables()));
  ASSIGN_OR_RETURN(auto marker, store.Get(kVoterList, {{"id", int64_t{1}}}));
  if (marker) return FailedPrecondition("the voter list is stored already; it is made once");
  // Rows a start cut short left behind are replaced: the list is all of these or none.
  ASSIGN_OR_RETURN(auto stale, store.Query("SELECT COUNT(*) AS n FROM " + kVoters));
  if (!stale.empty() && store::IntField(stale[0], "n").value_or(0) > 0) {
    while (true) {
      ASSIGN_OR_RETURN(auto rows, store.Query("SELECT voter FROM " + kVoters + " LIMIT 10000"));
      if (rows.empty()) break;
      RETURN_IF_ERROR(store
                          .Write([&](store::WriteTxn& txn) -> Status {
                            for (const store::Row& r : rows)
                              RETURN_IF_ERROR(txn.Delete(kVoters, {{"voter", store::TextOr(r, "voter")}}));
                            return OkStatus();
                          })
                          .status());
    }
  }
  auto it = voters.entries().begin();
  while (it != voters.entries().end()) {
    RETURN_IF_ERROR(store
                        .Write([&](store::WriteTxn& txn) -> Status {
                          for (int n = 0; n < 10'000 && it != voters.entries().end(); ++n, ++it) {
                            RETURN_IF_ERROR(txn.Put(kVoters, {{"voter", it->first}, {"district", it->second}}));
                          }
                          return OkStatus();
                        })
                        .status());
  }
  return store
      .Write([&](store::WriteTxn& txn) {
        return txn.Put(kVoterList, {{"id", int64_t{1}},
                                    {"voters", static_cast<int64_t>(voters.size())},
                                    {"root", HexEncode(voters.Root())},
                                    {"secret_check", SecretCheck(pseudonym_secret)}});
      })
      .status();
}

}  // namespace riik::vote
