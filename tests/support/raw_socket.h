// Sends raw bytes to a loopback port and reads what comes back: for tests that must
// send what no well-behaved client would.
#pragma once

#include <cstdint>
#include <string>

namespace riik::testing {

struct RawExchangeOptions {
  bool half_close = true;  // shut down our sending side after the bytes
  int read_timeout_ms = 5000;
};

// Connects to 127.0.0.1:port, sends `bytes`, and returns everything read until the
// server closes the connection or the timeout passes.
std::string RawExchange(uint16_t port, const std::string& bytes, RawExchangeOptions options = {});

// The status code in the first line of an HTTP response, or -1.
int StatusOf(const std::string& response);

}  // namespace riik::testing
