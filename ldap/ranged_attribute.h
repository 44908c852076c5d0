// AD ranged attribute retrieval ([MS-ADTS] 3.1.1.3.1.3.3): a multi-valued attribute with more values
// than MaxValRange (1500 by default) comes back as "member;range=0-1499"; the client asks for
// "member;range=1500-*" and so on, until the returned range ends in "*".
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"

namespace ctim::ldap {

struct RangedAttribute {
  std::string name;                 // "member" (other options kept: "member;binary")
  std::size_t low = 0;              // first value index in this chunk
  std::optional<std::size_t> high;  // last value index, nullopt for "*" (this is the last chunk)
};

// Parses "member;range=0-1499" / "member;range=1500-*". nullopt when there is no range option or it
// is malformed.
[[nodiscard]] std::optional<RangedAttribute> ParseRangedAttribute(std::string_view description);

// "member;range=1500-*": the request for the values after `high`.
[[nodiscard]] std::string NextRangeRequest(const RangedAttribute& previous);

// Follows one ranged attribute from its first chunk to its last ("-*"), within bounds a DC cannot defeat:
//   - progress: every chunk must start right after the previous one ends (a repeated, overlapping or
//     skipped range, or no chunk at all while values remain, would double or lose values);
//   - at most `max_requests` follow-up reads;
//   - a total deadline for the whole attribute.
// Breaking a bound is an error (kUnavailable) naming the attribute and how far the read got: the values
// are never handed on silently truncated.
class RangeFollower {
 public:
  using Clock = std::chrono::steady_clock;
  RangeFollower(RangedAttribute first, std::size_t max_requests, Clock::time_point deadline)
      : current_(std::move(first)), max_requests_(max_requests), deadline_(deadline) {}

  // True once the last chunk ("-*") was accepted.
  [[nodiscard]] bool done() const { return !current_.high; }
  // The attribute without its range option ("member").
  [[nodiscard]] const std::string& name() const { return current_.name; }
  // The next request ("member;range=1500-*"), or the error for a bound hit (`now` past the deadline, or
  // max_requests made). Call only while !done().
  [[nodiscard]] Result<std::string> NextRequest(Clock::time_point now);
  // The chunk the DC returned for the last NextRequest; nullopt when it returned none of this attribute.
  [[nodiscard]] Status Accept(const std::optional<RangedAttribute>& chunk);

 private:
  [[nodiscard]] Error Stuck(std::string why) const;

  RangedAttribute current_;
  std::size_t max_requests_;
  Clock::time_point deadline_;
  std::size_t requests_ = 0;
};

}  // namespace ctim::ldap
