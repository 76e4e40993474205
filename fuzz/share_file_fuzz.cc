// Fuzzes reading key share files (src/embassy/custody.h), which custodians bring to a
// restore: every input must give a verdict with a reason, never a crash. The seed corpus
// (fuzz/share_file_corpus/) comes from the disabled test CustodyTest.DISABLED_WriteFuzzCorpus.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "embassy/custody.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  riik::embassy::OpenedShare share{std::string(reinterpret_cast<const char*>(data), size), "123456", "fuzzed.json"};
  auto verdict = riik::embassy::RestoreSecret(std::span<const riik::embassy::OpenedShare>(&share, 1));
  if (!verdict.ok() && verdict.status().message().empty()) std::abort();  // every refusal says why
  return 0;
}
