// The data tracker: accesses recorded in a signed, timestamped Merkle log; a person's
// listing verifies offline, and against the previous listing a removed or changed
// record, a rewritten log or a mismatched head is caught.
#include "tracker/tracker.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "support/pg_cluster.h"
#include "tracker/listing.h"
#include "transparency/log_fixture.h"

namespace riik::tracker {
namespace {

constexpr const char* kRegistry = "EE/COM/10060701/bank";
constexpr const char* kPerson = "38001085718";
constexpr const char* kOther = "49403136526";

class TrackerTest : public transparency::LogFixture {
 protected:
  void OpenTracker() {
    auto t = Tracker::Open(*store_, kRegistry, Options());
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    tracker_ = std::move(*t);
  }
  void TearDown() override {
    tracker_.reset();
    transparency::LogFixture::TearDown();
  }

  static AccessRecord Access(const std::string& person, int n) {
    return {person,
            kRegistry,
            "interest",
            {"interest earned"},
            "EE/GOV/70000349/tax",
            "EE" + person,
            "Income Tax Act: pre-filled income tax return for 2024",
            "xr-" + std::to_string(n),
            1'790'000'000'000'000 + n};
  }

  // The listing once every head is timestamped.
  std::string Listing(const std::string& person, int64_t since) {
    for (int i = 0; i < 1000 && tracker_->log().pending_timestamps() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    auto doc = tracker_->Listing(person, since);
    EXPECT_TRUE(doc.ok()) << doc.status().ToString();
    return doc.ok() ? *CanonicalJson(*doc) : "";
  }

  X509* root() { return ca_->root_certificate(); }
  std::unique_ptr<Tracker> tracker_;
};

TEST_F(TrackerTest, AccessesAreListedPerPersonWithProofsThatVerifyOffline) {
  OpenTracker();
  for (int n = 0; n < 3; ++n) ASSERT_TRUE(tracker_->Record(Access(kPerson, n)).ok());
  ASSERT_TRUE(tracker_->Record(Access(kOther, 9)).ok());
  std::string text = Listing(kPerson, 0);
  auto v = CheckListing(text, root());
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->person, kPerson);
  EXPECT_EQ(v->log_id, "tracker:EE/COM/10060701/bank");
  ASSERT_EQ(v->entries.size(), 3u);
  EXPECT_EQ(v->entries[2].record.xroad_id, "xr-2");
  EXPECT_EQ(v->size, 4);
  auto other = CheckListing(Listing(kOther, 0), root());
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->entries.size(), 1u);
  EXPECT_TRUE(tracker_->Verify().ok()) << tracker_->Verify().ToString();
  // A listing of someone nobody asked about: empty, but still under a signed head.
  auto nobody = CheckListing(Listing("36107212142", 0), root());
  ASSERT_TRUE(nobody.ok());
  EXPECT_TRUE(nobody->entries.empty());
}

TEST_F(TrackerTest, ALaterListingExtendsTheEarlierOneAndARemovedRecordIsCaught) {
  OpenTracker();
  for (int n = 0; n < 2; ++n) ASSERT_TRUE(tracker_->Record(Access(kPerson, n)).ok());
  std::string first = Listing(kPerson, 0);
  auto v1 = CheckListing(first, root());
  ASSERT_TRUE(v1.ok());
  ASSERT_TRUE(tracker_->Record(Access(kOther, 5)).ok());
  ASSERT_TRUE(tracker_->Record(Access(kPerson, 6)).ok());
  auto v2 = CheckListing(Listing(kPerson, v1->size), root(), &*v1);
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EXPECT_EQ(v2->entries.size(), 3u);

  // A consistency proof from another size than the previous head's is refused.
  auto wrong_since = CheckListing(Listing(kPerson, 1), root(), &*v1);
  EXPECT_FALSE(wrong_since.ok());
  EXPECT_NE(wrong_since.status().message().find("since_size=2"), std::string::npos) << wrong_since.status().ToString();

  // Someone with database access deletes the first record, and its row in the key index.
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DELETE FROM signed_log_batches WHERE first_index = 0").ok());
  ASSERT_TRUE(riik::testing::ExecRaw(store_url_, "DELETE FROM signed_log_keys WHERE leaf_index = 0").ok());
  auto after = CheckListing(Listing(kPerson, v2->size), root(), &*v2);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.status().code(), Code::kDataLoss);
  EXPECT_NE(after.status().message().find("record 0, listed before, is missing now"), std::string::npos)
      << after.status().ToString();
  Status whole = tracker_->Verify();
  EXPECT_EQ(whole.code(), Code::kDataLoss);
  EXPECT_NE(whole.message().find("leaf 0 is missing"), std::string::npos) << whole.ToString();
}

TEST_F(TrackerTest, AChangedByteOrAForeignRecordFails) {
  OpenTracker();
  ASSERT_TRUE(tracker_->Record(Access(kPerson, 0)).ok());
  std::string text = Listing(kPerson, 0);
  ASSERT_TRUE(CheckListing(text, root()).ok());
  std::string other_client = text;
  size_t at = other_client.find("EE/GOV/70000349/tax");
  ASSERT_NE(at, std::string::npos);
  other_client[at + 7] = '9';  // the record now names another client
  EXPECT_FALSE(CheckListing(other_client, root()).ok());
  Json doc = Json::parse(text);
  doc["person"] = kOther;  // someone else's listing, relabelled
  auto relabelled = CheckListing(*CanonicalJson(doc), root());
  EXPECT_FALSE(relabelled.ok());
  EXPECT_NE(relabelled.status().message().find("another person"), std::string::npos) << relabelled.status().ToString();
  EXPECT_FALSE(CheckListing(text.substr(0, text.size() / 2), root()).ok());
}

TEST(AccessRecordTest, InvalidRecordsAreRefused) {
  AccessRecord r{"38001085719", kRegistry, "interest", {}, "c", "", "", "", 1};
  EXPECT_NE(AccessLeaf(r).status().message().find("person"), std::string::npos);
  r.person = kPerson;
  r.time_us = 0;
  EXPECT_FALSE(AccessLeaf(r).ok());
  r.time_us = 5;
  ASSERT_TRUE(AccessLeaf(r).ok());
  EXPECT_EQ(CheckAccessLeaf(kOther, *AccessLeaf(r)).code(), Code::kDataLoss);
  EXPECT_TRUE(CheckAccessLeaf(kPerson, *AccessLeaf(r)).ok());
  // A stored leaf with nine fields but not the right ones (found by reading: a const
  // operator[] on a missing key is undefined behaviour), or a float time, is refused.
  Json leaf = Json::parse(*AccessLeaf(r));
  leaf.erase("fields");
  leaf.erase("time_us");
  leaf["a"] = 1;
  leaf["b"] = 2;
  Status odd = CheckAccessLeaf(kPerson, leaf.dump());
  EXPECT_FALSE(odd.ok());
  EXPECT_NE(odd.message().find("fields"), std::string::npos) << odd.ToString();
  leaf = Json::parse(*AccessLeaf(r));
  leaf["time_us"] = 1e300;
  EXPECT_NE(CheckAccessLeaf(kPerson, leaf.dump()).message().find("time_us: expected an integer"), std::string::npos);
}

// Writes fuzz/tracker_listing_corpus (RIIK_TRACKER_CORPUS) and prints the test root to
// paste into fuzz/tracker_listing_fuzz.cc:
//   RIIK_TRACKER_CORPUS=fuzz/tracker_listing_corpus build/release/tests/tracker_test
//     --gtest_also_run_disabled_tests --gtest_filter='*WriteFuzzCorpus'
TEST_F(TrackerTest, DISABLED_WriteFuzzCorpus) {
  const char* dir = std::getenv("RIIK_TRACKER_CORPUS");
  ASSERT_NE(dir, nullptr);
  OpenTracker();
  for (int n = 0; n < 2; ++n) ASSERT_TRUE(tracker_->Record(Access(kPerson, n)).ok());
  std::string text = Listing(kPerson, 0);
  auto write = [&](const std::string& name, const std::string& body) {
    std::ofstream(std::string(dir) + "/" + name, std::ios::binary) << body;
  };
  write("valid_listing.json", text);
  Json doc = Json::parse(text);
  doc["entries"].erase(0);
  write("one_entry.json", *CanonicalJson(doc));
  doc = Json::parse(text);
  doc["consistency"]["from_size"] = 1;
  doc["consistency"]["proof"] = Json::array({std::string(64, 'a')});
  write("from_one.json", *CanonicalJson(doc));
  write("truncated.json", text.substr(0, text.size() / 3));
  write("not_an_object.json", "\"listing\"");
  std::cout << CertificatePem(ca_->root_certificate());
}

}  // namespace
}  // namespace riik::tracker
