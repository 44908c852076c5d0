// An spdlog formatter that writes one JSON object per line: {"ts","level","logger","msg"}.
// spdlog patterns do not escape quotes or newlines; nlohmann-json does.
#pragma once

#include <spdlog/formatter.h>

#include <memory>

namespace ctim::service {

class JsonLineFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace ctim::service
