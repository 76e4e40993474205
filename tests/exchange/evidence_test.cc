// Evidence export and offline verification: a request and its response verify with
// nothing but the document and the root certificate; `openssl ts -verify` accepts the
// token; every flipped byte (of the JSON text, and of the token and signatures after
// base64 decoding) fails with a message; malformed documents fail cleanly.
#include "exchange/evidence.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "crypto/x509.h"
#include "log_fixture.h"
#include "support/sanitizers.h"
#include "support/shell.h"
#include "transparency/tree_head.h"

namespace riik::exchange {
namespace {

using riik::testing::kSanitizedStride;
using riik::testing::Shell;

class EvidenceTest : public LogTest {
 protected:
  void SetUp() override {
    LogTest::SetUp();
    OpenLog();
    ASSERT_TRUE(AppendAndWait(SampleRecord("other", Direction::kRequest, 1)).ok());
    ASSERT_TRUE(AppendAndWait(SampleRecord("xr-42", Direction::kRequest, 2)).ok());
    ASSERT_TRUE(AppendAndWait(SampleRecord("other-2", Direction::kRequest, 3)).ok());
    ASSERT_TRUE(AppendAndWait(SampleRecord("xr-42", Direction::kResponse, 4)).ok());
    ASSERT_TRUE(WaitForTimestamps());
    auto evidence = log_->Evidence("xr-42");
    ASSERT_TRUE(evidence.ok()) << evidence.status().ToString();
    auto text = CanonicalJson(*evidence);
    ASSERT_TRUE(text.ok());
    text_ = *text;
  }

  Status Verify(std::string_view text) { return VerifyEvidence(text, ca_->root_certificate()); }

  // Replaces the base64 string `b64` in the document by one with byte `pos` flipped.
  std::string WithFlippedDecodedByte(const std::string& b64, size_t pos) {
    std::string bytes = *Base64Decode(b64);
    bytes[pos] = static_cast<char>(bytes[pos] ^ 0x01);
    std::string out = text_;
    out.replace(out.find(b64), b64.size(), Base64Encode(bytes));
    return out;
  }

  std::string text_;
};

// Regenerates fuzz/evidence_corpus/ and prints the root certificate to paste into
// fuzz/evidence_fuzz.cc: RIIK_EVIDENCE_CORPUS=fuzz/evidence_corpus exchange_test
// --gtest_also_run_disabled_tests --gtest_filter='*WriteFuzzCorpus'
TEST_F(EvidenceTest, DISABLED_WriteFuzzCorpus) {
  const char* dir = std::getenv("RIIK_EVIDENCE_CORPUS");
  ASSERT_NE(dir, nullptr);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(std::string(dir) + "/" + name, std::ios::binary) << text;
  };
  write("valid_request_and_response.json", text_);
  Json doc = Json::parse(text_);
  doc["entries"].erase(1);
  write("valid_one_entry.json", *CanonicalJson(doc));
  std::string flipped = text_;
  flipped[text_.find("\"root\":\"") + 9] ^= 1;
  write("flipped_root.json", flipped);
  doc = Json::parse(text_);
  doc["entries"][0]["inclusion_proof"] = Json::array();
  write("no_inclusion_proof.json", *CanonicalJson(doc));
  doc = Json::parse(text_);
  doc["entries"][0]["timestamp"]["token"] = "AAAA";
  write("bad_token.json", *CanonicalJson(doc));
  write("truncated.json", text_.substr(0, text_.size() / 2));
  write("not_an_object.json", "[1,2,3]");
  std::cout << CertificatePem(ca_->root_certificate());
}

TEST_F(EvidenceTest, ARequestAndItsResponseVerifyOffline) {
  auto verified = CheckEvidence(text_, ca_->root_certificate());
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->xroad_id, "xr-42");
  EXPECT_EQ(verified->log_id, "EE/GOV/70000310/tax");
  ASSERT_EQ(verified->entries.size(), 2u);
  EXPECT_EQ(verified->entries[0].leaf_index, 1);
  EXPECT_EQ(verified->entries[0].direction, "request");
  EXPECT_EQ(verified->entries[1].direction, "response");
  EXPECT_GT(verified->entries[1].timestamp_time, 0);
  EXPECT_NE(verified->entries[0].signer_subject.find("EE/GOV/70000310/tax"), std::string::npos);
  EXPECT_TRUE(Verify(text_ + "\n").ok());
  EXPECT_EQ(log_->Evidence("nobody").status().code(), Code::kNotFound);
}

TEST_F(EvidenceTest, AnotherRootIsRefused) {
  riik::testing::TempDir other_dir;
  trust::TestCa other = trust::OpenTestCa(other_dir);
  ASSERT_TRUE(other.ca);
  Status s = VerifyEvidence(text_, other.ca->root_certificate());
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("token"), std::string::npos) << s.ToString();
}

TEST_F(EvidenceTest, OpensslAcceptsTheTimestampToken) {
  Json doc = Json::parse(text_);
  const Json& stamp = doc["entries"][0]["timestamp"];
  auto head = transparency::TreeHeadFromJson(stamp["head"], "head");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  auto imprint = transparency::TimestampImprint(*head);
  ASSERT_TRUE(imprint.ok());
  std::ofstream(dir_ / "token.der", std::ios::binary) << *Base64Decode(stamp["token"].get<std::string>());
  std::string out = Shell("openssl ts -verify -digest " + DigestHex(*imprint) + " -in " + dir_ / "token.der" +
                          " -token_in -CAfile " + ca_->RootPemPath() + " -untrusted " + ca_->CaPemPath("org"));
  EXPECT_NE(out.find("Verification: OK"), std::string::npos) << out;
}

TEST_F(EvidenceTest, EveryFlippedByteOfTheTextFails) {
  // Every position of the first entry's head, proof and record (and of the document's
  // start, up into the first certificate's PEM header), then a sample across the rest:
  // the certificates' base64 too, whose every third byte FlippedCertificateBytesFail
  // changes (each such flip costs the full chain and timestamp checks). The low bit, and
  // the case bit (hex and base64 must not accept another case). (Under the sanitizer
  // every third position of those: sanitizers.h.)
  const size_t pem = text_.find("-----BEGIN CERTIFICATE-----\\n") + 30;
  const size_t head = text_.find("\"head\""), timestamp = text_.find("\"timestamp\"");
  ASSERT_LT(pem, head);
  auto dense = [&](size_t pos) { return pos < pem || (pos >= head && pos < timestamp); };
  size_t tested = 0;
  for (size_t pos = 0; pos < text_.size(); pos += (dense(pos) ? 1 : 11) * kSanitizedStride) {
    for (unsigned char mask : {0x01, 0x20}) {
      std::string changed = text_;
      changed[pos] = static_cast<char>(changed[pos] ^ mask);
      Status s = Verify(changed);
      ASSERT_FALSE(s.ok()) << "flipping byte " << pos << " ('" << text_[pos] << "') with mask " << int{mask}
                           << " went unnoticed";
      ASSERT_FALSE(s.message().empty());
      ++tested;
    }
  }
  EXPECT_GT(tested, 3000u / kSanitizedStride);
}

TEST_F(EvidenceTest, EveryFlippedByteOfTheTokenAndSignaturesFails) {
  Json doc = Json::parse(text_);
  const Json& entry = doc["entries"][1];
  std::string token = entry["timestamp"]["token"];
  size_t token_size = Base64Decode(token)->size();
  for (size_t pos = 0; pos < token_size; pos += kSanitizedStride) {
    Status s = Verify(WithFlippedDecodedByte(token, pos));
    ASSERT_FALSE(s.ok()) << "flipping token byte " << pos << " of " << token_size << " went unnoticed";
  }
  for (const std::string& b64 :
       {entry["head"]["signature"].get<std::string>(), entry["timestamp"]["head"]["signature"].get<std::string>()}) {
    size_t n = Base64Decode(b64)->size();
    for (size_t pos = 0; pos < n; pos += kSanitizedStride) {
      Status s = Verify(WithFlippedDecodedByte(b64, pos));
      ASSERT_FALSE(s.ok()) << "flipping signature byte " << pos << " went unnoticed";
    }
  }
}

TEST_F(EvidenceTest, FlippedCertificateBytesFail) {
  Json doc = Json::parse(text_);
  std::string pem = doc["entries"][0]["certificates"][0];
  auto cert = ParseCertificatePem(pem);
  ASSERT_TRUE(cert.ok());
  std::string der = CertificateDer(cert->get());
  for (size_t pos = 0; pos < der.size(); pos += 3) {
    std::string changed_der = der;
    changed_der[pos] = static_cast<char>(changed_der[pos] ^ 0x01);
    const auto* p = reinterpret_cast<const unsigned char*>(changed_der.data());
    UniquePtr<X509> changed(d2i_X509(nullptr, &p, static_cast<long>(changed_der.size())));
    OpenSslErrors();
    if (!changed) continue;  // not even a certificate: the PEM check refuses it too
    std::string changed_pem = CertificatePem(changed.get());
    if (changed_pem == pem) continue;
    std::string text = text_;
    for (size_t at = text.find(Json(pem).dump().substr(1, 40)); at != std::string::npos;
         at = text.find(Json(pem).dump().substr(1, 40), at + 1)) {
      std::string escaped = Json(pem).dump();
      escaped = escaped.substr(1, escaped.size() - 2);
      std::string replacement = Json(changed_pem).dump();
      replacement = replacement.substr(1, replacement.size() - 2);
      text.replace(at, escaped.size(), replacement);
      break;
    }
    ASSERT_FALSE(Verify(text).ok()) << "flipping certificate byte " << pos << " went unnoticed";
  }
}

TEST_F(EvidenceTest, MalformedDocumentsFailCleanly) {
  for (const std::string& bad : std::vector<std::string>{"", "{}", "[]", "null",
                                                         "{\"entries\":[],\"format\":\"riik-message-evidence-v1\","
                                                         "\"xroad_id\":\"x\"}",
                                                         std::string(100, '['), "{\"a\":1.5}"}) {
    Status s = Verify(bad);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_FALSE(s.message().empty());
  }
  EXPECT_EQ(Verify(std::string(kMaxEvidenceBytes + 1, ' ')).code(), Code::kResourceExhausted);
  Json doc = Json::parse(text_);
  doc["entries"][0]["leaf_index"] = -1;
  EXPECT_FALSE(Verify(doc.dump()).ok());
  doc = Json::parse(text_);
  doc["entries"][0]["inclusion_proof"] = Json::array();
  EXPECT_NE(Verify(doc.dump()).message().find("inclusion proof"), std::string::npos) << Verify(doc.dump()).ToString();
  doc = Json::parse(text_);
  doc["entries"].erase(0);
  EXPECT_TRUE(Verify(doc.dump()).ok());  // dropping a whole entry leaves a valid (smaller) proof
  EXPECT_NE(Verify(Json::parse(text_).dump(2)).message().find("canonical"), std::string::npos);
}

}  // namespace
}  // namespace riik::exchange
