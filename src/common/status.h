// Status and Result<T>: errors are values (docs/error-handling.md).
//
// A Status is OK or carries a code, a plain-words message and, optionally, the
// place the error refers to (`field`: an API field, a CSV column, "file:line").
// Result<T> holds either a T or a non-OK Status. Both are cheap to move and are
// [[nodiscard]]: ignoring one is a compile error under -Werror.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace clearline {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // the caller's input is wrong; message says which part
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition, // the system is not in a state that allows this
  kPermissionDenied,
  kUnauthenticated,
  kResourceExhausted,  // disk full, limits
  kUnavailable,        // a peer or store is down; retrying may help
  kCancelled,          // the user interrupted (Ctrl-C)
  kDataLoss,           // stored data is corrupt (e.g. the audit chain is broken)
  kInternal,           // a bug or an unexpected library failure
};

const char* statusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  static Status ok() { return {}; }
  static Status invalidArgument(std::string m, std::string f = {}) {
    return {StatusCode::kInvalidArgument, std::move(m), std::move(f)};
  }
  static Status notFound(std::string m, std::string f = {}) {
    return {StatusCode::kNotFound, std::move(m), std::move(f)};
  }
  static Status alreadyExists(std::string m, std::string f = {}) {
    return {StatusCode::kAlreadyExists, std::move(m), std::move(f)};
  }
  static Status failedPrecondition(std::string m, std::string f = {}) {
    return {StatusCode::kFailedPrecondition, std::move(m), std::move(f)};
  }
  static Status permissionDenied(std::string m, std::string f = {}) {
    return {StatusCode::kPermissionDenied, std::move(m), std::move(f)};
  }
  static Status unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
  static Status resourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
  static Status dataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
  static Status internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool isOk() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return isOk(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& field() const { return field_; }

  // "invalid_argument: phone has letters (field: phone)".
  std::string toString() const;

  // Returns a copy whose message is prefixed with `context: `.
  Status withContext(const std::string& context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string field_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).isOk() && "Result constructed from an OK status");
  }

  bool isOk() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return isOk(); }

  const T& value() const& {
    assert(isOk());
    return std::get<T>(v_);
  }
  T& value() & {
    assert(isOk());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(isOk());
    return std::get<T>(std::move(v_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  Status status() const { return isOk() ? Status::ok() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace clearline

#define CL_CONCAT_INNER(a, b) a##b
#define CL_CONCAT(a, b) CL_CONCAT_INNER(a, b)

// RETURN_IF_ERROR(expr): returns the Status of `expr` (a Status or Result) if not OK.
#define RETURN_IF_ERROR(expr)                                    \
  do {                                                           \
    auto&& cl_status_or_result_ = (expr);                        \
    if (!cl_status_or_result_.isOk()) {                          \
      return ::clearline::detail::toStatus(cl_status_or_result_); \
    }                                                            \
  } while (0)

// ASSIGN_OR_RETURN(lhs, expr): `lhs = std::move(*expr)` or return its Status.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(CL_CONCAT(cl_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.isOk()) return tmp.status();       \
  lhs = std::move(tmp).value()

namespace clearline::detail {
inline Status toStatus(const Status& s) { return s; }
template <typename T>
Status toStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace clearline::detail
