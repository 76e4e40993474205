// What a caller makes of the exchange's answers: a 429 or 503 with Retry-After is a call
// not taken (ResourceExhausted: safe to send again), any other failure may have been
// acted on (Unavailable), and the refusals keep their meaning.
#include "registry/exchange_caller.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "net/server.h"

namespace riik::registry {
namespace {

constexpr const char* kService = "EE/GOV/74000026/vote/ballots";

// A stand-in security server answering /r1/<service>/<status>[/retry] with that status.
class AnswersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::Router router;
    router.Add("POST", std::string("/r1/") + kService + "/{status}/{retry}", [](const net::HttpRequest& req) {
      net::HttpResponse r = net::JsonError(std::stoi(std::string(req.Param("status"))), "said", "the provider said so");
      if (req.Param("retry") == "retry") r.headers.Set("Retry-After", "1");
      return r;
    });
    auto s = net::HttpServer::Start(net::ServerOptions{}, std::move(router));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
  }
  Code Answer(const std::string& path) {
    ExchangeCaller caller(server_->url(), "EE/GOV/70000310/portal");
    auto r = caller.PostBytes(kService, path, "ballot", "application/octet-stream", {});
    return r.ok() ? Code::kOk : r.status().code();
  }
  std::unique_ptr<net::HttpServer> server_;
};

TEST_F(AnswersTest, BusyWithRetryAfterIsNotTakenAndAnythingElseMayHaveBeen) {
  EXPECT_EQ(Answer("/503/retry"), Code::kResourceExhausted);
  EXPECT_EQ(Answer("/429/retry"), Code::kResourceExhausted);
  EXPECT_EQ(Answer("/503/no"), Code::kUnavailable);
  EXPECT_EQ(Answer("/429/no"), Code::kUnavailable);
  EXPECT_EQ(Answer("/500/retry"), Code::kUnavailable);
  EXPECT_EQ(Answer("/502/no"), Code::kUnavailable);
  EXPECT_EQ(Answer("/400/no"), Code::kInvalidArgument);
  EXPECT_EQ(Answer("/403/no"), Code::kPermissionDenied);
  EXPECT_EQ(Answer("/409/no"), Code::kFailedPrecondition);
}

TEST_F(AnswersTest, NoAnswerAtAllMayHaveBeenActedOn) {
  std::string url = server_->url();
  server_.reset();
  ExchangeCaller caller(url, "EE/GOV/70000310/portal");
  auto r = caller.PostBytes(kService, "/200/no", "ballot", "application/octet-stream", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable) << r.status().ToString();
}

}  // namespace
}  // namespace riik::registry
