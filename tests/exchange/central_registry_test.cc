// The central authority's registry: changes are checked and journaled, and the global
// configuration built from them lists exactly what was registered.
#include "exchange/central_registry.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/temp_dir.h"

namespace riik::exchange {
namespace {

class CentralRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Store::Open(store::StoreOptions{"sqlite:" + dir_ / "central.db", "central"});
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    auto r = CentralRegistry::Open(*store_, "EE");
    ASSERT_TRUE(r.ok());
    registry_ = std::move(*r);
  }
  riik::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<CentralRegistry> registry_;
};

const std::string kCert(64, 'a');

TEST_F(CentralRegistryTest, RegisteredMembersServersAndServicesMakeTheConfiguration) {
  ASSERT_TRUE(registry_->AddMember(*ParseMemberId("EE/GOV/70000001"), "Population Register").ok());
  ASSERT_TRUE(registry_->AddSubsystem(*ParseClientId("EE/GOV/70000001/population")).ok());
  ASSERT_TRUE(registry_->AddService(ParseServicePath("/r1/EE/GOV/70000001/population/person")->service, "persons").ok());
  SecurityServer ss{*ParseMemberId("EE/GOV/70000001"), "ss1", "https://127.0.0.1:7101", kCert,
                    {*ParseClientId("EE/GOV/70000001/population")}};
  ASSERT_TRUE(registry_->PutServer(ss).ok());
  int64_t before = store_->Head().seq;
  ss.address = "https://127.0.0.1:7102";  // moved: an update, not a second server
  ASSERT_TRUE(registry_->PutServer(ss).ok());
  EXPECT_GT(store_->Head().seq, before);  // journaled

  auto conf = registry_->Build(1'000'000, 600, "http://ocsp", "http://tsa");
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  EXPECT_EQ(conf->version, store_->Head().seq);
  EXPECT_EQ(conf->expires_at, 601'000'000);
  ASSERT_EQ(conf->members.size(), 1u);
  EXPECT_EQ(conf->members[0].subsystems, std::vector<std::string>{"population"});
  ASSERT_EQ(conf->servers.size(), 1u);
  EXPECT_EQ(conf->servers[0].address, "https://127.0.0.1:7102");
  EXPECT_EQ(conf->ServerFor(*ParseClientId("EE/GOV/70000001/population"))->Id(), "EE/GOV/70000001/ss1");
  EXPECT_EQ(conf->services.size(), 1u);
  ASSERT_TRUE(GlobalConf::FromJson(conf->ToJson()).ok());
}

TEST_F(CentralRegistryTest, BadChangesAreRefusedWithTheReason) {
  EXPECT_NE(registry_->AddMember(*ParseMemberId("LV/GOV/1"), "x").message().find("not in instance EE"),
            std::string::npos);
  EXPECT_EQ(registry_->AddSubsystem(*ParseClientId("EE/GOV/1/a")).code(), Code::kNotFound);
  ASSERT_TRUE(registry_->AddMember(*ParseMemberId("EE/GOV/1"), "One").ok());
  EXPECT_EQ(registry_->AddMember(*ParseMemberId("EE/GOV/1"), "One").code(), Code::kAlreadyExists);
  SecurityServer ss{*ParseMemberId("EE/GOV/1"), "ss1", "http://insecure", kCert, {}};
  EXPECT_NE(registry_->PutServer(ss).message().find("https://"), std::string::npos);
  ss.address = "https://127.0.0.1:1";
  ss.auth_cert_sha256 = "xyz";
  EXPECT_NE(registry_->PutServer(ss).message().find("SHA-256"), std::string::npos);
  ss.auth_cert_sha256 = kCert;
  ss.clients = {*ParseClientId("EE/GOV/1/ghost")};
  EXPECT_EQ(registry_->PutServer(ss).code(), Code::kNotFound);
  EXPECT_EQ(registry_->RemoveService(ParseServicePath("/r1/EE/GOV/1/a/b")->service).code(), Code::kNotFound);

  // Peers are pinned by address and certificate: neither may be another server's.
  ss.clients = {};
  ASSERT_TRUE(registry_->PutServer(ss).ok());
  SecurityServer second{*ParseMemberId("EE/GOV/1"), "ss2", ss.address, std::string(64, 'b'), {}};
  Status same_address = registry_->PutServer(second);
  EXPECT_EQ(same_address.code(), Code::kAlreadyExists);
  EXPECT_NE(same_address.message().find("address https://127.0.0.1:1 is security server EE/GOV/1/ss1's already"),
            std::string::npos) << same_address.ToString();
  second.address = "https://127.0.0.1:2";
  second.auth_cert_sha256 = kCert;
  EXPECT_NE(registry_->PutServer(second).message().find("certificate is security server EE/GOV/1/ss1's"),
            std::string::npos);
  second.auth_cert_sha256 = std::string(64, 'b');
  EXPECT_TRUE(registry_->PutServer(second).ok());
}

}  // namespace
}  // namespace riik::exchange
