#include "agent/reader/identity_reader.h"

#include <algorithm>

#include "agent/reader/csv_input.h"
#include "agent/reader/csv_parser.h"
#include "agent/reader/identity_reader_header.h"
#include "agent/reader/identity_reader_keys.h"
#include "agent/reader/identity_reader_row.h"
#include "agent/reader/identity_reader_text.h"
#include "common/ascii.h"

namespace ctim::agent {

struct IdentityReader::Impl {
  Impl(std::istream& in, std::string label, ReaderOptions opts, std::size_t chunk_bytes)
      : file(std::move(label)),
        options(std::move(opts)),
        input(in, chunk_bytes),
        parser(input, options.max_record_bytes) {}

  ReadItem Next();
  RowError StructuralError() const;
  void CheckDuplicates(ParsedRow& parsed);
  void Count(const RowError& error);
  void Count(const SourceIdentity& identity);

  std::string file;
  ReaderOptions options;
  CsvInput input;
  CsvParser parser;
  ColumnMap columns;
  bool utf16 = false;
  std::vector<ReaderWarning> warnings;
  ReaderSummary summary;

  CsvRecord record;
  ParsedRow parsed;
  std::vector<std::string> scratch;
  std::size_t row = 1;  // the header
  bool done = false;

  SeenKeys exchange_guids;
  SeenKeys targets;
  SeenKeys x500s;
  struct X500Key {
    Key128 key;
    std::string_view value;  // into the row being checked
    Column column;
  };
  std::vector<X500Key> row_x500;
};

namespace {

std::string FieldName(const ColumnMap& columns, std::size_t index) {
  if (index < columns.size() && !columns.names[index].empty()) return columns.names[index];
  return "number " + std::to_string(index + 1);
}

}  // namespace

Result<IdentityReader> IdentityReader::Open(std::istream& in, std::string file_label, ReaderOptions options) {
  return Open(in, std::move(file_label), std::move(options), CsvInput::kDefaultChunkBytes);
}

Result<IdentityReader> IdentityReader::Open(std::istream& in, std::string file_label, ReaderOptions options,
                                            std::size_t chunk_bytes) {
  auto impl = std::make_unique<Impl>(in, std::move(file_label), std::move(options), chunk_bytes);
  const std::string& file = impl->file;
  if (auto started = impl->input.Start(impl->options.transcode_utf16); !started) {
    return std::unexpected(std::move(started.error()).With(file));
  }
  impl->utf16 =
      impl->input.encoding() == TextEncoding::kUtf16Le || impl->input.encoding() == TextEncoding::kUtf16Be;
  impl->summary.encoding = std::string(TextEncodingName(impl->input.encoding()));

  CsvRecord& header = impl->record;
  bool have = impl->parser.Next(header);
  // Windows PowerShell's Export-Csv writes "#TYPE <type name>" first unless -NoTypeInformation; Excel may
  // write "sep=<c>". Neither is a row.
  if (have && !header.fields.empty() && StartsWithAscii(header.fields[0], "#TYPE")) {
    have = impl->parser.Next(header);
  } else if (have && header.fields.size() <= 2 && !header.fields.empty() &&
             StartsWithAscii(header.fields[0], "sep=")) {
    // "sep=," parses as the two cells "sep=" and "".
    const bool comma = header.fields.size() == 2 && header.fields[0].size() == 4 && header.fields[1].empty();
    if (!comma) {
      return Fail(Errc::kInvalidInput,
                  file + ":" + std::to_string(header.first_line) + ": the file declares " +
                      QuoteForMessage(header.fields[0]) + " (Excel): it is not comma-delimited",
                  "re-save with comma delimiter (Excel \"CSV UTF-8 (Comma delimited)\")");
    }
    have = impl->parser.Next(header);
  }
  if (!have || header.blank) {
    return Fail(Errc::kInvalidInput,
                file + ": no header row (the file is empty" +
                    std::string(have ? " or starts with a blank line)" : ")"),
                "use the file written by Download-CtimCopiedIdentities");
  }
  std::vector<std::string> unknown;
  auto columns = ResolveHeader(header, impl->options, file + ":1", unknown);
  if (!columns) return std::unexpected(std::move(columns.error()));
  impl->columns = std::move(*columns);
  for (std::string& message : unknown) {
    impl->warnings.push_back(ReaderWarning{1, header.first_line, file + ":1: " + std::move(message)});
  }
  return IdentityReader(std::move(impl));
}

IdentityReader::IdentityReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
IdentityReader::IdentityReader(IdentityReader&&) noexcept = default;
IdentityReader& IdentityReader::operator=(IdentityReader&&) noexcept = default;
IdentityReader::~IdentityReader() = default;

ReadItem IdentityReader::Next() { return impl_->Next(); }
const std::vector<ReaderWarning>& IdentityReader::warnings() const { return impl_->warnings; }
const ReaderSummary& IdentityReader::summary() const { return impl_->summary; }
const ReaderOptions& IdentityReader::options() const { return impl_->options; }
const std::string& IdentityReader::file_label() const { return impl_->file; }

ReadItem IdentityReader::Impl::Next() {
  while (!done) {
    if (!parser.Next(record)) {
      done = true;
      if (input.failed()) {
        RowError error{file, row + 1, parser.line(), "", {}};
        error.problems.push_back(
            RowProblem{Reason::kReadError, "",
                       "the file could not be read past this point (I/O error); rows after it "
                       "are missing",
                       0});
        ++summary.rows_read;
        Count(error);
        return error;
      }
      break;
    }
    ++row;
    if (record.blank) {
      ++summary.blank_lines;
      continue;
    }
    ++summary.rows_read;
    if (record.defect != CsvDefect::kNone || record.fields.size() != columns.size()) {
      RowError error = StructuralError();
      Count(error);
      return error;
    }
    ParseRow(record.fields, columns, options, utf16, parsed, scratch);
    if (options.check_duplicates) CheckDuplicates(parsed);
    if (!parsed.problems.empty()) {
      const SourceIdentity& id = parsed.identity;
      RowError error{file, row, record.first_line, !id.source_upn.empty() ? id.source_upn : id.primary_smtp,
                     std::move(parsed.problems)};
      parsed.problems = {};
      Count(error);
      return error;
    }
    parsed.identity.row = row;
    parsed.identity.line = record.first_line;
    Count(parsed.identity);
    return std::move(parsed.identity);
  }
  return EndOfFile{};
}

RowError IdentityReader::Impl::StructuralError() const {
  RowError error{file, row, record.first_line, "", {}};
  const std::string column = record.defect_field < columns.size() ? columns.names[record.defect_field] : "";
  const std::string in_column = "column " + FieldName(columns, record.defect_field);
  const std::string on_line = "line " + std::to_string(record.defect_line);
  switch (record.defect) {
    case CsvDefect::kStrayQuote:
      error.problems.push_back({Reason::kBrokenQuotes, column,
                                in_column + ": a double quote inside an unquoted value (" + on_line +
                                    "); quote the whole value and double the quote (\"\")",
                                0});
      break;
    case CsvDefect::kTextAfterQuote:
      error.problems.push_back({Reason::kBrokenQuotes, column,
                                in_column + ": text after the closing double quote (" + on_line +
                                    "); a quote inside a quoted value must be doubled (\"\")",
                                0});
      break;
    case CsvDefect::kUnterminatedQuote:
      error.problems.push_back({Reason::kUnterminatedQuote, column,
                                in_column + ": the double quote opened on " + on_line +
                                    " is never closed; the rest of the file (to line " +
                                    std::to_string(record.last_line) + ") was read as this one value",
                                0});
      break;
    case CsvDefect::kTooLong:
      error.problems.push_back({Reason::kRecordTooLong, "",
                                "the row is longer than " + std::to_string(options.max_record_bytes) +
                                    " bytes (lines " + std::to_string(record.first_line) + "-" +
                                    std::to_string(record.last_line) + "); skipped",
                                0});
      break;
    case CsvDefect::kNone:
      error.problems.push_back(
          {Reason::kFieldCount, "",
           "has " + std::to_string(record.fields.size()) + " fields, the header has " +
               std::to_string(columns.size()) +
               (record.fields.size() > columns.size() ? " (a value with a comma must be in double quotes)"
                                                      : ""),
           0});
      break;
  }
  return error;
}

void IdentityReader::Impl::CheckDuplicates(ParsedRow& p) {
  const SourceIdentity& id = p.identity;
  const auto column_name = [&](Column c) {
    const auto& pos = columns.position[static_cast<std::size_t>(c)];
    return pos ? columns.names[*pos] : options.Spec(c).name;
  };
  // X500 values this row would write: X500:<LegacyExchangeDN> and its X500 proxies. Compared without
  // regard to ASCII case, as AD and EXO compare proxies; repeats within the row are not duplicates.
  row_x500.clear();
  const auto add_x500 = [&](std::string_view value, Column c) {
    const Key128 key = FoldedKeyOf(value);
    for (const X500Key& seen : row_x500) {
      if (seen.key == key) return;
    }
    row_x500.push_back(X500Key{key, value, c});
  };
  if (p.legacy_dn_ok) add_x500(id.legacy_exchange_dn, Column::kLegacyExchangeDn);
  for (const std::string& x500 : id.x500_proxies)
    add_x500(std::string_view(x500).substr(5), Column::kEmailAddresses);

  // Every key's slot is fetched before any is probed, so the cache misses of one row overlap.
  const Key128 guid_key = KeyOf(id.exchange_guid);
  const Key128 target_key = id.target_object_id ? KeyOf(*id.target_object_id) : Key128{};
  if (p.exchange_guid_ok) exchange_guids.Prefetch(guid_key);
  if (id.target_object_id) targets.Prefetch(target_key);
  for (const X500Key& x : row_x500) x500s.Prefetch(x.key);

  if (p.exchange_guid_ok) {
    if (const std::size_t other = exchange_guids.FirstRow(guid_key, row)) {
      const std::string name = column_name(Column::kExchangeGuid);
      p.problems.push_back({Reason::kDuplicateExchangeGuid, name,
                            "column " + name + ": " + id.exchange_guid.ToString() + " is also on row " +
                                std::to_string(other) + " (each source mailbox has its own ExchangeGuid)",
                            other});
    }
  }
  if (id.target_object_id) {
    if (const std::size_t other = targets.FirstRow(target_key, row)) {
      const std::string name = column_name(Column::kTargetObjectId);
      p.problems.push_back({Reason::kDuplicateTarget, name,
                            "column " + name + ": " + id.target_object_id->ToString() +
                                " is also the target of row " + std::to_string(other) +
                                " (two source mailboxes cannot map to one target)",
                            other});
    }
  }
  for (const X500Key& x : row_x500) {
    if (const std::size_t other = x500s.FirstRow(x.key, row)) {
      const std::string name = column_name(x.column);
      p.problems.push_back({Reason::kDuplicateX500, name,
                            "column " + name + ": X500 " + QuoteForMessage(x.value) + " is also on row " +
                                std::to_string(other) + " (compared without regard to case)",
                            other});
    }
  }
}

void IdentityReader::Impl::Count(const RowError& error) {
  ++summary.rejected;
  std::array<bool, kReasonCount> seen{};
  for (const RowProblem& p : error.problems) {
    const auto r = static_cast<std::size_t>(p.reason);
    if (!seen[r]) ++summary.rejected_by_reason[r];
    seen[r] = true;
  }
}

void IdentityReader::Impl::Count(const SourceIdentity& identity) {
  ++summary.valid;
  if (identity.hold.Requested()) ++summary.hold_requested;
  auto& by_status = summary.by_status;
  if (by_status.size() < ReaderSummary::kMaxStatusValues || by_status.contains(identity.migration_status)) {
    ++by_status[identity.migration_status];
  } else {
    ++by_status["(other)"];
  }
  if (!identity.target_object_id) {
    ++summary.unmapped;
    return;
  }
  switch (options.ActionFor(identity.migration_status)) {
    case StatusAction::kProcess:
      ++summary.to_process;
      break;
    case StatusAction::kReverify:
      ++summary.to_reverify;
      break;
    case StatusAction::kReport:
      ++summary.to_report;
      break;
  }
}

}  // namespace ctim::agent
