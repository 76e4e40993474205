// The rules every registry applies to a call for a person's data, before it answers:
// the person is named by a valid personal code, and the call says on whose behalf
// (X-Road-UserId) or for what purpose (X-Road-Issue) it asks. The caller, the person,
// the service and those reasons are what the data tracker records.
#pragma once

#include <optional>
#include <string>

#include "core/status.h"
#include "net/http.h"

namespace riik::registry {

// Who asked for a person's data, as the caller's security server relayed it.
struct Inquiry {
  std::string person;    // the personal code asked about
  std::string client;    // X-Road-Client: the calling subsystem
  std::string user_id;   // X-Road-UserId: on whose behalf (e.g. EE38001085718), may be empty
  std::string issue;     // X-Road-Issue: the purpose or legal basis, may be empty
  std::string xroad_id;  // X-Road-Id of the call
};

// X-Road-UserId, when given, is a person: "EE" and a valid Estonian personal code
// (InvalidArgument saying what is wrong otherwise).
Status CheckUserId(std::string_view user_id);
// X-Road-Issue, when given, states a purpose in words: at least kMinIssueLetters
// letters, at most kMaxIssueBytes bytes, no control characters ("x" says nothing and
// would make the data tracker's record meaningless).
inline constexpr size_t kMinIssueLetters = 4;
inline constexpr size_t kMaxIssueBytes = 512;
Status CheckIssue(std::string_view issue);

// Checks a call for the data of the person in path parameter `param`: 400 for a personal
// code that is not valid or a malformed X-Road-UserId or X-Road-Issue (the message says
// why), 403 `purpose_required` without either. On success, the inquiry to answer (and
// record).
Result<Inquiry> CheckPersonalDataCall(const net::HttpRequest& req, std::string_view param = "code");

// The response for a refused inquiry: the status's HTTP form with a JSON error.
net::HttpResponse RefusedInquiry(const Status& status);

}  // namespace riik::registry
