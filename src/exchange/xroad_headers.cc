// Relaying headers between information systems and security servers.
#include "exchange/xroad_headers.h"

#include <openssl/rand.h>
#include <pthread.h>
#include <strings.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>

#include "core/clock.h"

namespace riik::exchange {
namespace {

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view Trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

}  // namespace

bool IsFilteredHeader(std::string_view name) {
  static constexpr std::array<std::string_view, 14> kFiltered = {"Connection",
                                                                 "Keep-Alive",
                                                                 "Proxy-Authenticate",
                                                                 "Proxy-Authorization",
                                                                 "Proxy-Connection",
                                                                 "TE",
                                                                 "Trailer",
                                                                 "Transfer-Encoding",
                                                                 "Upgrade",
                                                                 "Host",
                                                                 "User-Agent",
                                                                 "Server",
                                                                 "Content-Length",
                                                                 "Expect"};
  for (std::string_view f : kFiltered) {
    if (SameName(f, name)) return true;
  }
  return false;
}

net::Headers RelayedHeaders(const net::Headers& in, std::initializer_list<std::string_view> drop) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, value] : in.fields()) {
    if (IsFilteredHeader(name)) continue;
    bool dropped = false;
    for (std::string_view d : drop) dropped = dropped || SameName(d, name);
    if (dropped) continue;
    auto same = std::find_if(out.begin(), out.end(), [&name = name](const auto& f) { return SameName(f.first, name); });
    if (same == out.end()) {
      out.emplace_back(name, std::string(Trim(value)));
    } else {
      same->second += ", ";
      same->second += Trim(value);
    }
  }
  net::Headers headers;
  for (auto& [name, value] : out) headers.Add(std::move(name), std::move(value));
  return headers;
}

namespace {

// Bumped in a forked child (pthread_atfork), so that no reserve made before the fork is
// used after it in the child.
std::atomic<uint64_t> fork_generation{0};

// The random part of an id, from a per-thread reserve that OpenSSL's generator refills
// for sixteen ids at a time (asking it for every message was 2.4% of a relayed call's
// CPU: its lock and bookkeeping). A forked child starts a reserve of its own.
bool RandomIdBytes(unsigned char* out, size_t n) {
  constexpr size_t kReserve = 160;
  static std::once_flag watching_forks;
  std::call_once(watching_forks, [] { pthread_atfork(nullptr, nullptr, [] { ++fork_generation; }); });
  if (n > kReserve) return RAND_bytes(out, static_cast<int>(n)) == 1;
  thread_local std::array<unsigned char, kReserve> reserve{};
  thread_local size_t used = kReserve;
  thread_local uint64_t generation = 0;
  const uint64_t now = fork_generation.load(std::memory_order_relaxed);
  if (used + n > kReserve || generation != now) {
    if (RAND_bytes(reserve.data(), static_cast<int>(kReserve)) != 1) return false;
    used = 0;
    generation = now;
  }
  std::copy_n(reserve.begin() + static_cast<std::ptrdiff_t>(used), n, out);
  std::fill_n(reserve.begin() + static_cast<std::ptrdiff_t>(used), n, 0);  // given out once
  used += n;
  return true;
}

}  // namespace

std::string NewMessageId() {
  std::array<unsigned char, 16> b{};
  if (!RandomIdBytes(b.data() + 6, 10)) {
    // The CSPRNG failing is not something a request can cause; fall back to a counter
    // (unique within the process) rather than answer without an id.
    // Into the last seven bytes, below the variant's (which overwrite the top of b[8]).
    static std::atomic<uint64_t> counter{0};
    uint64_t n = counter.fetch_add(1);
    for (size_t i = 0; i < 7; ++i) b[15 - i] = static_cast<unsigned char>(n >> (8 * i));
  }
  // UUID version 7 (RFC 9562): the first 48 bits are the Unix time in milliseconds, so
  // ids sort by time and the logs' key indexes grow at their right edge instead of
  // writing a random page for every message.
  const uint64_t ms = static_cast<uint64_t>(NowMicros()) / 1000;
  for (size_t i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x70);  // version 7
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 9562 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text.push_back('-');
    text.push_back(kHex[b[i] >> 4]);
    text.push_back(kHex[b[i] & 0xf]);
  }
  return text;
}

Status CheckMessageId(std::string_view header, std::string_view value) {
  if (value.empty() || value.size() > 256) {
    return InvalidArgument(std::string(header) + " must be 1 to 256 characters, got " + std::to_string(value.size()));
  }
  for (char c : value) {
    if (c < 0x21 || c > 0x7e) return InvalidArgument(std::string(header) + " may hold only printable ASCII characters");
  }
  return OkStatus();
}

}  // namespace riik::exchange
