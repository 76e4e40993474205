// multipart/form-data as browsers send it, and as they must not.
#include "net/multipart.h"

#include <gtest/gtest.h>

namespace riik::net {
namespace {

constexpr const char* kType = "multipart/form-data; boundary=----WebKitFormBoundaryX3d";

TEST(Multipart, AFormWithAFileAsChromiumSendsIt) {
  std::string body =
      "------WebKitFormBoundaryX3d\r\n"
      "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
      "tok\r\n"
      "------WebKitFormBoundaryX3d\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"C:\\Users\\me\\leping.txt\"\r\n"
      "Content-Type: text/plain\r\n\r\n"
      "line one\r\n--not the boundary\r\nline three\r\n"
      "------WebKitFormBoundaryX3d--\r\n";
  auto parts = ParseMultipart(kType, body);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "csrf");
  EXPECT_EQ((*parts)[0].content, "tok");
  EXPECT_EQ((*parts)[0].filename, "");
  EXPECT_EQ((*parts)[1].name, "file");
  EXPECT_EQ((*parts)[1].filename, "leping.txt") << "only the last path segment";
  EXPECT_EQ((*parts)[1].content_type, "text/plain");
  EXPECT_EQ((*parts)[1].content, "line one\r\n--not the boundary\r\nline three");
}

TEST(Multipart, QuotedNamesAsBrowsersEncodeThem) {
  // HTML's form encoding: '"' as %22, a backslash as it is (a name may end in one).
  std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"say %22hi%22.txt\"\r\n\r\nx\r\n"
      "--b\r\nContent-Disposition: form-data; name=\"g\"; filename=\"dir\\\"\r\n\r\ny\r\n--b--";
  auto parts = ParseMultipart("multipart/form-data; boundary=b", body);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ((*parts)[0].filename, "say \"hi\".txt");
  EXPECT_EQ((*parts)[1].filename, "") << "a name that is only a path ending in a backslash has no file name";
  auto crlf = ParseMultipart("multipart/form-data; boundary=b",
                             "--b\r\nContent-Disposition: form-data; name=f; filename=\"a%0Ab\"\r\n\r\nv\r\n--b--");
  EXPECT_FALSE(crlf.ok()) << "a line break in a file name";
}

TEST(Multipart, BinaryContentAndAQuotedBoundary) {
  std::string content("\0\r\n\xff--", 6);
  std::string body =
      "preamble\r\n--b\r\nContent-Disposition: form-data; name=f; filename=\"a.bin\"\r\n\r\n" + content + "\r\n--b--";
  auto parts = ParseMultipart("multipart/form-data; boundary=\"b\"", body);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].content, content);
}

TEST(Multipart, WhatIsWrongIsSaid) {
  auto refused = [](std::string_view type, std::string_view body, size_t max_parts = 16) {
    auto r = ParseMultipart(type, body, max_parts);
    return r.ok() ? std::string("accepted") : std::string(r.status().message());
  };
  const std::string part = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nv\r\n";
  EXPECT_EQ(refused("application/json", part + "--b--"), "the body is not multipart/form-data");
  EXPECT_EQ(refused("multipart/form-data", part + "--b--"), "multipart/form-data without a valid boundary");
  EXPECT_EQ(refused("multipart/form-data; boundary=" + std::string(71, 'b'), ""),
            "multipart/form-data without a valid boundary");
  EXPECT_EQ(refused("multipart/form-data; boundary=b", "nothing here"), "the body has no delimiter line");
  EXPECT_EQ(refused("multipart/form-data; boundary=b", part), "a part is not closed by a delimiter");
  EXPECT_EQ(refused("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data\r\n\r\nv\r\n--b--"),
            "a part has no Content-Disposition with a name");
  EXPECT_EQ(
      refused("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: attachment; name=x\r\n\r\nv\r\n--b--"),
      "a part's Content-Disposition is not form-data");
  EXPECT_EQ(
      refused("multipart/form-data; boundary=b", "--b\r\nX-Long: " + std::string(3000, 'a') + "\r\n\r\nv\r\n--b--"),
      "a part's headers are over 2 KiB or not ended by a blank line");
  EXPECT_EQ(
      refused("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"x\r\n\r\nv\r\n--b--"),
      "a quoted parameter of name is not closed");
  EXPECT_EQ(refused("multipart/form-data; boundary=b",
                    "--b\r\nContent-Disposition: form-data; name=f; filename=\"a\x01.txt\"\r\n\r\nv\r\n--b--"),
            "a file name is not plain UTF-8 text");
  EXPECT_EQ(refused("multipart/form-data; boundary=b", "--bX\r\n"), "a delimiter line is not followed by CRLF");
  EXPECT_EQ(refused("multipart/form-data; boundary=b", part + part + "--b--", 1), "the form has over 1 parts");
}

}  // namespace
}  // namespace riik::net
