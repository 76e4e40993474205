// A store's digest for anyone who asks (GET /v1/stores/{store}/digest): taking one reads
// every row under the store's lock, holding up its writes, so it is taken by one caller
// at a time per store, and the answer is kept until the store's journal moves on.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "net/http.h"

namespace riik::node {

class DigestCache {
 public:
  enum class Next { kAnswer, kTake, kBusy };
  // What a caller asking for `store`'s digest at journal `seq` does: take the kept
  // answer (into `answer`), take the digest itself (then Done), or wait (someone is).
  Next Ask(const std::string& store, int64_t seq, net::HttpResponse& answer) {
    std::lock_guard lock(mu_);
    Entry& e = entries_[store];
    if (e.answer && e.seq == seq) {
      answer = *e.answer;
      return Next::kAnswer;
    }
    if (e.running) return Next::kBusy;
    e.running = true;
    return Next::kTake;
  }
  // The digest taken (at `seq`; nullopt if it failed, which keeps nothing).
  void Done(const std::string& store, std::optional<int64_t> seq, const net::HttpResponse& answer) {
    std::lock_guard lock(mu_);
    Entry& e = entries_[store];
    e.running = false;
    if (seq) {
      e.seq = *seq;
      e.answer = answer;
    }
  }

 private:
  struct Entry {
    bool running = false;
    int64_t seq = -1;
    std::optional<net::HttpResponse> answer;
  };
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace riik::node
