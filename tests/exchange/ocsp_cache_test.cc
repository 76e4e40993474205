// The OCSP cache against the real responder: good, then revoked once the cached answer
// is older than the freshness; a responder that is gone refuses after the freshness.
#include "exchange/ocsp_cache.h"

#include <gtest/gtest.h>

#include "crypto/x509.h"
#include "net/server.h"
#include "trust/ocsp_responder.h"
#include "trust/test_ca.h"

namespace riik::exchange {
namespace {

TEST(OcspCache, GoodThenRevokedAfterTheFreshnessAndFailsClosedWithoutAResponder) {
  riik::testing::TempDir dir;
  trust::TestCa ca = trust::OpenTestCa(dir);
  ASSERT_TRUE(ca.ca);
  auto responder = trust::OcspResponder::Create(*ca.ca);
  ASSERT_TRUE(responder.ok());
  net::Router router;
  router.Add(
      "POST", "/ocsp",
      [&](const net::HttpRequest& req) {
        return net::TextResponse((*responder)->Respond(req.body), "application/ocsp-response");
      },
      "application/ocsp-request");
  auto server = net::HttpServer::Start(net::ServerOptions{}, std::move(router));
  ASSERT_TRUE(server.ok());

  auto key = GenerateEcKey("P-256");
  trust::IssueRequest req;
  req.profile = trust::Profile::kTlsClient;
  req.common_name = "EE/GOV/70000001/ss1";
  req.public_key = key->get();
  auto rec = ca.ca->Issue(req);
  ASSERT_TRUE(rec.ok());
  auto cert = ParseCertificatePem(rec->pem);

  UnixMicros now = NowMicros();
  std::string url = (*server)->url() + "/ocsp";
  OcspCache cache({.trust_root_pem = CertificatePem(ca.ca->root_certificate()),
                   .freshness = std::chrono::seconds(60),
                   .clock = [&] { return now; }});
  EXPECT_TRUE(cache.Check(cert->get(), ca.ca->org_certificate(), url).ok());
  ASSERT_TRUE(ca.ca->Revoke(rec->serial, "keyCompromise").ok());
  EXPECT_TRUE(cache.Check(cert->get(), ca.ca->org_certificate(), url).ok());  // still the cached answer
  now += 61'000'000;
  Status revoked = cache.Check(cert->get(), ca.ca->org_certificate(), url);
  EXPECT_EQ(revoked.code(), Code::kPermissionDenied);
  EXPECT_NE(revoked.message().find("revoked (keyCompromise)"), std::string::npos) << revoked.ToString();

  // Another certificate: the responder goes away, the status cannot be had.
  auto key2 = GenerateEcKey("P-256");
  req.public_key = key2->get();
  auto rec2 = ca.ca->Issue(req);
  auto cert2 = ParseCertificatePem(rec2->pem);
  EXPECT_TRUE(cache.Check(cert2->get(), ca.ca->org_certificate(), url).ok());
  (*server)->Stop();
  now += 61'000'000;
  Status gone = cache.Check(cert2->get(), ca.ca->org_certificate(), url);
  EXPECT_EQ(gone.code(), Code::kUnavailable) << gone.ToString();
}

TEST(OcspCache, AnAnswerThatDoesNotVerifyIsRefused) {
  riik::testing::TempDir dir, other_dir;
  trust::TestCa ca = trust::OpenTestCa(dir), other = trust::OpenTestCa(other_dir);
  auto responder = trust::OcspResponder::Create(*other.ca);  // another state's responder
  net::Router router;
  router.Add("POST", "/ocsp", [&](const net::HttpRequest& req) {
    return net::TextResponse((*responder)->Respond(req.body), "application/ocsp-response");
  });
  auto server = net::HttpServer::Start(net::ServerOptions{}, std::move(router));
  ASSERT_TRUE(server.ok());
  auto key = GenerateEcKey("P-256");
  trust::IssueRequest req;
  req.profile = trust::Profile::kTlsClient;
  req.common_name = "x";
  req.public_key = key->get();
  auto rec = other.ca->Issue(req);
  auto cert = ParseCertificatePem(rec->pem);
  std::string url = (*server)->url() + "/ocsp";
  OcspCache cache({.trust_root_pem = CertificatePem(ca.ca->root_certificate())});
  Status st = cache.Check(cert->get(), other.ca->org_certificate(), url);
  EXPECT_EQ(st.code(), Code::kUnavailable);
  EXPECT_NE(st.message().find("does not verify"), std::string::npos) << st.ToString();
}

}  // namespace
}  // namespace riik::exchange
