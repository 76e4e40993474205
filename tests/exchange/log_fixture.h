// A member's message log in a test's temporary directory, on the signed log's test
// surroundings (transparency/log_fixture.h). Shared by the exchange tests.
#pragma once

#include <future>
#include <memory>
#include <string>

#include "exchange/message_log.h"
#include "transparency/log_fixture.h"

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

class LogTest : public transparency::LogFixture {
 protected:
  void TearDown() override {
    log_.reset();
    transparency::LogFixture::TearDown();
  }

  void OpenLog() {
    auto log = MessageLog::Open(*store_, Options());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(*log);
  }

  // Appends and waits for the receipt.
  Result<transparency::Receipt> AppendAndWait(const MessageRecord& r) {
    std::promise<Result<transparency::Receipt>> done;
    auto future = done.get_future();
    log_->Append(r, [&done](Result<transparency::Receipt> receipt) { done.set_value(std::move(receipt)); });
    return future.get();
  }

  bool WaitForTimestamps() { return LogFixture::WaitForTimestamps(log_->log()); }

  std::unique_ptr<MessageLog> log_;
};

}  // namespace riik::exchange
