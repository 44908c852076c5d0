#include "agent/plan/identity_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <variant>

#include "agent/reader/identity_reader.h"

namespace ctim::agent {
namespace {

constexpr std::string_view kFixRow =
    "fix the row in the file (`ctim-agent check FILE` lists every problem); nothing is written for it";

// The rule a rejected problem belongs to, and what the row it duplicates is told.
struct DuplicateRule {
  Rule rule;
  std::string_view what;  // "ExchangeGuid", ...
};

std::optional<DuplicateRule> DuplicateOf(Reason reason) {
  switch (reason) {
    case Reason::kDuplicateExchangeGuid:
      return DuplicateRule{Rule::kR1RowSyntax, "ExchangeGuid"};
    case Reason::kDuplicateTarget:
      return DuplicateRule{Rule::kR2Match, "TargetExternalDirectoryObjectId"};
    case Reason::kDuplicateX500:
      return DuplicateRule{Rule::kR6ProxyElsewhere, "X500 address"};
    default:
      return std::nullopt;
  }
}

Rule RuleOf(Reason reason) {
  if (const auto d = DuplicateOf(reason)) return d->rule;
  return Rule::kR1RowSyntax;
}

RowPlan RejectedRow(const RowError& error) {
  RowPlan r;
  r.source_index = kNoSource;
  r.row = error.row;
  r.label = "row " + std::to_string(error.row) + (error.who.empty() ? "" : " (" + error.who + ")");
  r.change_set.row = error.row;
  r.match_detail = "not matched: the row was rejected when the file was read";
  for (const RowProblem& p : error.problems) {
    r.findings.push_back(Refuse(RuleOf(p.reason), "rejected: " + p.message, std::string(kFixRow)));
  }
  if (r.findings.empty()) {
    r.findings.push_back(Refuse(Rule::kR1RowSyntax, "rejected when the file was read", std::string(kFixRow)));
  }
  return r;
}

}  // namespace

Result<IdentityFile> ReadIdentityFile(const std::filesystem::path& path, const ReaderOptions& options) {
  IdentityFile file;
  file.label = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return Fail(Errc::kInvalidInput, file.label + ": cannot open (" + std::strerror(err) + ")",
                "check the path and that this account may read the file");
  }
  auto reader = IdentityReader::Open(in, file.label, options);
  if (!reader) return std::unexpected(std::move(reader.error()));
  file.warnings = reader->warnings();
  for (;;) {
    ReadItem item = reader->Next();
    if (auto* row = std::get_if<SourceIdentity>(&item)) {
      file.rows.push_back(std::move(*row));
    } else if (auto* error = std::get_if<RowError>(&item)) {
      file.errors.push_back(std::move(*error));
    } else {
      break;
    }
  }
  file.summary = reader->summary();
  return file;
}

void AddRejectedRows(const IdentityFile& file, Plan& plan) {
  if (file.errors.empty()) return;
  std::map<std::size_t, std::size_t> by_row;  // file row -> index in plan.rows
  for (std::size_t i = 0; i < plan.rows.size(); ++i) by_row.emplace(plan.rows[i].row, i);
  // Refuse the earlier rows that later, rejected rows duplicate.
  for (const RowError& error : file.errors) {
    for (const RowProblem& p : error.problems) {
      const auto rule = DuplicateOf(p.reason);
      if (!rule || p.other_row == 0) continue;
      const auto it = by_row.find(p.other_row);
      if (it == by_row.end()) continue;
      RowPlan& earlier = plan.rows[it->second];
      earlier.findings.push_back(Refuse(rule->rule,
                                        "row " + std::to_string(error.row) + " carries the same " +
                                            std::string(rule->what) + " and was rejected for it (" +
                                            p.message + "): neither row is written",
                                        "remove the wrong row of the two, then rerun"));
      earlier.change_set.changes.clear();
    }
  }
  std::vector<RowPlan> merged;
  merged.reserve(plan.rows.size() + file.errors.size());
  std::size_t e = 0;
  for (RowPlan& r : plan.rows) {
    while (e < file.errors.size() && file.errors[e].row < r.row)
      merged.push_back(RejectedRow(file.errors[e++]));
    merged.push_back(std::move(r));
  }
  while (e < file.errors.size()) merged.push_back(RejectedRow(file.errors[e++]));
  plan.rows = std::move(merged);
}

}  // namespace ctim::agent
