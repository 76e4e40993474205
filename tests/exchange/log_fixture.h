// A member's message log in a test's temporary directory: a CA and TSA (trust store),
// the member's signing key and certificate from the organisations CA, the log's own
// store, and a TSA that tests can take down and bring back. Shared by the exchange tests.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <nlohmann/json.hpp>
#include <memory>
#include <string>

#include "crypto/x509.h"
#include "exchange/message_log.h"
#include "support/temp_dir.h"
#include "trust/test_ca.h"
#include "trust/tsa.h"

namespace riik::exchange {

// A record as a security server would log it; `n` makes it distinct.
inline MessageRecord SampleRecord(const std::string& xroad_id, Direction direction = Direction::kRequest, int n = 0) {
  MessageRecord r;
  r.xroad_id = xroad_id;
  r.direction = direction;
  r.client = "EE/GOV/70000310/tax";
  r.service = "EE/GOV/70000001/population/person";
  r.method = "GET";
  r.path = "/persons/38001085718?fields=address&n=" + std::to_string(n);
  r.user_id = "EE38001085718";
  r.issue = "tax return 2026";
  r.status = direction == Direction::kResponse ? 200 : 0;
  r.body_sha256 = Sha256("body " + std::to_string(n));
  std::vector<std::pair<std::string, std::string>> headers = {{"X-Road-Client", r.client}, {"X-Road-Id", xroad_id}};
  r.headers_sha256 = XRoadHeadersSha256(headers);
  r.time_us = 1'790'000'000'000'000 + n;
  return r;
}

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    trust::TestCa test_ca = trust::OpenTestCa(dir_);
    ASSERT_TRUE(test_ca.ca);
    trust_store_ = std::move(test_ca.store);
    ca_ = std::move(test_ca.ca);
    auto tsa = trust::TimestampAuthority::Create(*ca_, *trust_store_);
    ASSERT_TRUE(tsa.ok()) << tsa.status().ToString();
    tsa_ = std::move(*tsa);
    auto key = GenerateEcKey("P-256");
    ASSERT_TRUE(key.ok());
    trust::IssueRequest req;
    req.profile = trust::Profile::kMemberSigning;
    req.common_name = "EE/GOV/70000310/tax";
    req.organization = "Maksu- ja Tolliamet";
    req.organization_identifier = "NTREE-70000310";
    req.public_key = key->get();
    auto cert = ca_->Issue(req);
    ASSERT_TRUE(cert.ok()) << cert.status().ToString();
    signing_cert_pem_ = cert->pem;
    signing_key_ = std::move(*key);
    store_url_ = "sqlite:" + dir_ / "exchange.db";
    OpenStore();
  }

  void TearDown() override {
    log_.reset();
    store_.reset();
  }

  void OpenStore() {
    auto s = store::Store::Open(store::StoreOptions{store_url_, "exchange"});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }

  static UniquePtr<X509> Ref(X509* cert) {
    X509_up_ref(cert);
    return UniquePtr<X509>(cert);
  }

  MessageLogOptions Options() {
    MessageLogOptions o;
    o.log_id = "EE/GOV/70000310/tax";
    EVP_PKEY_up_ref(signing_key_.get());
    o.signing_key = UniquePtr<EVP_PKEY>(signing_key_.get());
    auto cert = ParseCertificatePem(signing_cert_pem_);
    EXPECT_TRUE(cert.ok());
    o.certificate_chain.push_back(std::move(*cert));
    o.certificate_chain.push_back(Ref(ca_->org_certificate()));
    o.trust_root = Ref(ca_->root_certificate());
    o.timestamp = [this](std::string_view digest) -> Result<std::string> {
      ++timestamp_calls_;
      if (tsa_down_) return Unavailable("the TSA is down (test)");
      return tsa_->TimestampDigest(digest);
    };
    o.timestamp_interval = std::chrono::milliseconds(0);
    o.timestamp_retry_min = std::chrono::milliseconds(5);
    o.timestamp_retry_max = std::chrono::milliseconds(20);
    return o;
  }

  Result<std::unique_ptr<MessageLog>> OpenLog(MessageLogOptions options) {
    return MessageLog::Open(*store_, std::move(options));
  }
  void OpenLog() {
    auto log = OpenLog(Options());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(*log);
  }

  // Appends and waits for the receipt.
  Result<Receipt> AppendAndWait(const MessageRecord& r) {
    std::promise<Result<Receipt>> done;
    auto future = done.get_future();
    log_->Append(r, [&done](Result<Receipt> receipt) { done.set_value(std::move(receipt)); });
    return future.get();
  }

  // Waits (up to 10 s) until every signed head is covered by a timestamp.
  bool WaitForTimestamps() {
    for (int i = 0; i < 1000 && log_->pending_timestamps() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return log_->pending_timestamps() == 0;
  }

  riik::testing::TempDir dir_;
  std::unique_ptr<store::Store> trust_store_;
  std::unique_ptr<trust::CertificateAuthority> ca_;
  std::unique_ptr<trust::TimestampAuthority> tsa_;
  UniquePtr<EVP_PKEY> signing_key_;
  std::string signing_cert_pem_;
  std::string store_url_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<MessageLog> log_;
  std::atomic<bool> tsa_down_{false};
  std::atomic<int> timestamp_calls_{0};
};

}  // namespace riik::exchange
