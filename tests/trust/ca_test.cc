// The CA hierarchy, checked with the standard tool: `openssl verify` accepts every
// issued chain, and the extensions an auditor looks for are there.
#include "trust/ca.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>

#include "crypto/x509.h"
#include "support/temp_dir.h"
#include "trust/chain_checks.h"

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

  // The trust role's own certificate for `profile`, written to a file.
  std::string ServiceToFile(Profile profile) {
    auto signer = ca_->ServiceSigner(profile);
    EXPECT_TRUE(signer.ok()) << signer.status().ToString();
    std::string path = dir_ / (std::string(ProfileName(profile)) + "-service.pem");
    std::ofstream(path) << CertificatePem(signer->cert.get());
    return path;
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
    // The state's own services' certificates come from ServiceSigner alone.
    const bool service = p == Profile::kOcspResponder || p == Profile::kTimestamping;
    std::string leaf = service ? ServiceToFile(p) : IssueToFile(p, name);
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
  auto [tsa, rc3] = ShellWithStatus("openssl x509 -noout -text -in " + ServiceToFile(Profile::kTimestamping));
  EXPECT_NE(tsa.find("X509v3 Extended Key Usage: critical"), std::string::npos) << tsa;
  EXPECT_NE(tsa.find("Time Stamping"), std::string::npos);
  // Nobody else gets a TSA's, a responder's or a trusted list signer's certificate: every
  // verifier would trust it as the state's own.
  for (Profile service : {Profile::kTimestamping, Profile::kOcspResponder, Profile::kTrustedList}) {
    auto key = GenerateEcKey("P-256");
    IssueRequest req;
    req.profile = service;
    req.common_name = "a member's own TSA";
    req.public_key = key->get();
    EXPECT_EQ(ca_->Issue(req).status().code(), Code::kPermissionDenied) << ProfileName(service);
  }
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

namespace riik::trust {
namespace {

// Chains that stop at an intermediate the root's signature was verified on once (the
// cache behind TrustStoreAt) still hold the intermediate to its validity at the time
// asked, and its CA flag; and a root outside its validity refuses everything.
TEST(ChainCheckTest, VerifiedIntermediatesAreStillCheckedForTimeAndCaFlag) {
  constexpr UnixMicros kDay = 86'400'000'000;
  UnixMicros now = NowMicros();
  auto key = [] { return std::move(*GenerateEcKey("P-256")); };
  auto root_key = key(), ca_key = key(), leaf_key = key();
  CertificateSpec root_spec{{{"CN", "test root"}},         "", now - 100 * kDay, now + 100 * kDay, "critical,CA:TRUE",
                            "critical,keyCertSign,cRLSign"};
  auto root = IssueCertificate(root_spec, root_key.get(), nullptr, root_key.get());
  ASSERT_TRUE(root.ok());
  // An intermediate that expired yesterday, and a leaf valid today.
  CertificateSpec ca_spec{
      {{"CN", "old CA"}}, "", now - 10 * kDay, now - kDay, "critical,CA:TRUE", "critical,keyCertSign,cRLSign"};
  auto ca = IssueCertificate(ca_spec, ca_key.get(), root->get(), root_key.get());
  CertificateSpec leaf_spec{{{"CN", "leaf"}},           "", now - 10 * kDay, now + 10 * kDay, "critical,CA:FALSE",
                            "critical,digitalSignature"};
  auto leaf = IssueCertificate(leaf_spec, leaf_key.get(), ca->get(), ca_key.get());
  ASSERT_TRUE(ca.ok() && leaf.ok());
  std::vector<UniquePtr<X509>> pool;
  X509_up_ref(ca->get());
  pool.emplace_back(ca->get());
  EXPECT_TRUE(VerifyChain(leaf->get(), pool, root->get(), now - 5 * kDay).ok());  // caches the CA
  Status today = VerifyChain(leaf->get(), pool, root->get(), now);
  EXPECT_FALSE(today.ok());
  EXPECT_NE(today.message().find("expired"), std::string::npos) << today.ToString();
  // A root-issued certificate without CA:TRUE never stands in for the root.
  CertificateSpec ee_spec{{{"CN", "not a CA"}}, "",
                          now - 10 * kDay,      now + 10 * kDay,
                          "critical,CA:FALSE",  "critical,digitalSignature,keyCertSign"};
  auto ee = IssueCertificate(ee_spec, ca_key.get(), root->get(), root_key.get());
  auto below = IssueCertificate(leaf_spec, leaf_key.get(), ee->get(), ca_key.get());
  std::vector<UniquePtr<X509>> ee_pool;
  X509_up_ref(ee->get());
  ee_pool.emplace_back(ee->get());
  EXPECT_FALSE(VerifyChain(below->get(), ee_pool, root->get(), now).ok());
  // Past the root's own validity nothing chains, through a cached intermediate that
  // itself (like its leaf) outlives the root.
  ca_spec.not_after = leaf_spec.not_after = now + 300 * kDay;
  auto long_ca = IssueCertificate(ca_spec, ca_key.get(), root->get(), root_key.get());
  auto long_leaf = IssueCertificate(leaf_spec, leaf_key.get(), long_ca->get(), ca_key.get());
  std::vector<UniquePtr<X509>> long_pool;
  X509_up_ref(long_ca->get());
  long_pool.emplace_back(long_ca->get());
  EXPECT_TRUE(VerifyChain(long_leaf->get(), long_pool, root->get(), now).ok());
  Status later = VerifyChain(long_leaf->get(), long_pool, root->get(), now + 200 * kDay);
  EXPECT_FALSE(later.ok());
  EXPECT_NE(later.message().find("trust root is not valid"), std::string::npos) << later.ToString();
}

// OpenSSL checks the path length constraints of the chain it builds, and that chain stops
// at the first trusted certificate: an intermediate that the root's signature was verified
// on. The constraints above it still bind, for chains and for a TSA under a sub-CA.
TEST(ChainCheckTest, PathLengthsAboveARememberedIntermediateStillBind) {
  constexpr UnixMicros kDay = 86'400'000'000;
  const UnixMicros now = NowMicros();
  auto key = [] { return std::move(*GenerateEcKey("P-256")); };
  auto root_key = key(), ca_key = key(), sub_key = key(), leaf_key = key();
  auto spec = [&](const char* cn, const char* constraints, const char* usage, const char* eku = "") {
    CertificateSpec s{{{"CN", cn}}, "", now - 10 * kDay, now + 10 * kDay, constraints, usage};
    s.extended_key_usage = eku;
    return s;
  };
  const char* kCaUsage = "critical,keyCertSign,cRLSign";
  auto root = IssueCertificate(spec("root", "critical,CA:TRUE", kCaUsage), root_key.get(), nullptr, root_key.get());
  ASSERT_TRUE(root.ok());
  // The root → an issuing CA that may have no CA below it → a sub-CA it made anyway.
  auto ca =
      IssueCertificate(spec("ca", "critical,CA:TRUE,pathlen:0", kCaUsage), ca_key.get(), root->get(), root_key.get());
  auto sub = IssueCertificate(spec("sub", "critical,CA:TRUE", kCaUsage), sub_key.get(), ca->get(), ca_key.get());
  ASSERT_TRUE(ca.ok() && sub.ok());
  auto leaf_spec = spec("leaf", "critical,CA:FALSE", "critical,digitalSignature");
  auto leaf = IssueCertificate(leaf_spec, leaf_key.get(), sub->get(), sub_key.get());
  auto direct = IssueCertificate(leaf_spec, leaf_key.get(), ca->get(), ca_key.get());
  auto tsa = IssueCertificate(spec("tsa", "critical,CA:FALSE", "critical,digitalSignature", "critical,timeStamping"),
                              leaf_key.get(), sub->get(), sub_key.get());
  ASSERT_TRUE(leaf.ok() && direct.ok() && tsa.ok());
  auto pool_of = [](std::initializer_list<X509*> certs) {
    std::vector<UniquePtr<X509>> pool;
    for (X509* c : certs) {
      X509_up_ref(c);
      pool.emplace_back(c);
    }
    return pool;
  };
  auto pool = pool_of({sub->get(), ca->get()});
  EXPECT_TRUE(VerifyChain(direct->get(), pool, root->get(), now).ok());  // the CA's own leaf
  for (int pass = 0; pass < 2; ++pass) {  // the second pass after the links are remembered
    Status refused = VerifyChain(leaf->get(), pool, root->get(), now);
    EXPECT_FALSE(refused.ok()) << "pass " << pass;
    EXPECT_NE(refused.message().find("path length"), std::string::npos) << refused.ToString();
    Status tsa_refused = VerifyChain(tsa->get(), pool, root->get(), now);
    EXPECT_FALSE(tsa_refused.ok()) << "pass " << pass;
    EXPECT_NE(tsa_refused.message().find("path length"), std::string::npos) << tsa_refused.ToString();
  }
  // Two levels above: a root that allows one CA below it, and a chain with three.
  auto a_key = key(), b_key = key();
  auto short_root = IssueCertificate(spec("short root", "critical,CA:TRUE,pathlen:1", kCaUsage), root_key.get(),
                                     nullptr, root_key.get());
  auto a = IssueCertificate(spec("a", "critical,CA:TRUE", kCaUsage), a_key.get(), short_root->get(), root_key.get());
  auto b = IssueCertificate(spec("b", "critical,CA:TRUE", kCaUsage), b_key.get(), a->get(), a_key.get());
  auto c = IssueCertificate(spec("c", "critical,CA:TRUE", kCaUsage), sub_key.get(), b->get(), b_key.get());
  ASSERT_TRUE(short_root.ok() && a.ok() && b.ok() && c.ok());
  auto deep = IssueCertificate(leaf_spec, leaf_key.get(), c->get(), sub_key.get());
  auto under_a = IssueCertificate(leaf_spec, leaf_key.get(), a->get(), a_key.get());
  ASSERT_TRUE(deep.ok() && under_a.ok());
  auto deep_pool = pool_of({a->get(), b->get(), c->get()});
  EXPECT_TRUE(VerifyChain(under_a->get(), deep_pool, short_root->get(), now).ok());
  for (int pass = 0; pass < 2; ++pass) {  // the second pass after the links are remembered
    Status refused = VerifyChain(deep->get(), deep_pool, short_root->get(), now);
    EXPECT_FALSE(refused.ok()) << "pass " << pass;
    EXPECT_NE(refused.message().find("path length"), std::string::npos) << refused.ToString();
  }
  // Within the constraints, a chain of three CAs below a root that allows them holds,
  // twice: the callback must not refuse what the constraints allow.
  auto long_root = IssueCertificate(spec("long root", "critical,CA:TRUE,pathlen:3", kCaUsage), root_key.get(), nullptr,
                                    root_key.get());
  auto la = IssueCertificate(spec("la", "critical,CA:TRUE,pathlen:2", kCaUsage), a_key.get(), long_root->get(),
                             root_key.get());
  auto lb = IssueCertificate(spec("lb", "critical,CA:TRUE", kCaUsage), b_key.get(), la->get(), a_key.get());
  auto lc = IssueCertificate(spec("lc", "critical,CA:TRUE,pathlen:0", kCaUsage), sub_key.get(), lb->get(), b_key.get());
  ASSERT_TRUE(long_root.ok() && la.ok() && lb.ok() && lc.ok());
  auto long_leaf = IssueCertificate(leaf_spec, leaf_key.get(), lc->get(), sub_key.get());
  ASSERT_TRUE(long_leaf.ok());
  auto long_pool = pool_of({la->get(), lb->get(), lc->get()});
  for (int pass = 0; pass < 2; ++pass) {
    Status held = VerifyChain(long_leaf->get(), long_pool, long_root->get(), now);
    EXPECT_TRUE(held.ok()) << "pass " << pass << ": " << held.ToString();
  }
  // The same CAs given in another order link the same.
  auto reversed = pool_of({lc->get(), lb->get(), la->get()});
  EXPECT_TRUE(VerifyChain(long_leaf->get(), reversed, long_root->get(), now).ok());

  // A CA with two certificates (the same name and key: renewed), one allowing no CA below
  // it and one allowing three: what it issued is judged by the more generous, whichever
  // the pool names first.
  auto i_key = key(), x_key = key();
  auto tight = IssueCertificate(spec("i", "critical,CA:TRUE,pathlen:1", kCaUsage), i_key.get(), long_root->get(),
                                root_key.get());
  auto loose = IssueCertificate(spec("i", "critical,CA:TRUE,pathlen:3", kCaUsage), i_key.get(), long_root->get(),
                                root_key.get());
  auto x = IssueCertificate(spec("x", "critical,CA:TRUE", kCaUsage), x_key.get(), tight->get(), i_key.get());
  auto y = IssueCertificate(spec("y", "critical,CA:TRUE", kCaUsage), sub_key.get(), x->get(), x_key.get());
  ASSERT_TRUE(tight.ok() && loose.ok() && x.ok() && y.ok());
  auto y_leaf = IssueCertificate(leaf_spec, leaf_key.get(), y->get(), sub_key.get());
  ASSERT_TRUE(y_leaf.ok());
  auto renewed = pool_of({tight->get(), loose->get(), x->get(), y->get()});
  Status through_loose = VerifyChain(y_leaf->get(), renewed, long_root->get(), now);
  EXPECT_TRUE(through_loose.ok()) << through_loose.ToString();
}

}  // namespace
}  // namespace riik::trust
