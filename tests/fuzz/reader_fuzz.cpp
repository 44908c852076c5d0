// libFuzzer target for the CTIM identities reader (agent/reader/identity_reader.h) and the check report.
// Asserts, for any input: no crash or sanitizer report (the build has ASan+UBSan), the reader ends
// (Next() calls bounded by the input size), every rejection names its row (row >= 2, line >= row, at
// least one problem, every message line starts with "<file>:<row>"), the summary adds up, and the JSON
// report is valid JSON. Built only by the 'fuzz' preset (clang-16); run by ctest for a bounded time.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <variant>

#include "agent/reader/check_report.h"
#include "agent/reader/identity_reader.h"

namespace {

using ctim::agent::IdentityReader;
using ctim::agent::ReaderOptions;

void Require(bool ok, const char* what, const std::string& detail = {}) {
  if (ok) return;
  std::fprintf(stderr, "reader_fuzz: invariant broken: %s %s\n", what, detail.c_str());
  std::abort();
}

void ReadAll(const std::string& text, const ReaderOptions& options, std::size_t chunk) {
  const std::string file = "fuzz.csv";
  std::istringstream in(text, std::ios::binary);
  auto reader = IdentityReader::Open(in, file, options, chunk);
  if (!reader) {
    Require(reader.error().message.rfind(file, 0) == 0, "a refused file is named", reader.error().message);
    return;
  }
  for (const auto& w : reader->warnings())
    Require(w.message.rfind(file + ":1: ", 0) == 0, "warning names row 1", w.message);
  std::size_t calls = 0;
  for (;;) {
    Require(++calls <= text.size() + 2, "the reader ends");
    ctim::agent::ReadItem item = reader->Next();
    if (auto* row = std::get_if<ctim::agent::SourceIdentity>(&item)) {
      Require(row->row >= 2 && row->line >= row->row, "a valid row has row and line numbers");
      Require(!row->exchange_guid.IsZero(), "a valid row has a non-zero ExchangeGuid");
      Require(!row->legacy_exchange_dn.empty(), "a valid row has a LegacyExchangeDN");
    } else if (auto* error = std::get_if<ctim::agent::RowError>(&item)) {
      Require(error->row >= 2 && error->line >= error->row, "a rejection names its row and line",
              std::to_string(error->row) + " " + std::to_string(error->line));
      Require(!error->problems.empty(), "a rejection says why");
      const std::string prefix = file + ":" + std::to_string(error->row);
      for (const std::string& line : error->Lines()) {
        Require(line.rfind(prefix, 0) == 0 && line.size() > prefix.size() + 2,
                "every error line names the row", line);
        Require(line.find('\n') == std::string::npos, "an error is one line", line);
      }
    } else {
      break;
    }
  }
  Require(std::holds_alternative<ctim::agent::EndOfFile>(reader->Next()), "EndOfFile repeats");
  const auto& s = reader->summary();
  Require(s.rows_read == s.valid + s.rejected, "rows_read = valid + rejected");
  Require(s.unmapped <= s.valid, "unmapped rows are valid rows");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // Defaults with the production chunk size, then the other separator, a tiny record limit and tiny chunks
  // (chunk boundaries inside quotes, CRLF and UTF-16 code units).
  ReadAll(text, ReaderOptions{}, 64 * 1024);
  ReaderOptions small;
  small.proxy_separator = '|';
  small.max_record_bytes = 300;
  ReadAll(text, small, 1 + size % 7);

  std::istringstream in(text, std::ios::binary);
  const ctim::agent::CheckReport report = ctim::agent::CheckIdentities(in, "fuzz.csv");
  Require(report.Passed() == (!report.file_error && report.errors.empty()),
          "Passed() agrees with the errors");
  const std::string table = ctim::agent::FormatCheckTable(report);
  Require(!table.empty(), "the table is printed");
  Require(nlohmann::json::accept(ctim::agent::FormatCheckJson(report)), "the JSON report is valid JSON");
  return 0;
}
