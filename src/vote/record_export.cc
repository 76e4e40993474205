// Writing the record's files from the board's store (record_export.h).
#include "vote/record_export.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/encoding.h"
#include "core/file.h"
#include "core/json.h"
#include "election/board.h"
#include "election/record.h"
#include "transparency/stored_log.h"
#include "vote/ballot_box.h"
#include "vote/paper_vote.h"

namespace riik::vote {
namespace {

// A file written in pieces, made durable and renamed into place at Commit: a reader
// never sees half a board.
class StreamedFile {
 public:
  explicit StreamedFile(std::string path, mode_t mode = 0644) : path_(std::move(path)), temp_(path_ + ".partial") {
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  }
  ~StreamedFile() {
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink(temp_.c_str());
    }
  }
  Status Append(std::string_view text) {
    buffer_.append(text);
    return buffer_.size() >= (1 << 20) ? Flush() : OkStatus();
  }
  Status Commit() {
    RETURN_IF_ERROR(Flush());
    if (::fsync(fd_) != 0) return Error("fsync");
    ::close(fd_);
    fd_ = -1;
    if (::rename(temp_.c_str(), path_.c_str()) != 0) return Error("rename");
    return OkStatus();
  }
  bool ok() const { return fd_ >= 0; }

 private:
  Status Flush() {
    if (fd_ < 0) return Error("open");
    size_t at = 0;
    while (at < buffer_.size()) {
      ssize_t n = ::write(fd_, buffer_.data() + at, buffer_.size() - at);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Error("write");
      at += static_cast<size_t>(n);
    }
    buffer_.clear();
    return OkStatus();
  }
  Status Error(const char* what) const {
    return Internal(std::string(what) + " " + temp_ + ": " + std::strerror(errno));
  }

  std::string path_, temp_;
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace

Result<ExportedBoard> ExportRecord(store::Store& store, const ElectionSetup& setup, const std::string& dir,
                                   const std::function<void(int64_t)>& progress) {
  const std::string log_id = election::BoardLogId(setup.manifest);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Internal("making " + dir + ": " + ec.message());
  ExportedBoard out;
  StreamedFile board(dir + "/board.jsonl");
  bool closed = false;
  RETURN_IF_ERROR(transparency::ForEachStoredLeaf(
      store, log_id, [&](int64_t index, const std::string&, const std::string& leaf) -> Status {
        if (index != out.entries) return DataLoss("the board's entry " + std::to_string(out.entries) + " is missing");
        if (leaf.find('\n') != std::string::npos)
          return DataLoss("board entry " + std::to_string(index) + " spans lines");
        ASSIGN_OR_RETURN(election::BoardEntry entry, election::ParseBoardEntry(leaf));
        closed = entry.kind == election::EntryKind::kClosing;
        RETURN_IF_ERROR(board.Append(leaf));
        RETURN_IF_ERROR(board.Append("\n"));
        ++out.entries;
        if (progress && out.entries % 10000 == 0) progress(out.entries);
        return OkStatus();
      }));
  if (!closed) return FailedPrecondition("the board is not closed: close it first (the record is published final)");
  StreamedFile heads(dir + "/board_heads.jsonl");
  int64_t covered = 0;
  bool last_stamped = false;
  Json chain;  // the signer's chain of the head before: written again only when it changes
  RETURN_IF_ERROR(transparency::ForEachStoredHead(store, log_id, [&](Json head) -> Status {
    covered = IntOr(head["head"], "tree_size");
    last_stamped = head.contains("timestamp");
    ++out.heads;
    if (head["certificates"] == chain) {
      head.erase("certificates");
    } else {
      chain = head["certificates"];
    }
    return heads.Append(head.dump() + "\n");
  }));
  if (covered != out.entries) {
    return FailedPrecondition("the board's last signed head covers " + std::to_string(covered) + " of its " +
                              std::to_string(out.entries) + " entries");
  }
  // The closing must be timestamped too, or the record would not verify: the TSA stamps
  // the newest head within a second or so (Unavailable: ask again).
  if (setup.manifest.board_timestamped_within > 0 && !last_stamped) {
    return Unavailable("the board's last head is not timestamped yet (the TSA): export again in a moment");
  }
  RETURN_IF_ERROR(board.Commit());
  RETURN_IF_ERROR(heads.Commit());
  RETURN_IF_ERROR(WriteFileAtomic(dir + "/manifest.json", setup.manifest_json, /*secret=*/false));
  RETURN_IF_ERROR(WriteFileAtomic(dir + "/ceremony.json", setup.ceremony_json, /*secret=*/false));
  RETURN_IF_ERROR(WriteFileAtomic(dir + "/voters.jsonl", setup.voters.ToJsonLines(), /*secret=*/false));
  if (progress) progress(out.entries);
  return out;
}

Result<AnnexCounts> ExportAnnex(store::Store& store, const ElectionSetup& setup, const std::string& path,
                                const std::function<void(int64_t)>& progress) {
  StreamedFile annex(path, 0600);
  AnnexCounts counts;
  bool closed = false;
  RETURN_IF_ERROR(transparency::ForEachStoredLeaf(
      store, election::BoardLogId(setup.manifest),
      [&](int64_t index, const std::string&, const std::string& leaf) -> Status {
        ASSIGN_OR_RETURN(election::BoardEntry entry, election::ParseBoardEntry(leaf));
        closed = entry.kind == election::EntryKind::kClosing;
        Result<std::string> container = NotFound("");
        if (entry.kind == election::EntryKind::kBallot) {
          container = StoredContainer(store, entry.ballot);
          ++counts.ballots;
        } else if (entry.kind == election::EntryKind::kCancel) {
          std::optional<std::string> hash = PaperVoteStatementHash(entry.reason);
          container = hash ? StoredStatement(store, *hash) : NotFound("the cancellation names no statement");
          ++counts.paper_votes;
        } else {
          return OkStatus();
        }
        if (!container.ok()) {
          return DataLoss("board entry " + std::to_string(index) + ": " + container.status().message());
        }
        if (progress && (counts.ballots + counts.paper_votes) % 1000 == 0)
          progress(counts.ballots + counts.paper_votes);
        return annex.Append(Json{{"entry", index}, {"container", Base64Encode(*container)}}.dump() + "\n");
      }));
  if (!closed) return FailedPrecondition("the board is not closed: close it first (the annex is of the final board)");
  RETURN_IF_ERROR(annex.Commit());
  return counts;
}

}  // namespace riik::vote
