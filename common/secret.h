// A string that must never reach a log: passwords, client secrets, private keys, bearer tokens.
// Its formatter prints "***"; the value is reachable only through Reveal(), so every use is greppable.
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
  Secret& operator=(const Secret&) = default;
  Secret(Secret&&) noexcept = default;
  Secret& operator=(Secret&&) noexcept = default;
  ~Secret() { Wipe(); }

  [[nodiscard]] const std::string& Reveal() const { return value_; }
  [[nodiscard]] bool empty() const { return value_.empty(); }

 private:
  void Wipe() noexcept {
    // volatile so the compiler cannot drop the stores to memory about to be freed.
    volatile char* p = value_.data();
    for (std::size_t i = 0; i < value_.size(); ++i) p[i] = 0;
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
