#include "agent/report/runs_csv.h"

#include <array>

#include "agent/report/spreadsheet_csv.h"

namespace ctim::agent::report {

std::string FormatRunsCsv(std::span<const RunRecord> runs) {
  static constexpr std::array<std::string_view, 9> kHeader = {
      "Run", "Kind", "State", "StartedAt", "FinishedAt", "File", "FileSha256", "RollbackOf", "Summary"};
  std::string out;
  AppendSafeCsvRecord(out, kHeader);
  for (const RunRecord& r : runs) {
    const std::string id = std::to_string(r.id);
    const std::string rollback_of = r.info.rollback_of ? std::to_string(*r.info.rollback_of) : "";
    const std::array<std::string_view, 9> fields = {id,
                                                    RunKindName(r.info.kind),
                                                    RunStateName(r.state),
                                                    r.started_at,
                                                    r.finished_at,
                                                    r.info.file_path,
                                                    r.info.file_sha256,
                                                    rollback_of,
                                                    r.summary};
    AppendSafeCsvRecord(out, fields);
  }
  return out;
}

}  // namespace ctim::agent::report
