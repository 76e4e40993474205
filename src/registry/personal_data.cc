// CheckPersonalDataCall.
#include "registry/personal_data.h"

#include <cctype>

#include "identity/personal_code.h"

namespace riik::registry {

Status CheckUserId(std::string_view user_id) {
  if (user_id.size() < 2 || user_id.substr(0, 2) != "EE") {
    return InvalidArgument("X-Road-UserId names a person by country and personal code, e.g. EE38001085718; '" +
                           std::string(user_id.substr(0, 40)) + "' is not one");
  }
  auto code = identity::PersonalCode::Parse(user_id.substr(2));
  if (!code.ok()) return InvalidArgument("X-Road-UserId: " + code.status().message());
  return OkStatus();
}

Status CheckIssue(std::string_view issue) {
  size_t letters = 0;
  for (unsigned char c : issue) {
    if (c < 0x20 || c == 0x7f) return InvalidArgument("X-Road-Issue holds a control character");
    letters += std::isalpha(c) != 0 || c >= 0x80;
  }
  if (issue.size() > kMaxIssueBytes) {
    return InvalidArgument("X-Road-Issue is longer than " + std::to_string(kMaxIssueBytes) + " bytes");
  }
  if (letters < kMinIssueLetters) {
    return InvalidArgument("X-Road-Issue must say the purpose or legal basis in words (at least " +
                           std::to_string(kMinIssueLetters) + " letters), e.g. 'income tax return 2024'; '" +
                           std::string(issue.substr(0, 40)) + "' does not");
  }
  return OkStatus();
}

Result<Inquiry> CheckPersonalDataCall(const net::HttpRequest& req, std::string_view param) {
  auto code = identity::PersonalCode::Parse(req.Param(param));
  if (!code.ok())
    return InvalidArgument("'" + std::string(req.Param(param)) +
                           "' is not a personal code: " + code.status().message());
  Inquiry inquiry{code->code, std::string(req.headers.Get("X-Road-Client")),
                  std::string(req.headers.Get("X-Road-UserId")), std::string(req.headers.Get("X-Road-Issue")),
                  std::string(req.headers.Get("X-Road-Id"))};
  if (!inquiry.user_id.empty()) RETURN_IF_ERROR(CheckUserId(inquiry.user_id));
  if (!inquiry.issue.empty()) RETURN_IF_ERROR(CheckIssue(inquiry.issue));
  if (inquiry.user_id.empty() && inquiry.issue.empty()) {
    return PermissionDenied(
        "personal data is given only to a call that says on whose behalf it asks (X-Road-UserId, "
        "e.g. EE" +
        code->code + ") or for what purpose (X-Road-Issue, e.g. the legal basis)");
  }
  return inquiry;
}

net::HttpResponse RefusedInquiry(const Status& status) {
  if (status.code() == Code::kPermissionDenied) return net::JsonError(403, "purpose_required", status.message());
  return net::ErrorResponse(status);
}

}  // namespace riik::registry
