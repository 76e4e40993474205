// CheckPersonalDataCall.
#include "registry/personal_data.h"

#include "identity/personal_code.h"

namespace riik::registry {

Result<Inquiry> CheckPersonalDataCall(const net::HttpRequest& req, std::string_view param) {
  auto code = identity::PersonalCode::Parse(req.Param(param));
  if (!code.ok())
    return InvalidArgument("'" + std::string(req.Param(param)) +
                           "' is not a personal code: " + code.status().message());
  Inquiry inquiry{code->code, std::string(req.headers.Get("X-Road-Client")),
                  std::string(req.headers.Get("X-Road-UserId")), std::string(req.headers.Get("X-Road-Issue")),
                  std::string(req.headers.Get("X-Road-Id"))};
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
