// The OCSP responder against the standard client: `openssl ocsp` reports good, then
// revoked (with reason) right after the CA revokes; garbage and foreign issuers get
// malformedRequest and unauthorized.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <thread>

#include "core/file.h"
#include "crypto/x509.h"
#include "net/client.h"
#include "net/server.h"
#include "support/shell.h"
#include "support/temp_dir.h"
#include "trust/ocsp_client.h"
#include "trust/ocsp_responder.h"
#include "trust/test_ca.h"

namespace riik::trust {
namespace {

using riik::testing::Shell;

class OcspTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestCa test_ca = OpenTestCa(dir_);
    ASSERT_TRUE(test_ca.ca);
    store_ = std::move(test_ca.store);
    ca_ = std::move(test_ca.ca);
    auto responder = OcspResponder::Create(*ca_, 60, [this] { return now_us_.load(); });
    ASSERT_TRUE(responder.ok()) << responder.status().ToString();
    responder_ = std::move(*responder);
    net::Router router;
    router.Add(
        "POST", "/ocsp",
        [this](const net::HttpRequest& req) {
          return net::TextResponse(responder_->Respond(req.body), "application/ocsp-response");
        },
        "application/ocsp-request");
    auto server = net::HttpServer::Start(net::ServerOptions{}, std::move(router));
    ASSERT_TRUE(server.ok());
    server_ = std::move(*server);
    leaf_ = Issue("member", &serial_);
  }

  std::string Issue(const std::string& name, std::string* serial) {
    auto key = GenerateEcKey("P-256");
    IssueRequest req;
    req.profile = Profile::kTlsClient;
    req.common_name = name;
    req.public_key = key->get();
    auto rec = ca_->Issue(req);
    EXPECT_TRUE(rec.ok());
    *serial = rec->serial;
    std::string path = dir_ / (name + ".pem");
    std::ofstream(path) << rec->pem;
    return path;
  }

  std::string OpensslOcsp(const std::string& cert) {
    return Shell("openssl ocsp -issuer " + ca_->CaPemPath("org") + " -cert " + cert + " -url " + server_->url() +
                 "/ocsp -CAfile " + ca_->RootPemPath() + " -resp_text");
  }

  riik::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<CertificateAuthority> ca_;
  std::atomic<UnixMicros> now_us_{NowMicros()};  // the responder's clock, moved by hand
  std::unique_ptr<OcspResponder> responder_;
  std::unique_ptr<net::HttpServer> server_;
  std::string leaf_, serial_;
};

TEST_F(OcspTest, OpensslSeesGoodThenRevoked) {
  std::string good = OpensslOcsp(leaf_);
  EXPECT_NE(good.find("Response verify OK"), std::string::npos) << good;
  EXPECT_NE(good.find(leaf_ + ": good"), std::string::npos) << good;
  EXPECT_NE(good.find("OCSP Nonce"), std::string::npos) << good;
  EXPECT_EQ(good.find("WARNING"), std::string::npos) << good;

  ASSERT_TRUE(ca_->Revoke(serial_, "keyCompromise").ok());
  std::string revoked = OpensslOcsp(leaf_);
  EXPECT_NE(revoked.find("Response verify OK"), std::string::npos) << revoked;
  EXPECT_NE(revoked.find(leaf_ + ": revoked"), std::string::npos) << revoked;
  EXPECT_NE(revoked.find("Reason: keyCompromise"), std::string::npos) << revoked;
}

TEST_F(OcspTest, NonceLessAnswersAreReusedForAtMostASecond) {
  std::string req = dir_ / "plain.der";
  Shell("openssl ocsp -issuer " + ca_->CaPemPath("org") + " -cert " + leaf_ + " -no_nonce -reqout " + req);
  std::ifstream in(req, std::ios::binary);
  std::string der((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string first = responder_->Respond(der);
  EXPECT_EQ(responder_->Respond(der), first);  // served from the cache: no new signature
  ASSERT_TRUE(ca_->Revoke(serial_, "superseded").ok());
  now_us_ += OcspResponder::kCacheMicros + 1;  // the fake clock: a second has passed
  std::ofstream(dir_ / "after.der", std::ios::binary) << responder_->Respond(der);
  std::string text = Shell("openssl ocsp -respin " + dir_ / "after.der" + " -resp_text -noverify");
  EXPECT_NE(text.find("Cert Status: revoked"), std::string::npos) << text;
}

TEST_F(OcspTest, UnknownSerialsAndForeignIssuers) {
  // A serial the CA never issued: build the request by hand.
  std::string req = dir_ / "req.der";
  Shell("openssl ocsp -issuer " + ca_->CaPemPath("org") + " -serial 0x1234 -reqout " + req + " -no_nonce");
  std::ifstream in(req, std::ios::binary);
  std::string der((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(der.empty());
  std::ofstream(dir_ / "resp.der", std::ios::binary) << responder_->Respond(der);
  std::string text = Shell("openssl ocsp -respin " + dir_ / "resp.der" + " -resp_text -noverify");
  EXPECT_NE(text.find("Cert Status: unknown"), std::string::npos) << text;

  // Asking about the root-issued organisations CA: not this responder's issuer.
  std::string foreign = Shell("openssl ocsp -issuer " + ca_->RootPemPath() + " -cert " + ca_->CaPemPath("org") +
                              " -url " + server_->url() + "/ocsp -CAfile " + ca_->RootPemPath());
  EXPECT_NE(foreign.find("unauthorized"), std::string::npos) << foreign;
}

// An answer is believed only from the certificate's CA or a responder that CA delegated
// to, also once the delegated responder's own link has been verified and remembered: the
// eID CA's responder vouching for an organisation certificate is refused every time.
TEST_F(OcspTest, AnswersCountOnlyFromTheIssuersOwnResponder) {
  auto leaf = ParseCertificatePem(*ReadFile(leaf_));
  ASSERT_TRUE(leaf.ok());
  X509* org = ca_->org_certificate();
  X509* root = ca_->root_certificate();
  auto query = BuildOcspQuery(leaf->get(), org, false);
  ASSERT_TRUE(query.ok());
  std::string honest = responder_->Respond(query->der);
  for (int i = 0; i < 2; ++i) {  // the second time through the remembered link
    auto answer = CheckOcspResponse(honest, leaf->get(), org, root);
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    EXPECT_EQ(answer->status, CertStatus::kGood);
  }
  // The same status, signed by the eID CA's delegated responder.
  auto eid_responder = ca_->ServiceSigner(Profile::kOcspResponder, "eid");
  ASSERT_TRUE(eid_responder.ok());
  UniquePtr<OCSP_BASICRESP> basic(OCSP_BASICRESP_new());
  UniquePtr<OCSP_CERTID> id(OCSP_cert_to_id(EVP_sha1(), leaf->get(), org));
  UniquePtr<ASN1_TIME> now(X509_gmtime_adj(nullptr, 0));
  ASSERT_NE(OCSP_basic_add1_status(basic.get(), id.get(), V_OCSP_CERTSTATUS_GOOD, 0, nullptr, now.get(), nullptr),
            nullptr);
  // The eID CA goes with it, so its chain to the root is complete: what refuses it is
  // that the eID CA did not issue the certificate asked about.
  STACK_OF(X509)* carried = sk_X509_new_null();
  ASSERT_TRUE(carried && sk_X509_push(carried, ca_->eid_certificate()));
  ASSERT_EQ(OCSP_basic_sign(basic.get(), eid_responder->cert.get(), eid_responder->key.get(), EVP_sha256(), carried, 0),
            1);
  sk_X509_free(carried);
  // An honest answer from that responder about an eID certificate verifies (and its link
  // to the eID CA is remembered), so the refusal below is not for want of a chain.
  auto eid_key = GenerateEcKey("P-384");
  EidRequest eid_req;
  eid_req.key = EidKey::kSigning;
  eid_req.personal_code = "38001085718";
  eid_req.given_name = "Jaan";
  eid_req.surname = "Tamm";
  eid_req.public_key = eid_key->get();
  auto eid_rec = ca_->IssueEid(eid_req);
  ASSERT_TRUE(eid_rec.ok()) << eid_rec.status().ToString();
  auto eid_cert = ParseCertificatePem(eid_rec->pem);
  auto eid_query = BuildOcspQuery(eid_cert->get(), ca_->eid_certificate(), false);
  auto eid_answer =
      CheckOcspResponse(responder_->Respond(eid_query->der), eid_cert->get(), ca_->eid_certificate(), root);
  ASSERT_TRUE(eid_answer.ok()) << eid_answer.status().ToString();
  UniquePtr<OCSP_RESPONSE> forged(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
  std::string der = ToDer(forged.get(), i2d_OCSP_RESPONSE);
  for (int i = 0; i < 2; ++i) {
    auto answer = CheckOcspResponse(der, leaf->get(), org, root);
    EXPECT_FALSE(answer.ok()) << "an answer from another CA's responder";
  }
}

// The operator revokes a service certificate (say its key leaked): the next start signs
// with a new key under a new certificate, never again with the revoked one.
TEST_F(OcspTest, ARevokedServiceCertificateIsReplacedNotServedOn) {
  for (auto [profile, issuer] : {std::pair{Profile::kOcspResponder, "eid"}, std::pair{Profile::kOcspResponder, "org"},
                                 std::pair{Profile::kTimestamping, "org"}}) {
    auto first = ca_->ServiceSigner(profile, issuer);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    auto again = ca_->ServiceSigner(profile, issuer);
    ASSERT_TRUE(again.ok());
    const std::string serial = SerialHex(first->cert.get());
    EXPECT_EQ(SerialHex(again->cert.get()), serial) << "a good certificate is kept";
    ASSERT_TRUE(ca_->Revoke(serial, "keyCompromise").ok());
    auto replaced = ca_->ServiceSigner(profile, issuer);
    ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
    EXPECT_NE(SerialHex(replaced->cert.get()), serial) << issuer;
    EXPECT_EQ(EVP_PKEY_eq(replaced->key.get(), first->key.get()), 0) << "the compromised key is not reused";
    auto record = ca_->Find(SerialHex(replaced->cert.get()));
    ASSERT_TRUE(record.ok() && record->has_value());
    EXPECT_EQ((*record)->status, "good");
  }
}

// When too many requests wait (the trust role's bound), the answer is OCSP's tryLater:
// the standard client says so, and riik's clients take it as "for now", not as a bad answer.
TEST_F(OcspTest, TooBusyIsTryLaterToOpensslAndToRiiksClients) {
  net::Router router;
  router.Add("POST", "/ocsp", [](const net::HttpRequest&) {
    return net::TextResponse(OcspResponder::TryLater(), "application/ocsp-response");
  });
  auto busy = net::HttpServer::Start(net::ServerOptions{}, std::move(router));
  ASSERT_TRUE(busy.ok());
  std::string out = Shell("openssl ocsp -issuer " + ca_->CaPemPath("org") + " -cert " + leaf_ + " -url " +
                          (*busy)->url() + "/ocsp -CAfile " + ca_->RootPemPath() + " 2>&1");
  EXPECT_NE(out.find("Responder Error: trylater (3)"), std::string::npos) << out;

  auto leaf = ParseCertificatePem(*ReadFile(leaf_));
  auto issuer = ParseCertificatePem(*ReadFile(ca_->CaPemPath("org")));
  auto root = ParseCertificatePem(*ReadFile(ca_->RootPemPath()));
  ASSERT_TRUE(leaf.ok() && issuer.ok() && root.ok());
  auto answer = CheckOcspResponse(OcspResponder::TryLater(), leaf->get(), issuer->get(), root->get());
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), Code::kUnavailable) << answer.status().ToString();
  EXPECT_NE(answer.status().message().find("now (trylater); ask again later"), std::string::npos)
      << answer.status().ToString();
}

TEST_F(OcspTest, GarbageGetsMalformedRequestNotACrash) {
  for (std::string bad : {std::string(""), std::string("hello"), std::string("\x30\x82\xff\xff", 4),
                          std::string(kMaxOcspRequestBytes + 1, '\x30')}) {
    std::string der = responder_->Respond(bad);
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    UniquePtr<OCSP_RESPONSE> resp(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
    ASSERT_TRUE(resp);
    EXPECT_EQ(OCSP_response_status(resp.get()), OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
  }
  net::Headers h;
  h.Add("Content-Type", "text/plain");
  auto wrong_type = net::Fetch("POST", server_->url() + "/ocsp", h, "x");
  ASSERT_TRUE(wrong_type.ok());
  EXPECT_EQ(wrong_type->status, 415);
}

}  // namespace
}  // namespace riik::trust
