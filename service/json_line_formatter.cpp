#include "service/json_line_formatter.h"

#include <fmt/chrono.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

namespace ctim::service {

void JsonLineFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(micros / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  nlohmann::json line = {
      {"ts", fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:06d}Z", tm, micros % 1'000'000)},
      {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                            spdlog::level::to_string_view(msg.level).size())},
      {"logger", std::string(msg.logger_name.data(), msg.logger_name.size())},
      {"msg", std::string(msg.payload.data(), msg.payload.size())},
  };
  // error_handler_t::replace: a log line with invalid UTF-8 (e.g. a bad CSV value) still prints.
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  dest.append(text.data(), text.data() + text.size());
  dest.push_back('\n');
}

std::unique_ptr<spdlog::formatter> JsonLineFormatter::clone() const {
  return std::make_unique<JsonLineFormatter>();
}

}  // namespace ctim::service
