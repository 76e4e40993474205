// A small metrics registry rendered in the Prometheus text exposition format (0.0.4).
//
// Counters and gauges are lock-free atomics once created; creating (or looking up) a
// series takes a mutex, so callers keep the returned reference. Callback gauges read
// their value at scrape time (e.g. a journal's head seq).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace riik {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void Add(int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

class MetricsRegistry {
 public:
  // Returns the series `name{labels}`, creating it on first use. Names follow Prometheus
  // conventions (riik_http_requests_total); `help` is kept from the first call.
  Counter& GetCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& GetGauge(const std::string& name, const std::string& help, const Labels& labels = {});
  // Registers a gauge computed at scrape time; replaces an earlier one with the same labels.
  void SetCallbackGauge(const std::string& name, const std::string& help, const Labels& labels,
                        std::function<double()> read);
  void RemoveCallbackGauge(const std::string& name, const Labels& labels);

  // The whole registry in Prometheus text format.
  std::string Render() const;

 private:
  struct Family {
    std::string help;
    std::string type;
    std::map<std::string, std::unique_ptr<Counter>> counters;  // key: rendered labels
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, std::function<double()>> callbacks;
  };
  Family& FamilyFor(const std::string& name, const std::string& help, const char* type);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
};

// The process-wide registry every server's /metrics renders.
MetricsRegistry& Metrics();

}  // namespace riik
