// Fuzzes the checks on one signature file (src/sign/impl/signature_check.h): the XAdES
// XML parsed with DTDs refused, references resolved by Id and by file name, canonical
// XML, digests, the signature value, the timestamp token and the OCSP response inside.
// The container holds the one file the seeds sign ("a.txt"); no trust anchor is given,
// so every path up to the trust decision runs. Never crashes; every verdict other than
// VALID carries a reason.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "seeds.h"
#include "sign/impl/signature_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const riik::sign::Container container = [] {
    riik::sign::Container c;
    c.files.push_back(riik::sign::DataFile{"a.txt", "text/plain", "Fuzzing riik's signatures.\n"});
    return c;
  }();
  riik::sign::SignatureFile file{"META-INF/signatures0.xml", std::string(reinterpret_cast<const char*>(data), size)};
  riik::sign::SignatureReport report;
  riik::sign::impl::FileDigests digests(container);
  riik::sign::impl::CheckSignature(container, file, riik::sign::VerifyOptions{}, report, digests);
  if (report.verdict != riik::sign::Verdict::kValid && report.errors.empty() && report.warnings.empty()) std::abort();
  // With no trust anchor nothing is VALID; a well-formed seed gets as far as the trust.
  if (report.verdict == riik::sign::Verdict::kValid) std::abort();
  bool only_trust = report.verdict == riik::sign::Verdict::kIndeterminate;
  riik::fuzz::RequireValid(only_trust, report.errors.empty() ? "" : report.errors.front());
  return 0;
}
