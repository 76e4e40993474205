// Demo citizens for `riik up`.
#include "cli/demo_citizens.h"

#include <filesystem>
#include <iterator>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "core/file.h"
#include "crypto/x509.h"
#include "eid/enroll.h"
#include "eid/software_token.h"
#include "identity/demo_people.h"

namespace riik::cli {
namespace {

// The PINs printed on Estonia's public test ID cards: demo values, not secrets.
const eid::Pins kDemoPins{"0090", "01497", "17258403"};

// Enrolls one demo citizen on their token in `dir`, unless already enrolled. Their PINs
// are published, so the token seals its files at the published PINs' iteration count.
Result<std::unique_ptr<eid::SoftwareToken>> DemoToken(const identity::DemoPerson& p, const std::string& dir) {
  ASSIGN_OR_RETURN(identity::PersonalCode code, identity::PersonalCode::Make(p.sex, p.year, p.month, p.day, p.serial));
  return eid::SoftwareToken::Open(dir + "/citizens/" + code.code, eid::kPublishedPinKdfIterations);
}

Status EnsureEnrolled(CaAccess& ca, const identity::DemoPerson& p, const std::string& dir) {
  ASSIGN_OR_RETURN(auto token, DemoToken(p, dir));
  if (token->Certificate(eid::EidKey::kSigning).ok()) return OkStatus();
  ASSIGN_OR_RETURN(identity::PersonalCode code, identity::PersonalCode::Make(p.sex, p.year, p.month, p.day, p.serial));
  auto issue = [&](const trust::EidRequest& r) { return ca.IssueEid(r); };
  return eid::Enroll(*token, issue, eid::Citizen{code.code, p.given, p.surname}, kDemoPins).status();
}

}  // namespace

Result<std::string> EnsureDemoOfficial(const CaSelect& select, const std::string& trust_url) {
  const identity::DemoPerson& official = identity::kDemoPeople[0];
  RETURN_IF_ERROR(MakePrivateDirectory(select.dir + "/citizens"));
  {
    ASSIGN_OR_RETURN(auto token, DemoToken(official, select.dir));
    if (!token->Certificate(eid::EidKey::kSigning).ok()) {
      CaSelect issuing = select;
      issuing.ocsp_url = trust_url + "/ocsp";  // as the trust role's CA (node/roles/trust_role.cc)
      issuing.ca_issuers_url = trust_url + "/ca";
      ASSIGN_OR_RETURN(CaAccess ca, CaAccess::Connect(issuing));
      RETURN_IF_ERROR(EnsureEnrolled(ca, official, select.dir));
    }
  }
  ASSIGN_OR_RETURN(auto token, DemoToken(official, select.dir));
  ASSIGN_OR_RETURN(UniquePtr<X509> cert, token->Certificate(eid::EidKey::kSigning));
  return CertificateSha256Hex(cert.get());
}

Result<Json> EnsureDemoCitizens(CaAccess& ca, const std::string& dir) {
  Json out = Json::array();
  RETURN_IF_ERROR(MakePrivateDirectory(dir + "/citizens"));  // their tokens: keys under PINs
  // Each citizen's keys and PIN-sealed files take a while (P-384 keys): made side
  // by side when the CA is reached through the running trust role (its admin calls are
  // independent requests); one after another when this process opened the CA itself.
  std::vector<Status> enrolled(std::size(identity::kDemoPeople));
  if (ca.local() == nullptr) {
    std::vector<std::thread> workers;
    for (size_t i = 0; i < enrolled.size(); ++i) {
      workers.emplace_back([&, i] { enrolled[i] = EnsureEnrolled(ca, identity::kDemoPeople[i], dir); });
    }
    for (auto& w : workers) w.join();
  } else {
    for (size_t i = 0; i < enrolled.size(); ++i) enrolled[i] = EnsureEnrolled(ca, identity::kDemoPeople[i], dir);
  }
  for (const Status& st : enrolled) RETURN_IF_ERROR(st);
  for (const auto& p : identity::kDemoPeople) {
    ASSIGN_OR_RETURN(identity::PersonalCode code,
                     identity::PersonalCode::Make(p.sex, p.year, p.month, p.day, p.serial));
    std::string token_dir = dir + "/citizens/" + code.code;
    ASSIGN_OR_RETURN(auto token, eid::OpenToken(token_dir));
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
