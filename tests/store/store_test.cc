// The Store suite: every test runs on SQLite and on PostgreSQL.
#include "store/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "core/file.h"
#include "core/metrics.h"
#include "support/pg_cluster.h"
#include "support/temp_dir.h"

namespace riik::store {
namespace {

using riik::testing::TempDir;

TableSchema PersonTable() {
  return TableSchema{"person",
                     {{"code", ColumnType::kText},
                      {"name", ColumnType::kText},
                      {"born", ColumnType::kInt},
                      {"photo", ColumnType::kBlob, true}},
                     {"code"},
                     {{"name"}}};
}

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      url_ = "sqlite:" + dir_ / "store.db";
    } else {
      auto url = riik::testing::NewTestDatabase();
      ASSERT_TRUE(url.ok()) << url.status().ToString();
      url_ = *url;
    }
    store_ = Open("population");
  }

  std::unique_ptr<Store> Open(const std::string& node) {
    auto s = Store::Open(StoreOptions{url_, node, [this] { return ++fake_time_; }});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }

  Status PutPerson(const std::string& code, const std::string& name, int64_t born) {
    return store_->Write([&](WriteTxn& t) {
                   return t.Put("person", {{"code", code}, {"name", name}, {"born", born}});
                 })
        .status();
  }

  TempDir dir_;
  std::string url_;
  int64_t fake_time_ = 1'700'000'000'000'000;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, EmptyStoreHasGenesisHead) {
  JournalHead h = store_->Head();
  EXPECT_EQ(h.seq, 0);
  EXPECT_EQ(h.hash, GenesisHash());
  auto v = store_->VerifyJournal(true);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->status.ok());
  EXPECT_EQ(v->entries, 0);
}

TEST_P(StoreTest, WriteAppendsOneChainedEntryPerTransaction) {
  ASSERT_TRUE(store_->EnsureTables({PersonTable()}).ok());
  ASSERT_TRUE(PutPerson("38001085718", "Mari", 1980).ok());
  auto h = store_->Write([](WriteTxn& t) -> Status {
    RETURN_IF_ERROR(t.Put(
        "person", {{"code", std::string("49002124277")}, {"name", std::string("Jaan")}, {"born", int64_t{1990}}}));
    return t.Put("person", {{"code", std::string("50001010006")},
                            {"name", std::string("Kati")},
                            {"born", int64_t{2000}},
                            {"photo", Blob{std::string("\x00\xff\x10", 3)}}});
  });
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->seq, 3);  // create_table, one put, two puts
  auto entries = store_->ReadJournal(0, 100);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].prev_hash, GenesisHash());
  EXPECT_EQ((*entries)[1].prev_hash, (*entries)[0].hash);
  EXPECT_EQ((*entries)[2].prev_hash, (*entries)[1].hash);
  EXPECT_EQ((*entries)[2].hash, h->hash);
  EXPECT_EQ((*entries)[2].node, "population");
  auto changes = nlohmann::json::parse((*entries)[2].changes);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1]["op"], "put");
  EXPECT_EQ(changes[1]["row"]["photo"], "AP8Q");

  auto row = store_->Get("person", {{"code", std::string("50001010006")}});
  ASSERT_TRUE(row.ok());
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ(std::get<Blob>((**row)["photo"]).bytes, std::string("\x00\xff\x10", 3));
  EXPECT_EQ(std::get<int64_t>((**row)["born"]), 2000);
}

TEST_P(StoreTest, ReadJournalAfterSeqIsARange) {
  ASSERT_TRUE(store_->EnsureTables({PersonTable()}).ok());
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(PutPerson("p" + std::to_string(i), "N", i).ok());
  auto e = store_->ReadJournal(15, 3);
  ASSERT_TRUE(e.ok());
  ASSERT_EQ(e->size(), 3u);
  EXPECT_EQ((*e)[0].seq, 16);
  EXPECT_EQ((*e)[2].seq, 18);
  auto tail = store_->ReadJournal(21, 100);
  ASSERT_TRUE(tail.ok());
  EXPECT_TRUE(tail->empty());
}

TEST_P(StoreTest, FailedTransactionRollsBackAndAppendsNothing) {
  ASSERT_TRUE(store_->EnsureTables({PersonTable()}).ok());
  ASSERT_TRUE(PutPerson("a", "A", 1).ok());
  JournalHead before = store_->Head();
  auto r = store_->Write([](WriteTxn& t) -> Status {
    RETURN_IF_ERROR(t.Put("person", {{"code", std::string("b")}, {"name", std::string("B")}, {"born", int64_t{2}}}));
    return InvalidArgument("caller changed its mind");
  });
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(store_->Head().seq, before.seq);
  auto row = store_->Get("person", {{"code", std::string("b")}});
  ASSERT_TRUE(row.ok());
  EXPECT_FALSE(row->has_value());
  EXPECT_TRUE(store_->VerifyJournal(true)->status.ok());
}

TEST_P(StoreTest, BadRowsAreRejectedWithAReason) {
  ASSERT_TRUE(store_->EnsureTables({PersonTable()}).ok());
  auto put = [&](Row r) { return store_->Write([&](WriteTxn& t) { return t.Put("person", r); }).status(); };
  Status missing = put({{"code", std::string("x")}, {"born", int64_t{1}}});
  EXPECT_EQ(missing.code(), Code::kInvalidArgument);
  EXPECT_NE(missing.message().find("column name is required"), std::string::npos) << missing.message();
  Status wrong_type = put({{"code", std::string("x")}, {"name", std::string("n")}, {"born", std::string("1980")}});
  EXPECT_NE(wrong_type.message().find("born expects int"), std::string::npos) << wrong_type.message();
  Status unknown =
      put({{"code", std::string("x")}, {"name", std::string("n")}, {"born", int64_t{1}}, {"shoe", int64_t{42}}});
  EXPECT_NE(unknown.message().find("no column shoe"), std::string::npos) << unknown.message();
  Status bad_text = put({{"code", std::string("x")}, {"name", std::string("\xff\xfe")}, {"born", int64_t{1}}});
  EXPECT_NE(bad_text.message().find("not valid UTF-8"), std::string::npos) << bad_text.message();
  Status nul = put({{"code", std::string("x")}, {"name", std::string("a\0b", 3)}, {"born", int64_t{1}}});
  EXPECT_EQ(nul.code(), Code::kInvalidArgument);
  Status no_table = store_->Write([](WriteTxn& t) { return t.Put("nope", {}); }).status();
  EXPECT_EQ(no_table.code(), Code::kNotFound);
  EXPECT_EQ(store_->Head().seq, 1);
}

TEST_P(StoreTest, AnEngineErrorMidTransactionRollsBackCleanly) {
  ASSERT_TRUE(store_->EnsureTables({PersonTable()}).ok());
  ASSERT_TRUE(PutPerson("a", "A", 1).ok());
  // A rule the engine enforces, added behind riik's back: the engine refuses the row.
  Status rule = GetParam() == "sqlite"
                    ? riik::testing::ExecRaw(url_,
                                             "CREATE TRIGGER born_positive BEFORE INSERT ON person WHEN NEW.born < 0 "
                                             "BEGIN SELECT RAISE(ABORT, 'born must be positive'); END")
                    : riik::testing::ExecRaw(url_, "ALTER TABLE person ADD CONSTRAINT born_positive CHECK (born >= 0)");
  ASSERT_TRUE(rule.ok()) << rule.ToString();
  JournalHead before = store_->Head();
  auto r = store_->Write([](WriteTxn& t) -> Status {
    RETURN_IF_ERROR(
        t.Put("person", {{"code", std::string("ok")}, {"name", std::string("Fine")}, {"born", int64_t{5}}}));
    return t.Put("person", {{"code", std::string("neg")}, {"name", std::string("Neg")}, {"born", int64_t{-1}}});
  });
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("born"), std::string::npos) << r.status().message();
  EXPECT_EQ(store_->Head().seq, before.seq);
  EXPECT_FALSE(store_->Get("person", {{"code", std::string("ok")}})->has_value());
  ASSERT_TRUE(PutPerson("b", "B", 2).ok());  // the store is still usable
  auto v = store_->VerifyJournal(true);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->status.ok()) << v->status.ToString();
}

TEST_P(StoreTest, ConcurrentWritersAreGroupCommittedAndIsolated) {
  ASSERT_TRUE(store_->EnsureTables({PersonTable()}).ok());
  // An engine-enforced rule, so that some transactions fail inside the database too.
  Status rule = GetParam() == "sqlite"
                    ? riik::testing::ExecRaw(url_,
                                             "CREATE TRIGGER born_positive BEFORE INSERT ON person WHEN NEW.born < 0 "
                                             "BEGIN SELECT RAISE(ABORT, 'born must be positive'); END")
                    : riik::testing::ExecRaw(url_, "ALTER TABLE person ADD CONSTRAINT born_positive CHECK (born >= 0)");
  ASSERT_TRUE(rule.ok()) << rule.ToString();
  auto& commits = Metrics().GetCounter("riik_store_commits_total", "");
  auto& batches = Metrics().GetCounter("riik_store_group_commits_total", "");
  const uint64_t commits_before = commits.value(), batches_before = batches.value();
  constexpr int kThreads = 8, kPerThread = 40;
  std::atomic<int> ok{0}, refused_by_us{0}, refused_by_engine{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        int n = t * kPerThread + i;
        std::string code = "c" + std::to_string(n);
        auto r = store_->Write([&](WriteTxn& txn) -> Status {
          RETURN_IF_ERROR(txn.Put("person", {{"code", code}, {"name", std::string("N")}, {"born", int64_t{n}}}));
          if (n % 7 == 3) return FailedPrecondition("refused by the caller");
          // A second row per transaction; for some, one the engine refuses.
          return txn.Put("person",
                         {{"code", code + "b"}, {"name", std::string("M")}, {"born", int64_t{n % 11 == 5 ? -1 : n}}});
        });
        if (r.ok())
          ++ok;
        else if (r.status().message().find("refused by the caller") != std::string::npos)
          ++refused_by_us;
        else
          ++refused_by_engine;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_GT(refused_by_us.load(), 0);
  EXPECT_GT(refused_by_engine.load(), 0);
  EXPECT_EQ(ok + refused_by_us + refused_by_engine, kThreads * kPerThread);
  // Exactly the successful transactions are there, both rows each; the failed left nothing.
  auto rows = store_->Query("SELECT code FROM person");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(static_cast<int>(rows->size()), 2 * ok.load());
  for (int n = 0; n < kThreads * kPerThread; ++n) {
    bool should_exist = n % 7 != 3 && n % 11 != 5;
    auto row = store_->Get("person", {{"code", "c" + std::to_string(n)}});
    ASSERT_TRUE(row.ok());
    EXPECT_EQ(row->has_value(), should_exist) << n;
  }
  EXPECT_EQ(store_->Head().seq, 1 + ok.load());
  // Eight writers waiting on fsync: some database commits must have carried several.
  EXPECT_EQ(commits.value() - commits_before, static_cast<uint64_t>(ok.load()));
  EXPECT_LT(batches.value() - batches_before, commits.value() - commits_before);
  auto v = store_->VerifyJournal(true);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->status.ok()) << v->status.ToString();
}

TEST_P(StoreTest, SchemaNamesAreValidated) {
  auto bad = PersonTable();
  bad.name = "person; DROP TABLE x";
  EXPECT_EQ(store_->EnsureTables({bad}).code(), Code::kInvalidArgument);
  bad.name = "riik_journal";
  EXPECT_EQ(store_->EnsureTables({bad}).code(), Code::kInvalidArgument);
  auto changed = PersonTable();
  ASSERT_TRUE(store_->EnsureTables({changed}).ok());
  ASSERT_TRUE(store_->EnsureTables({changed}).ok());  // idempotent, no new entry
  EXPECT_EQ(store_->Head().seq, 1);
  changed.columns.push_back({"extra", ColumnType::kInt, true});
  EXPECT_EQ(store_->EnsureTables({changed}).code(), Code::kFailedPrecondition);
}

TEST_P(StoreTest, DeleteIsJournaledAndAbsentDeleteIsANoOp) {
  ASSERT_TRUE(store_->EnsureTables({PersonTable()}).ok());
  ASSERT_TRUE(PutPerson("a", "A", 1).ok());
  auto del = [&](const std::string& code) {
    return store_->Write([&](WriteTxn& t) { return t.Delete("person", {{"code", code}}); });
  };
  ASSERT_TRUE(del("a").ok());
  EXPECT_EQ(store_->Head().seq, 3);
  ASSERT_TRUE(del("a").ok());
  EXPECT_EQ(store_->Head().seq, 3);
  EXPECT_FALSE(store_->Get("person", {{"code", std::string("a")}})->has_value());
  EXPECT_TRUE(store_->VerifyJournal(true)->status.ok());
}

TEST_P(StoreTest, ReopenResumesTheChain) {
  ASSERT_TRUE(store_->EnsureTables({PersonTable()}).ok());
  ASSERT_TRUE(PutPerson("a", "A", 1).ok());
  JournalHead h = store_->Head();
  store_.reset();
  store_ = Open("population");
  ASSERT_TRUE(store_);
  EXPECT_EQ(store_->Head().seq, h.seq);
  EXPECT_EQ(store_->Head().hash, h.hash);
  ASSERT_TRUE(PutPerson("b", "B", 2).ok());
  auto v = store_->VerifyJournal(true);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->status.ok()) << v->status.ToString();
  EXPECT_EQ(v->entries, 3);
}

TEST_P(StoreTest, ReopeningAsAnotherNodeFails) {
  store_.reset();
  auto other = Store::Open(StoreOptions{url_, "taxboard"});
  EXPECT_EQ(other.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(other.status().message().find("belongs to node 'population'"), std::string::npos);
}

TEST_P(StoreTest, OneWriterAtATimeAndReadersAlongside) {
  ASSERT_TRUE(store_->EnsureTables({PersonTable()}).ok());
  ASSERT_TRUE(PutPerson("a", "A", 1).ok());
  StoreOptions again{url_, "population"};
  again.owner_wait = std::chrono::milliseconds(100);
  auto second = Store::Open(again);
  ASSERT_EQ(second.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("open for writing"), std::string::npos) << second.status().message();

  StoreOptions ro{url_, "population"};
  ro.read_only = true;
  auto reader = Store::Open(ro);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_TRUE(PutPerson("b", "B", 2).ok());
  auto head = (*reader)->RefreshHead();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->seq, store_->Head().seq);
  auto v = (*reader)->VerifyJournal(true);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->status.ok()) << v->status.ToString();
  EXPECT_EQ((*reader)->Digest()->digest, store_->Digest()->digest);
  EXPECT_EQ((*reader)->Write([](WriteTxn&) { return OkStatus(); }).status().code(), Code::kFailedPrecondition);

  StoreOptions missing{"sqlite:" + dir_ / "nothing.db", "population"};
  missing.read_only = true;
  EXPECT_EQ(Store::Open(missing).status().code(), Code::kNotFound);
}

TEST_P(StoreTest, VerifyFindsTheFirstTamperedEntry) {
  ASSERT_TRUE(store_->EnsureTables({PersonTable()}).ok());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(PutPerson("p" + std::to_string(i), "N", i).ok());
  Status tamper = riik::testing::ExecRaw(
      url_, "UPDATE riik_journal SET changes = replace(changes, '\"N\"', '\"M\"') WHERE seq = 4");
  ASSERT_TRUE(tamper.ok()) << tamper.ToString();
  auto v = store_->VerifyJournal(false);
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(v->first_bad.has_value());
  EXPECT_EQ(*v->first_bad, 4);
  EXPECT_EQ(v->status.code(), Code::kDataLoss);
  EXPECT_NE(v->status.message().find("seq 4"), std::string::npos) << v->status.message();
}

TEST_P(StoreTest, VerifyWithReplayFindsRowsWrittenBehindTheJournal) {
  ASSERT_TRUE(store_->EnsureTables({PersonTable()}).ok());
  ASSERT_TRUE(PutPerson("a", "A", 1).ok());
  EXPECT_EQ(store_->Query("UPDATE person SET name = 'Z' WHERE code = 'a'").status().code(), Code::kPermissionDenied);
  ASSERT_TRUE(riik::testing::ExecRaw(url_, "UPDATE person SET name = 'Z' WHERE code = 'a'").ok());
  auto chain_only = store_->VerifyJournal(false);
  EXPECT_TRUE(chain_only->status.ok());
  auto v = store_->VerifyJournal(true);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->status.code(), Code::kDataLoss);
  EXPECT_NE(v->status.message().find("behind the journal"), std::string::npos);
}

TEST_P(StoreTest, ReplicaBuiltByApplyEntryHasTheSameDigest) {
  ASSERT_TRUE(store_->EnsureTables({PersonTable()}).ok());
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(PutPerson("p" + std::to_string(i), "N" + std::to_string(i), i).ok());
  ASSERT_TRUE(store_->Write([](WriteTxn& t) { return t.Delete("person", {{"code", std::string("p7")}}); }).ok());
  auto replica = Store::Open(StoreOptions{"sqlite:" + dir_ / "replica.db", "population"});
  ASSERT_TRUE(replica.ok());
  auto entries = store_->ReadJournal(0, 1000);
  ASSERT_TRUE(entries.ok());
  for (const auto& e : *entries) ASSERT_TRUE((*replica)->ApplyEntry(e).ok());
  auto a = store_->Digest(), b = (*replica)->Digest();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->digest, b->digest);
  EXPECT_EQ(a->rows, 29);
  EXPECT_EQ(a->seq, b->seq);
  // An entry out of order or altered is refused and leaves the replica unchanged.
  auto again = (*replica)->ApplyEntry((*entries)[3]);
  EXPECT_EQ(again.status().code(), Code::kDataLoss);
  ASSERT_TRUE(PutPerson("new", "X", 1).ok());
  auto next = store_->ReadJournal(a->seq, 1);
  ASSERT_TRUE(next.ok() && next->size() == 1);
  auto altered = (*next)[0];
  altered.changes[10] ^= 1;
  EXPECT_EQ((*replica)->ApplyEntry(altered).status().code(), Code::kDataLoss);
  EXPECT_EQ((*replica)->Head().seq, a->seq);
}

TEST_P(StoreTest, DigestOnTheCallingThreadIsTheSame) {
  // Several tables, so that the parallel digest has more than two hashers' worth.
  std::vector<TableSchema> tables;
  for (const char* name : {"person", "a_person", "z_person", "m_person"}) {
    tables.push_back(PersonTable());
    tables.back().name = name;
  }
  ASSERT_TRUE(store_->EnsureTables(tables).ok());
  // One table of more than a hasher's batch (4,096 rows), three small ones.
  for (int from = 0; from < 6000; from += 1000) {
    ASSERT_TRUE(
        store_
            ->Write([&](WriteTxn& t) -> Status {
              for (int i = from; i < from + 1000; ++i) {
                const std::string& table = tables[i < 5000 ? 0 : 1 + i % 3].name;
                RETURN_IF_ERROR(t.Put(
                    table, {{"code", "c" + std::to_string(i)}, {"name", std::string("N")}, {"born", int64_t{i}}}));
              }
              return OkStatus();
            })
            .ok());
  }
  auto parallel = store_->Digest(Store::DigestThreads::kParallel);
  auto here = store_->Digest(Store::DigestThreads::kCaller);
  ASSERT_TRUE(parallel.ok() && here.ok());
  EXPECT_EQ(here->digest, parallel->digest);
  EXPECT_EQ(here->rows, 6000);
  EXPECT_EQ(here->tables, 4);
  EXPECT_EQ(here->seq, parallel->seq);
}

TEST_P(StoreTest, DigestDependsOnContentNotOrder) {
  ASSERT_TRUE(store_->EnsureTables({PersonTable()}).ok());
  ASSERT_TRUE(PutPerson("a", "A", 1).ok());
  ASSERT_TRUE(PutPerson("b", "B", 2).ok());
  auto other = Store::Open(StoreOptions{"sqlite:" + dir_ / "other.db", "population"});
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->EnsureTables({PersonTable()}).ok());
  auto put = [&](const char* c, const char* n, int64_t b) {
    return (*other)->Write([&](WriteTxn& t) {
      return t.Put("person", {{"code", std::string(c)}, {"name", std::string(n)}, {"born", b}});
    });
  };
  ASSERT_TRUE(put("b", "B", 2).ok());
  ASSERT_TRUE(put("a", "A", 1).ok());
  EXPECT_EQ(store_->Digest()->digest, (*other)->Digest()->digest);
  ASSERT_TRUE(put("a", "A", 3).ok());
  EXPECT_NE(store_->Digest()->digest, (*other)->Digest()->digest);
}

TEST_P(StoreTest, NothingWritesAroundTheJournal) {
  ASSERT_TRUE(store_->EnsureTables({PersonTable()}).ok());
  ASSERT_TRUE(PutPerson("a", "A", 1).ok());
  for (const char* sql :
       {"BEGIN", "COMMIT", "DELETE FROM person", "SELECT * INTO copy FROM person", "SELECT 1; DELETE FROM person"}) {
    EXPECT_FALSE(store_->Query(sql).ok()) << sql;
  }
  if (GetParam() == "postgresql") {
    EXPECT_EQ(store_->Query("SELECT pg_advisory_unlock_all()").status().code(), Code::kPermissionDenied);
  }
  auto in_txn = store_->Write([](WriteTxn& t) { return t.Query("DELETE FROM person").status(); });
  EXPECT_EQ(in_txn.status().code(), Code::kPermissionDenied);
  // Still one writer, and the store still works.
  StoreOptions second{url_, "population"};
  second.owner_wait = std::chrono::milliseconds(100);
  EXPECT_EQ(Store::Open(second).status().code(), Code::kFailedPrecondition);
  ASSERT_TRUE(PutPerson("b", "B", 2).ok());
  EXPECT_EQ(store_->Query("SELECT code FROM person")->size(), 2u);
  EXPECT_TRUE(store_->VerifyJournal(true)->status.ok());
}

TEST_P(StoreTest, AFailedFirstWriteLeavesTheStoreUsable) {
  // A table left behind by someone else makes the first write fail inside the engine…
  ASSERT_TRUE(riik::testing::ExecRaw(url_, "CREATE TABLE person (x INTEGER)").ok());
  Status first = store_->EnsureTables({PersonTable()});
  EXPECT_FALSE(first.ok());
  EXPECT_NE(first.message().find("person"), std::string::npos) << first.message();
  // …and once it is cleared away, the same statements work (none is left half-prepared).
  ASSERT_TRUE(riik::testing::ExecRaw(url_, "DROP TABLE person").ok());
  ASSERT_TRUE(store_->EnsureTables({PersonTable()}).ok());
  ASSERT_TRUE(PutPerson("a", "A", 1).ok());
  EXPECT_EQ(store_->Head().seq, 2);
  EXPECT_TRUE(store_->VerifyJournal(true)->status.ok());
}

TEST_P(StoreTest, ReservedWordsAreFineAsNames) {
  TableSchema t{"order", {{"user", ColumnType::kText}, {"group", ColumnType::kInt, true}}, {"user"}, {{"group"}}};
  ASSERT_TRUE(store_->EnsureTables({t}).ok());
  ASSERT_TRUE(
      store_->Write([](WriteTxn& txn) {
              return txn.Put("order", {{"user", std::string("u")}, {"group", int64_t{7}}});
            })
          .ok());
  auto row = store_->Get("order", {{"user", std::string("u")}});
  ASSERT_TRUE(row.ok() && row->has_value()) << row.status().ToString();
  EXPECT_EQ(std::get<int64_t>((**row)["group"]), 7);
  TableSchema long_name = t;
  long_name.name = std::string(49, 'a');
  EXPECT_NE(store_->EnsureTables({long_name}).message().find("longer than 48"), std::string::npos);
}

TEST_P(StoreTest, QueriesUsePlaceholders) {
  ASSERT_TRUE(store_->EnsureTables({PersonTable()}).ok());
  ASSERT_TRUE(PutPerson("a", "O'Brien", 1).ok());
  ASSERT_TRUE(PutPerson("b", "B", 2).ok());
  auto rows =
      store_->Query("SELECT code, born FROM person WHERE name = ? AND born >= ?", {std::string("O'Brien"), int64_t{1}});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(std::get<std::string>((*rows)[0]["code"]), "a");
  auto bad = store_->Query("SELECT nonsense FROM");
  EXPECT_FALSE(bad.ok());
}

// A store of small commits copies its WAL back every 1,000 pages (kSmallCommits), not
// every 16,384 (a bulk store's): the copy a commit waits for stays small, and so does the
// WAL file; a store opened for a bulk load can be retuned to serve (kServing). SQLite only.
TEST(SqliteTuningTest, SmallCommitsKeepTheWalSmallAndBadTuningIsRefused) {
  TempDir dir;
  // Opens a store with `open_with`, retunes it with each of `then` in turn, writes ~2,400
  // pages and returns how many the WAL file can hold (its size over its page size).
  auto wal_pages_after_commits = [&](const std::string& name, const SqliteTuning& open_with,
                                     const std::vector<SqliteTuning>& then = {}) -> uintmax_t {
    StoreOptions options{"sqlite:" + dir / (name + ".db"), name};
    options.sqlite = open_with;
    auto store = Store::Open(options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return 0;
    for (const SqliteTuning& tuning : then) EXPECT_TRUE((*store)->Tune(tuning).ok());
    EXPECT_TRUE((*store)->EnsureTables({PersonTable()}).ok());
    const std::string photo(6000, 'p');  // ~6 pages a commit with its journal entry
    for (int i = 0; i < 400; ++i) {
      Status put =
          (*store)
              ->Write([&](WriteTxn& t) {
                return t.Put(
                    "person",
                    {{"code", std::to_string(i)}, {"name", "N"}, {"born", int64_t{i}}, {"photo", Blob{photo}}});
              })
              .status();
      EXPECT_TRUE(put.ok()) << put.ToString();
    }
    // The WAL's header names its page size (bytes 8-11, big-endian); each frame is a
    // page and a 24-byte header, after the file's 32-byte header.
    auto wal = ReadFileBounded(dir / (name + ".db-wal"), 1 << 30);
    EXPECT_TRUE(wal.ok() && wal->size() > 32) << name;
    if (!wal.ok() || wal->size() <= 32) return 0;
    uint32_t page = 0;
    for (int i = 8; i < 12; ++i) page = page << 8 | static_cast<unsigned char>((*wal)[i]);
    return (wal->size() - 32) / (page + 24);
  };
  EXPECT_LT(wal_pages_after_commits("small", kSmallCommits), 1100u) << "past 1,000 pages without a checkpoint";
  EXPECT_GT(wal_pages_after_commits("bulk", SqliteTuning{}), 1500u) << "a bulk store checkpointed before 16,384";
  EXPECT_LT(wal_pages_after_commits("retuned", SqliteTuning{}, {kServing}), 1100u)
      << "Tune did not take the store to small checkpoints";
  // Back to the bulk tuning after another: each Tune takes effect, the same as before or not.
  EXPECT_GT(wal_pages_after_commits("back", SqliteTuning{}, {kServing, SqliteTuning{}}), 1500u)
      << "Tune back to the bulk tuning changed nothing";

  StoreOptions bad{"sqlite:" + dir / "bad.db", "bad"};
  bad.sqlite.checkpoint_pages = 10;
  EXPECT_EQ(Store::Open(bad).status().code(), Code::kInvalidArgument);
  bad.sqlite = SqliteTuning{.cache_mib = 0};
  EXPECT_EQ(Store::Open(bad).status().code(), Code::kInvalidArgument);
  bad.sqlite = SqliteTuning{};
  auto opened = Store::Open(bad);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ((*opened)->Tune(SqliteTuning{.checkpoint_pages = 1}).code(), Code::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace riik::store
