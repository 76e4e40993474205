// The citizen portal's documents (store "portal"): each an ASiC-E container a person
// uploaded a file into, signed in their app, and that others they asked co-sign. Who
// may see a document: its owner and those asked to co-sign it; who may change it: they
// alone, and only by putting a signed version in place of the version they signed
// (a container changed meanwhile is refused, not overwritten). Blocking (the store):
// call off the event loops.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "store/store.h"

namespace riik::portal {

inline constexpr size_t kMaxDocumentBytes = 2 << 20;  // a file as uploaded
inline constexpr size_t kMaxCosigners = 10;
inline constexpr size_t kMaxDocumentsPerPerson = 200;

struct Cosigner {
  std::string person;
  UnixMicros requested_us = 0;
  UnixMicros signed_us = 0;  // 0: not yet
};

struct Document {
  std::string id;     // 32 hex characters, random
  std::string owner;  // personal code
  std::string name;   // the file's name
  std::string container;
  std::string container_sha256;  // hex
  UnixMicros created_us = 0, updated_us = 0;
  std::vector<Cosigner> cosigners;
};

class DocumentStore {
 public:
  static std::vector<store::TableSchema> Tables();
  // The tables are made if missing.
  static Result<std::unique_ptr<DocumentStore>> Open(store::Store& store);

  // A new document with the file in an unsigned container; its id. InvalidArgument
  // for a file too large, empty or without a usable name; ResourceExhausted when the
  // owner has kMaxDocumentsPerPerson.
  Result<std::string> Add(const std::string& owner, const std::string& file_name, const std::string& content);

  // The document as `viewer` may see it: NotFound when it does not exist or is neither
  // theirs nor one they were asked to co-sign (the same answer: ids are not probed).
  Result<Document> Get(const std::string& id, const std::string& viewer);

  // What `person` owns, and what waits for their signature or has it, newest first
  // (without the containers).
  Result<std::vector<Document>> Owned(const std::string& person);
  Result<std::vector<Document>> AskedToSign(const std::string& person);

  // The owner asks `person` to co-sign: InvalidArgument for an invalid personal code or
  // the owner themself; AlreadyExists when asked already; ResourceExhausted beyond
  // kMaxCosigners.
  Status AskToCosign(const std::string& id, const std::string& owner, const std::string& person);

  // `signer` (the owner or one asked) puts `signed_container` in place of the version
  // whose SHA-256 is `signed_from`; FailedPrecondition if the document changed meanwhile.
  Status PutSigned(const std::string& id, const std::string& signer, const std::string& signed_from,
                   const std::string& signed_container);

 private:
  explicit DocumentStore(store::Store& store) : store_(store) {}
  store::Store& store_;
};

}  // namespace riik::portal
