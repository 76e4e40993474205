// Values from untrusted JSON (replicas, restore): types and ranges are checked.
#include "store/value.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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

}  // namespace
}  // namespace riik::store
