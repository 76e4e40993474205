// A small value saved often and durably: one appended, checksummed line per save.
#include "store/state_file.h"

#include "crypto/sha256.h"

namespace riik::store {
namespace {

constexpr size_t kHashHex = 2 * kSha256Size;

std::string Line(std::string_view value) { return DigestHex(Sha256(value)) + " " + std::string(value) + "\n"; }

}  // namespace

std::optional<std::string> NewestStateValue(std::string_view text) {
  std::optional<std::string> newest;
  for (size_t end; (end = text.find('\n')) != std::string_view::npos; text.remove_prefix(end + 1)) {
    std::string_view line = text.substr(0, end);
    if (line.size() <= kHashHex || line[kHashHex] != ' ') continue;
    std::string_view value = line.substr(kHashHex + 1);
    if (DigestHex(Sha256(value)) == line.substr(0, kHashHex)) newest = value;
  }
  return newest;  // a last line without its newline was torn by a crash: not a value
}

Result<std::unique_ptr<StateFile>> StateFile::Open(Env& env, std::string path, size_t max_bytes) {
  std::unique_ptr<StateFile> file(new StateFile(env, std::move(path), max_bytes));
  auto text = env.ReadFile(file->path_);
  if (text.ok()) {
    std::optional<std::string> newest = NewestStateValue(*text);
    file->value_ = newest.value_or("");
    file->damaged_ = !newest && !text->empty();
  } else if (text.status().code() != Code::kNotFound) {
    return text.status();
  }
  return file;
}

Status StateFile::Save(std::string_view value) {
  if (value.find('\n') != std::string_view::npos) return InvalidArgument("a state file's value is one line");
  const std::string line = Line(value);
  if (file_ && size_ + line.size() <= max_bytes_) {
    Status saved = file_->Append(line);
    if (saved.ok()) saved = file_->Sync();
    if (!saved.ok()) {
      file_.reset();  // what it left at the end is torn at worst: the next save rewrites the file
      return saved.WithContext("cannot save " + path_);
    }
    size_ += line.size();
    value_ = value;
    return OkStatus();
  }
  file_.reset();
  RETURN_IF_ERROR(WriteFileAtomic(env_, path_, line, /*secret=*/false));
  value_ = value;
  size_ = line.size();
  // Saved; if the file cannot be opened to append to, the next save rewrites it again.
  auto reopened = env_.OpenForAppend(path_);
  if (reopened.ok()) file_ = std::move(*reopened);
  return OkStatus();
}

}  // namespace riik::store
