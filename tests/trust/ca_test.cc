// The CA hierarchy, checked with the standard tool: `openssl verify` accepts every
// issued chain, and the extensions an auditor looks for are there.
#include "trust/ca.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>

#include "crypto/x509.h"
#include "support/temp_dir.h"

namespace riik::trust {
namespace {

// Runs a shell command and returns its stdout and exit status.
std::pair<std::string, int> ShellWithStatus(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return {"", -1};
  std::array<char, 512> buf;
  while (fgets(buf.data(), buf.size(), p)) out += buf.data();
  int rc = pclose(p);
  return {out, WEXITSTATUS(rc)};
}

class CaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Store::Open(store::StoreOptions{"sqlite:" + dir_ / "trust.db", "trust"});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    options_.dir = dir_ / "ca";
    options_.passphrase = "correct horse battery";
    options_.ocsp_url = "http://127.0.0.1:7010/ocsp";
    options_.ca_issuers_url = "http://127.0.0.1:7010/ca";
    auto ca = CertificateAuthority::Open(*store_, options_);
    ASSERT_TRUE(ca.ok()) << ca.status().ToString();
    ca_ = std::move(*ca);
  }

  std::string IssueToFile(Profile profile, const std::string& name) {
    auto key = GenerateEcKey("P-256");
    EXPECT_TRUE(key.ok());
    IssueRequest req;
    req.profile = profile;
    req.common_name = name;
    req.organization = "Population Register";
    req.dns_names = {"localhost"};
    req.ip_addresses = {"127.0.0.1"};
    req.public_key = key->get();
    auto rec = ca_->Issue(req);
    EXPECT_TRUE(rec.ok()) << rec.status().ToString();
    std::string path = dir_ / (name + ".pem");
    std::ofstream(path) << (rec.ok() ? rec->pem : "");
    serial_ = rec.ok() ? rec->serial : "";
    return path;
  }

  riik::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  CaOptions options_;
  std::unique_ptr<CertificateAuthority> ca_;
  std::string serial_;
};

TEST_F(CaTest, AuthCertificatesServeBothWaysOfTls) {
  std::string leaf = IssueToFile(Profile::kMemberAuth, "ss1");
  for (const char* purpose : {"sslserver", "sslclient"}) {
    auto [out, rc] = ShellWithStatus(std::string("openssl verify -purpose ") + purpose + " -CAfile " +
                                     ca_->RootPemPath() + " -untrusted " + ca_->CaPemPath("org") + " " + leaf);
    EXPECT_EQ(rc, 0) << purpose << ": " << out;
  }
}

TEST_F(CaTest, OpensslVerifiesEveryProfileAgainstTheRoot) {
  for (Profile p : {Profile::kTlsServer, Profile::kTlsClient, Profile::kMemberSigning, Profile::kOcspResponder,
                    Profile::kTimestamping}) {
    std::string name(ProfileName(p));
    std::string leaf = IssueToFile(p, name);
    std::string purpose = p == Profile::kTlsServer   ? " -purpose sslserver"
                          : p == Profile::kTlsClient ? " -purpose sslclient"
                                                     : "";
    auto [out, rc] = ShellWithStatus("openssl verify" + purpose + " -CAfile " + ca_->RootPemPath() + " -untrusted " +
                                     ca_->CaPemPath("org") + " " + leaf);
    EXPECT_EQ(rc, 0) << name << ": " << out;
    EXPECT_NE(out.find(": OK"), std::string::npos) << out;
  }
  auto [eid_out, eid_rc] =
      ShellWithStatus("openssl verify -CAfile " + ca_->RootPemPath() + " " + ca_->CaPemPath("eid"));
  EXPECT_EQ(eid_rc, 0) << eid_out;
}

TEST_F(CaTest, CertificatesCarryAiaPoliciesAndTheRightAlgorithms) {
  std::string leaf = IssueToFile(Profile::kTlsServer, "registry");
  auto [ocsp, rc1] = ShellWithStatus("openssl x509 -noout -ocsp_uri -in " + leaf);
  EXPECT_EQ(ocsp, "http://127.0.0.1:7010/ocsp\n");
  auto [text, rc2] = ShellWithStatus("openssl x509 -noout -text -in " + leaf);
  EXPECT_NE(text.find("CA Issuers - URI:http://127.0.0.1:7010/ca/org.crt"), std::string::npos) << text;
  EXPECT_NE(text.find("Policy: 2.999.1.2.1"), std::string::npos) << text;
  EXPECT_NE(text.find("TLS Web Server Authentication"), std::string::npos);
  EXPECT_NE(text.find("ecdsa-with-SHA256"), std::string::npos);
  auto [tsa, rc3] = ShellWithStatus("openssl x509 -noout -text -in " + IssueToFile(Profile::kTimestamping, "tsa"));
  EXPECT_NE(tsa.find("X509v3 Extended Key Usage: critical"), std::string::npos) << tsa;
  EXPECT_NE(tsa.find("Time Stamping"), std::string::npos);
  auto [eid, rc4] = ShellWithStatus("openssl x509 -noout -text -in " + ca_->CaPemPath("eid"));
  EXPECT_NE(eid.find("NIST CURVE: P-384"), std::string::npos) << eid;
  EXPECT_NE(eid.find("ecdsa-with-SHA384"), std::string::npos);
  EXPECT_NE(eid.find("pathlen:0"), std::string::npos);
}

TEST_F(CaTest, KeysAreEncryptedAtRestAndTheWrongPassphraseIsRefused) {
  auto [out, rc] = ShellWithStatus("grep -c 'BEGIN ENCRYPTED PRIVATE KEY' " + options_.dir + "/root.key");
  EXPECT_EQ(out, "1\n");
  auto [mode, rc2] = ShellWithStatus("stat -c %a " + options_.dir + "/org.key");
  EXPECT_EQ(mode, "600\n");
  CaOptions wrong = options_;
  wrong.passphrase = "not the passphrase";
  auto reopened = CertificateAuthority::Open(*store_, wrong);
  EXPECT_EQ(reopened.status().code(), Code::kPermissionDenied);
  EXPECT_NE(reopened.status().message().find("does not open"), std::string::npos);
  auto again = CertificateAuthority::Open(*store_, options_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(SerialHex((*again)->org_certificate()), SerialHex(ca_->org_certificate()));
}

TEST_F(CaTest, IssuanceAndRevocationAreJournaled) {
  IssueToFile(Profile::kTlsClient, "member");
  int64_t before = store_->Head().seq;
  auto revoked = ca_->Revoke(serial_, "keyCompromise");
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_EQ(revoked->status, "revoked");
  EXPECT_EQ(store_->Head().seq, before + 1);
  EXPECT_EQ(ca_->Revoke(serial_, "keyCompromise").status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(ca_->Revoke("ABCDEF", "keyCompromise").status().code(), Code::kNotFound);
  EXPECT_EQ(ca_->Revoke(serial_, "bored").status().code(), Code::kInvalidArgument);
  auto all = ca_->List();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 4u);  // root, eid, org, member
  auto found = ca_->Find(serial_);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->reason, "keyCompromise");
  auto v = store_->VerifyJournal(true);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->status.ok()) << v->status.ToString();
}

TEST_F(CaTest, BadRequestsSayWhatIsMissing) {
  auto key = GenerateEcKey("P-256");
  IssueRequest req;
  req.public_key = key->get();
  EXPECT_NE(ca_->Issue(req).status().message().find("common name"), std::string::npos);
  req.common_name = "x";
  EXPECT_NE(ca_->Issue(req).status().message().find("--dns or --ip"), std::string::npos);
  req.profile = Profile::kTlsClient;
  req.days = 0;
  EXPECT_NE(ca_->Issue(req).status().message().find("1 to 825 days"), std::string::npos);
  EXPECT_FALSE(ParseProfile("wizard").ok());
}

}  // namespace
}  // namespace riik::trust
