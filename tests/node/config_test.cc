// The TOML node config: a valid file, and errors that name the problem.
#include "node/config.h"

#include <gtest/gtest.h>

namespace riik::node {
namespace {

TEST(ConfigTest, ParsesRolesStoresTlsAndLogging) {
  auto c = ParseNodeConfig(R"(
data_dir = "/var/lib/riik"
[log]
format = "json"
level = "debug"
[stores]
node = "postgresql://riik@127.0.0.1:5432/riik"
[[role]]
kind = "status"
listen = "127.0.0.1:7000"
threads = 2
[[role]]
kind = "status"
name = "status-tls"
listen = "[::1]:7001"
[role.tls]
cert = "server.pem"
key = "server.key"
client_ca = "members.pem"
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->data_dir, "/var/lib/riik");
  EXPECT_EQ(c->log_format, LogFormat::kJson);
  EXPECT_EQ(c->log_level, "debug");
  EXPECT_EQ(c->store_urls.at("node"), "postgresql://riik@127.0.0.1:5432/riik");
  ASSERT_EQ(c->roles.size(), 2u);
  EXPECT_EQ(c->roles[0].name, "status");
  EXPECT_EQ(c->roles[0].listen.port, 7000);
  EXPECT_EQ(c->roles[0].listen.threads, 2);
  EXPECT_EQ(c->roles[1].listen.host, "::1");
  ASSERT_TRUE(c->roles[1].listen.tls.has_value());
  EXPECT_EQ(c->roles[1].listen.tls->client_ca_file, "members.pem");
}

TEST(ConfigTest, RolesKeepTheirOwnSettings) {
  auto c = ParseNodeConfig("[[role]]\nkind = \"trust\"\npassphrase_file = \"/etc/riik/ca.pass\"\n");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->roles[0].settings.at("passphrase_file"), "/etc/riik/ca.pass");
  auto bad = ParseNodeConfig("[[role]]\nkind = \"trust\"\npassphrase_file = 3\n");
  EXPECT_NE(bad.status().message().find("role[0].passphrase_file must be a string"), std::string::npos);
}

TEST(ConfigTest, ShippingIsReadAndListsSplitOnCommas) {
  auto c = ParseNodeConfig(
      "[shipping]\nembassies = \"https://a:1,,https://b:2\"\nmode = \"sync\"\n[[role]]\nkind = \"status\"\n");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_TRUE(c->shipping.has_value());
  EXPECT_EQ(c->shipping->List("embassies"), (std::vector<std::string>{"https://a:1", "https://b:2"}));
  EXPECT_EQ(c->shipping->Setting("mode"), "sync");
  EXPECT_TRUE(c->shipping->List("vault").empty());
}

TEST(ConfigTest, ErrorsNameTheProblem) {
  auto message = [](const char* text) { return ParseNodeConfig(text, "t.toml").status().message(); };
  EXPECT_NE(message("data_dir = ").find("t.toml:1:"), std::string::npos);
  EXPECT_NE(message("data_dir = \"x\"").find("names no roles"), std::string::npos);
  EXPECT_NE(message("[[role]]\nkind = \"oracle\"").find("'oracle' is not a role"), std::string::npos);
  EXPECT_NE(message("[[role]]\nkind = \"status\"\nlisten = \"7000\"").find("HOST:PORT"), std::string::npos);
  EXPECT_NE(message("[[role]]\nkind = \"status\"\nlisten = \"h:99999\"").find("bad port"), std::string::npos);
  EXPECT_NE(message("[[role]]\nkind = \"status\"\n[[role]]\nkind = \"status\"").find("two roles are named"),
            std::string::npos);
  EXPECT_NE(message("colour = 1\n[[role]]\nkind = \"status\"").find("unknown key 'colour'"), std::string::npos);
  EXPECT_NE(message("[log]\nformat = \"xml\"\n[[role]]\nkind = \"status\"").find("unknown log format"),
            std::string::npos);
}

}  // namespace
}  // namespace riik::node
