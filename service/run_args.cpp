#include "service/run_args.h"

#include <algorithm>
#include <charconv>
#include <string>

namespace ctim::service {
namespace {

std::string_view FormatName(agent::OutputFormat format) {
  switch (format) {
    case agent::OutputFormat::kTable: return "table";
    case agent::OutputFormat::kJson: return "json";
    case agent::OutputFormat::kCsv: return "csv";
  }
  return "?";
}

}  // namespace

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

Result<agent::OutputFormat> ReadFormat(const cxxopts::ParseResult& parsed,
                                       std::initializer_list<agent::OutputFormat> allowed) {
  const std::string format = parsed["format"].as<std::string>();
  const auto f = agent::ParseOutputFormat(format);
  if (f && std::find(allowed.begin(), allowed.end(), *f) != allowed.end()) return *f;
  std::string names;
  std::size_t i = 0;
  for (const agent::OutputFormat a : allowed) {
    names += (i == 0 ? "" : (i + 1 == allowed.size() ? " or " : ", ")) + std::string(FormatName(a));
    ++i;
  }
  return Fail(Errc::kInvalidInput, "--format \"" + format + "\" is not " + names, "use --format " + names);
}

Result<agent::OutputFormat> ReadTableOrJson(const cxxopts::ParseResult& parsed) {
  return ReadFormat(parsed, {agent::OutputFormat::kTable, agent::OutputFormat::kJson});
}

agent::ReportFormat ToReportFormat(agent::OutputFormat format) {
  return format == agent::OutputFormat::kJson ? agent::ReportFormat::kJson : agent::ReportFormat::kTable;
}

Result<std::size_t> ReadBatchSize(const cxxopts::ParseResult& parsed) {
  const int batch_size = parsed["batch-size"].as<int>();
  if (batch_size < 1 || batch_size > 100000) {
    return Fail(Errc::kInvalidInput,
                "--batch-size " + std::to_string(batch_size) + " is not between 1 and 100000",
                "e.g. --batch-size 500 (the default)");
  }
  return static_cast<std::size_t>(batch_size);
}

Result<agent::OutputFormat> ReadOutputFormat(const cxxopts::ParseResult& parsed) {
  return ReadFormat(parsed, {agent::OutputFormat::kTable, agent::OutputFormat::kJson, agent::OutputFormat::kCsv});
}

}  // namespace ctim::service
