// First row seen for each 16-byte key: the memory behind the file-level duplicate checks (ExchangeGuid,
// TargetExternalDirectoryObjectId, X500). A GUID is its own key; an X500 value is reduced to a 128-bit
// hash of its case-folded bytes (AD's rule, common/ad_compare.h), so memory is ~24-48 bytes per distinct
// value whatever its length.
// Two different X500 values share a hash with probability ~2^-128 per pair (not a security boundary:
// a forged collision can only cause a false duplicate report that names both rows).
// Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/guid.h"

namespace ctim::agent {

struct Key128 {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  friend bool operator==(const Key128&, const Key128&) = default;
};

[[nodiscard]] Key128 KeyOf(const Guid& guid);
// Case-insensitive as AD compares X500 values (common/ad_compare.h): equal keys iff FoldCase is equal
// (up to hash collisions).
[[nodiscard]] Key128 FoldedKeyOf(std::string_view text);

class SeenKeys {
 public:
  // Remembers `row` for `key` unless the key was seen before. Returns the earlier row, or 0 if new.
  // REQUIRES: row > 0.
  std::size_t FirstRow(const Key128& key, std::size_t row);
  // A hint to load the key's slot into the cache ahead of FirstRow (a row looks up ~5 keys: prefetching
  // them together overlaps the cache misses).
  void Prefetch(const Key128& key) const;
  [[nodiscard]] std::size_t size() const { return size_; }
  // Bytes held by the table (for the benchmark's memory figures).
  [[nodiscard]] std::size_t bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    Key128 key;
    std::uint64_t row = 0;  // 0 = empty slot
  };
  void Grow();
  [[nodiscard]] std::size_t Bucket(const Key128& key) const;

  std::vector<Slot> slots_;  // open addressing, linear probing, power-of-two size
  std::size_t size_ = 0;
};

}  // namespace ctim::agent
