// The portal's documents in its store (document_store.h).
#include "portal/document_store.h"

#include "core/encoding.h"
#include "crypto/random.h"
#include "crypto/sha256.h"
#include "identity/personal_code.h"
#include "sign/container.h"
#include "store/row_fields.h"

namespace riik::portal {
namespace {

using store::ColumnType;
using store::Row;
using store::TextOr;

const std::string kDocuments = "portal_documents";
const std::string kCosigners = "portal_cosigners";

std::string Sha256Hex(std::string_view bytes) { return DigestHex(Sha256(bytes)); }

// The document of a row (and its co-signers' rows), the container only if `with_container`.
Document FromRows(const Row& row, const std::vector<Row>& cosigners, bool with_container) {
  Document d;
  d.id = TextOr(row, "id");
  d.owner = TextOr(row, "owner");
  d.name = TextOr(row, "name");
  d.container_sha256 = TextOr(row, "container_sha256");
  d.created_us = store::IntField(row, "created_us").value_or(0);
  d.updated_us = store::IntField(row, "updated_us").value_or(0);
  if (with_container) {
    auto it = row.find("container");
    if (it != row.end() && std::holds_alternative<store::Blob>(it->second)) {
      d.container = std::get<store::Blob>(it->second).bytes;
    }
  }
  for (const Row& c : cosigners) {
    d.cosigners.push_back({TextOr(c, "person"), store::IntField(c, "requested_us").value_or(0),
                           store::IntField(c, "signed_us").value_or(0)});
  }
  return d;
}

bool MaySee(const Document& d, const std::string& person) {
  if (d.owner == person) return true;
  for (const Cosigner& c : d.cosigners) {
    if (c.person == person) return true;
  }
  return false;
}

}  // namespace

std::vector<store::TableSchema> DocumentStore::Tables() {
  return {{kDocuments,
           {{"id", ColumnType::kText},
            {"owner", ColumnType::kText},
            {"name", ColumnType::kText},
            {"container", ColumnType::kBlob},
            {"container_sha256", ColumnType::kText},
            {"created_us", ColumnType::kInt},
            {"updated_us", ColumnType::kInt}},
           {"id"},
           {{"owner"}}},
          {kCosigners,
           {{"document", ColumnType::kText},
            {"person", ColumnType::kText},
            {"requested_us", ColumnType::kInt},
            {"signed_us", ColumnType::kInt, true}},
           {"document", "person"},
           {{"person"}}}};
}

Result<std::unique_ptr<DocumentStore>> DocumentStore::Open(store::Store& store) {
  RETURN_IF_ERROR(store.EnsureTables(Tables()));
  return std::unique_ptr<DocumentStore>(new DocumentStore(store));
}

Result<std::string> DocumentStore::Add(const std::string& owner, const std::string& file_name,
                                       const std::string& content) {
  if (content.empty()) return InvalidArgument("the file is empty");
  if (content.size() > kMaxDocumentBytes) return InvalidArgument("the file is over 2 MiB");
  sign::Container container;
  container.files.push_back({file_name, sign::MediaTypeFor(file_name), content});
  auto bytes = sign::WriteContainer(container);  // refuses an unusable name
  if (!bytes.ok()) return InvalidArgument("the file's name cannot be used: " + bytes.status().message());
  ASSIGN_OR_RETURN(std::string random, RandomBytes(16));
  std::string id = HexEncode(random);
  UnixMicros now = NowMicros();
  RETURN_IF_ERROR(store_
                      .Write([&](store::WriteTxn& txn) -> Status {
                        ASSIGN_OR_RETURN(
                            auto count,
                            txn.Query("SELECT COUNT(*) AS n FROM " + kDocuments + " WHERE owner = ?", {owner}));
                        if (!count.empty() && store::IntField(count[0], "n").value_or(0) >=
                                                  static_cast<int64_t>(kMaxDocumentsPerPerson)) {
                          return ResourceExhausted("you have 200 documents: delete some first");
                        }
                        return txn.Put(kDocuments, {{"id", id},
                                                    {"owner", owner},
                                                    {"name", file_name},
                                                    {"container", store::Blob{*bytes}},
                                                    {"container_sha256", Sha256Hex(*bytes)},
                                                    {"created_us", now},
                                                    {"updated_us", now}});
                      })
                      .status());
  return id;
}

Result<Document> DocumentStore::Get(const std::string& id, const std::string& viewer) {
  ASSIGN_OR_RETURN(auto row, store_.Get(kDocuments, {{"id", id}}));
  if (!row) return NotFound("no such document");
  ASSIGN_OR_RETURN(auto cosigners,
                   store_.Query("SELECT * FROM " + kCosigners + " WHERE document = ? ORDER BY requested_us", {id}));
  Document d = FromRows(*row, cosigners, /*with_container=*/true);
  if (!MaySee(d, viewer)) return NotFound("no such document");
  return d;
}

Result<std::vector<Document>> DocumentStore::Owned(const std::string& person) {
  ASSIGN_OR_RETURN(auto rows, store_.Query("SELECT id, owner, name, container_sha256, created_us, updated_us FROM " +
                                               kDocuments + " WHERE owner = ? ORDER BY updated_us DESC",
                                           {person}));
  std::vector<Document> out;
  for (const Row& r : rows) {
    ASSIGN_OR_RETURN(auto cosigners,
                     store_.Query("SELECT * FROM " + kCosigners + " WHERE document = ?", {TextOr(r, "id")}));
    out.push_back(FromRows(r, cosigners, false));
  }
  return out;
}

Result<std::vector<Document>> DocumentStore::AskedToSign(const std::string& person) {
  ASSIGN_OR_RETURN(auto asked, store_.Query("SELECT document FROM " + kCosigners + " WHERE person = ?", {person}));
  std::vector<Document> out;
  for (const Row& a : asked) {
    ASSIGN_OR_RETURN(auto row, store_.Get(kDocuments, {{"id", TextOr(a, "document")}}));
    if (!row) continue;
    ASSIGN_OR_RETURN(auto cosigners,
                     store_.Query("SELECT * FROM " + kCosigners + " WHERE document = ?", {TextOr(a, "document")}));
    out.push_back(FromRows(*row, cosigners, false));
  }
  std::sort(out.begin(), out.end(), [](const Document& a, const Document& b) { return a.updated_us > b.updated_us; });
  return out;
}

Status DocumentStore::AskToCosign(const std::string& id, const std::string& owner, const std::string& person) {
  auto code = identity::PersonalCode::Parse(person);
  if (!code.ok()) return InvalidArgument(code.status().message());
  if (person == owner) return InvalidArgument("you cannot ask yourself");
  return store_
      .Write([&](store::WriteTxn& txn) -> Status {
        ASSIGN_OR_RETURN(auto row, txn.Get(kDocuments, {{"id", id}}));
        if (!row || TextOr(*row, "owner") != owner) return NotFound("no such document");
        ASSIGN_OR_RETURN(auto asked, txn.Query("SELECT person FROM " + kCosigners + " WHERE document = ?", {id}));
        for (const Row& a : asked) {
          if (TextOr(a, "person") == person) return AlreadyExists(person + " has been asked already");
        }
        if (asked.size() >= kMaxCosigners) return ResourceExhausted("a document may have at most 10 co-signers");
        return txn.Put(
            kCosigners,
            {{"document", id}, {"person", person}, {"requested_us", NowMicros()}, {"signed_us", std::monostate{}}});
      })
      .status();
}

Status DocumentStore::PutSigned(const std::string& id, const std::string& signer, const std::string& signed_from,
                                const std::string& signed_container) {
  if (signed_container.size() > kMaxDocumentBytes + (1 << 20))
    return InvalidArgument("the signed container is too large");
  return store_
      .Write([&](store::WriteTxn& txn) -> Status {
        ASSIGN_OR_RETURN(auto row, txn.Get(kDocuments, {{"id", id}}));
        if (!row) return NotFound("no such document");
        ASSIGN_OR_RETURN(auto cosigners, txn.Query("SELECT * FROM " + kCosigners + " WHERE document = ?", {id}));
        Document d = FromRows(*row, cosigners, false);
        if (!MaySee(d, signer)) return NotFound("no such document");
        if (d.container_sha256 != signed_from) {
          return FailedPrecondition("the document was signed by someone else meanwhile: sign it again");
        }
        UnixMicros now = NowMicros();
        Row updated = *row;
        updated["container"] = store::Blob{signed_container};
        updated["container_sha256"] = Sha256Hex(signed_container);
        updated["updated_us"] = now;
        RETURN_IF_ERROR(txn.Put(kDocuments, updated));
        for (Row c : cosigners) {
          if (TextOr(c, "person") != signer) continue;
          c["signed_us"] = now;
          RETURN_IF_ERROR(txn.Put(kCosigners, c));
        }
        return OkStatus();
      })
      .status();
}

}  // namespace riik::portal
