// Error values shared by every layer. No exception crosses a layer: functions that can fail return
// Result<T>, whose error carries a code a caller can switch on, a message naming what failed with the
// actual values, and a hint an administrator can act on.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace ctim {

enum class Errc {
  kInvalidInput,      // file, row or config is wrong: fix it and rerun; never retried
  kNotFound,          // no such object
  kAmbiguous,         // more than one object matches: a person decides
  kConflict,          // the directory changed since the plan: re-read, re-plan, retry
  kUnavailable,       // DC or cloud down, timed out or throttled: retry with backoff
  kUnauthenticated,   // bind or token failed: fix credentials
  kPermissionDenied,  // authenticated but not allowed: fix ACL or app role
  kInternal,          // a bug in ctim-agent
};

std::string_view ErrcName(Errc code);

struct Error {
  Errc code = Errc::kInternal;
  std::string message;  // what failed, on which object, and why, with the actual values
  std::string hint;     // what the admin can do next; empty when there is nothing useful to say

  // Prepends "where: " to the message, for context added while the error travels up.
  [[nodiscard]] Error With(std::string_view where) &&;
  // "message — hint" (or just the message), the form printed to people.
  [[nodiscard]] std::string ToString() const;
};

// Shorthand constructor: return Fail(Errc::kInvalidInput, "...", "...");
[[nodiscard]] inline std::unexpected<Error> Fail(Errc code, std::string message, std::string hint = {}) {
  return std::unexpected<Error>(Error{code, std::move(message), std::move(hint)});
}

// [[nodiscard]] on the type: no caller can drop an error by accident.
template <class T>
class [[nodiscard]] Result : public std::expected<T, Error> {
 public:
  using std::expected<T, Error>::expected;
};

// Result<void> spelled out, for functions that only succeed or fail.
using Status = Result<void>;

}  // namespace ctim
