// commit_loop URL NODE: commits journaled transactions in a loop and prints
// "ack KEY SEQ" after each commit returns. The crash test kill -9s it at random.
#include <cstdio>
#include <cstdlib>

#include "store/store.h"

using namespace riik;
using namespace riik::store;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: commit_loop URL NODE\n");
    return 2;
  }
  auto opened = Store::Open(StoreOptions{argv[1], argv[2]});
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 1;
  }
  Store& s = **opened;
  Status st = s.EnsureTables({TableSchema{"acked", {{"k", ColumnType::kInt}, {"v", ColumnType::kText}}, {"k"}, {}}});
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 1;
  }
  auto last = s.Query("SELECT MAX(k) AS k FROM acked");
  int64_t k = 0;
  if (last.ok() && !last->empty()) {
    if (auto* v = std::get_if<int64_t>(&(*last)[0]["k"])) k = *v;
  }
  for (;;) {
    ++k;
    auto head = s.Write([&](WriteTxn& t) -> Status {
      RETURN_IF_ERROR(t.Put("acked", {{"k", k}, {"v", "value-" + std::to_string(k)}}));
      // A second row in the same transaction: both or neither must survive.
      return t.Put("acked", {{"k", -k}, {"v", "pair-" + std::to_string(k)}});
    });
    if (!head.ok()) {
      std::fprintf(stderr, "%s\n", head.status().ToString().c_str());
      return 1;
    }
    std::printf("ack %lld %lld\n", static_cast<long long>(k), static_cast<long long>(head->seq));
    std::fflush(stdout);
  }
}
