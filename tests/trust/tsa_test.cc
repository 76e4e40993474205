// The timestamping authority against the standard client: `openssl ts -verify` accepts
// every token (SHA-256/384/512, with nonce and certificate), serials only grow, and
// garbage gets a rejection.
#include "trust/tsa.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "core/encoding.h"
#include "crypto/sha256.h"
#include "support/shell.h"
#include "support/temp_dir.h"
#include "trust/test_ca.h"

namespace riik::trust {
namespace {

using riik::testing::Shell;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class TsaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestCa test_ca = OpenTestCa(dir_);
    ASSERT_TRUE(test_ca.ca);
    store_ = std::move(test_ca.store);
    ca_ = std::move(test_ca.ca);
    auto tsa = TimestampAuthority::Create(*ca_, *store_);
    ASSERT_TRUE(tsa.ok()) << tsa.status().ToString();
    tsa_ = std::move(*tsa);
    std::ofstream(dir_ / "doc.txt") << "the tax return of 38001085718\n";
  }

  // Queries the TSA like a client; returns the reply file.
  std::string Stamp(const std::string& hash, const std::string& name) {
    std::string q = dir_ / (name + ".tsq"), r = dir_ / (name + ".tsr");
    Shell("openssl ts -query -data " + dir_ / "doc.txt" + " -" + hash + " -cert -out " + q);
    std::ofstream(r, std::ios::binary) << tsa_->Respond(ReadAll(q));
    return r;
  }

  std::string Verify(const std::string& name) {
    return Shell("openssl ts -verify -in " + dir_ / (name + ".tsr") + " -queryfile " + dir_ / (name + ".tsq") +
                 " -CAfile " + ca_->RootPemPath() + " -untrusted " + ca_->CaPemPath("org"));
  }

  riik::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<CertificateAuthority> ca_;
  std::unique_ptr<TimestampAuthority> tsa_;
};

TEST_F(TsaTest, OpensslVerifiesTokensForEveryHash) {
  for (std::string hash : {"sha256", "sha384", "sha512"}) {
    Stamp(hash, hash);
    std::string out = Verify(hash);
    EXPECT_NE(out.find("Verification: OK"), std::string::npos) << hash << ": " << out;
  }
  std::string text = Shell("openssl ts -reply -in " + dir_ / "sha256.tsr" + " -text");
  EXPECT_NE(text.find("Status: Granted"), std::string::npos) << text;
  EXPECT_NE(text.find("Policy OID: 2.999.1.3.1"), std::string::npos) << text;
  EXPECT_NE(text.find("0x64 millis"), std::string::npos) << text;
  EXPECT_NE(text.find("TSA: DirName:"), std::string::npos) << text;
  EXPECT_EQ(text.find("Nonce: unspecified"), std::string::npos) << text;
}

TEST_F(TsaTest, SerialsOnlyGrowAcrossRestarts) {
  int64_t first = tsa_->next_serial();
  Stamp("sha256", "a");
  Stamp("sha256", "b");
  EXPECT_EQ(tsa_->next_serial(), first + 2);
  tsa_.reset();
  auto again = TimestampAuthority::Create(*ca_, *store_);
  ASSERT_TRUE(again.ok());
  tsa_ = std::move(*again);
  EXPECT_GT(tsa_->next_serial(), first + 2);  // a new block: gaps, never repeats
  Stamp("sha256", "c");
  EXPECT_NE(Verify("c").find("Verification: OK"), std::string::npos);
}

TEST_F(TsaTest, GarbageGetsARejection) {
  for (std::string bad : {std::string(), std::string("hello"), std::string(kMaxTimestampQueryBytes + 1, '\x30')}) {
    std::string r = dir_ / "bad.tsr";
    std::ofstream(r, std::ios::binary) << tsa_->Respond(bad);
    std::string text = Shell("openssl ts -reply -in " + r + " -text");
    EXPECT_NE(text.find("Status: Rejected"), std::string::npos) << text;
  }
}

TEST_F(TsaTest, BatchRootsAreTimestampedDirectly) {
  Digest root = Sha256("a Merkle root of a message log batch");
  auto token = tsa_->TimestampDigest(DigestBytes(root));
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  std::ofstream(dir_ / "token.der", std::ios::binary) << *token;
  std::string out = Shell("openssl ts -verify -digest " + DigestHex(root) + " -in " + dir_ / "token.der" +
                          " -token_in -CAfile " + ca_->RootPemPath() + " -untrusted " + ca_->CaPemPath("org"));
  EXPECT_NE(out.find("Verification: OK"), std::string::npos) << out;
  EXPECT_FALSE(tsa_->TimestampDigest("short").ok());
}

}  // namespace
}  // namespace riik::trust
