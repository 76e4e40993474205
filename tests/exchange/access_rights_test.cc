// Where grants must say no: a path-scoped grant covers its prefix at segment
// boundaries only, and neither a grant nor a request path may use dot segments, a
// query, or encoded separators to name another resource.
#include "exchange/access_rights.h"

#include <gtest/gtest.h>

namespace riik::exchange {
namespace {

TEST(AccessRightsTest, APathGrantCoversItsPrefixAtSegmentBoundariesOnly) {
  EXPECT_TRUE(PathWithin("/persons", "/persons"));
  EXPECT_TRUE(PathWithin("/persons/38001085718", "/persons"));
  EXPECT_FALSE(PathWithin("/personsX", "/persons"));
  EXPECT_FALSE(PathWithin("/personsX/38001085718", "/persons"));
  EXPECT_FALSE(PathWithin("/companies/10000811", "/persons"));
  EXPECT_FALSE(PathWithin("", "/persons"));
  EXPECT_TRUE(PathWithin("/anything", ""));  // no prefix: the whole service
}

TEST(AccessRightsTest, AGrantWithDotSegmentsOrAQueryIsRefused) {
  auto grant = [](std::string path) {
    return AccessGrant{*ParseServiceId("EE/GOV/70000013/population/person"), *ParseClientId("EE/GOV/70000349/tax"),
                       "GET", std::move(path), 0};
  };
  EXPECT_TRUE(CheckGrant(grant("/persons")).ok());
  for (const char* bad : {"/persons/..", "/../admin", "/persons/./x", "/persons?all=1", "persons"}) {
    Status st = CheckGrant(grant(bad));
    EXPECT_EQ(st.code(), Code::kInvalidArgument) << bad;
  }
}

TEST(AccessRightsTest, ARequestPathCannotEscapeItsPrefixOnceDecoded) {
  EXPECT_TRUE(CheckRequestPath("/persons/38001085718").ok());
  for (const char* bad : {"/persons/../admin", "/persons/%2e%2e/admin", "/persons%2Fadmin", "/persons%5cadmin",
                          "/persons/%00", "/persons/."}) {
    EXPECT_FALSE(CheckRequestPath(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace riik::exchange
