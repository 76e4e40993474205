// A prepared signer makes the signatures SignWith makes (each verifies with the key's
// public half, over exactly the data given), for every key kind riik signs with, and
// from many threads at once.
#include "crypto/prepared_signer.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <thread>
#include <vector>

#include "crypto/signature.h"

namespace riik {
namespace {

UniquePtr<EVP_PKEY> NewKey(const char* kind) {
  if (std::string_view(kind) == "RSA") return UniquePtr<EVP_PKEY>(EVP_RSA_gen(2048));
  return UniquePtr<EVP_PKEY>(EVP_EC_gen(kind));
}

TEST(PreparedSignerTest, SignsAsSignWithDoesForEachKeyKind) {
  for (const char* kind : {"P-256", "P-384", "RSA"}) {
    SCOPED_TRACE(kind);
    UniquePtr<EVP_PKEY> key = NewKey(kind);
    ASSERT_TRUE(key);
    auto signer = PreparedSigner::Create(key.get(), EVP_sha256());
    ASSERT_TRUE(signer.ok()) << signer.status().ToString();
    for (const std::string& data : std::vector<std::string>{"", "a tree head", std::string(10000, 'x')}) {
      auto signature = (*signer)->Sign(data);
      ASSERT_TRUE(signature.ok()) << signature.status().ToString();
      EXPECT_LE(signature->size(), static_cast<size_t>(EVP_PKEY_get_size(key.get())));
      auto good = VerifySha256(key.get(), data, *signature);
      ASSERT_TRUE(good.ok());
      EXPECT_TRUE(*good);
      auto other = VerifySha256(key.get(), data + "!", *signature);
      ASSERT_TRUE(other.ok());
      EXPECT_FALSE(*other);
    }
    EXPECT_EQ((*signer)->prepared_signatures(), 3u) << "signed by the fallback, not from the prepared context";
  }
}

TEST(PreparedSignerTest, KeepsItsKeyAfterTheCallerLetsGo) {
  UniquePtr<EVP_PKEY> key = NewKey("P-256");
  auto signer = PreparedSigner::Create(key.get(), EVP_sha256());
  ASSERT_TRUE(signer.ok());
  UniquePtr<EVP_PKEY> check(EVP_PKEY_dup(key.get()));
  key.reset();
  auto signature = (*signer)->Sign("after");
  ASSERT_TRUE(signature.ok()) << signature.status().ToString();
  EXPECT_TRUE(*VerifySha256(check.get(), "after", *signature));
}

TEST(PreparedSignerTest, SignsFromManyThreadsAtOnce) {
  UniquePtr<EVP_PKEY> key = NewKey("P-256");
  auto signer = PreparedSigner::Create(key.get(), EVP_sha256());
  ASSERT_TRUE(signer.ok());
  constexpr int kThreads = 4, kEach = 50;
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto s = (*signer)->Sign("message " + std::to_string(t) + "/" + std::to_string(i));
        made[t].push_back(s.ok() ? *s : std::string());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ((*signer)->prepared_signatures(), static_cast<uint64_t>(kThreads * kEach));
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kEach; ++i) {
      auto ok = VerifySha256(key.get(), "message " + std::to_string(t) + "/" + std::to_string(i), made[t][i]);
      ASSERT_TRUE(ok.ok());
      EXPECT_TRUE(*ok) << t << "/" << i;
    }
  }
}

TEST(PreparedSignerTest, RefusesAMissingKeyOrDigest) {
  UniquePtr<EVP_PKEY> key = NewKey("P-256");
  EXPECT_EQ(PreparedSigner::Create(nullptr, EVP_sha256()).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(PreparedSigner::Create(key.get(), nullptr).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace riik
