#include "service/json_line_formatter.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

#include "common/iso8601.h"

namespace ctim::service {

void JsonLineFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  nlohmann::json line = {
      {"ts", FormatUtcIso8601(std::chrono::time_point_cast<std::chrono::system_clock::duration>(msg.time),
                              UtcPrecision::kMicroseconds)},
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
