// Remote signing's places per person (node/roles/remote_signing.h), against a signing API
// in this process that answers as the sign-in service's does: a person's signings beyond
// a member's share are refused with 409, after the sign-in service has been asked about
// theirs (those the person declined in the app free their places; those still waiting,
// or answered and not yet collected by the member, do not, and none is moved on); the sign-in service's own cap for the
// person is passed on as the same refusal; another person is served all along.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "net/server.h"
#include "node/roles/remote_signing.h"
#include "sign/container.h"

namespace riik::node {
namespace {

constexpr const char* kTaxBoard = "EE/GOV/70000349/tax";

class RemoteSigningCapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::Router api;
    api.Add(
        "POST", "/signing/v1/sessions",
        [this](const net::HttpRequest&) {
          std::lock_guard lock(mu_);
          if (provider_full_) {
            return net::JsonError(409, "failed_precondition", "this person has 3 signatures waiting already");
          }
          return net::JsonResponse({{"session", "s" + std::to_string(++started_)}}, 201);
        },
        "application/json");
    api.Add(
        "POST", "/signing/v1/sessions/{id}/status",
        [this](const net::HttpRequest& req) {
          std::lock_guard lock(mu_);
          const std::string id(req.Param("id"));
          asked_.push_back(id);
          if (declined_.contains(id)) return net::JsonResponse({{"state", "refused"}, {"message", "user_cancel"}});
          if (signed_.contains(id)) return net::JsonResponse({{"state", "signed"}, {"signature", "AA=="}});
          return net::JsonResponse({{"state", "waiting_for_certificate"}});
        },
        "application/json");
    api.Add(
        "POST", "/signing/v1/sessions/{id}/digest",
        [this](const net::HttpRequest&) {
          std::lock_guard lock(mu_);
          ++digests_;
          return net::JsonResponse({{"verification_code", "1234"}});
        },
        "application/json");
    provider_ = net::HttpServer::Start(net::ServerOptions{}, std::move(api)).value();
    RemoteSigningOptions o;
    o.client = SigningClient::Create(provider_->url(), net::ClientOptions{}, "EE/GOV/70006317/sign", "secret").value();
    o.limits.per_person = 2;
    signing_ = std::make_unique<RemoteSigning>(std::move(o));
    sign::Container c;
    c.files.push_back({"return.txt", "text/plain", "Income 2026: 41250 EUR\n"});
    container_ = sign::WriteContainer(c).value();
  }

  Result<Json> Start(const std::string& person) {
    return signing_->Start(kTaxBoard, "EE" + person, "tax return 2026", container_);
  }

  std::mutex mu_;
  bool provider_full_ = false;
  int started_ = 0, digests_ = 0;
  std::vector<std::string> asked_;
  std::set<std::string> declined_, signed_;
  std::string container_;
  std::unique_ptr<net::HttpServer> provider_;
  std::unique_ptr<RemoteSigning> signing_;
};

TEST_F(RemoteSigningCapTest, APersonsThirdWaitsForOneOfTheirsToEndInTheApp) {
  ASSERT_TRUE(Start("38001085718").ok());
  ASSERT_TRUE(Start("38001085718").ok());
  {
    std::lock_guard lock(mu_);
    // The second has been signed in the app, and its member has not asked since: it
    // holds its place until then (moved on here, a signature nothing here prepared would
    // end it instead).
    signed_.insert("s2");
  }
  Result<Json> third = Start("38001085718");
  EXPECT_EQ(third.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(third.status().message().find("2 signings waiting in their app already: they decline there"),
            std::string::npos)
      << third.status().message();
  {
    std::lock_guard lock(mu_);
    EXPECT_EQ(started_, 2);  // the third never reached the app
    std::sort(asked_.begin(), asked_.end());
    EXPECT_EQ(asked_, (std::vector<std::string>{"s1", "s2"}));  // each of theirs asked about once
    asked_.clear();
  }
  EXPECT_TRUE(Start("49403136526").ok());  // another person meanwhile
  {
    std::lock_guard lock(mu_);
    declined_.insert("s1");  // the person declines the first in the app
  }
  EXPECT_TRUE(Start("38001085718").ok());
  std::lock_guard lock(mu_);
  EXPECT_EQ(started_, 4);
  EXPECT_EQ(digests_, 0);  // nothing was moved on while asking
}

TEST_F(RemoteSigningCapTest, TheSignInServicesOwnCapForThePersonIsTheSameRefusal) {
  {
    std::lock_guard lock(mu_);
    provider_full_ = true;
  }
  Result<Json> refused = Start("38001085718");
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("signings waiting in their app already"), std::string::npos)
      << refused.status().message();
  {
    std::lock_guard lock(mu_);
    provider_full_ = false;
  }
  // Its place here was given back: the person's two are still theirs.
  EXPECT_TRUE(Start("38001085718").ok());
  EXPECT_TRUE(Start("38001085718").ok());
}

}  // namespace
}  // namespace riik::node
