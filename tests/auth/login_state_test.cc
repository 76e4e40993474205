// A relying party's sign-in state (auth/login_state.h): made and opened under one key,
// with the same nonce and verifier, for 10 minutes (a clock stepped back a minute
// forgiven); under another key, or with any character changed, not opened.
#include "auth/login_state.h"

#include <gtest/gtest.h>

#include <string>

namespace riik::auth {
namespace {

constexpr UnixMicros kStateMade = 1'796'000'000LL * 1'000'000;

TEST(LoginStateTest, OpenedUnderItsKeyWithTheSecretsItWasMadeWith) {
  LoginStates states(std::string(32, 'k'));
  Login login = states.Make(kStateMade).value();
  EXPECT_EQ(login.state.size(), LoginStates::kStateChars);
  EXPECT_EQ(login.state.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(login.secrets.verifier.size(), 43u);  // PKCE: 43 to 128 characters
  EXPECT_NE(login.secrets.nonce, login.secrets.verifier);
  auto opened = states.Open(login.state, kStateMade);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->nonce, login.secrets.nonce);
  EXPECT_EQ(opened->verifier, login.secrets.verifier);
  Login another = states.Make(kStateMade).value();
  EXPECT_NE(another.state, login.state);
  EXPECT_NE(another.secrets.nonce, login.secrets.nonce);
  EXPECT_NE(another.secrets.verifier, login.secrets.verifier);
}

TEST(LoginStateTest, OpenedForTenMinutesAndAClockSteppedBackAMinute) {
  LoginStates states(std::string(32, 'k'));
  const std::string state = states.Make(kStateMade).value().state;
  EXPECT_TRUE(states.Open(state, kStateMade + LoginStates::kLifetimeUs).ok());
  EXPECT_EQ(states.Open(state, kStateMade + LoginStates::kLifetimeUs + 1).status().code(), Code::kDeadlineExceeded);
  EXPECT_TRUE(states.Open(state, kStateMade - LoginStates::kClockSlackUs).ok());
  EXPECT_EQ(states.Open(state, kStateMade - LoginStates::kClockSlackUs - 1).status().code(), Code::kFailedPrecondition);
}

TEST(LoginStateTest, AnotherKeysOrAChangedStateIsNotOpened) {
  LoginStates states(std::string(32, 'k'));
  const std::string state = states.Make(kStateMade).value().state;
  EXPECT_EQ(LoginStates(std::string(32, 'j')).Open(state, kStateMade).status().code(), Code::kInvalidArgument);
  for (size_t i = 0; i < state.size(); ++i) {
    std::string changed = state;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    EXPECT_EQ(states.Open(changed, kStateMade).status().code(), Code::kInvalidArgument) << "character " << i;
  }
  for (const std::string& other : {std::string(), state.substr(1), state + "A", state + "==", std::string(54, '-')}) {
    EXPECT_EQ(states.Open(other, kStateMade).status().code(), Code::kInvalidArgument) << other;
  }
}

}  // namespace
}  // namespace riik::auth
