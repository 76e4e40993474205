// The OCSP cache against the real responder: good, then revoked once the cached answer
// is older than the freshness; a responder that is gone refuses after the freshness.
#include "exchange/ocsp_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include "crypto/x509.h"
#include "net/server.h"
#include "trust/ocsp_responder.h"
#include "trust/test_ca.h"

namespace riik::exchange {
namespace {

// `responder` answering POST /ocsp on a local server.
std::unique_ptr<net::HttpServer> ServeOcsp(trust::OcspResponder& responder) {
  net::Router router;
  router.Add(
      "POST", "/ocsp",
      [&](const net::HttpRequest& req) {
        return net::TextResponse(responder.Respond(req.body), "application/ocsp-response");
      },
      "application/ocsp-request");
  auto server = net::HttpServer::Start(net::ServerOptions{}, std::move(router));
  return server.ok() ? std::move(*server) : nullptr;
}

// A member's TLS client certificate from `ca`.
trust::CertificateRecord IssueMemberCert(trust::TestCa& ca, const std::string& common_name) {
  auto key = GenerateEcKey("P-256");
  trust::IssueRequest req;
  req.profile = trust::Profile::kTlsClient;
  req.common_name = common_name;
  req.public_key = key->get();
  auto rec = ca.ca->Issue(req);
  return rec.ok() ? *rec : trust::CertificateRecord{};
}

// The state's CA with its OCSP responder on a local server, and a member's certificate.
class OcspCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = trust::OpenTestCa(dir_);
    ASSERT_TRUE(ca_.ca);
    auto responder = trust::OcspResponder::Create(*ca_.ca);
    ASSERT_TRUE(responder.ok());
    responder_ = std::move(*responder);
    server_ = ServeOcsp(*responder_);
    ASSERT_TRUE(server_);
    url_ = server_->url() + "/ocsp";
    rec_ = IssueMemberCert(ca_, "EE/GOV/70000001/ss1");
    auto cert = ParseCertificatePem(rec_.pem);
    ASSERT_TRUE(cert.ok());
    cert_ = std::move(*cert);
  }

  OcspCacheOptions Options(std::function<UnixMicros()> clock) {
    return {.trust_root_pem = CertificatePem(ca_.ca->root_certificate()),
            .freshness = std::chrono::seconds(60),
            .clock = std::move(clock)};
  }

  riik::testing::TempDir dir_;
  trust::TestCa ca_;
  std::unique_ptr<trust::OcspResponder> responder_;
  std::unique_ptr<net::HttpServer> server_;
  std::string url_;
  trust::CertificateRecord rec_;
  UniquePtr<X509> cert_;
};

// Waits (at most 10 s) until the cache has no renewal queued or under way.
bool RenewalsFinish(const OcspCache& cache) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (cache.renewals_pending() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return cache.renewals_pending() == 0;
}

TEST_F(OcspCacheTest, GoodThenRevokedAfterTheFreshnessAndFailsClosedWithoutAResponder) {
  UnixMicros now = NowMicros();
  OcspCache cache(Options([&] { return now; }));
  EXPECT_TRUE(cache.Check(cert_.get(), ca_.ca->org_certificate(), url_).ok());
  ASSERT_TRUE(ca_.ca->Revoke(rec_.serial, "keyCompromise").ok());
  EXPECT_TRUE(cache.Check(cert_.get(), ca_.ca->org_certificate(), url_).ok());  // still the cached answer
  now += 61'000'000;
  Status revoked = cache.Check(cert_.get(), ca_.ca->org_certificate(), url_);
  EXPECT_EQ(revoked.code(), Code::kPermissionDenied);
  EXPECT_NE(revoked.message().find("revoked (keyCompromise)"), std::string::npos) << revoked.ToString();

  // Another certificate: the responder goes away, the status cannot be had.
  auto cert2 = ParseCertificatePem(IssueMemberCert(ca_, "EE/GOV/70000001/ss2").pem);
  EXPECT_TRUE(cache.Check(cert2->get(), ca_.ca->org_certificate(), url_).ok());
  server_->Stop();
  now += 61'000'000;
  Status gone = cache.Check(cert2->get(), ca_.ca->org_certificate(), url_);
  EXPECT_EQ(gone.code(), Code::kUnavailable) << gone.ToString();
}

TEST(OcspCache, AnAnswerThatDoesNotVerifyIsRefused) {
  riik::testing::TempDir dir, other_dir;
  trust::TestCa ca = trust::OpenTestCa(dir), other = trust::OpenTestCa(other_dir);
  auto responder = trust::OcspResponder::Create(*other.ca);  // another state's responder
  ASSERT_TRUE(responder.ok());
  auto server = ServeOcsp(**responder);
  ASSERT_TRUE(server);
  auto cert = ParseCertificatePem(IssueMemberCert(other, "x").pem);
  std::string url = server->url() + "/ocsp";
  OcspCache cache({.trust_root_pem = CertificatePem(ca.ca->root_certificate())});
  Status st = cache.Check(cert->get(), other.ca->org_certificate(), url);
  EXPECT_EQ(st.code(), Code::kUnavailable);
  EXPECT_NE(st.message().find("does not verify"), std::string::npos) << st.ToString();
}

// An answer half its freshness old is renewed in the background: the check that notices
// is answered from the cache at once, and a revocation shows before the old answer would
// have run out.
TEST_F(OcspCacheTest, AnswersAreRenewedInTheBackgroundBeforeTheyRunOut) {
  std::atomic<UnixMicros> now = NowMicros();  // read by the renewing thread too
  OcspCache cache(Options([&] { return now.load(); }));
  ASSERT_TRUE(cache.Check(cert_.get(), ca_.ca->org_certificate(), url_).ok());
  ASSERT_TRUE(ca_.ca->Revoke(rec_.serial, "keyCompromise").ok());
  now += 29'000'000;  // not yet half the freshness: nothing to renew
  EXPECT_TRUE(cache.Check(cert_.get(), ca_.ca->org_certificate(), url_).ok());
  EXPECT_EQ(cache.renewals_pending(), 0u);
  now += 2'000'000;  // past half: the cached answer now, a renewal behind it
  EXPECT_TRUE(cache.Check(cert_.get(), ca_.ca->org_certificate(), url_).ok());
  ASSERT_TRUE(RenewalsFinish(cache)) << "the renewal did not finish in 10 s";
  Status revoked = cache.Check(cert_.get(), ca_.ca->org_certificate(), url_);  // 31 s after the first answer
  EXPECT_EQ(revoked.code(), Code::kPermissionDenied) << revoked.ToString();
  EXPECT_NE(revoked.message().find("revoked (keyCompromise)"), std::string::npos) << revoked.ToString();
}

// Without a thread of its own, the renewal waits in the queue until its owner (a node's
// housekeeping) calls RenewQueued: checks meanwhile keep the cached answer.
TEST_F(OcspCacheTest, WithoutABackgroundThreadRenewalsWaitForRenewQueued) {
  UnixMicros now = NowMicros();
  OcspCacheOptions options = Options([&] { return now; });
  options.background = false;
  OcspCache cache(std::move(options));
  ASSERT_TRUE(cache.Check(cert_.get(), ca_.ca->org_certificate(), url_).ok());
  ASSERT_TRUE(ca_.ca->Revoke(rec_.serial, "keyCompromise").ok());
  now += 31'000'000;
  EXPECT_TRUE(cache.Check(cert_.get(), ca_.ca->org_certificate(), url_).ok());  // cached; queued behind it
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(cache.renewals_pending(), 1u) << "no one was to renew it yet";
  EXPECT_TRUE(cache.Check(cert_.get(), ca_.ca->org_certificate(), url_).ok());
  cache.RenewQueued();
  EXPECT_EQ(cache.renewals_pending(), 0u);
  EXPECT_EQ(cache.Check(cert_.get(), ca_.ca->org_certificate(), url_).code(), Code::kPermissionDenied);
}

// A responder that is down is not asked again on every check while the cached answer
// lasts: a failed renewal waits a tenth of the freshness before the next.
TEST_F(OcspCacheTest, AFailedRenewalIsNotRetriedOnEveryCheck) {
  std::atomic<UnixMicros> now = NowMicros();
  OcspCache cache(Options([&] { return now.load(); }));
  ASSERT_TRUE(cache.Check(cert_.get(), ca_.ca->org_certificate(), url_).ok());
  server_->Stop();
  now += 31'000'000;
  EXPECT_TRUE(cache.Check(cert_.get(), ca_.ca->org_certificate(), url_).ok());  // cached; renewing behind it
  ASSERT_TRUE(RenewalsFinish(cache)) << "the renewal did not finish in 10 s";
  EXPECT_TRUE(cache.Check(cert_.get(), ca_.ca->org_certificate(), url_).ok());  // still the cached answer
  EXPECT_EQ(cache.renewals_pending(), 0u) << "a failed renewal was queued again at once";
  now += 6'000'000;  // a tenth of the freshness later it is tried again
  EXPECT_TRUE(cache.Check(cert_.get(), ca_.ca->org_certificate(), url_).ok());
  ASSERT_TRUE(RenewalsFinish(cache));
  now += 24'000'000;  // the answer has run out: the check asks itself and fails closed
  EXPECT_EQ(cache.Check(cert_.get(), ca_.ca->org_certificate(), url_).code(), Code::kUnavailable);
}

}  // namespace
}  // namespace riik::exchange
