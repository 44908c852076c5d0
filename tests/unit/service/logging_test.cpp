#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "service/json_line_formatter.h"

namespace ctim::service {
namespace {

TEST(JsonLineFormatter, EscapesQuotesNewlinesAndBadUtf8) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  sink->set_formatter(std::make_unique<JsonLineFormatter>());
  spdlog::logger logger("agent", sink);
  logger.warn("row 17: value \"a\nb\" \xff");
  const std::string line = out.str();
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line per message";
  auto parsed = nlohmann::json::parse(line, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << line;
  EXPECT_EQ(parsed["level"], "warning");
  EXPECT_EQ(parsed["logger"], "agent");
  EXPECT_TRUE(parsed["msg"].get<std::string>().starts_with("row 17: value \"a\nb\""));
  EXPECT_TRUE(parsed["ts"].get<std::string>().ends_with("Z"));
}

}  // namespace
}  // namespace ctim::service
