// A signed log's surroundings in a test's temporary directory: a CA and TSA (trust
// store), the owner's signing key and certificate from the organisations CA, the log's
// own store, and a TSA that tests can take down and bring back. Shared by the tests of
// the signed log and of its users (the exchange's message log, the data tracker).
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "crypto/x509.h"
#include "support/temp_dir.h"
#include "transparency/leaf_batch.h"
#include "transparency/signed_log.h"
#include "trust/test_ca.h"
#include "trust/tsa.h"

namespace riik::transparency {

// The leaves of the tests' logs: canonical JSON naming the key they are stored under.
inline std::string TestLeaf(const std::string& key, int n) { return *CanonicalJson(Json{{"key", key}, {"n", n}}); }
// Their LeafCheck: canonical JSON {"key", "n"} stored under its own key.
inline Status CheckTestLeaf(const std::string& key, const std::string& leaf) {
  Result<Json> json = ParseJson(leaf);
  if (!json.ok() || !json->is_object() || !json->contains("key") || !(*json)["key"].is_string()) {
    return DataLoss("is not a test leaf");
  }
  if (*CanonicalJson(*json) != leaf) return DataLoss("is not in canonical form");
  if ((*json)["key"] != key) return DataLoss("is stored under another key");
  return OkStatus();
}

// SQL that changes a stored leaf behind the log's back, as an operator with database
// access could: in the batch that starts at leaf `first_index`, the leaf `from` becomes `to`.
inline std::string ReplaceLeafSql(int64_t first_index, const std::string& from, const std::string& to) {
  auto quoted = [](const std::string& leaf) {
    std::string netstring, out = "'";
    AppendNetstring(netstring, leaf);
    for (char c : netstring) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  };
  return "UPDATE signed_log_batches SET leaves = replace(leaves, " + quoted(from) + ", " + quoted(to) +
         ") WHERE first_index = " + std::to_string(first_index);
}

class LogFixture : public ::testing::Test {
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
    auto cert =
        trust::IssueMemberSigning(*ca_, key->get(), "EE/GOV/70000310/tax", "Maksu- ja Tolliamet", "NTREE-70000310");
    ASSERT_TRUE(cert.ok()) << cert.status().ToString();
    signing_cert_pem_ = cert->pem;
    signing_key_ = std::move(*key);
    store_url_ = "sqlite:" + dir_ / "exchange.db";
    OpenStore();
  }

  void TearDown() override { store_.reset(); }

  void OpenStore() {
    auto s = store::Store::Open(store::StoreOptions{store_url_, "exchange"});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }

  static UniquePtr<X509> Ref(X509* cert) {
    X509_up_ref(cert);
    return UniquePtr<X509>(cert);
  }

  // The options of a log of test leaves; users of the signed log set their own leaf_check.
  SignedLogOptions Options() {
    SignedLogOptions o;
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
    o.leaf_check = CheckTestLeaf;
    return o;
  }

  // Waits (up to 10 s) until every signed head is covered by a timestamp.
  static bool WaitForTimestamps(const SignedLog& log) {
    for (int i = 0; i < 1000 && log.pending_timestamps() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return log.pending_timestamps() == 0;
  }

  riik::testing::TempDir dir_;
  std::unique_ptr<store::Store> trust_store_;
  std::unique_ptr<trust::CertificateAuthority> ca_;
  std::unique_ptr<trust::TimestampAuthority> tsa_;
  UniquePtr<EVP_PKEY> signing_key_;
  std::string signing_cert_pem_;
  std::string store_url_;
  std::unique_ptr<store::Store> store_;
  std::atomic<bool> tsa_down_{false};
  std::atomic<int> timestamp_calls_{0};
};

}  // namespace riik::transparency
