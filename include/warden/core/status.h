// Status and Result: how every fallible library call reports failure.
//
// warden's library never throws across its API and never aborts on bad input.
// A function that can fail returns a Status (no value) or a Result<T> (a value
// or a Status). Messages are one line, meant to be printed as-is to a user,
// and name the thing that was wrong ("model.bin: checksum mismatch", not
// "error 7").
//
// Thread safety: Status and Result are values; distinct objects may be used
// from different threads freely, a shared one only for reading.
#ifndef WARDEN_CORE_STATUS_H_
#define WARDEN_CORE_STATUS_H_

#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace warden {

// Stable numeric codes; the C ABI (warden.h) returns the same numbers.
enum class StatusCode : int32_t {
  kOk = 0,
  kInvalidArgument = 1,  // the caller passed something malformed
  kNotFound = 2,         // a file, key or name does not exist
  kCorruption = 3,       // a file exists but its content is damaged or foreign
  kIOError = 4,          // the operating system refused a read or write
  kMismatch = 5,         // two configurations that must agree do not
  kOutOfRange = 6,       // a value outside what the format or model supports
  kUnimplemented = 7,    // a valid request this build or backend cannot serve
  kInternal = 8,         // a bug in warden
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status Mismatch(std::string m) { return {StatusCode::kMismatch, std::move(m)}; }
  static Status OutOfRange(std::string m) { return {StatusCode::kOutOfRange, std::move(m)}; }
  static Status Unimplemented(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "corruption: model.bin: checksum mismatch"; "ok" for success.
  std::string ToString() const;

  // Returns a copy whose message is "context: message"; OK stays OK.
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value of type T, or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result built from an OK status has no value");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // The error; OK when a value is present.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

  // Access to the value; calling these on an error is a programmer error.
  T& value() & {
    assert(ok());
    return std::get<T>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace warden

#define WARDEN_CONCAT_INNER_(a, b) a##b
#define WARDEN_CONCAT_(a, b) WARDEN_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function when `expr` is not OK.
#define WARDEN_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::warden::Status warden_status_ = (expr);        \
    if (!warden_status_.ok()) return warden_status_; \
  } while (0)

// `lhs = value of expr`, or returns its Status from the enclosing function.
#define WARDEN_ASSIGN_OR_RETURN(lhs, expr) \
  WARDEN_ASSIGN_OR_RETURN_IMPL_(WARDEN_CONCAT_(warden_result_, __LINE__), lhs, expr)
#define WARDEN_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()

#endif  // WARDEN_CORE_STATUS_H_
