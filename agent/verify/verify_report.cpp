#include "agent/verify/verify_report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace ctim::agent {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

std::string Subject(const VerifySubject& subject) {
  if (subject.runs.size() > 1) {
    std::string text = "runs ";
    for (std::size_t i = 0; i < subject.runs.size(); ++i) text += (i ? ", " : "") + std::to_string(subject.runs[i]);
    return text;
  }
  std::string text = subject.run ? "run " + std::to_string(*subject.run) : std::string("file");
  if (!subject.file.empty()) text += subject.run ? " (" + subject.file + ")" : " " + subject.file;
  return text;
}

const MicrosoftVerdict* MicrosoftOf(const VerifyReport& report, const UserResult& u) {
  if (!report.microsoft) return nullptr;
  const auto it = report.microsoft->users.find(u.expected.target_object_id);
  return it == report.microsoft->users.end() ? nullptr : &it->second;
}

// Microsoft's check in one line: which job, and how it ended.
std::string MicrosoftSummary(const MigrationValidation& m) {
  std::string out = "  Microsoft's migration validation: ";
  if (m.asked == 0) return out + "no user is DONE, nothing was asked (no job created)\n";
  if (!m.job_id.empty()) {
    out += fmt::format("job {} ({}{}), ", m.job_id, m.reused ? "reused" : "created",
                       m.job_status.empty() ? std::string() : ", status " + m.job_status);
  }
  if (m.error) return out + "could not finish: " + m.error->ToString() + "\n";
  std::size_t valid = 0, unknown = 0;
  for (const auto& [id, v] : m.users) {
    valid += v.status == MicrosoftStatus::kValid ? 1 : 0;
    unknown += v.status == MicrosoftStatus::kUnknown ? 1 : 0;
  }
  return out + fmt::format("{} of {} DONE users valid, {} rejected, {} not judged\n", valid, m.asked, m.Rejected(),
                           unknown);
}

void AppendUser(std::string& out, const UserResult& u, const MicrosoftVerdict* microsoft) {
  const std::string status = Upper(VerifyStatusName(u.verdict.status));
  out += fmt::format("{:<8} {} (target {})", status, u.expected.label, u.expected.target_object_id.ToString());
  if (microsoft != nullptr) {
    out += "  Microsoft: " + Upper(MicrosoftStatusName(microsoft->status));
    if (!microsoft->detail.empty()) out += " (" + microsoft->detail + ")";
  }
  out += "\n";
  if (u.verdict.status == VerifyStatus::kDone) return;
  out += "         " + u.verdict.reason + "\n";
  for (const ValueCheck& v : u.verdict.values) {
    if (v.state == ValueState::kArrived) continue;
    out += fmt::format("         {} {}: planned {}{}\n", v.name, ValueStateName(v.state), v.planned,
                       v.cloud.empty() ? std::string() : ", cloud " + v.cloud);
  }
  if (!u.verdict.hint.empty()) out += "         -> " + u.verdict.hint + "\n";
}

}  // namespace

std::string FormatVerifyTable(const VerifyReport& report, const VerifySubject& subject) {
  const VerifyCounts c = report.Count();
  std::string out = fmt::format("verify {}: {} objects: {} done, {} pending, {} wrong", Subject(subject),
                                report.users.size(), c.done, c.pending, c.wrong);
  if (!subject.skipped.empty()) out += fmt::format(", {} not verified", subject.skipped.size());
  out += "\n";
  out += fmt::format("  {} {} in {:.1f} s; {} Graph and {} EXO calls ({} retried, {} throttled); {}\n",
                     report.passes.size(), report.passes.size() == 1 ? "pass" : "passes", static_cast<double>(report.elapsed.count()) / 1000.0, report.calls.graph,
                     report.calls.exo, report.calls.retries, report.calls.throttled,
                     report.tenant_last_sync ? "tenant last sync " + FormatUtcIso8601(*report.tenant_last_sync)
                                             : std::string("the tenant never synced"));
  if (report.deadline_passed) out += "  the deadline passed with objects still pending\n";
  if (report.stopped) out += "  stopped before every object was DONE or WRONG\n";
  if (report.last_error) out += "  the last pass could not ask the cloud: " + report.last_error->ToString() + "\n";
  if (report.microsoft) out += MicrosoftSummary(*report.microsoft);
  out += "\n";
  for (VerifyStatus order : {VerifyStatus::kWrong, VerifyStatus::kPending, VerifyStatus::kDone}) {
    for (const UserResult& u : report.users) {
      if (u.verdict.status == order) AppendUser(out, u, MicrosoftOf(report, u));
    }
  }
  if (!subject.skipped.empty()) {
    out += "\nnot verified:\n";
    for (const std::string& s : subject.skipped) out += "  " + s + "\n";
  }
  return out;
}

std::string FormatVerifyJson(const VerifyReport& report, const VerifySubject& subject) {
  using nlohmann::json;
  const VerifyCounts c = report.Count();
  json users = json::array();
  for (const UserResult& u : report.users) {
    json values = json::array();
    for (const ValueCheck& v : u.verdict.values) {
      values.push_back({{"name", v.name}, {"planned", v.planned}, {"cloud", v.cloud}, {"state", ValueStateName(v.state)}});
    }
    users.push_back({
        {"run", u.expected.run ? json(*u.expected.run) : json(nullptr)},
        {"row", u.expected.row},
        {"label", u.expected.label},
        {"target_object_id", u.expected.target_object_id.ToString()},
        {"object_guid", u.expected.object_guid ? json(u.expected.object_guid->ToString()) : json(nullptr)},
        {"dn", u.expected.dn.empty() ? json(nullptr) : json(u.expected.dn)},
        {"status", VerifyStatusName(u.verdict.status)},
        {"reason", u.verdict.reason},
        {"hint", u.verdict.hint},
        {"checked_at", u.checked_at ? json(FormatUtcIso8601(*u.checked_at)) : json(nullptr)},
        {"first_sync_after_write",
         u.first_sync_after_write ? json(FormatUtcIso8601(*u.first_sync_after_write)) : json(nullptr)},
        {"values", std::move(values)},
        {"microsoft", nullptr},
    });
    if (const MicrosoftVerdict* m = MicrosoftOf(report, u)) {
      users.back()["microsoft"] = {{"status", MicrosoftStatusName(m->status)}, {"detail", m->detail}};
    }
  }
  json doc = {
      {"run", subject.run ? json(*subject.run) : json(nullptr)},
      {"runs", subject.runs},
      {"file", subject.file},
      {"summary",
       {{"users", report.users.size()},
        {"done", c.done},
        {"pending", c.pending},
        {"wrong", c.wrong},
        {"skipped", subject.skipped.size()},
        {"rejected_rows", subject.rejected_rows}}},
      {"passes", report.passes.size()},
      {"elapsed_ms", report.elapsed.count()},
      {"deadline_passed", report.deadline_passed},
      {"stopped", report.stopped},
      {"last_error", report.last_error ? json(report.last_error->ToString()) : json(nullptr)},
      {"tenant_last_sync", report.tenant_last_sync ? json(FormatUtcIso8601(*report.tenant_last_sync)) : json(nullptr)},
      {"calls",
       {{"graph", report.calls.graph},
        {"exo", report.calls.exo},
        {"token", report.calls.token},
        {"retries", report.calls.retries},
        {"throttled", report.calls.throttled}}},
      {"users", std::move(users)},
      {"skipped", subject.skipped},
      {"migration_validation", nullptr},
  };
  if (report.microsoft) {
    const MigrationValidation& m = *report.microsoft;
    doc["migration_validation"] = {
        {"job_id", m.job_id.empty() ? json(nullptr) : json(m.job_id)},
        {"job_status", m.job_status},
        {"job_message", m.job_message},
        {"reused", m.reused},
        {"asked", m.asked},
        {"rejected", m.Rejected()},
        {"error", m.error ? json(m.error->ToString()) : json(nullptr)},
    };
  }
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string FormatVerify(const VerifyReport& report, const VerifySubject& subject, ReportFormat format) {
  return format == ReportFormat::kJson ? FormatVerifyJson(report, subject) : FormatVerifyTable(report, subject);
}

}  // namespace ctim::agent
