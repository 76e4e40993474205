// The state's trusted list: written and read back, its signature and freshness enforced,
// and a container validated with the list's services as the only trust anchors.
#include "sign/trusted_list.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/encoding.h"
#include "seeds.h"
#include "sign/report.h"
#include "sign/trust_anchors.h"
#include "sign_fixture.h"

namespace riik::sign {
namespace {

constexpr int64_t kDayMicros = 86'400'000'000;

class TrustedListTest : public SignFixture {
 protected:
  std::string List() {
    auto xml = StateTrustedList(*ca_, "https://127.0.0.1:7010", NowMicros());
    EXPECT_TRUE(xml.ok()) << xml.status().ToString();
    return xml.ok() ? *xml : "";
  }
  X509* ListSigner() {
    auto signer = ca_->ServiceSigner(trust::Profile::kTrustedList);
    EXPECT_TRUE(signer.ok());
    signer_ = std::move(signer->cert);
    return signer_.get();
  }
  std::string SignedContainer() {
    Container c = TwoFiles();
    auto signed_ok = SignWith(*mari_, c);
    EXPECT_TRUE(signed_ok.ok()) << signed_ok.status().ToString();
    auto bytes = WriteContainer(c);
    EXPECT_TRUE(bytes.ok());
    return bytes.ok() ? *bytes : "";
  }
  static void Replace(std::string& text, const std::string& from, const std::string& to) {
    size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
  }
  UniquePtr<X509> signer_;
};

TEST_F(TrustedListTest, ListsTheStatesServicesAndReadsBack) {
  std::string xml = List();
  EXPECT_NE(xml.find("http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric"), std::string::npos);
  auto list = ReadTrustedList(xml, ListSigner(), NowMicros());
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->territory, "EE");
  ASSERT_EQ(list->Certificates(ServiceType::kCa).size(), 1u);
  EXPECT_EQ(X509_cmp(list->Certificates(ServiceType::kCa)[0], ca_->eid_certificate()), 0);
  EXPECT_EQ(list->Certificates(ServiceType::kTsa).size(), 1u);
  EXPECT_EQ(list->Certificates(ServiceType::kOcsp).size(), 1u);
  EXPECT_GT(list->next_update, NowMicros() + 170 * kDayMicros);
  // The signer's certificate says what it is for: id-tsl-kp-tslSigning.
  EXPECT_NE(SubjectString(signer_.get()).find("Trusted List signer"), std::string::npos);
}

TEST_F(TrustedListTest, BelievesOnlyItsPinnedSigner) {
  std::string xml = List();
  auto other = ca_->ServiceSigner(trust::Profile::kTimestamping);
  ASSERT_TRUE(other.ok());
  auto read = ReadTrustedList(xml, other->cert.get(), NowMicros());
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("another certificate"), std::string::npos) << read.status().ToString();
}

TEST_F(TrustedListTest, RefusesAChangedList) {
  std::string xml = List();
  // A service added after signing (the TSA's entry repeated with another name) or a name changed.
  std::string renamed = xml;
  Replace(renamed, "<SchemeTerritory>EE</SchemeTerritory>", "<SchemeTerritory>EX</SchemeTerritory>");
  auto read = ReadTrustedList(renamed, ListSigner(), NowMicros());
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), Code::kDataLoss);
  EXPECT_NE(read.status().message().find("changed since it was signed"), std::string::npos);
  // A second signature element, or none.
  std::string unsigned_list = xml;
  size_t a = unsigned_list.find("<ds:Signature");
  size_t b = unsigned_list.find("</ds:Signature>") + std::string("</ds:Signature>").size();
  unsigned_list.erase(a, b - a);
  read = ReadTrustedList(unsigned_list, ListSigner(), NowMicros());
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("signature is missing"), std::string::npos) << read.status().ToString();
  // The pinned certificate in KeyInfo, the value not by its key (a byte of it changed).
  std::string forged = xml;
  size_t v = forged.find("<ds:SignatureValue>") + std::string("<ds:SignatureValue>").size();
  forged[v + 10] = forged[v + 10] == 'A' ? 'B' : 'A';
  read = ReadTrustedList(forged, ListSigner(), NowMicros());
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("does not match its signer's key"), std::string::npos)
      << read.status().ToString();
  // A DTD (entities) is refused before anything is read.
  std::string with_dtd = xml;
  Replace(with_dtd, "<TrustServiceStatusList", "<!DOCTYPE x [<!ENTITY e \"e\">]><TrustServiceStatusList");
  EXPECT_FALSE(ReadTrustedList(with_dtd, ListSigner(), NowMicros()).ok());
}

TEST_F(TrustedListTest, RefusesAStaleList) {
  std::string xml = List();
  auto read = ReadTrustedList(xml, ListSigner(), NowMicros() + 200 * kDayMicros);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("stale"), std::string::npos) << read.status().ToString();
}

TEST_F(TrustedListTest, ValidatesAContainerWithTheListsServicesOnly) {
  std::string container = SignedContainer();
  auto list = ReadTrustedList(List(), ListSigner(), NowMicros());
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  VerifyOptions o;
  o.trust = TrustAnchors::FromTrustedList(*list);
  VerificationReport r = VerifyContainer(container, o);
  EXPECT_EQ(r.verdict, Verdict::kValid) << ReportText(r, "x");

  // Without the TSA among the services, its timestamps are not believed.
  o.trust.timestamp_authorities.clear();
  r = VerifyContainer(container, o);
  ASSERT_EQ(r.signatures.size(), 1u);
  EXPECT_EQ(r.verdict, Verdict::kIndeterminate);
  EXPECT_NE(ReportText(r, "x").find("not from a trusted timestamping authority"), std::string::npos);

  // A CA the list does not name (the organisations CA) issues no trusted signers.
  o.trust = TrustAnchors::FromTrustedList(*list);
  o.trust.signer_cas = {ca_->org_certificate()};
  r = VerifyContainer(container, o);
  EXPECT_EQ(r.verdict, Verdict::kIndeterminate);
  EXPECT_NE(ReportText(r, "x").find("not from a trusted CA"), std::string::npos) << ReportText(r, "x");
}

// Writes fuzz/trusted_list_corpus/valid_tsl.xml, signed by the fuzz fixture's key:
// RIIK_SIGN_SEEDS=fuzz/trusted_list_corpus build/release/tests/sign_test
// --gtest_also_run_disabled_tests --gtest_filter='*WriteTrustedListSeed'
TEST_F(TrustedListTest, DISABLED_WriteTrustedListSeed) {
  const char* out = std::getenv("RIIK_SIGN_SEEDS");
  ASSERT_NE(out, nullptr);
  auto key = ParsePrivateKeyPem(fuzz::kFixtureKeyPem);
  auto cert = ParseCertificatePem(fuzz::kFixtureCertPem);
  ASSERT_TRUE(key.ok() && cert.ok());
  TrustedListSpec spec;
  spec.operator_name = spec.provider_name = "riik fuzzing";
  spec.information_uri = "https://127.0.0.1/ca/root.crt";
  spec.distribution_uri = "https://127.0.0.1/tsl.xml";
  spec.issued = 1'795'000'000'000'000;
  spec.next_update = 1'810'000'000'000'000;
  spec.services = {{ServiceType::kCa, "CA", ca_->eid_certificate(), spec.issued},
                   {ServiceType::kTsa, "TSA", cert->get(), spec.issued},
                   {ServiceType::kOcsp, "OCSP", cert->get(), spec.issued}};
  auto xml = WriteTrustedList(spec, key->get(), cert->get());
  ASSERT_TRUE(xml.ok()) << xml.status().ToString();
  std::filesystem::create_directories(out);
  std::ofstream(std::string(out) + "/valid_tsl.xml", std::ios::binary) << *xml;
}

}  // namespace
}  // namespace riik::sign
