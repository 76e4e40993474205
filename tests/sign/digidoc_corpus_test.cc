// riik's verifier on containers DigiDoc made (valid, and broken in the ways the issue
// lists): the verdict DigiDoc gave each (expected.tsv) and a reason in plain words.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/file.h"
#include "crypto/x509.h"
#include "sign/report.h"
#include "sign/trusted_list.h"
#include "sign/verify.h"

namespace riik::sign {
namespace {

struct Case {
  std::string file, digidoc, riik, reason;
};

std::vector<Case> Cases() {
  std::ifstream in(std::string(RIIK_DIGIDOC_CORPUS) + "/expected.tsv");
  std::vector<Case> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    Case c;
    std::getline(fields, c.file, '\t');
    std::getline(fields, c.digidoc, '\t');
    std::getline(fields, c.riik, '\t');
    std::getline(fields, c.reason, '\t');
    out.push_back(c);
  }
  return out;
}

TEST(DigidocCorpusTest, RiikGivesDigidocsVerdictWithAReason) {
  auto pem = ReadFile(std::string(RIIK_DIGIDOC_CORPUS) + "/root.pem");
  ASSERT_TRUE(pem.ok());
  auto root = ParseCertificatePem(*pem);
  ASSERT_TRUE(root.ok());
  VerifyOptions o;
  o.trust = TrustAnchors::FromRoots({root->get()});
  std::vector<Case> cases = Cases();
  ASSERT_GE(cases.size(), 15u);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    auto bytes = ReadFile(std::string(RIIK_DIGIDOC_CORPUS) + "/" + c.file);
    ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
    VerificationReport r = VerifyContainer(*bytes, o);
    std::string text = ReportText(r, c.file);
    EXPECT_EQ(VerdictName(r.verdict), c.riik) << text;
    // Where DigiDoc says OK riik must too, and where it fails riik must not pass.
    EXPECT_EQ(c.digidoc == "OK", r.verdict == Verdict::kValid) << text;
    if (!c.reason.empty()) {
      EXPECT_NE(text.find(c.reason), std::string::npos) << text;
    }
  }
}

// The same verdicts with the state's trusted list (the one DigiDoc was given) as the only
// trust, read as of the day the corpus was made.
TEST(DigidocCorpusTest, TheSameVerdictsWithTheTrustedList) {
  auto xml = ReadFile(std::string(RIIK_DIGIDOC_CORPUS) + "/tsl.xml");
  auto signer_pem = ReadFile(std::string(RIIK_DIGIDOC_CORPUS) + "/tsl-signer.pem");
  ASSERT_TRUE(xml.ok() && signer_pem.ok());
  auto signer = ParseCertificatePem(*signer_pem);
  ASSERT_TRUE(signer.ok());
  constexpr UnixMicros kCorpusDay = 1'796'300'000'000'000;  // 2026-12-03
  auto list = ReadTrustedList(*xml, signer->get(), kCorpusDay);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  VerifyOptions o;
  o.trust = TrustAnchors::FromTrustedList(*list);
  ASSERT_GE(Cases().size(), 15u);
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.file);
    auto bytes = ReadFile(std::string(RIIK_DIGIDOC_CORPUS) + "/" + c.file);
    ASSERT_TRUE(bytes.ok());
    VerificationReport r = VerifyContainer(*bytes, o);
    EXPECT_EQ(VerdictName(r.verdict), c.riik) << ReportText(r, c.file);
  }
}

TEST(DigidocCorpusTest, ReadsDigidocsProfilesAndCoSignatures) {
  auto pem = ReadFile(std::string(RIIK_DIGIDOC_CORPUS) + "/root.pem");
  auto root = ParseCertificatePem(*pem);
  ASSERT_TRUE(root.ok());
  VerifyOptions o;
  o.trust = TrustAnchors::FromRoots({root->get()});
  auto verify = [&](const std::string& name) {
    auto bytes = ReadFile(std::string(RIIK_DIGIDOC_CORPUS) + "/" + name);
    EXPECT_TRUE(bytes.ok());
    return VerifyContainer(bytes.ok() ? *bytes : "", o);
  };
  VerificationReport lta = verify("dd-lta.asice");
  ASSERT_EQ(lta.signatures.size(), 1u);
  EXPECT_EQ(lta.signatures[0].profile, "LTA");
  EXPECT_EQ(lta.signatures[0].archive_times.size(), 1u);
  VerificationReport two = verify("dd-cosigned.asice");
  ASSERT_EQ(two.signatures.size(), 2u);
  EXPECT_NE(two.signatures[0].signer_id, two.signatures[1].signer_id);
  // DigiDoc's file names are percent-encoded in the references, raw in the manifest.
  VerificationReport lt = verify("dd-lt.asice");
  ASSERT_EQ(lt.files.size(), 2u);
  EXPECT_EQ(lt.signatures[0].signed_files.size(), 2u);
}

}  // namespace
}  // namespace riik::sign
