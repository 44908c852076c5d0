// Zeroing strings that held a secret before their memory goes back to the allocator: the whole buffer
// (capacity, not only length), and the old buffer when a growing string moves to a bigger one. For
// values that are not yet, or no longer, a ctim::Secret (a token inside an HTTP response body or a parsed
// JSON document). No I/O.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace ctim {

// Zeroes every byte of s's buffer and empties it (the buffer stays allocated to s).
inline void WipeString(std::string& s) noexcept {
  // volatile so the compiler cannot drop the stores to memory about to be freed.
  volatile char* p = s.data();
  for (std::size_t i = 0; i < s.capacity(); ++i) p[i] = 0;
  s.clear();
}

// s += more, but when s must move to a bigger buffer the old one is zeroed before it is freed, so an
// appended-to buffer (an HTTP response body arriving in pieces) leaves no copy behind. Doubles the
// capacity, as std::string does, so appending stays amortised O(1) per byte.
inline void AppendWiping(std::string& s, std::string_view more) {
  if (s.size() + more.size() > s.capacity()) {
    std::string grown;
    grown.reserve(std::max(s.capacity() * 2, s.size() + more.size()));
    grown.append(s);
    WipeString(s);
    s.swap(grown);
  }
  s.append(more);
}

}  // namespace ctim
