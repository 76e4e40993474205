// Rendering verification reports (report.h).
#include "sign/report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace riik::sign {
namespace {

std::string TimeOrDash(UnixMicros t) { return t == 0 ? "-" : FormatRfc3339(t).substr(0, 19) + "Z"; }

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "none" : out;
}

}  // namespace

std::string ReportText(const VerificationReport& report, std::string_view container_name) {
  std::string out = fmt::format("Container {} (SHA-256 {})\n", container_name, report.container_sha256);
  for (const auto& f : report.files) out += fmt::format("  file {} ({}, {} bytes)\n", f.name, f.media_type, f.size);
  if (!report.container_error.empty()) out += fmt::format("  {}\n", report.container_error);
  for (const SignatureReport& s : report.signatures) {
    out += fmt::format("Signature {} ({}): {}\n", s.id.empty() ? "?" : s.id, s.file, VerdictName(s.verdict));
    if (!s.signer.empty())
      out += fmt::format("  signer      {}{}\n", s.signer, s.signer_id.empty() ? "" : ", " + s.signer_id);
    if (!s.signing_time.empty())
      out += fmt::format("  signed at   {} (as the signer's computer said)\n", s.signing_time);
    if (s.timestamp_time) out += fmt::format("  timestamp   {} (attested by the TSA)\n", TimeOrDash(s.timestamp_time));
    if (s.ocsp_time) out += fmt::format("  OCSP        {} (the certificate was valid then)\n", TimeOrDash(s.ocsp_time));
    out += fmt::format("  files       {}\n", Joined(s.signed_files));
    for (UnixMicros t : s.archive_times) out += fmt::format("  archived    {} (an archive timestamp)\n", TimeOrDash(t));
    if (!s.profile.empty()) out += fmt::format("  profile     XAdES-BASELINE-{}\n", s.profile);
    for (const std::string& e : s.errors) out += fmt::format("  error: {}\n", e);
    for (const std::string& w : s.warnings) out += fmt::format("  warning: {}\n", w);
  }
  bool ok = report.verdict == Verdict::kValid || report.verdict == Verdict::kWarning;
  out += fmt::format("Validation: {} ({})\n", ok ? "OK" : "FAILED", VerdictName(report.verdict));
  return out;
}

Json ReportJson(const VerificationReport& report) {
  Json j = {{"verdict", VerdictName(report.verdict)}, {"container_sha256", report.container_sha256}};
  if (!report.container_error.empty()) j["container_error"] = report.container_error;
  j["files"] = Json::array();
  for (const auto& f : report.files)
    j["files"].push_back({{"name", f.name}, {"media_type", f.media_type}, {"size", f.size}, {"sha256", f.sha256}});
  j["signatures"] = Json::array();
  for (const SignatureReport& s : report.signatures) {
    Json sj = {{"file", s.file},
               {"id", s.id},
               {"verdict", VerdictName(s.verdict)},
               {"signer", s.signer},
               {"signer_id", s.signer_id},
               {"signing_time", s.signing_time},
               {"profile", s.profile},
               {"signed_files", s.signed_files},
               {"errors", s.errors},
               {"warnings", s.warnings}};
    sj["timestamp_time"] = s.timestamp_time ? Json(FormatRfc3339(s.timestamp_time)) : Json(nullptr);
    sj["ocsp_time"] = s.ocsp_time ? Json(FormatRfc3339(s.ocsp_time)) : Json(nullptr);
    sj["archive_times"] = Json::array();
    for (UnixMicros t : s.archive_times) sj["archive_times"].push_back(FormatRfc3339(t));
    j["signatures"].push_back(std::move(sj));
  }
  return j;
}

}  // namespace riik::sign
