// Helpers for the identities reader tests: build small CTIM files in memory and read them back whole.
#pragma once

#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "agent/reader/csv_writer.h"
#include "agent/reader/identity_reader.h"

namespace ctim::agent::testing {

inline const std::vector<std::string>& StdHeader() {
  static const std::vector<std::string> header = {"SourceExternalDirectoryObjectId",
                                                  "SourceUserPrincipalName",
                                                  "PrimarySmtpAddress",
                                                  "ExchangeGuid",
                                                  "ArchiveGuid",
                                                  "LegacyExchangeDN",
                                                  "EmailAddresses",
                                                  "TargetExternalDirectoryObjectId",
                                                  "MigrationStatus"};
  return header;
}

inline std::string NumberedGuid(std::string_view first8, int n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.8s-8396-4d0b-af4e-%012x", first8.data(), n);
  return buf;
}

// A valid row in StdHeader() order; every key (GUIDs, X500s) is unique per n.
inline std::vector<std::string> ValidRow(int n) {
  const std::string user = "user" + std::to_string(n);
  return {
      NumberedGuid("5a5a5a5a", n),
      user + "@fabrikam.com",
      user + "@fabrikam.com",
      NumberedGuid("1ec059c7", n),
      NumberedGuid("a4c41ba5", n),
      "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=" + user + "-f1f9",
      "SMTP:" + user + "@fabrikam.com;smtp:" + user +
          "@fabrikam.onmicrosoft.com;X500:/o=First Org/ou=Site/cn=Recipients/cn=" + user,
      NumberedGuid("7c1e0000", n),
      "Mapped"};
}

inline std::string CsvLine(const std::vector<std::string>& cells, std::string_view line_end = "\r\n") {
  std::vector<std::string_view> views(cells.begin(), cells.end());
  std::string out;
  AppendCsvRecord(out, views, line_end);
  return out;
}

inline std::string MakeCsv(const std::vector<std::vector<std::string>>& rows,
                           const std::vector<std::string>& header = StdHeader(),
                           std::string_view line_end = "\r\n") {
  std::string out = CsvLine(header, line_end);
  for (const auto& row : rows) out += CsvLine(row, line_end);
  return out;
}

// Position of a column in StdHeader().
inline std::size_t Col(std::string_view name) {
  const auto& h = StdHeader();
  for (std::size_t i = 0; i < h.size(); ++i) {
    if (h[i] == name) return i;
  }
  return h.size();  // out of range on purpose: a typo in a test fails loudly
}

struct ReadAll {
  std::optional<Error> open_error;
  std::vector<SourceIdentity> rows;
  std::vector<RowError> errors;
  std::vector<ReaderWarning> warnings;
  ReaderSummary summary;

  // All error lines of all rows, in order.
  [[nodiscard]] std::vector<std::string> ErrorLines() const {
    std::vector<std::string> lines;
    for (const RowError& e : errors) {
      for (std::string& l : e.Lines()) lines.push_back(std::move(l));
    }
    return lines;
  }
};

inline ReadAll ReadText(const std::string& text, ReaderOptions options = {}, std::size_t chunk_bytes = 0,
                        std::string label = "t.csv") {
  ReadAll all;
  std::istringstream in(text, std::ios::binary);
  auto reader = chunk_bytes == 0
                    ? IdentityReader::Open(in, std::move(label), std::move(options))
                    : IdentityReader::Open(in, std::move(label), std::move(options), chunk_bytes);
  if (!reader) {
    all.open_error = reader.error();
    return all;
  }
  all.warnings = reader->warnings();
  // Bounded: a reader that never ends would be a bug; each call consumes at least one record.
  for (std::size_t guard = 0; guard <= text.size() + 2; ++guard) {
    ReadItem item = reader->Next();
    if (auto* row = std::get_if<SourceIdentity>(&item)) {
      all.rows.push_back(std::move(*row));
    } else if (auto* error = std::get_if<RowError>(&item)) {
      all.errors.push_back(std::move(*error));
    } else {
      break;
    }
  }
  all.summary = reader->summary();
  return all;
}

}  // namespace ctim::agent::testing
