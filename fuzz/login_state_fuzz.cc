// Fuzzes a relying party's check of the sign-in state a browser brings back
// (auth/login_state.h), which anyone may send: never crashes, refuses with
// InvalidArgument, DeadlineExceeded or FailedPrecondition, and opens a state only as this
// key made it (in its one spelling, 54 characters), never under another key nor past its
// lifetime. The input is the state; valid_ seeds were made with the key below at most 10
// minutes before the fuzzer's "now".
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/login_state.h"
#include "core/encoding.h"
#include "seeds.h"

using namespace riik;

namespace {
constexpr std::string_view kKey = "riik fuzz login-state key, 32 b.";
constexpr UnixMicros kNow = 1'796'000'000LL * 1'000'000;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auth::LoginStates states{std::string(kKey)};
  static const auth::LoginStates other{std::string(32, 'x')};
  const std::string_view state(reinterpret_cast<const char*>(data), size);
  auto opened = states.Open(state, kNow);
  fuzz::RequireValid(opened.ok(), opened.ok() ? "" : opened.status().message());
  if (!opened.ok()) {
    const Code why = opened.status().code();
    if (why != Code::kInvalidArgument && why != Code::kDeadlineExceeded && why != Code::kFailedPrecondition) {
      std::abort();
    }
    return 0;
  }
  auto bytes = Base64UrlDecode(state);
  if (state.size() != auth::LoginStates::kStateChars || !bytes.ok() || Base64UrlEncode(*bytes) != state) std::abort();
  if (other.Open(state, kNow).ok()) std::abort();
  if (states.Open(state, kNow + auth::LoginStates::kLifetimeUs + auth::LoginStates::kClockSlackUs + 1).ok()) {
    std::abort();
  }
  auto again = states.Open(state, kNow);
  if (!again.ok() || again->nonce != opened->nonce || again->verifier != opened->verifier) std::abort();
  return 0;
}
