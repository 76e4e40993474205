// What fuzz harnesses share: seeds whose file name starts with "valid_" are documents
// the harness must accept, so a corpus that went stale (a format changed, a fixture's
// key changed) fails instead of quietly stopping every input at the first check.
// run_fuzzer.sh runs those seeds alone with RIIK_FUZZ_SEEDS_VALID=1 before it fuzzes;
// while fuzzing nothing is expected: ExpectValid() is false.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace riik::fuzz {

inline bool ExpectValid() {
  static const bool expect = [] {
    const char* v = std::getenv("RIIK_FUZZ_SEEDS_VALID");
    return v != nullptr && std::string_view(v) == "1";
  }();
  return expect;
}

// Aborts, saying why, when the seed being replayed was meant to be accepted.
inline void RequireValid(bool accepted, std::string_view why) {
  if (ExpectValid() && !accepted) {
    std::fprintf(stderr, "a valid_ seed was refused: %.*s\n", static_cast<int>(why.size()), why.data());
    std::abort();
  }
}

// The signing key of the segment and document fixtures: P-256, made for these fuzzers
// and published here, so seeds signed with it stay valid. It signs nothing else.
inline constexpr const char* kFixtureKeyPem = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgjND/Cm5a7CxjlNq/
ooLV/836vDlSXoHzCNRutkamVvuhRANCAAR//+dH3pc5yDd6idWS5E01wItUchUa
n2I1nMLZcTaWXQ8p8QoS+q/EwWYffoPsPYIbwAoc7pCLwfKIhqXjyx9U
-----END PRIVATE KEY-----
)";

// A certificate for that key (self-signed, valid to 2126): the trusted list seeds' signer.
inline constexpr const char* kFixtureCertPem = R"(-----BEGIN CERTIFICATE-----
MIIB7DCCAZKgAwIBAgIBATAKBggqhkjOPQQDAjBMMQswCQYDVQQGEwJFRTEVMBMG
A1UECgwMcmlpayBmdXp6aW5nMSYwJAYDVQQDDB1yaWlrIGZ1enogdHJ1c3RlZCBs
aXN0IHNpZ25lcjAgFw0yNjEyMDMxMTM2NDdaGA8yMTI2MTEwOTExMzY0N1owTDEL
MAkGA1UEBhMCRUUxFTATBgNVBAoMDHJpaWsgZnV6emluZzEmMCQGA1UEAwwdcmlp
ayBmdXp6IHRydXN0ZWQgbGlzdCBzaWduZXIwWTATBgcqhkjOPQIBBggqhkjOPQMB
BwNCAAR//+dH3pc5yDd6idWS5E01wItUchUan2I1nMLZcTaWXQ8p8QoS+q/EwWYf
foPsPYIbwAoc7pCLwfKIhqXjyx9Uo2MwYTAdBgNVHQ4EFgQUhQ0B+LiwdDW/N+Qe
geQgoUSbMqUwHwYDVR0jBBgwFoAUhQ0B+LiwdDW/N+QegeQgoUSbMqUwDwYDVR0T
AQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCB4AwCgYIKoZIzj0EAwIDSAAwRQIhANM6
sHGuKw2S/tn56cN2HeK0eSHXt696RqknYogjf/GIAiAI5s9fptlAN7HMDwerE3rV
Vb8kUgtOkl8KKjSOQi7Fxw==
-----END CERTIFICATE-----
)";

}  // namespace riik::fuzz
