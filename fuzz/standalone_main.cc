// Runs a fuzz target over files and directories of inputs (the seed corpus), for
// builds without libFuzzer: every fuzzer doubles as a regression test in ctest, and
// its valid_ seeds must still be accepted (seeds.h).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "seeds.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  size_t runs = 0, valid = 0;
  for (int i = 1; i < argc; ++i) {
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(argv[i])) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(argv[i])) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
    } else {
      files.emplace_back(argv[i]);
    }
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      riik::fuzz::ExpectValid() = f.filename().string().starts_with("valid_");
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()), data.size());
      ++runs;
      valid += riik::fuzz::ExpectValid() ? 1 : 0;
    }
  }
  std::printf("%zu inputs ran without a crash, %zu of them valid_ seeds that were accepted\n", runs, valid);
  return runs > 0 ? 0 : 1;
}
