#include "service/run_args.h"

#include <charconv>

namespace ctim::service {

Result<agent::RunId> ReadRunId(const cxxopts::ParseResult& parsed, std::string_view usage) {
  if (parsed.count("run") == 0) return Fail(Errc::kInvalidInput, "no run given", std::string(usage));
  const std::string text = parsed["run"].as<std::string>();
  agent::RunId id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id < 1) {
    return Fail(Errc::kInvalidInput, "RUN \"" + text + "\" is not a run id",
                "run ids are the numbers `ctim-agent runs` lists");
  }
  return id;
}

Result<agent::OutputFormat> ReadTableOrJson(const cxxopts::ParseResult& parsed) {
  const std::string format = parsed["format"].as<std::string>();
  const auto f = agent::ParseOutputFormat(format);
  if (!f || *f == agent::OutputFormat::kCsv) {
    return Fail(Errc::kInvalidInput, "--format \"" + format + "\" is not table or json",
                "use --format table or json");
  }
  return *f;
}

Result<agent::OutputFormat> ReadOutputFormat(const cxxopts::ParseResult& parsed) {
  const std::string format = parsed["format"].as<std::string>();
  const auto f = agent::ParseOutputFormat(format);
  if (!f) {
    return Fail(Errc::kInvalidInput, "--format \"" + format + "\" is not table, json or csv",
                "use --format table, json or csv");
  }
  return *f;
}

}  // namespace ctim::service
