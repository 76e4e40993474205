// The ASiC-E structure and the ZIP underneath: what riik writes is what DigiDoc expects
// (mimetype first, stored, no extra field), and every structural fault and hostile
// archive is refused with its reason.
#include "sign/container.h"

#include <gtest/gtest.h>

#include "sign/manifest.h"
#include "sign/xml.h"
#include "sign/zip_archive.h"

namespace riik::sign {
namespace {

Container OneFile() {
  Container c;
  c.files.push_back(DataFile{"avaldus.txt", "text/plain", "Palun muuta minu aadress.\n"});
  return c;
}

std::string Bytes(const Container& c) {
  auto bytes = WriteContainer(c);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : "";
}

// The container's entries rewritten by `edit`, then zipped again.
template <typename Edit>
std::string Rezip(const std::string& bytes, Edit edit) {
  auto entries = ReadZip(bytes);
  EXPECT_TRUE(entries.ok()) << entries.status().ToString();
  if (!entries.ok()) return "";
  edit(*entries);
  auto out = WriteZip(*entries);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : "";
}

std::string ReadError(const std::string& bytes) {
  auto c = ReadContainer(bytes);
  return c.ok() ? "accepted" : c.status().message();
}

TEST(ContainerTest, WritesMimetypeFirstStoredWithoutExtraFieldAndReadsBack) {
  std::string bytes = Bytes(OneFile());
  // The ASiC magic: "mimetype" at offset 30 and the media type at 38, as `file` knows it.
  ASSERT_GT(bytes.size(), 70u);
  EXPECT_EQ(bytes.substr(30, 8), "mimetype");
  EXPECT_EQ(bytes.substr(38, 31), "application/vnd.etsi.asic-e+zip");
  auto c = ReadContainer(bytes);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->files.size(), 1u);
  EXPECT_EQ(c->files[0].name, "avaldus.txt");
  EXPECT_EQ(c->files[0].media_type, "text/plain");
  EXPECT_EQ(c->files[0].content, "Palun muuta minu aadress.\n");
  EXPECT_TRUE(c->signatures.empty());
}

// EN 319 162-1 lets a producer keep files of its own under META-INF/: they are named,
// not read as data, and not written back.
TEST(ContainerTest, OtherMetadataIsNamedNotRead) {
  std::string bytes = Rezip(Bytes(OneFile()), [](auto& e) { e.push_back(ZipEntry{"META-INF/notes.txt", "x", false}); });
  auto c = ReadContainer(bytes);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->unsigned_metadata, std::vector<std::string>{"META-INF/notes.txt"});
  ASSERT_EQ(c->files.size(), 1u);
  auto again = ReadContainer(Bytes(*c));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->unsigned_metadata.empty());
}

TEST(ContainerTest, StructuralFaultsAreNamed) {
  std::string good = Bytes(OneFile());
  EXPECT_NE(ReadError(Rezip(good, [](auto& e) { std::swap(e[0], e[1]); })).find("begins with \"mimetype\""),
            std::string::npos);
  EXPECT_NE(ReadError(Rezip(good, [](auto& e) { e[0].stored = false; })).find("compressed"), std::string::npos);
  EXPECT_NE(ReadError(Rezip(good, [](auto& e) { e[0].content = "application/zip"; })).find("mimetype is"),
            std::string::npos);
  EXPECT_NE(ReadError(Rezip(good, [](auto& e) { e.erase(e.begin() + 1); })).find("no META-INF/manifest.xml"),
            std::string::npos);
  // A file the manifest does not list, and a listed file that is missing.
  EXPECT_NE(ReadError(Rezip(good,
                            [](auto& e) {
                              e.push_back({"lisa.txt", "extra", false});
                            }))
                .find("\"lisa.txt\", which the manifest does not list"),
            std::string::npos);
  EXPECT_NE(ReadError(Rezip(good, [](auto& e) { e.pop_back(); })).find("lists \"avaldus.txt\", which is not in"),
            std::string::npos);
  std::string cut("PK\x03\x04", 4);
  cut += std::string(22, '\0') + "\xff\xff" + std::string(2, '\0') + "mimetype";
  EXPECT_NE(ReadError(cut).find("cut short"), std::string::npos) << ReadError(cut);
  EXPECT_NE(ReadError("%PDF-1.7").find("does not begin with a ZIP entry"), std::string::npos);
}

TEST(ContainerTest, ManifestFaultsAreNamed) {
  auto err = [](const std::string& xml) {
    auto m = ParseManifest(xml);
    return m.ok() ? std::string("accepted") : m.status().message();
  };
  std::string ns = "xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\"";
  EXPECT_NE(err("<manifest:manifest " + ns + "/>").find("no entry for the container itself"), std::string::npos);
  EXPECT_NE(err("<manifest:manifest " + ns +
                "><manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/zip\"/>"
                "</manifest:manifest>")
                .find("media type \"application/zip\""),
            std::string::npos);
  EXPECT_NE(err("<manifest:manifest " + ns + "><manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"" +
                std::string(kAsicMediaType) +
                "\"/><manifest:file-entry manifest:full-path=\"a\" manifest:media-type=\"text/plain\"/>"
                "<manifest:file-entry manifest:full-path=\"a\" manifest:media-type=\"text/plain\"/>"
                "</manifest:manifest>")
                .find("lists \"a\" twice"),
            std::string::npos);
  EXPECT_NE(err("<x/>").find("root is not"), std::string::npos);
  EXPECT_NE(err("<a>").find("not well-formed"), std::string::npos);
}

TEST(ContainerTest, HostileNamesAreRefused) {
  std::string good = Bytes(OneFile());
  for (const char* name : {"../etc/passwd", "/etc/passwd", "a/../../b", "C:evil", "a\\b", "a//b", "./a"}) {
    // libzip would refuse some of these when writing; build the entry list by hand.
    EXPECT_FALSE(CheckEntryName(name).ok()) << name;
  }
  EXPECT_NE(CheckEntryName("a\x01z").message().find("control character"), std::string::npos);
  EXPECT_NE(CheckEntryName("\xff\xfe").message().find("not UTF-8"), std::string::npos);
  EXPECT_TRUE(CheckEntryName("tuludeklaratsioon 2026 – lõplik.pdf").ok());
  // Names that collide (exactly, or but for case) are refused when read.
  std::string twice = Rezip(good, [](auto& e) { e.push_back({"AVALDUS.txt", "x", false}); });
  EXPECT_NE(ReadError(twice).find("two entries named \"AVALDUS.txt\""), std::string::npos);
}

TEST(ContainerTest, ZipBombsAndLimitsAreCaught) {
  // 20 MiB of zeros deflate to ~20 KiB: a ratio of about 1,000.
  std::vector<ZipEntry> bomb = {{"mimetype", std::string(kAsicMediaType), true},
                                {"zeros.bin", std::string(20u << 20, '\0'), false}};
  auto bytes = WriteZip(bomb);
  ASSERT_TRUE(bytes.ok());
  EXPECT_LT(bytes->size(), 100u << 10);
  auto read = ReadZip(*bytes);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), Code::kResourceExhausted);
  EXPECT_NE(read.status().message().find("ZIP bomb"), std::string::npos) << read.status().ToString();

  ZipLimits small;
  small.max_entries = 2;
  std::string good = Bytes(OneFile());
  EXPECT_EQ(ReadZip(good, small).status().code(), Code::kResourceExhausted);
  small = ZipLimits{};
  small.max_archive_bytes = 100;
  EXPECT_NE(ReadZip(good, small).status().message().find("larger than 100 bytes"), std::string::npos);
  small = ZipLimits{};
  small.max_total_bytes = 200;
  EXPECT_NE(ReadZip(good, small).status().message().find("in all"), std::string::npos);
}

TEST(ContainerTest, DamagedEntriesAreNamed) {
  std::string bytes = Bytes(OneFile());
  // Flip a byte inside the deflated content of the data file (after its local header).
  size_t at = bytes.find("avaldus.txt", 100);
  ASSERT_NE(at, std::string::npos);
  bytes[at + 11 + 2] ^= 0x55;
  auto read = ReadZip(bytes);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("avaldus.txt"), std::string::npos) << read.status().ToString();
}

TEST(XmlTest, DtdsAndEntitiesAreRefusedBeforeParsing) {
  std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]>"
      "<lolz>&lol2;</lolz>";
  auto doc = ParseXml(laughs, "the test");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("DTDs and entities are refused"), std::string::npos);
  std::string external = "<!DOCTYPE x SYSTEM \"file:///etc/passwd\"><x/>";
  EXPECT_FALSE(ParseXml(external, "the test").ok());
  EXPECT_NE(ParseXml("<a>&undefined;</a>", "the test").status().message().find("not well-formed"), std::string::npos);
  EXPECT_EQ(ParseXml(std::string(100, ' '), "x", 10).status().code(), Code::kResourceExhausted);
  std::string utf16("\xff\xfe<\0x\0/\0>\0", 10);
  EXPECT_NE(ParseXml(utf16, "the test").status().message().find("not UTF-8"), std::string::npos);
}

TEST(XmlTest, CanonicalFormOfASubtreeCarriesItsInScopeNamespaces) {
  auto doc =
      ParseXml("<r:root xmlns:r=\"urn:r\" xmlns:d=\"urn:d\"><d:a Id=\"x\" b=\"2\"  a=\"1\"><d:b/></d:a></r:root>", "t");
  ASSERT_TRUE(doc.ok());
  auto a = FindById(xmlDocGetRootElement(doc->get()), "x");
  ASSERT_TRUE(a.ok());
  auto c14n = Canonicalize(*a, C14n::k11);
  ASSERT_TRUE(c14n.ok());
  EXPECT_EQ(*c14n, "<d:a xmlns:d=\"urn:d\" xmlns:r=\"urn:r\" Id=\"x\" a=\"1\" b=\"2\"><d:b></d:b></d:a>");
  auto exclusive = Canonicalize(*a, C14n::kExclusive);
  ASSERT_TRUE(exclusive.ok());
  EXPECT_EQ(*exclusive, "<d:a xmlns:d=\"urn:d\" Id=\"x\" a=\"1\" b=\"2\"><d:b></d:b></d:a>");
  // Two elements with one Id: a signature-wrapping attempt, refused.
  auto twice = ParseXml("<r><a Id=\"x\"/><b Id=\"x\"/></r>", "t");
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(FindById(xmlDocGetRootElement(twice->get()), "x").status().code(), Code::kInvalidArgument);
}

// xsd:dateTime in UTC only: a fraction is dropped, any other zone is refused, also one
// hidden before a final "Z".
TEST(XsdDateTimeTest, ReadsUtcOnly) {
  EXPECT_EQ(ParseXsdDateTime("2026-12-03T08:15:00Z"), std::optional<UnixMicros>(1'796'285'700'000'000));
  EXPECT_EQ(ParseXsdDateTime("2026-12-03T08:15:00.250Z"), std::optional<UnixMicros>(1'796'285'700'000'000));
  for (const char* bad : {"2026-12-03T08:15:00+02:00", "2026-12-03T08:15:00+05:00Z", "2026-12-03T08:15:00.Z",
                          "2026-1-3T08:15:00.000Z", "2026-12-03 08:15:00Z", "2026-13-03T08:15:00Z"})
    EXPECT_FALSE(ParseXsdDateTime(bad).has_value()) << bad;
}

}  // namespace
}  // namespace riik::sign
