// core: encodings, canonical JSON, metrics rendering, log redaction, Status.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "core/big_endian.h"
#include "core/clock.h"
#include "core/encoding.h"
#include "core/json.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/status.h"
#include "core/thread_pool.h"

namespace riik {
namespace {

TEST(EncodingTest, HexRoundTripAndErrors) {
  EXPECT_EQ(HexEncode(std::string("\x00\xab\xff", 3)), "00abff");
  EXPECT_EQ(*HexDecode("00ABff"), std::string("\x00\xab\xff", 3));
  EXPECT_NE(HexDecode("abc").status().message().find("odd length"), std::string::npos);
  EXPECT_NE(HexDecode("zz").status().message().find("non-hex character at offset 0"), std::string::npos);
}

TEST(EncodingTest, Base64MatchesRfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    EXPECT_EQ(*Base64Decode(encoded), plain);
  }
  EXPECT_FALSE(Base64Decode("Zg=").ok());
  EXPECT_FALSE(Base64Decode("Z=g=").ok());
  EXPECT_FALSE(Base64Decode("Zm9v\n").ok());
  EXPECT_FALSE(Base64Decode("Zm=v").ok());
}

TEST(BigEndianTest, MostSignificantByteFirstAtEveryWidth) {
  EXPECT_EQ(BigEndian(0x0102030405060708), std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  EXPECT_EQ(BigEndian(0x0102, 4), std::string("\0\0\x01\x02", 4));
  EXPECT_EQ(BigEndian(0x1ff, 1), "\xff");  // only the low bytes
  EXPECT_EQ(BigEndian(0), std::string(8, '\0'));
  std::string out = "x";
  AppendBigEndian(out, 0xabcdef, 3);
  EXPECT_EQ(out, "x\xab\xcd\xef");
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{0x80}, uint64_t{1} << 63, ~uint64_t{0}}) {
    EXPECT_EQ(ReadBigEndian(BigEndian(v)), v);
    EXPECT_EQ(ReadBigEndian(BigEndian(v, 2)), v & 0xffff);
  }
  EXPECT_EQ(ReadBigEndian(""), 0u);
}

TEST(JsonTest, CanonicalFormSortsKeysAndRejectsFloats) {
  auto j = ParseJson(R"({"b": 1, "a": {"d": [1, "x", null], "c": true}})");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(*CanonicalJson(*j), R"({"a":{"c":true,"d":[1,"x",null]},"b":1})");
  auto f = ParseJson(R"({"a": 1.5})");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(CanonicalJson(*f).status().code(), Code::kInvalidArgument);
}

TEST(JsonTest, LimitsAndErrorsSayWhatIsWrong) {
  auto bad = ParseJson("{\"a\": }");
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("malformed JSON"), std::string::npos);
  EXPECT_NE(bad.status().message().find("column 7"), std::string::npos) << bad.status().message();
  auto deep = ParseJson(std::string(40, '[') + std::string(40, ']'), {.max_bytes = 1000, .max_depth = 32});
  EXPECT_NE(deep.status().message().find("nesting deeper than 32"), std::string::npos);
  // Found by json_fuzz: a number beyond double's range threw out of the parser.
  auto huge = ParseJson("[1.5e385]");
  EXPECT_EQ(huge.status().code(), Code::kInvalidArgument);
  EXPECT_NE(huge.status().message().find("number overflow"), std::string::npos) << huge.status().message();
  auto big = ParseJson(std::string(2000, ' '), {.max_bytes = 1000, .max_depth = 32});
  EXPECT_EQ(big.status().code(), Code::kResourceExhausted);
}

// Found by share_file_fuzz: get<int>() on 1e300 is undefined behaviour (UBSan stopped
// the fuzzer); IntegerIn refuses every number that is not a whole one in range.
TEST(JsonTest, IntegersFromElsewhereAreCheckedNotCast) {
  const Json doc = Json::parse(R"({"a": 7, "huge": 1e300, "half": 1.5, "big": 18446744073709551615, "s": "7"})");
  auto a = IntegerIn(doc["a"], "a", 1, 10);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(*a, 7);
  EXPECT_EQ(IntegerIn(doc["huge"], "huge", 0, 10).status().message(), "huge: expected an integer");
  EXPECT_EQ(IntegerIn(doc["half"], "half", 0, 10).status().message(), "half: expected an integer");
  EXPECT_EQ(IntegerIn(doc["s"], "s", 0, 10).status().message(), "s: expected an integer");
  EXPECT_EQ(IntegerIn(doc["big"], "big", 0, INT64_MAX).status().message(), "big: out of range");
  EXPECT_EQ(IntegerIn(doc["a"], "a", 8, 10).status().message(), "a: 7 is outside 8..10");
  EXPECT_EQ(IntOr(doc, "huge", -1), -1);  // the lenient reader falls back instead
}

TEST(MetricsTest, ReportsTheProcesssThreadsAndMemory) {
  std::thread extra([] { std::this_thread::sleep_for(std::chrono::milliseconds(200)); });
  std::string text = Metrics().Render();
  extra.join();
  size_t at = text.find("\nriik_process_threads ");
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_GE(std::stoi(text.substr(at + 22)), 2);  // this thread and `extra`
  at = text.find("\nriik_process_resident_bytes ");
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_GT(std::stod(text.substr(at + 29)), 1e5);
}

TEST(MetricsTest, RendersPrometheusText) {
  MetricsRegistry m;
  m.GetCounter("riik_test_total", "A test counter", {{"k", "v\"q"}}).Add(3);
  m.GetGauge("riik_test_gauge", "A gauge").Set(-2);
  m.SetCallbackGauge("riik_test_cb", "A callback", {}, [] { return 1.5; });
  std::string text = m.Render();
  EXPECT_NE(text.find("# TYPE riik_test_total counter\nriik_test_total{k=\"v\\\"q\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("riik_test_gauge -2\n"), std::string::npos);
  EXPECT_NE(text.find("riik_test_cb 1.5\n"), std::string::npos);
  m.RemoveCallbackGauge("riik_test_cb", {});
  EXPECT_EQ(m.Render().find("riik_test_cb 1.5"), std::string::npos);
}

TEST(LogTest, RedactsPersonalCodesAndQueries) {
  EXPECT_EQ(RedactForLog("/r1/EE/GOV/70000310/population/person/38001085718?x=49002124277"),
            "/r1/EE/GOV/70000310/population/person/<code>");
  EXPECT_EQ(RedactForLog("/v1/stores/node/journal"), "/v1/stores/node/journal");
  EXPECT_EQ(RedactForLog("/a/123456789012"), "/a/123456789012");
  EXPECT_FALSE(ParseLogFormat("yaml").ok());
}

TEST(StatusTest, ContextAndMacros) {
  auto fails = []() -> Result<int> { return NotFound("no such person"); };
  auto uses = [&]() -> Status {
    ASSIGN_OR_RETURN(int v, fails());
    (void)v;
    return OkStatus();
  };
  Status s = uses().WithContext("looking up");
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_EQ(s.ToString(), "not_found: looking up: no such person");
}

}  // namespace
}  // namespace riik

namespace riik {
namespace {

TEST(ThreadPoolTest, AThrowingTaskLeavesTheWorkersRunning) {
  ThreadPool pool(1);
  std::atomic<int> ran{0};
  pool.Submit([] { throw std::runtime_error("a bug in one task"); });
  pool.Submit([&] { ++ran; });
  pool.Stop();
  EXPECT_EQ(ran.load(), 1);
}

TEST(EncodingTest, ShownTextKeepsWordsAndReplacesWhatATerminalWouldActOn) {
  const std::string replacement = "\xEF\xBF\xBD";
  EXPECT_EQ(ShownText("Maksu- ja Tolliamet: tuludeklaratsioon õ"), "Maksu- ja Tolliamet: tuludeklaratsioon õ");
  EXPECT_EQ(ShownText("\x1b[2Jcleared"), replacement + "[2Jcleared");       // C0: ESC
  EXPECT_EQ(ShownText("a\nb\x7f"), "a" + replacement + "b" + replacement);  // newline, DEL
  EXPECT_EQ(ShownText("\xC2\x9B"
                      "31m"),
            replacement + replacement + "31m");                 // C1: CSI
  EXPECT_EQ(ShownText("\xFF\xC3"), replacement + replacement);  // not UTF-8
}

TEST(EncodingTest, Utf8PrefixNeverSplitsACharacter) {
  EXPECT_EQ(Utf8Prefix("Jõeorg", 2), "J");  // "õ" is two bytes
  EXPECT_EQ(Utf8Prefix("Jõeorg", 3), "Jõ");
  EXPECT_EQ(Utf8Prefix("abc", 10), "abc");
}

TEST(ClockTest, AMonotonicClockNeverGoesBack) {
  UnixMicros system = 1000;
  auto clock = std::make_shared<MonotonicClock>([&] { return system; });
  Clock read = ReadingOf(clock);
  EXPECT_EQ(read(), 1000);
  system = 400;  // the system clock steps back
  EXPECT_EQ(read(), 1000);
  system = 1200;
  EXPECT_EQ(read(), 1200);
  clock->NotBefore(5000);  // a time already recorded elsewhere
  EXPECT_EQ(clock->Now(), 5000);
  clock->NotBefore(10);
  EXPECT_EQ(read(), 5000);
}

TEST(ClockTest, DocumentTimesAndDatesAreStrict) {
  auto t = ParseRfc3339Utc("2027-03-01T20:00:00Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatRfc3339(*t), "2027-03-01T20:00:00.000000Z");
  EXPECT_EQ(*ParseRfc3339Utc("1970-01-01T00:00:01Z"), 1000000);
  EXPECT_EQ(*ParseIsoDate("2000-02-29"), 11016);
  EXPECT_EQ(*ParseIsoDate("1969-12-31"), -1);
  for (const char* bad : {"2027-03-01 20:00:00Z", "2027-03-01T20:00:00", "2027-03-01T20:00:00+02:00",
                          "2027-03-01T24:00:00Z", "2027-02-29T10:00:00Z", "2027-3-01T20:00:00Z", ""}) {
    EXPECT_FALSE(ParseRfc3339Utc(bad).ok()) << bad;
  }
  EXPECT_NE(ParseIsoDate("2026-04-31").status().message().find("no such date"), std::string::npos);
  EXPECT_FALSE(ParseIsoDate("2026-13-01").ok());
  EXPECT_FALSE(ParseIsoDate("20x6-01-01").ok());
}

}  // namespace
}  // namespace riik
