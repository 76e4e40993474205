// Demo citizens for `riik up`.
#include "cli/demo_citizens.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/file.h"
#include "crypto/x509.h"
#include "eid/enroll.h"
#include "identity/demo_people.h"

namespace riik::cli {
namespace {

// The PINs printed on Estonia's public test ID cards: demo values, not secrets.
const eid::Pins kDemoPins{"0090", "01497", "17258403"};

}  // namespace

Result<Json> EnsureDemoCitizens(CaAccess& ca, const std::string& dir) {
  Json out = Json::array();
  RETURN_IF_ERROR(MakePrivateDirectory(dir + "/citizens"));  // their tokens: keys under PINs
  for (const auto& p : identity::kDemoPeople) {
    ASSIGN_OR_RETURN(identity::PersonalCode code,
                     identity::PersonalCode::Make(p.sex, p.year, p.month, p.day, p.serial));
    std::string token_dir = dir + "/citizens/" + code.code;
    ASSIGN_OR_RETURN(auto token, eid::OpenToken(token_dir));
    if (!token->Certificate(eid::EidKey::kSigning).ok()) {
      auto issue = [&](const trust::EidRequest& r) { return ca.IssueEid(r); };
      RETURN_IF_ERROR(eid::Enroll(*token, issue, eid::Citizen{code.code, p.given, p.surname}, kDemoPins).status());
    }
    Json person = {{"code", code.code},      {"name", std::string(p.given) + " " + p.surname},
                   {"token", token_dir},     {"pin1", kDemoPins.pin1},
                   {"pin2", kDemoPins.pin2}, {"puk", kDemoPins.puk}};
    for (eid::EidKey key : {eid::EidKey::kAuthentication, eid::EidKey::kSigning}) {
      auto cert = token->Certificate(key);
      if (cert.ok()) {
        person[key == eid::EidKey::kAuthentication ? "authentication_serial" : "signing_serial"] =
            SerialHex(cert->get());
      }
    }
    out.push_back(std::move(person));
  }
  return out;
}

}  // namespace riik::cli
