#include "agent/reader/identity_reader_keys.h"

#include <cstring>

#include "common/ad_compare.h"
#include "common/ascii.h"

namespace ctim::agent {
namespace {

// splitmix64's finalizer: a full-avalanche 64-bit mix.
constexpr std::uint64_t Mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Folds the ASCII capitals of 8 packed bytes to lower case, leaving every other byte alone.
std::uint64_t FoldWord(std::uint64_t w) {
  // Per byte: is it in 'A'..'Z'? Computed without carries between bytes (bytes >= 0x80 excluded).
  const std::uint64_t high = 0x8080808080808080ULL;
  const std::uint64_t low7 = w & ~high;
  const std::uint64_t ge_a = (low7 + 0x3f3f3f3f3f3f3f3fULL) & high;  // byte >= 'A' (0x41)
  const std::uint64_t gt_z = (low7 + 0x2525252525252525ULL) & high;  // byte > 'Z' (0x5A)
  const std::uint64_t is_upper = ge_a & ~gt_z & ~(w & high);
  return w | (is_upper >> 2);  // 0x80 >> 2 = 0x20
}

// The hash of `text` with its ASCII capitals folded; sets `non_ascii` when a byte is 0x80 or above (then the
// caller must fold the text with the full AD rule first).
Key128 AsciiFoldedKey(std::string_view text, bool& non_ascii) {
  std::uint64_t high_bits = 0;
  // Two lanes with different multipliers over the folded 8-byte words (one multiply per word and lane),
  // then a full avalanche of each lane. Not cryptographic; see the header.
  std::uint64_t a = 0x9e3779b97f4a7c15ULL ^ text.size();
  std::uint64_t b = 0xc2b2ae3d27d4eb4fULL + text.size();
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, text.data() + i, 8);
    high_bits |= w;
    w = FoldWord(w);
    a = (a ^ w) * 0xff51afd7ed558ccdULL;
    a ^= a >> 29;
    b = (b + w) * 0xc4ceb9fe1a85ec53ULL;
    b = (b << 31) | (b >> 33);
  }
  std::uint64_t tail = 0;
  for (std::size_t k = 0; i + k < text.size(); ++k) {
    high_bits |= static_cast<unsigned char>(text[i + k]);
    tail |= static_cast<std::uint64_t>(static_cast<unsigned char>(AsciiLower(text[i + k]))) << (8 * k);
  }
  non_ascii = (high_bits & 0x8080808080808080ULL) != 0;
  a = Mix(a ^ tail);
  b = Mix(b + tail + 0x632be59bd9b4e019ULL);
  return Key128{a, b};
}

}  // namespace

Key128 KeyOf(const Guid& guid) {
  Key128 key;
  std::memcpy(&key.hi, guid.bytes().data(), 8);
  std::memcpy(&key.lo, guid.bytes().data() + 8, 8);
  return key;
}

Key128 FoldedKeyOf(std::string_view text) {
  // AD's comparison rule (common/ad_compare.h, doc/design.md §4): text with non-ASCII bytes is folded with
  // it first and hashed again (folding ASCII twice changes nothing), so every spelling AD calls the same
  // gets one key. ASCII text, the common case, is hashed once.
  bool non_ascii = false;
  const Key128 key = AsciiFoldedKey(text, non_ascii);
  if (!non_ascii) return key;
  return AsciiFoldedKey(FoldCase(text), non_ascii);
}

std::size_t SeenKeys::Bucket(const Key128& key) const {
  return static_cast<std::size_t>(Mix(key.hi ^ Mix(key.lo))) & (slots_.size() - 1);
}

void SeenKeys::Prefetch(const Key128& key) const {
#if defined(__GNUC__)
  if (!slots_.empty()) __builtin_prefetch(&slots_[Bucket(key)]);
#else
  (void)key;
#endif
}

std::size_t SeenKeys::FirstRow(const Key128& key, std::size_t row) {
  if ((size_ + 1) * 10 > slots_.size() * 7) Grow();  // load factor <= 0.7
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = Bucket(key);
  for (;;) {
    Slot& slot = slots_[i];
    if (slot.row == 0) {
      slot.key = key;
      slot.row = row;
      ++size_;
      return 0;
    }
    if (slot.key == key) return static_cast<std::size_t>(slot.row);
    i = (i + 1) & mask;
  }
}

void SeenKeys::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
  size_ = 0;
  const std::size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.row == 0) continue;
    std::size_t i = Bucket(s.key);
    while (slots_[i].row != 0) i = (i + 1) & mask;
    slots_[i] = s;
    ++size_;
  }
}

}  // namespace ctim::agent
