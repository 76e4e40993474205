// Metrics registry and Prometheus text rendering.
#include "core/metrics.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace riik {
namespace {

std::string EscapeLabelValue(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string RenderLabels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ",";
    out += labels[i].first + "=\"" + EscapeLabelValue(labels[i].second) + "\"";
  }
  return out + "}";
}

std::string FormatDouble(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    snprintf(buf, sizeof buf, "%.17g", v);
  }
  return buf;
}

}  // namespace

MetricsRegistry::Family& MetricsRegistry::FamilyFor(const std::string& name, const std::string& help,
                                                    const char* type) {
  auto& f = families_[name];
  if (f.type.empty()) {
    f.help = help;
    f.type = type;
  }
  return f;
}

Counter& MetricsRegistry::GetCounter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& slot = FamilyFor(name, help, "counter").counters[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& MetricsRegistry::GetGauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& slot = FamilyFor(name, help, "gauge").gauges[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

void MetricsRegistry::SetCallbackGauge(const std::string& name, const std::string& help, const Labels& labels,
                                       std::function<double()> read) {
  std::lock_guard lock(mu_);
  FamilyFor(name, help, "gauge").callbacks[RenderLabels(labels)] = std::move(read);
}

void MetricsRegistry::RemoveCallbackGauge(const std::string& name, const Labels& labels) {
  std::lock_guard lock(mu_);
  if (auto it = families_.find(name); it != families_.end()) it->second.callbacks.erase(RenderLabels(labels));
}

std::string MetricsRegistry::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + f.help + "\n";
    out += "# TYPE " + name + " " + f.type + "\n";
    for (const auto& [labels, c] : f.counters) out += name + labels + " " + std::to_string(c->value()) + "\n";
    for (const auto& [labels, g] : f.gauges) out += name + labels + " " + std::to_string(g->value()) + "\n";
    for (const auto& [labels, read] : f.callbacks) out += name + labels + " " + FormatDouble(read()) + "\n";
  }
  return out;
}

namespace {

// A field of /proc/self/status ("Threads", "VmRSS" in kB), or -1 where there is none.
double ProcStatusField(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with(field + ":")) return std::strtod(line.c_str() + field.size() + 1, nullptr);
  }
  return -1;
}

}  // namespace

MetricsRegistry& Metrics() {
  static MetricsRegistry* registry = [] {  // never destroyed: used until exit
    auto* r = new MetricsRegistry();
    // What a process costs the machine; issue 14 holds `riik up` to 64 threads.
    r->SetCallbackGauge("riik_process_threads", "Threads of this process", {},
                        [] { return ProcStatusField("Threads"); });
    r->SetCallbackGauge("riik_process_resident_bytes", "Resident memory of this process", {},
                        [] { return ProcStatusField("VmRSS") * 1024; });
    return r;
  }();
  return *registry;
}

}  // namespace riik
