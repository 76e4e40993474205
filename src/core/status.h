// Status and Result<T>: how every riik function reports failure.
//
// Policy: untrusted input always yields a Status with a message that says what was
// wrong; exceptions never cross a module boundary or the request path; `assert` is only
// for invariants that no input can break.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace riik {

enum class Code {
  kOk = 0,
  kInvalidArgument,    // the caller's input is malformed
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition, // state does not allow the operation
  kPermissionDenied,
  kUnauthenticated,
  kResourceExhausted,  // a size or rate limit was hit
  kDataLoss,           // stored data is corrupt or a chain is broken
  kUnavailable,        // a peer or service could not be reached; retrying may help
  kDeadlineExceeded,
  kInternal,
};

// Name of a code, e.g. "invalid_argument"; used in JSON error bodies and logs.
std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid_argument: <message>", or "ok".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>".
  Status WithContext(std::string_view context) const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
inline Status FailedPrecondition(std::string m) { return {Code::kFailedPrecondition, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
inline Status Unauthenticated(std::string m) { return {Code::kUnauthenticated, std::move(m)}; }
inline Status ResourceExhausted(std::string m) { return {Code::kResourceExhausted, std::move(m)}; }
inline Status DataLoss(std::string m) { return {Code::kDataLoss, std::move(m)}; }
inline Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
inline Status DeadlineExceeded(std::string m) { return {Code::kDeadlineExceeded, std::move(m)}; }
inline Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? OkStatus() : std::get<Status>(v_); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

namespace internal {
inline Status AsStatus(Status s) { return s; }
template <typename T>
Status AsStatus(const Result<T>& r) { return r.status(); }
}  // namespace internal

}  // namespace riik

#define RIIK_CONCAT_INNER(a, b) a##b
#define RIIK_CONCAT(a, b) RIIK_CONCAT_INNER(a, b)

// Returns from the enclosing function if `expr` (a Status or Result) is not OK. The
// variable's name is unique per use, so uses may nest (e.g. inside a lambda argument).
#define RETURN_IF_ERROR(expr) RIIK_RETURN_IF_ERROR_IMPL(RIIK_CONCAT(riik_status_, __COUNTER__), expr)
#define RIIK_RETURN_IF_ERROR_IMPL(var, expr)                  \
  do {                                                        \
    ::riik::Status var = ::riik::internal::AsStatus((expr)); \
    if (!var.ok()) return var;                                \
  } while (0)

// ASSIGN_OR_RETURN(auto x, MakeX()); declares x from the Result's value or returns its Status.
#define ASSIGN_OR_RETURN(lhs, expr) \
  RIIK_ASSIGN_OR_RETURN_IMPL(RIIK_CONCAT(riik_result_, __COUNTER__), lhs, expr)
#define RIIK_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()
