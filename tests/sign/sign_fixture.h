// A citizen with an eID on a software token, the state CA, its TSA and OCSP responder in
// process: what the signature tests sign and verify with.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "crypto/x509.h"
#include "eid/enroll.h"
#include "eid/software_token.h"
#include "sign/container.h"
#include "sign/signer.h"
#include "sign/verify.h"
#include "support/temp_dir.h"
#include "trust/ocsp_responder.h"
#include "trust/test_ca.h"
#include "trust/tsa.h"

namespace riik::sign {

inline constexpr const char* kPin2 = "01497";

class SignFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    trust::TestCa test_ca = trust::OpenTestCa(dir_);
    ASSERT_TRUE(test_ca.ca);
    store_ = std::move(test_ca.store);
    ca_ = std::move(test_ca.ca);
    auto tsa = trust::TimestampAuthority::Create(*ca_, *store_);
    ASSERT_TRUE(tsa.ok()) << tsa.status().ToString();
    tsa_ = std::move(*tsa);
    auto ocsp = trust::OcspResponder::Create(*ca_);
    ASSERT_TRUE(ocsp.ok()) << ocsp.status().ToString();
    ocsp_ = std::move(*ocsp);
    mari_ = EnrollCitizen("token-mari", {"48705120271", "Mari", "Maasikas"});
    jaan_ = EnrollCitizen("token-jaan", {"38001085718", "Jaan", "Tamm"});
  }

  std::unique_ptr<eid::Token> EnrollCitizen(const std::string& name, const eid::Citizen& citizen) {
    auto token = eid::SoftwareToken::Open(dir_ / name, eid::kPublishedPinKdfIterations);
    EXPECT_TRUE(token.ok());
    if (!token.ok()) return nullptr;
    auto issue = [this](const trust::EidRequest& r) { return ca_->IssueEid(r); };
    auto enrolled = eid::Enroll(**token, issue, citizen, eid::Pins{"0090", kPin2, "17258403"});
    EXPECT_TRUE(enrolled.ok()) << enrolled.status().ToString();
    return std::move(*token);
  }

  SignOptions Options() {
    SignOptions o;
    o.timestamp = [this](std::string_view digest) { return tsa_->TimestampDigest(digest); };
    o.ocsp = [this](std::string_view request) -> Result<std::string> { return ocsp_->Respond(request); };
    o.trust_root = ca_->root_certificate();
    return o;
  }

  VerifyOptions Trust() {
    VerifyOptions o;
    o.trust = TrustAnchors::FromRoots({ca_->root_certificate()});
    return o;
  }

  // Signs `container` with `token`'s key behind PIN2 (or `key` = kAuthentication).
  Result<std::string> SignWith(eid::Token& token, Container& container, trust::EidKey key = trust::EidKey::kSigning,
                               SignOptions options = {}) {
    ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> private_key,
                     token.PrivateKey(key, key == trust::EidKey::kSigning ? kPin2 : "0090"));
    ASSIGN_OR_RETURN(UniquePtr<X509> cert, token.Certificate(key));
    SignerKey signer{private_key.get(), cert.get(), {ca_->eid_certificate(), ca_->root_certificate()}};
    return AddSignature(container, signer, options.timestamp ? options : Options());
  }

  static Container TwoFiles() {
    Container c;
    c.files.push_back(DataFile{"tuludeklaratsioon 2026.json", "application/json", "{\"income\": 41250}\n"});
    c.files.push_back(DataFile{"lisa.txt", "text/plain", "Annex: no foreign income.\n"});
    return c;
  }

  riik::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<trust::CertificateAuthority> ca_;
  std::unique_ptr<trust::TimestampAuthority> tsa_;
  std::unique_ptr<trust::OcspResponder> ocsp_;
  std::unique_ptr<eid::Token> mari_, jaan_;
};

}  // namespace riik::sign
