// Rendering verification reports (report.h).
#include "sign/report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/encoding.h"

namespace riik::sign {
namespace {

// Text from untrusted input (names in certificates, entry names, values echoed in
// reasons), as core's ShownText makes it.
std::string Clean(std::string_view text) { return ShownText(text); }

std::vector<std::string> Clean(const std::vector<std::string>& texts) {
  std::vector<std::string> out;
  for (const std::string& t : texts) out.push_back(Clean(t));
  return out;
}

std::string TimeOrDash(UnixMicros t) { return t == 0 ? "-" : FormatRfc3339(t).substr(0, 19) + "Z"; }

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "none" : out;
}

}  // namespace

std::string ReportText(const VerificationReport& report, std::string_view container_name) {
  std::string out = fmt::format("Container {} (SHA-256 {})\n", Clean(container_name), report.container_sha256);
  for (const auto& f : report.files)
    out += fmt::format("  file {} ({}, {} bytes)\n", Clean(f.name), Clean(f.media_type), f.size);
  if (!report.container_error.empty()) out += fmt::format("  {}\n", Clean(report.container_error));
  for (const SignatureReport& s : report.signatures) {
    out +=
        fmt::format("Signature {} ({}): {}\n", s.id.empty() ? "?" : Clean(s.id), Clean(s.file), VerdictName(s.verdict));
    if (!s.signer.empty())
      out += fmt::format("  signer      {}{}\n", Clean(s.signer), s.signer_id.empty() ? "" : ", " + Clean(s.signer_id));
    if (!s.signer_certificate_sha256.empty())
      out += fmt::format("  certificate SHA-256 {}\n", s.signer_certificate_sha256);
    if (!s.signing_time.empty())
      out += fmt::format("  signed at   {} (as the signer's computer said)\n", Clean(s.signing_time));
    if (s.timestamp_time) out += fmt::format("  timestamp   {} (attested by the TSA)\n", TimeOrDash(s.timestamp_time));
    if (s.ocsp_time) out += fmt::format("  OCSP        {} (the certificate was valid then)\n", TimeOrDash(s.ocsp_time));
    out += fmt::format("  files       {}\n", Joined(Clean(s.signed_files)));
    for (UnixMicros t : s.archive_times) out += fmt::format("  archived    {} (an archive timestamp)\n", TimeOrDash(t));
    if (!s.profile.empty()) out += fmt::format("  profile     XAdES-BASELINE-{}\n", s.profile);
    for (const std::string& e : s.errors) out += fmt::format("  error: {}\n", Clean(e));
    for (const std::string& w : s.warnings) out += fmt::format("  warning: {}\n", Clean(w));
  }
  bool ok = report.verdict == Verdict::kValid || report.verdict == Verdict::kWarning;
  out += fmt::format("Validation: {} ({})\n", ok ? "OK" : "FAILED", VerdictName(report.verdict));
  return out;
}

Json ReportJson(const VerificationReport& report) {
  Json j = {{"verdict", VerdictName(report.verdict)}, {"container_sha256", report.container_sha256}};
  if (!report.container_error.empty()) j["container_error"] = Clean(report.container_error);
  j["files"] = Json::array();
  for (const auto& f : report.files)
    j["files"].push_back(
        {{"name", Clean(f.name)}, {"media_type", Clean(f.media_type)}, {"size", f.size}, {"sha256", f.sha256}});
  j["signatures"] = Json::array();
  for (const SignatureReport& s : report.signatures) {
    Json sj = {{"file", Clean(s.file)},
               {"id", Clean(s.id)},
               {"verdict", VerdictName(s.verdict)},
               {"signer", Clean(s.signer)},
               {"signer_id", Clean(s.signer_id)},
               {"signer_certificate_sha256", s.signer_certificate_sha256},
               {"signing_time", Clean(s.signing_time)},
               {"profile", s.profile},
               {"signed_files", Clean(s.signed_files)},
               {"errors", Clean(s.errors)},
               {"warnings", Clean(s.warnings)}};
    sj["timestamp_time"] = s.timestamp_time ? Json(FormatRfc3339(s.timestamp_time)) : Json(nullptr);
    sj["ocsp_time"] = s.ocsp_time ? Json(FormatRfc3339(s.ocsp_time)) : Json(nullptr);
    sj["archive_times"] = Json::array();
    for (UnixMicros t : s.archive_times) sj["archive_times"].push_back(FormatRfc3339(t));
    j["signatures"].push_back(std::move(sj));
  }
  return j;
}

}  // namespace riik::sign
