#include "agent/reader/check_report.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <variant>

#include "agent/reader/identity_reader.h"
#include "agent/reader/identity_reader_text.h"

namespace ctim::agent {
namespace {

// R10 (doc/design.md §2): holds on the source are unsupported for cross-tenant moves; say so loudly.
std::string HoldWarning(const std::string& file, const SourceIdentity& id) {
  std::string what;
  const auto add = [&](std::string_view s) { what += (what.empty() ? "" : ", ") + std::string(s); };
  if (id.hold.litigation_hold.value_or(false)) add("LitigationHoldEnabled");
  if (id.hold.single_item_recovery.value_or(false)) add("SingleItemRecoveryEnabled");
  if ((id.hold.elc_flags.value_or(0) & (8 | 16)) != 0)
    add("ElcMailboxFlags " + std::to_string(*id.hold.elc_flags));
  std::string where = file + ":" + std::to_string(id.row);
  if (id.line != id.row) where += " (line " + std::to_string(id.line) + ")";
  const std::string who = !id.source_upn.empty() ? id.source_upn : id.primary_smtp;
  return where + ": " + (who.empty() ? "" : who + ": ") + "hold requested (" + what +
         "); Microsoft does not support moving mailboxes on hold across tenants";
}

}  // namespace

CheckReport CheckIdentities(std::istream& in, std::string file_label, const ReaderOptions& options) {
  CheckReport report;
  report.file = file_label;
  auto reader = IdentityReader::Open(in, std::move(file_label), options);
  if (!reader) {
    report.file_error = std::move(reader.error());
    return report;
  }
  report.warnings = reader->warnings();
  for (;;) {
    ReadItem item = reader->Next();
    if (auto* row = std::get_if<SourceIdentity>(&item)) {
      if (row->hold.Requested()) {
        report.warnings.push_back(ReaderWarning{row->row, row->line, HoldWarning(report.file, *row)});
      }
    } else if (auto* error = std::get_if<RowError>(&item)) {
      report.errors.push_back(std::move(*error));
    } else {
      break;
    }
  }
  report.summary = reader->summary();
  return report;
}

CheckReport CheckIdentitiesFile(const std::filesystem::path& path, const ReaderOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    CheckReport report;
    report.file = path.string();
    report.file_error =
        Error{Errc::kInvalidInput, path.string() + ": cannot open (" + std::strerror(err) + ")",
              "check the path and that this account may read the file"};
    return report;
  }
  return CheckIdentities(in, path.string(), options);
}

std::string FormatCheck(const CheckReport& report, ReportFormat format) {
  return format == ReportFormat::kJson ? FormatCheckJson(report) : FormatCheckTable(report);
}

}  // namespace ctim::agent
