// A string that must never reach a log: passwords, client secrets, private keys, bearer tokens.
// Its formatter prints "***"; the value is reachable only through Reveal(), so every use is greppable.
// The whole buffer (its capacity, not only its length) is zeroed when the value is destroyed, replaced
// by assignment, or moved out (a short string is copied, not handed over, so the source keeps the bytes).
#pragma once

#include <fmt/format.h>

#include <string>
#include <utility>

namespace ctim {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret&) = default;
  Secret& operator=(const Secret& other) {
    if (this != &other) {
      Wipe();
      value_ = other.value_;
    }
    return *this;
  }
  Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.Wipe(); }
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) {
      Wipe();
      value_ = std::move(other.value_);
      other.Wipe();
    }
    return *this;
  }
  ~Secret() { Wipe(); }

  [[nodiscard]] const std::string& Reveal() const { return value_; }
  [[nodiscard]] bool empty() const { return value_.empty(); }

 private:
  void Wipe() noexcept {
    // volatile so the compiler cannot drop the stores to memory about to be freed.
    volatile char* p = value_.data();
    for (std::size_t i = 0; i < value_.capacity(); ++i) p[i] = 0;
    value_.clear();
  }
  std::string value_;
};

}  // namespace ctim

template <>
struct fmt::formatter<ctim::Secret> : fmt::formatter<std::string_view> {
  template <class Ctx>
  auto format(const ctim::Secret&, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format("***", ctx);
  }
};
