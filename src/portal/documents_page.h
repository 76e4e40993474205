// "My documents": the upload form, the person's documents and those they are asked to
// sign; one document with its files, co-signers, the signing in the app, the request to
// co-sign, the download, and the signatures service's report in plain words.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "portal/document_store.h"
#include "portal/signing_view.h"

namespace riik::portal {

// The signatures service's validation, as the exchange names it.
inline constexpr const char* kValidationService = "EE/GOV/70006317/sign/validate";

std::string DocumentsBody(const std::vector<Document>& owned, const std::vector<Document>& asked,
                          const std::string& person, std::string_view error, std::string_view csrf,
                          std::string_view lang);

struct DocumentPage {
  Document document;
  std::string viewer;                    // the person looking
  const SigningView* signing = nullptr;  // a signing of it under way
  Json validation;                       // the validation service's answer ({report, record}), or null
  std::string note;                      // a plain message (done), or empty
  std::string error;                     // a plain message (went wrong), or empty
  std::string csrf;
};
std::string DocumentBody(const DocumentPage& page, std::string_view lang);

}  // namespace riik::portal
