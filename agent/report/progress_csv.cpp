#include "agent/report/progress_csv.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <random>

#include "agent/report/spreadsheet_csv.h"

namespace ctim::agent::report {

std::string FormatProgressCsv(std::span<const ProgressRow> rows) {
  static constexpr std::array<std::string_view, 13> kHeader = {"Run",
                                                               "Row",
                                                               "SourceExternalDirectoryObjectId",
                                                               "TargetExternalDirectoryObjectId",
                                                               "TargetDN",
                                                               "Attribute",
                                                               "Action",
                                                               "OldValue",
                                                               "NewValue",
                                                               "Status",
                                                               "Reason",
                                                               "Fix",
                                                               "Timestamp"};
  std::string out;
  AppendSafeCsvRecord(out, kHeader);
  for (const ProgressRow& r : rows) {
    const std::string run = r.run ? std::to_string(*r.run) : "";
    const std::string row = std::to_string(r.row);
    const std::array<std::string_view, 13> fields = {
        run,      row,         r.source_object_id, r.target_object_id,           r.dn,     r.attribute,
        r.action, r.old_value, r.new_value,        ProgressStatusName(r.status), r.reason, r.fix,
        r.at};
    AppendSafeCsvRecord(out, fields);
  }
  return out;
}

Status WriteFileAtomically(const std::string& path, std::string_view content) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  std::random_device random;
  const fs::path temp = target.parent_path() / ("." + target.filename().string() + ".tmp-" +
                                                std::to_string(random()) + std::to_string(random()));
  std::error_code ec;
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) {
      return Fail(Errc::kInvalidInput, "cannot create " + temp.string() + " (to write " + path + ")",
                  "check that the directory exists and is writable");
    }
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out) {
      fs::remove(temp, ec);
      return Fail(Errc::kUnavailable, "cannot write " + temp.string() + " (to write " + path + ")",
                  "check the free space on that disk");
    }
  }
  fs::rename(temp, target, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    return Fail(Errc::kInvalidInput, "cannot rename " + temp.string() + " to " + path + ": " + ec.message(),
                "check that " + path + " is not a directory and its directory is writable");
  }
  return {};
}

Status WriteProgressCsv(const std::string& path, std::span<const ProgressRow> rows) {
  return WriteFileAtomically(path, FormatProgressCsv(rows));
}

}  // namespace ctim::agent::report
