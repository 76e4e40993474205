// System clock and RFC 3339 formatting.
#include "core/clock.h"

#include <chrono>
#include <ctime>

namespace riik {

UnixMicros NowMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

Clock SystemClock() { return NowMicros; }

void MonotonicClock::NotBefore(UnixMicros t) {
  UnixMicros seen = last_.load();
  while (seen < t && !last_.compare_exchange_weak(seen, t)) {
  }
}

UnixMicros MonotonicClock::Now() {
  const UnixMicros now = inner_();
  NotBefore(now);
  return last_.load();
}

Clock ReadingOf(std::shared_ptr<MonotonicClock> clock) {
  return [clock = std::move(clock)] { return clock->Now(); };
}

std::string FormatRfc3339(UnixMicros t) {
  time_t secs = static_cast<time_t>(t / 1000000);
  long micros = static_cast<long>(t % 1000000);
  if (micros < 0) {
    micros += 1000000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, sizeof buf - n, ".%06ldZ", micros);
  return buf;
}

namespace {

// Digits at [from, from + n) of `text`, or -1.
int Digits(std::string_view text, size_t from, size_t n) {
  int v = 0;
  for (size_t i = from; i < from + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

Result<int64_t> ParseIsoDate(std::string_view text) {
  const std::string what = "a date is written YYYY-MM-DD";
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return InvalidArgument(what);
  const int y = Digits(text, 0, 4), m = Digits(text, 5, 2), d = Digits(text, 8, 2);
  if (y < 0 || m < 0 || d < 0) return InvalidArgument(what);
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m < 1 || m > 12 || d < 1 || d > kDays[m - 1] + (m == 2 && leap)) {
    return InvalidArgument("no such date: " + std::string(text));
  }
  return DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string FormatIsoDate(int64_t days) {
  std::string text = FormatRfc3339(days * int64_t{86400} * 1000000);
  return text.substr(0, 10);
}

std::string FormatRfc3339Seconds(UnixMicros t) {
  std::string text = FormatRfc3339(t);
  return text.substr(0, 19) + "Z";
}

Result<UnixMicros> ParseRfc3339Utc(std::string_view text) {
  const std::string what = "a time is written YYYY-MM-DDTHH:MM:SSZ (UTC)";
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z') {
    return InvalidArgument(what);
  }
  ASSIGN_OR_RETURN(int64_t days, ParseIsoDate(text.substr(0, 10)));
  const int h = Digits(text, 11, 2), mi = Digits(text, 14, 2), s = Digits(text, 17, 2);
  if (h < 0 || mi < 0 || s < 0 || h > 23 || mi > 59 || s > 59) return InvalidArgument(what);
  return ((days * 24 + h) * 60 + mi) * int64_t{60} * 1000000 + int64_t{s} * 1000000;
}

}  // namespace riik
