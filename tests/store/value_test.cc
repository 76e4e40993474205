// Values from untrusted JSON (replicas, restore): types and ranges are checked.
#include "store/value.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "core/json.h"
#include "store/canonical_row.h"

namespace riik::store {
namespace {

TEST(ValueTest, IntegersBeyondInt64AreRefused) {
  Column c{"n", ColumnType::kInt};
  auto too_big = ValueFromJson(Json::parse("18446744073709551615"), c);
  EXPECT_EQ(too_big.status().code(), Code::kInvalidArgument);
  EXPECT_NE(too_big.status().message().find("64-bit signed range"), std::string::npos);
  auto max = ValueFromJson(Json::parse("9223372036854775807"), c);
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(std::get<int64_t>(*max), INT64_MAX);
  EXPECT_TRUE(ValueFromJson(Json::parse("-9223372036854775808"), c).ok());
  EXPECT_FALSE(ValueFromJson(Json::parse("1.0"), c).ok());
  EXPECT_FALSE(ValueFromJson(Json::parse("\"1\""), c).ok());
}

TEST(ValueTest, BlobsMustBeStrictBase64) {
  Column c{"b", ColumnType::kBlob};
  EXPECT_TRUE(ValueFromJson(Json::parse("\"AP8Q\""), c).ok());
  EXPECT_FALSE(ValueFromJson(Json::parse("\"AP8\""), c).ok());
  EXPECT_FALSE(ValueFromJson(Json::parse("null"), c).ok());  // not nullable
}

// The journal's hash covers the canonical JSON of every change: the direct writer must
// give exactly the bytes the JSON library's canonical form gives, for every kind of value.
TEST(ValueTest, CanonicalRowIsByteForByteTheCanonicalJson) {
  std::mt19937_64 rng(7);
  const std::string alphabet[] = {"a", "Z", "0", " ", "\"", "\\", "/", "\b", "\f", "\n", "\r", "\t", "\x01", "\x1f",
                                  "\x7f", "õ", "Ž", "€", "𝄞", "{", "}", ",", ":"};
  for (int round = 0; round < 2000; ++round) {
    Row row;
    int columns = static_cast<int>(rng() % 6);
    for (int c = 0; c < columns; ++c) {
      std::string name = std::string(1, static_cast<char>('a' + rng() % 26)) + std::to_string(rng() % 100);
      switch (rng() % 4) {
        case 0: row[name] = Value{}; break;
        case 1: row[name] = static_cast<int64_t>(rng()); break;
        case 2: {
          std::string text;
          for (int k = static_cast<int>(rng() % 12); k > 0; --k) text += alphabet[rng() % std::size(alphabet)];
          row[name] = text;
          break;
        }
        default: {
          std::string bytes;
          for (int k = static_cast<int>(rng() % 9); k > 0; --k) bytes.push_back(static_cast<char>(rng()));
          row[name] = Blob{bytes};
        }
      }
    }
    std::string direct;
    AppendCanonicalRow(direct, row);
    auto expected = CanonicalJson(RowToJson(row));
    ASSERT_TRUE(expected.ok());
    ASSERT_EQ(direct, *expected);
  }
}

}  // namespace
}  // namespace riik::store
