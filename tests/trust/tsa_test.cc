// The timestamping authority against the standard client: `openssl ts -verify` accepts
// every token (SHA-256/384/512, with nonce, with and without certificates, from many
// threads at once, and the batch-root tokens), serials only grow and stay unique, and
// bad queries (garbage, wrong policy, imprint length, algorithm, extensions) get a
// rejection with the right failInfo.
#include "trust/tsa.h"

#include <gtest/gtest.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>
#include <vector>

#include "core/encoding.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
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

struct TsRespFree {
  void operator()(TS_RESP* r) const { TS_RESP_free(r); }
};
struct TsReqFree {
  void operator()(TS_REQ* r) const { TS_REQ_free(r); }
};
using TsResp = std::unique_ptr<TS_RESP, TsRespFree>;
using TsReq = std::unique_ptr<TS_REQ, TsReqFree>;

TsResp ParseReply(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  return TsResp(d2i_TS_RESP(nullptr, &p, static_cast<long>(der.size())));
}

long StatusOf(TS_RESP* resp) { return ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp))); }

bool FailureBitSet(TS_RESP* resp, int bit) {
  const ASN1_BIT_STRING* bits = TS_STATUS_INFO_get0_failure_info(TS_RESP_get_status_info(resp));
  return bits && ASN1_BIT_STRING_get_bit(bits, bit);
}

int64_t SerialOf(TS_RESP* resp) {
  int64_t serial = -1;
  TS_TST_INFO* info = TS_RESP_get_tst_info(resp);
  if (!info || !ASN1_INTEGER_get_int64(&serial, TS_TST_INFO_get_serial(info))) return -1;
  return serial;
}

// A query built field by field, for the cases `openssl ts -query` cannot make.
struct QuerySpec {
  int hash_nid = NID_sha256;
  size_t imprint_size = 32;
  const char* policy = nullptr;
  bool extension = false;
  long version = 1;
};

std::string MakeQuery(const QuerySpec& spec) {
  TsReq req(TS_REQ_new());
  TS_REQ_set_version(req.get(), spec.version);
  std::unique_ptr<TS_MSG_IMPRINT, decltype(&TS_MSG_IMPRINT_free)> imprint(TS_MSG_IMPRINT_new(), TS_MSG_IMPRINT_free);
  std::unique_ptr<X509_ALGOR, decltype(&X509_ALGOR_free)> algo(X509_ALGOR_new(), X509_ALGOR_free);
  X509_ALGOR_set0(algo.get(), OBJ_nid2obj(spec.hash_nid), V_ASN1_NULL, nullptr);
  TS_MSG_IMPRINT_set_algo(imprint.get(), algo.get());  // these setters copy
  std::string digest(spec.imprint_size, '\x42');
  TS_MSG_IMPRINT_set_msg(imprint.get(), reinterpret_cast<unsigned char*>(digest.data()),
                         static_cast<int>(digest.size()));
  TS_REQ_set_msg_imprint(req.get(), imprint.get());
  if (spec.policy) {
    UniquePtr<ASN1_OBJECT> policy(OBJ_txt2obj(spec.policy, 1));
    TS_REQ_set_policy_id(req.get(), policy.get());
  }
  if (spec.extension) {
    UniquePtr<X509_EXTENSION> ext(X509V3_EXT_nconf_nid(nullptr, nullptr, NID_basic_constraints, "CA:FALSE"));
    TS_REQ_add_ext(req.get(), ext.get(), -1);
  }
  return ToDer(req.get(), i2d_TS_REQ);
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

  std::string Verify(const std::string& name, const std::string& untrusted = "") {
    return Shell("openssl ts -verify -in " + dir_ / (name + ".tsr") + " -queryfile " + dir_ / (name + ".tsq") +
                 " -CAfile " + ca_->RootPemPath() + " -untrusted " +
                 (untrusted.empty() ? ca_->CaPemPath("org") : untrusted));
  }

  // The rejection for a query, parsed; fails the test if it is not one.
  TsResp Reject(const std::string& query) {
    TsResp resp = ParseReply(tsa_->Respond(query));
    EXPECT_TRUE(resp);
    if (resp) {
      EXPECT_EQ(StatusOf(resp.get()), TS_STATUS_REJECTION);
    }
    return resp;
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

TEST_F(TsaTest, TokensWithoutCertReqNeedTheCertificateFromTheClient) {
  std::string q = dir_ / "nocert.tsq", r = dir_ / "nocert.tsr";
  Shell("openssl ts -query -data " + dir_ / "doc.txt" + " -sha256 -out " + q);
  std::ofstream(r, std::ios::binary) << tsa_->Respond(ReadAll(q));
  // Without the TSA certificate the token cannot be checked: it carries no certificates.
  EXPECT_EQ(Verify("nocert").find("Verification: OK"), std::string::npos);
  auto signer = ca_->ServiceSigner(Profile::kTimestamping);
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  std::string chain = dir_ / "tsa-chain.pem";
  std::ofstream(chain) << CertificatePem(signer->cert.get()) << ReadAll(ca_->CaPemPath("org"));
  std::string out = Verify("nocert", chain);
  EXPECT_NE(out.find("Verification: OK"), std::string::npos) << out;
}

TEST_F(TsaTest, BadQueriesGetTheRightFailureInfo) {
  std::string q = dir_ / "policy.tsq";
  Shell("openssl ts -query -data " + dir_ / "doc.txt" + " -sha256 -tspolicy 1.2.3.4 -cert -out " + q);
  TsResp resp = Reject(ReadAll(q));
  ASSERT_TRUE(resp);
  EXPECT_TRUE(FailureBitSet(resp.get(), TS_INFO_UNACCEPTED_POLICY));

  resp = Reject(MakeQuery({.policy = "2.999.1.3.2"}));
  ASSERT_TRUE(resp);
  EXPECT_TRUE(FailureBitSet(resp.get(), TS_INFO_UNACCEPTED_POLICY));

  for (size_t size : {0, 20, 31, 33, 48}) {
    resp = Reject(MakeQuery({.imprint_size = size}));
    ASSERT_TRUE(resp) << size;
    EXPECT_TRUE(FailureBitSet(resp.get(), TS_INFO_BAD_DATA_FORMAT)) << size;
  }
  resp = Reject(MakeQuery({.hash_nid = NID_sha512, .imprint_size = 32}));
  ASSERT_TRUE(resp);
  EXPECT_TRUE(FailureBitSet(resp.get(), TS_INFO_BAD_DATA_FORMAT));

  resp = Reject(MakeQuery({.hash_nid = NID_sha1, .imprint_size = 20}));
  ASSERT_TRUE(resp);
  EXPECT_TRUE(FailureBitSet(resp.get(), TS_INFO_BAD_ALG));

  resp = Reject(MakeQuery({.extension = true}));
  ASSERT_TRUE(resp);
  EXPECT_TRUE(FailureBitSet(resp.get(), TS_INFO_UNACCEPTED_EXTENSION));

  resp = Reject(MakeQuery({.version = 2}));
  ASSERT_TRUE(resp);
  EXPECT_TRUE(FailureBitSet(resp.get(), TS_INFO_BAD_DATA_FORMAT));

  // Our own policy, asked for explicitly, is granted.
  resp = ParseReply(tsa_->Respond(MakeQuery({.policy = kTsaPolicyOid})));
  ASSERT_TRUE(resp);
  EXPECT_EQ(StatusOf(resp.get()), TS_STATUS_GRANTED);

  // A valid query with bytes after it is not a valid query.
  resp = Reject(MakeQuery({}) + "x");
  ASSERT_TRUE(resp);
  EXPECT_TRUE(FailureBitSet(resp.get(), TS_INFO_BAD_DATA_FORMAT));

  std::string r = dir_ / "policy.tsr";
  std::ofstream(r, std::ios::binary) << tsa_->Respond(ReadAll(q));
  std::string text = Shell("openssl ts -reply -in " + r + " -text");
  EXPECT_NE(text.find("Status: Rejected"), std::string::npos) << text;
  EXPECT_NE(text.find("policy"), std::string::npos) << text;
}

TEST_F(TsaTest, GenTimeHasMillisecondsWithoutTrailingZeros) {
  UnixMicros at = NowMicros() / 1000000 * 1000000 + 120000;  // x.120 s: written .12
  auto tsa = TimestampAuthority::Create(*ca_, *store_, [at] { return at; });
  ASSERT_TRUE(tsa.ok()) << tsa.status().ToString();
  tsa_ = std::move(*tsa);
  Stamp("sha256", "millis");
  EXPECT_NE(Verify("millis").find("Verification: OK"), std::string::npos);
  TsResp resp = ParseReply(ReadAll(dir_ / "millis.tsr"));
  ASSERT_TRUE(resp);
  const ASN1_GENERALIZEDTIME* time = TS_TST_INFO_get_time(TS_RESP_get_tst_info(resp.get()));
  std::string gen(reinterpret_cast<const char*>(ASN1_STRING_get0_data(time)), ASN1_STRING_length(time));
  EXPECT_EQ(gen.size(), std::string("20261129140000.12Z").size()) << gen;
  EXPECT_EQ(gen.substr(14), ".12Z") << gen;

  tsa = TimestampAuthority::Create(*ca_, *store_, [at] { return at - 120000; });  // whole second: no point
  ASSERT_TRUE(tsa.ok());
  tsa_ = std::move(*tsa);
  Stamp("sha256", "whole");
  EXPECT_NE(Verify("whole").find("Verification: OK"), std::string::npos);
  resp = ParseReply(ReadAll(dir_ / "whole.tsr"));
  ASSERT_TRUE(resp);
  time = TS_TST_INFO_get_time(TS_RESP_get_tst_info(resp.get()));
  gen.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(time)), ASN1_STRING_length(time));
  EXPECT_EQ(gen.size(), 15u) << gen;
}

TEST_F(TsaTest, ConcurrentRequestsGetUniqueIncreasingSerialsAndValidTokens) {
  constexpr int kThreads = 4, kPerThread = 200;
  std::string q = dir_ / "many.tsq";
  Shell("openssl ts -query -data " + dir_ / "doc.txt" + " -sha256 -cert -out " + q);
  std::string query = ReadAll(q);
  int64_t first = tsa_->next_serial();
  std::vector<std::vector<std::string>> replies(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) replies[t].push_back(tsa_->Respond(query));
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(tsa_->next_serial(), first + kThreads * kPerThread);

  // Every token checked with OpenSSL's verifier (signature, chain, imprint, nonce).
  const unsigned char* p = reinterpret_cast<const unsigned char*>(query.data());
  TsReq req(d2i_TS_REQ(nullptr, &p, static_cast<long>(query.size())));
  ASSERT_TRUE(req);
  std::unique_ptr<TS_VERIFY_CTX, decltype(&TS_VERIFY_CTX_free)> ctx(TS_REQ_to_TS_VERIFY_CTX(req.get(), nullptr),
                                                                    TS_VERIFY_CTX_free);
  X509_STORE* roots = X509_STORE_new();
  X509_STORE_add_cert(roots, ca_->root_certificate());
  TS_VERIFY_CTX_set_store(ctx.get(), roots);
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  X509_up_ref(ca_->org_certificate());
  sk_X509_push(untrusted, ca_->org_certificate());
  TS_VERIFY_CTX_set_certs(ctx.get(), untrusted);
  TS_VERIFY_CTX_add_flags(ctx.get(), TS_VFY_SIGNATURE);

  std::set<int64_t> all;
  for (int t = 0; t < kThreads; ++t) {
    int64_t last = 0;
    for (const std::string& der : replies[t]) {
      TsResp resp = ParseReply(der);
      ASSERT_TRUE(resp);
      ASSERT_EQ(StatusOf(resp.get()), TS_STATUS_GRANTED);
      int64_t serial = SerialOf(resp.get());
      EXPECT_GT(serial, last);
      last = serial;
      all.insert(serial);
      EXPECT_EQ(TS_RESP_verify_response(ctx.get(), resp.get()), 1) << OpenSslErrors();
    }
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(*all.begin(), first);
  EXPECT_EQ(*all.rbegin(), first + kThreads * kPerThread - 1);

  // And a sample through the command-line client.
  for (int t = 0; t < kThreads; ++t) {
    std::string name = "many" + std::to_string(t);
    std::ofstream(dir_ / (name + ".tsr"), std::ios::binary) << replies[t][kPerThread / 2];
    std::ofstream(dir_ / (name + ".tsq"), std::ios::binary) << query;
    std::string out = Verify(name);
    EXPECT_NE(out.find("Verification: OK"), std::string::npos) << out;
  }
}

TEST_F(TsaTest, BatchRootTokenIsACmsSignedData) {
  Digest root = Sha256("another batch");
  int64_t serial = tsa_->next_serial();
  auto token = tsa_->TimestampDigest(DigestBytes(root));
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(tsa_->next_serial(), serial + 1);
  const auto* p = reinterpret_cast<const unsigned char*>(token->data());
  std::unique_ptr<PKCS7, decltype(&PKCS7_free)> pkcs7(d2i_PKCS7(nullptr, &p, static_cast<long>(token->size())),
                                                      PKCS7_free);
  ASSERT_TRUE(pkcs7);
  EXPECT_EQ(p, reinterpret_cast<const unsigned char*>(token->data()) + token->size());
  EXPECT_TRUE(PKCS7_type_is_signed(pkcs7.get()));
  std::unique_ptr<TS_TST_INFO, decltype(&TS_TST_INFO_free)> info(PKCS7_to_TS_TST_INFO(pkcs7.get()), TS_TST_INFO_free);
  ASSERT_TRUE(info);
  int64_t got = -1;
  ASSERT_TRUE(ASN1_INTEGER_get_int64(&got, TS_TST_INFO_get_serial(info.get())));
  EXPECT_EQ(got, serial);
  EXPECT_EQ(TS_TST_INFO_get_nonce(info.get()), nullptr);
}

}  // namespace
}  // namespace riik::trust
