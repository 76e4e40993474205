// StateFile: a small value kept durably across restarts and saved often (the embassy
// shipper saves what each embassy acknowledged after every segment). A save appends one
// line to the open file and fsyncs it: no file is created or renamed and no directory
// synced, a third of the CPU and of the wait of replacing the file each time
// (docs/formats/state-file.md). The file is replaced whole, atomically, by the first save
// after opening and once it would pass `max_bytes`, holding only the newest value then.
//
// Each line is the value's SHA-256 in hex, a space, the value, a newline. Reading takes
// the last line whose hash matches: a crash during a save can tear only the line being
// appended, and the value saved before it stands. That assumes, as SQLite does by
// default ("powersafe overwrite"), that a write torn by a power loss does not damage
// bytes beside it that were already synced, in the same disk sector.
//
// Not thread-safe: its one writer serialises the saves.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/env.h"
#include "core/status.h"

namespace riik::store {

class StateFile {
 public:
  // The newest value in `path` (empty if there is no file or no line in it verifies).
  static Result<std::unique_ptr<StateFile>> Open(Env& env, std::string path, size_t max_bytes = 64 << 10);

  const std::string& value() const { return value_; }
  // The file held bytes but no line of them verified: damaged, not merely absent.
  bool damaged() const { return damaged_; }
  // Durable when it returns OK. A value holds no newline. On an error value() is the
  // value before, and the next save replaces the file whole.
  Status Save(std::string_view value);

 private:
  StateFile(Env& env, std::string path, size_t max_bytes) : env_(env), path_(std::move(path)), max_bytes_(max_bytes) {}

  Env& env_;
  const std::string path_;
  const size_t max_bytes_;
  std::string value_;
  std::unique_ptr<WritableFile> file_;  // open for appending once the file was rewritten
  size_t size_ = 0;                     // of the file, as written through `file_`
  bool damaged_ = false;
};

// The newest value in a StateFile's text: its last whole line that verifies (nullopt if
// none does).
std::optional<std::string> NewestStateValue(std::string_view text);

}  // namespace riik::store
