#include "agent/reader/identity_reader_header.h"

#include "agent/reader/identity_reader_text.h"

namespace ctim::agent {
namespace {

constexpr std::string_view kCommaHint =
    "re-save with comma delimiter: in Excel \"CSV UTF-8 (Comma delimited)\", or in PowerShell "
    "Import-Csv <file> -Delimiter ';' | Export-Csv <new file> -NoTypeInformation -Encoding UTF8";

std::string Joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// The delimiter a one-cell header seems to use instead of ',' (0 if none).
char OtherDelimiter(std::string_view cell) {
  for (const char d : {';', '\t', '|'}) {
    if (cell.find(d) != std::string_view::npos) return d;
  }
  return 0;
}

std::string DelimiterName(char d) {
  switch (d) {
    case ';':
      return "semicolon (;)";
    case '\t':
      return "tab";
    default:
      return "pipe (|)";
  }
}

// The name a column goes by in messages: the header cell itself when it is one clean line of at most
// 60 characters, otherwise quoted and escaped (a garbled header must not break "one error, one line").
std::string ColumnLabel(std::string_view cell) {
  constexpr std::size_t kMaxLabel = 60;
  if (cell.size() <= kMaxLabel && !FindInvalidUtf8(cell) && !FindControlCharacter(cell)) return std::string(cell);
  return QuoteForMessage(cell, kMaxLabel);
}

}  // namespace

Result<ColumnMap> ResolveHeader(const CsvRecord& header, const ReaderOptions& options, std::string_view where,
                                std::vector<std::string>& unknown) {
  const std::string at(where);
  if (header.defect == CsvDefect::kTooLong) {
    return Fail(
        Errc::kInvalidInput,
        at + ": the header is longer than " + std::to_string(options.max_record_bytes) +
            " bytes; this is not a CTIM identities file",
        "check the file name; the file from Download-CtimCopiedIdentities starts with a short header row");
  }
  if (header.defect != CsvDefect::kNone) {
    return Fail(Errc::kInvalidInput, at + ": the header is not valid CSV (unbalanced double quotes)",
                "fix the header row: column names need no quotes");
  }
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string_view cell = header.fields[i];
    if (cell.find('\0') != std::string_view::npos) {
      return Fail(Errc::kInvalidInput,
                  at + ": the header holds NUL bytes: the file looks like UTF-16 without a byte-order mark",
                  "re-save it as UTF-8 (Export-Csv -Encoding UTF8)");
    }
    if (const auto bad = FindInvalidUtf8(cell)) {
      return Fail(Errc::kInvalidInput,
                  at + ": header column " + std::to_string(i + 1) + ": invalid UTF-8 at character " +
                      std::to_string(CharacterNumber(cell, *bad)),
                  "re-save the file as UTF-8 (Excel \"CSV UTF-8\", or Export-Csv -Encoding UTF8)");
    }
    if (cell.find('\r') != std::string_view::npos) {
      return Fail(Errc::kInvalidInput, at + ": the file's lines end with CR only (classic Mac line ends)",
                  "re-save it with CRLF or LF line ends");
    }
  }
  if (header.fields.size() == 1) {
    if (const char d = OtherDelimiter(header.fields[0])) {
      return Fail(Errc::kInvalidInput,
                  at + ": the header is " + DelimiterName(d) +
                      "-delimited, not comma-delimited: " + QuoteForMessage(header.fields[0]),
                  std::string(kCommaHint));
    }
  }

  ColumnMap map;
  map.names.reserve(header.fields.size());
  map.column_at.reserve(header.fields.size());
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string_view cell = header.fields[i];
    map.names.push_back(ColumnLabel(cell));
    const std::optional<Column> column = options.MatchHeader(cell);
    map.column_at.push_back(column);
    if (!column) {
      unknown.push_back(cell.empty() ? "column " + std::to_string(i + 1) + " has no name; ignored"
                                     : "unknown column " + QuoteForMessage(cell) + " (column " +
                                           std::to_string(i + 1) + ") ignored");
      continue;
    }
    auto& pos = map.position[static_cast<std::size_t>(*column)];
    if (pos) {
      return Fail(Errc::kInvalidInput,
                  at + ": columns " + std::to_string(*pos + 1) + " (" + map.names[*pos] + ") and " +
                      std::to_string(i + 1) + " (" + map.names[i] + ") both name " +
                      options.Spec(*column).name,
                  "keep one of them");
    }
    pos = i;
  }

  std::vector<std::string> missing;
  for (const ColumnSpec& spec : options.columns) {
    if (spec.required_column && !map.Has(spec.column)) missing.push_back(spec.name);
  }
  if (!missing.empty()) {
    bool other_delimiter = false;
    for (const std::string_view cell : header.fields)
      other_delimiter = other_delimiter || OtherDelimiter(cell) != 0;
    std::string hint = other_delimiter
                           ? std::string(kCommaHint)
                           : "use the file written by Download-CtimCopiedIdentities; header names "
                             "are matched without regard to case";
    return Fail(Errc::kInvalidInput,
                at + ": the header lacks required column" + (missing.size() > 1 ? "s " : " ") +
                    Joined(missing) + " (header: " + QuoteForMessage(Joined(map.names), 200) + ")",
                std::move(hint));
  }
  return map;
}

}  // namespace ctim::agent
