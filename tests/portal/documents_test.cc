// The portal's documents: who may see and change them, co-signers, a signed version
// that would overwrite another's signature refused, and the pages.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crypto/sha256.h"
#include "portal/document_store.h"
#include "portal/documents_page.h"
#include "sign/container.h"
#include "support/temp_dir.h"

namespace riik::portal {
namespace {

constexpr const char* kJaak = "38001085718";
constexpr const char* kMari = "49403136526";
constexpr const char* kTonu = "36107212142";

class DocumentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Store::Open({"sqlite:" + dir_ / "portal.db", "portal"});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    auto d = DocumentStore::Open(*store_);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    docs_ = std::move(*d);
  }
  riik::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<DocumentStore> docs_;
};

TEST_F(DocumentsTest, OnlyTheOwnerAndThoseAskedSeeADocument) {
  auto id = docs_->Add(kJaak, "leping.txt", "I agree.");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->size(), 32u);
  auto mine = docs_->Get(*id, kJaak);
  ASSERT_TRUE(mine.ok());
  auto container = sign::ReadContainer(mine->container);
  ASSERT_TRUE(container.ok()) << container.status().ToString();
  EXPECT_EQ(container->files[0].name, "leping.txt");
  EXPECT_EQ(container->files[0].content, "I agree.");
  EXPECT_EQ(mine->container_sha256, DigestHex(Sha256(mine->container)));

  EXPECT_EQ(docs_->Get(*id, kMari).status().code(), Code::kNotFound) << "not asked yet";
  EXPECT_EQ(docs_->Get("00000000000000000000000000000000", kJaak).status().code(), Code::kNotFound);
  EXPECT_EQ(docs_->AskToCosign(*id, kMari, kTonu).code(), Code::kNotFound) << "only the owner asks";
  ASSERT_TRUE(docs_->AskToCosign(*id, kJaak, kMari).ok());
  EXPECT_EQ(docs_->AskToCosign(*id, kJaak, kMari).code(), Code::kAlreadyExists);
  EXPECT_EQ(docs_->AskToCosign(*id, kJaak, kJaak).code(), Code::kInvalidArgument);
  Status bad = docs_->AskToCosign(*id, kJaak, "38001085719");
  EXPECT_EQ(bad.code(), Code::kInvalidArgument);
  EXPECT_NE(bad.message().find("the last digit should be 8"), std::string::npos) << bad.ToString();
  EXPECT_TRUE(docs_->Get(*id, kMari).ok());
  EXPECT_EQ(docs_->Get(*id, kTonu).status().code(), Code::kNotFound);

  auto owned = docs_->Owned(kJaak);
  ASSERT_TRUE(owned.ok());
  ASSERT_EQ(owned->size(), 1u);
  EXPECT_TRUE((*owned)[0].container.empty()) << "lists carry no containers";
  auto asked = docs_->AskedToSign(kMari);
  ASSERT_TRUE(asked.ok());
  ASSERT_EQ(asked->size(), 1u);
  EXPECT_EQ((*asked)[0].cosigners[0].signed_us, 0);
}

TEST_F(DocumentsTest, ASignedVersionReplacesOnlyTheVersionThatWasSigned) {
  auto id = docs_->Add(kJaak, "leping.txt", "I agree.");
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(docs_->AskToCosign(*id, kJaak, kMari).ok());
  std::string first = docs_->Get(*id, kJaak)->container_sha256;
  EXPECT_EQ(docs_->PutSigned(*id, kTonu, first, "x").code(), Code::kNotFound) << "a stranger signs nothing here";
  ASSERT_TRUE(docs_->PutSigned(*id, kMari, first, "signed by Mari").ok());
  auto after = docs_->Get(*id, kJaak);
  EXPECT_EQ(after->container, "signed by Mari");
  EXPECT_GT(after->cosigners[0].signed_us, 0);
  // Jaak signed the first version meanwhile: putting his would drop Mari's signature.
  Status lost = docs_->PutSigned(*id, kJaak, first, "signed by Jaak");
  EXPECT_EQ(lost.code(), Code::kFailedPrecondition) << lost.ToString();
  EXPECT_EQ(docs_->Get(*id, kJaak)->container, "signed by Mari");
}

TEST_F(DocumentsTest, BadFilesAreRefusedInWords) {
  EXPECT_EQ(docs_->Add(kJaak, "empty.txt", "").status().message(), "the file is empty");
  EXPECT_EQ(docs_->Add(kJaak, "big.bin", std::string(kMaxDocumentBytes + 1, 'x')).status().message(),
            "the file is over 2 MiB");
  auto unusable = docs_->Add(kJaak, "META-INF/x.txt", "x");
  EXPECT_EQ(unusable.status().code(), Code::kInvalidArgument);
}

TEST(DocumentPages, WhatThePersonSeesAndMayDo) {
  Document d;
  d.id = "0123456789abcdef0123456789abcdef";
  d.owner = kJaak;
  d.name = "<b>leping</b>.txt";
  sign::Container c;
  c.files.push_back({"<b>leping</b>.txt", "text/plain", "I agree."});
  d.container = *sign::WriteContainer(c);
  d.cosigners = {{kMari, 1, 0}};
  std::string owner = DocumentBody({d, kJaak, nullptr, Json(), "", "", "tok"}, "en");
  EXPECT_EQ(owner.find("<b>"), std::string::npos);
  EXPECT_NE(owner.find("&lt;b&gt;leping&lt;/b&gt;.txt (8 B)"), std::string::npos);
  EXPECT_NE(owner.find("id=\"sign-document\""), std::string::npos);
  EXPECT_NE(owner.find("id=\"ask-cosigner\""), std::string::npos);
  EXPECT_NE(owner.find("data-person=\"49403136526\" data-signed=\"no\""), std::string::npos);

  d.cosigners[0].signed_us = 2;
  d.cosigners.push_back({kTonu, 3, 0});
  std::string cosigner = DocumentBody({d, kMari, nullptr, Json(), "", "", "tok"}, "en");
  EXPECT_NE(cosigner.find("data-person=\"49403136526\" data-signed=\"yes\""), std::string::npos);
  EXPECT_EQ(cosigner.find(kTonu), std::string::npos) << "a co-signer sees who else was asked";
  EXPECT_EQ(cosigner.find("id=\"ask-cosigner\""), std::string::npos) << "only the owner asks others";
  EXPECT_EQ(cosigner.find("id=\"sign-document\""), std::string::npos) << "she has signed already";

  Json validation = Json::parse(R"({"record":{"leaf_index":4},"report":{"verdict":"INVALID","signatures":[
    {"signer":"JÕEORG,JAAK-KRISTJAN,38001085718","signer_id":"PNOEE-38001085718","verdict":"INVALID",
     "timestamp_time":"2026-12-04T19:33:20.000000Z","errors":["the signed file has been changed"],"warnings":[]}]}})");
  std::string report = DocumentBody({d, kMari, nullptr, validation, "", "", "tok"}, "en");
  EXPECT_NE(report.find("data-verdict=\"INVALID\"><strong>Not valid: see why below.</strong>"), std::string::npos);
  EXPECT_NE(report.find("Signed by JÕEORG,JAAK-KRISTJAN,38001085718 (PNOEE-38001085718), timestamp "
                        "2026-12-04 19:33:20 UTC: not valid; the signed file has been changed"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("The check is entry 4 of the signatures service&#39;s log."), std::string::npos);

  SigningView waiting{"waiting_for_signature", "1234", ""};
  std::string signing = DocumentBody({d, kJaak, &waiting, Json(), "", "", "tok"}, "et");
  EXPECT_NE(signing.find("data-poll=\"/documents/0123456789abcdef0123456789abcdef/signing\""), std::string::npos);
  EXPECT_NE(signing.find(">1234<"), std::string::npos);
}

TEST(DocumentPages, TheListSaysWhatWaitsForWhom) {
  Document mine{"a", kJaak, "minu.txt"};
  Document theirs{"b", kMari, "tema.txt"};
  theirs.cosigners = {{kJaak, 1, 0}};
  std::string html = DocumentsBody({mine}, {theirs}, kJaak, "", "tok", "en");
  EXPECT_NE(html.find("enctype=\"multipart/form-data\""), std::string::npos);
  EXPECT_NE(html.find("<a href=\"/documents/b\">tema.txt</a> <span class=\"hint\">(from 49403136526; waiting for "
                      "your signature)</span>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<a href=\"/documents/a\">minu.txt</a>"), std::string::npos);
}

}  // namespace
}  // namespace riik::portal
