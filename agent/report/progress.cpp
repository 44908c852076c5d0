#include "agent/report/progress.h"

#include <algorithm>
#include <map>

#include "agent/model/attributes.h"
#include "agent/verify/verdict_detail.h"

namespace ctim::agent::report {
namespace {

std::string JoinFindings(const std::vector<Finding>& findings, Severity severity, bool hints) {
  std::string out;
  for (const Finding& f : findings) {
    if (f.severity != severity) continue;
    const std::string& text = hints ? f.hint : f.message;
    if (text.empty()) continue;
    if (!out.empty()) out += "; ";
    if (!hints) out.append(RuleCode(f.rule)).append(": ");
    out += text;
  }
  return out;
}

void Append(std::string& to, std::string_view more) {
  if (more.empty()) return;
  if (!to.empty()) to += "; ";
  to += more;
}

// The plan's view of a row: identity columns, and the findings that explain it.
ProgressRow RowBase(const RowPlan& p, std::optional<RunId> run, std::string_view now) {
  ProgressRow r;
  r.run = run;
  r.row = p.row;
  r.source_object_id = p.source_object_id;
  r.target_object_id = p.target_object_id ? p.target_object_id->ToString() : "";
  r.dn = p.change_set.dn;
  r.action = "none";
  r.at = std::string(now);
  return r;
}

// A row with nothing to write (refused, unmapped, already as planned): one line for the whole row.
ProgressRow RowWithoutChanges(const RowPlan& p, std::optional<RunId> run, std::string_view now) {
  ProgressRow r = RowBase(p, run, now);
  switch (p.status()) {
    case RowStatus::kRefused:
      r.status = ProgressStatus::kRefused;
      r.reason = JoinFindings(p.findings, Severity::kRefusal, false);
      r.fix = JoinFindings(p.findings, Severity::kRefusal, true);
      break;
    case RowStatus::kSkipped:
      r.status = ProgressStatus::kSkipped;
      r.reason = JoinFindings(p.findings, Severity::kNote, false);
      if (r.reason.empty()) r.reason = "unmapped: TargetExternalDirectoryObjectId is empty";
      r.fix = JoinFindings(p.findings, Severity::kNote, true);
      break;
    case RowStatus::kNoChange:
    case RowStatus::kChange:
      r.status = ProgressStatus::kSkipped;
      r.reason = "AD already holds the planned values";
      break;
  }
  Append(r.reason, JoinFindings(p.findings, Severity::kWarning, false));
  Append(r.fix, JoinFindings(p.findings, Severity::kWarning, true));
  return r;
}

void AppendChangeRows(const ProgressRow& base, const ChangeSet& cs, std::vector<ProgressRow>& out) {
  for (const AttributeChange& c : cs.changes) {
    ProgressRow r = base;
    r.attribute = c.attribute;
    r.action = std::string(ActionName(c.kind));
    r.old_value = c.before.empty() ? "" : DisplayValues(c.attribute, c.before);
    r.new_value = c.after.empty() ? "" : DisplayValues(c.attribute, c.after);
    out.push_back(std::move(r));
  }
}

// Where an intent stands: its verify verdict if any, else its latest outcome.
void JudgeIntent(const IntentView& v, const VerificationRecord* verdict, ProgressRow& r) {
  if (verdict != nullptr) {
    const VerdictDetail d = SplitVerdictDetail(verdict->status, verdict->detail);
    r.reason = d.reason;
    r.fix = d.hint;
    r.at = verdict->checked_at;
    switch (verdict->status) {
      case VerifyStatus::kDone:
        r.status = ProgressStatus::kVerified;
        break;
      case VerifyStatus::kPending:
        r.status = ProgressStatus::kPending;
        break;
      case VerifyStatus::kWrong:
        r.status = ProgressStatus::kWrong;
        break;
    }
    return;
  }
  if (v.outcomes.empty()) {
    r.status = ProgressStatus::kPending;
    r.reason = "no outcome recorded: the process stopped before AD answered";
    r.fix = "run write again with the same file: it re-reads the object and records what AD holds";
    r.at = v.recorded_at;
    return;
  }
  const OutcomeEntry& o = v.outcomes.back();
  r.at = o.at;
  r.reason = o.detail;
  switch (o.state) {
    case OutcomeState::kWritten:
    case OutcomeState::kConfirmed:
      r.status = ProgressStatus::kWritten;
      r.fix = "wait for the next directory sync, then run verify";
      break;
    case OutcomeState::kNotWritten:
      r.status = ProgressStatus::kSkipped;
      if (r.reason.empty()) r.reason = "not written";
      r.fix = "run write again with the same file";
      break;
    case OutcomeState::kConflict:
      r.status = ProgressStatus::kFailed;
      if (r.reason.empty()) r.reason = "the object changed since the plan";
      r.fix = "run plan again to see what the object holds now";
      break;
    case OutcomeState::kFailed:
    case OutcomeState::kMismatch:
    case OutcomeState::kDiverged:
      r.status = ProgressStatus::kFailed;
      r.fix = "see ctim-agent show " + std::to_string(v.run_id) + "; fix the cause, then run write again";
      break;
  }
}

}  // namespace

std::string_view ProgressStatusName(ProgressStatus status) {
  switch (status) {
    case ProgressStatus::kPlanned:
      return "planned";
    case ProgressStatus::kWritten:
      return "written";
    case ProgressStatus::kRefused:
      return "refused";
    case ProgressStatus::kSkipped:
      return "skipped";
    case ProgressStatus::kFailed:
      return "failed";
    case ProgressStatus::kVerified:
      return "verified";
    case ProgressStatus::kPending:
      return "pending";
    case ProgressStatus::kWrong:
      return "wrong";
  }
  return "?";
}

std::vector<ProgressRow> ProgressFromPlan(const Plan& plan, std::string_view now) {
  std::vector<ProgressRow> out;
  for (const RowPlan& p : plan.rows) {
    if (p.status() != RowStatus::kChange) {
      out.push_back(RowWithoutChanges(p, std::nullopt, now));
      continue;
    }
    ProgressRow base = RowBase(p, std::nullopt, now);
    base.status = ProgressStatus::kPlanned;
    base.reason = JoinFindings(p.findings, Severity::kWarning, false);
    base.fix = JoinFindings(p.findings, Severity::kWarning, true);
    AppendChangeRows(base, p.change_set, out);
  }
  return out;
}

std::vector<ProgressRow> ProgressFromRun(const RunRecord& run, std::span<const IntentView> intents,
                                         std::span<const VerificationRecord> verifications, const Plan* plan,
                                         std::string_view now) {
  // Later attempts (re-plans after a conflict) replace earlier ones: the last intent per object counts.
  std::map<Guid, const IntentView*> latest;
  for (const IntentView& v : intents) latest[v.change_set.object_guid] = &v;
  std::map<Guid, const VerificationRecord*> verdicts;
  for (const VerificationRecord& r : verifications) verdicts[r.object_guid] = &r;

  std::vector<ProgressRow> out;
  auto emit_intent = [&](const IntentView& v, ProgressRow base) {
    base.dn = v.change_set.dn;
    if (base.target_object_id.empty() && v.change_set.target_object_id)
      base.target_object_id = v.change_set.target_object_id->ToString();
    const std::string warnings = base.reason;
    const std::string warning_fixes = base.fix;
    const auto verdict = verdicts.find(v.change_set.object_guid);
    JudgeIntent(v, verdict == verdicts.end() ? nullptr : verdict->second, base);
    Append(base.reason, warnings);
    Append(base.fix, warning_fixes);
    AppendChangeRows(base, v.change_set, out);
  };

  if (plan != nullptr) {
    for (const RowPlan& p : plan->rows) {
      const auto it = p.matched() ? latest.find(p.change_set.object_guid) : latest.end();
      if (it == latest.end()) {
        if (p.status() == RowStatus::kChange) {
          ProgressRow r = RowBase(p, run.id, now);
          r.status = ProgressStatus::kSkipped;
          r.reason = "not attempted: run " + std::to_string(run.id) + " ended (" +
                     std::string(RunStateName(run.state)) + ") before this row";
          r.fix = "run write again with the same file";
          out.push_back(std::move(r));
        } else {
          out.push_back(RowWithoutChanges(p, run.id, now));
        }
        continue;
      }
      ProgressRow base = RowBase(p, run.id, now);
      base.reason = JoinFindings(p.findings, Severity::kWarning, false);
      base.fix = JoinFindings(p.findings, Severity::kWarning, true);
      emit_intent(*it->second, std::move(base));
      latest.erase(it);
    }
  }
  // Intents the plan does not name (or every intent, without a plan), in row order.
  std::vector<const IntentView*> rest;
  for (const auto& [guid, v] : latest) rest.push_back(v);
  std::stable_sort(rest.begin(), rest.end(), [](const IntentView* a, const IntentView* b) {
    return a->change_set.row != b->change_set.row ? a->change_set.row < b->change_set.row : a->id < b->id;
  });
  for (const IntentView* v : rest) {
    ProgressRow base;
    base.run = run.id;
    base.row = v->change_set.row;
    emit_intent(*v, std::move(base));
  }
  return out;
}

std::vector<ProgressRow> ProgressFromVerify(const VerifyReport& report, std::optional<RunId> run,
                                            std::string_view now) {
  std::vector<ProgressRow> out;
  for (const UserResult& u : report.users) {
    const Expectation& e = u.expected;
    ProgressRow base;
    base.run = e.run ? e.run : run;
    base.row = e.row;
    base.target_object_id = e.target_object_id.ToString();
    base.dn = e.dn;
    base.action = "none";
    base.at = u.checked_at ? FormatUtcIso8601(*u.checked_at) : std::string(now);
    ProgressStatus user_status = ProgressStatus::kPending;
    switch (u.verdict.status) {
      case VerifyStatus::kDone:
        user_status = ProgressStatus::kVerified;
        break;
      case VerifyStatus::kPending:
        user_status = ProgressStatus::kPending;
        break;
      case VerifyStatus::kWrong:
        user_status = ProgressStatus::kWrong;
        break;
    }
    auto add = [&](std::string_view attribute, std::string value, bool arrived, std::string_view cloud) {
      ProgressRow r = base;
      r.attribute = std::string(attribute);
      r.new_value = std::move(value);
      r.status = arrived ? ProgressStatus::kVerified : user_status;
      if (!arrived) {
        r.reason = u.verdict.reason;
        if (!cloud.empty()) Append(r.reason, "Exchange Online holds " + std::string(cloud));
        r.fix = u.verdict.hint;
      }
      out.push_back(std::move(r));
    };
    if (u.verdict.values.empty()) {
      // Not compared value by value (not checked yet, or the cloud does not know the object).
      const bool done = u.verdict.status == VerifyStatus::kDone;
      if (e.exchange_guid) add(attr::kMailboxGuid, e.exchange_guid->ToString(), done, "");
      if (e.archive_guid) add(attr::kArchiveGuid, e.archive_guid->ToString(), done, "");
      for (const std::string& x : e.x500s) add(attr::kProxyAddresses, x, done, "");
      if (!e.external_email.empty()) add(attr::kTargetAddress, e.external_email, done, "");
      continue;
    }
    for (const ValueCheck& v : u.verdict.values) {
      std::string_view attribute = v.name;
      if (v.name == "ExchangeGuid") attribute = attr::kMailboxGuid;
      if (v.name == "ArchiveGuid") attribute = attr::kArchiveGuid;
      if (v.name == "X500") attribute = attr::kProxyAddresses;
      if (v.name == "ExternalEmailAddress") attribute = attr::kTargetAddress;
      add(attribute, v.planned, v.state == ValueState::kArrived,
          v.state == ValueState::kDifferent ? v.cloud : "");
    }
  }
  return out;
}

}  // namespace ctim::agent::report
