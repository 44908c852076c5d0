#include "agent/report/run_format.h"

#include <nlohmann/json.hpp>
#include <map>
#include <string>

namespace ctim::agent {
namespace {

using nlohmann::json;

void Dump(const json& doc, std::ostream& out) {
  // AD values are not guaranteed UTF-8: replace invalid bytes instead of throwing.
  out << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

json RunJson(const RunRecord& r) {
  json options = json::parse(r.info.options_json, nullptr, false);
  if (options.is_discarded()) options = r.info.options_json;
  return {{"id", r.id},
          {"kind", RunKindName(r.info.kind)},
          {"state", RunStateName(r.state)},
          {"started_at", r.started_at},
          {"finished_at", r.finished_at},
          {"file", r.info.file_path},
          {"file_sha256", r.info.file_sha256},
          {"options", options},
          {"rollback_of", r.info.rollback_of ? json(*r.info.rollback_of) : json(nullptr)},
          {"summary", r.summary}};
}

std::string LatestName(const IntentView& v) {
  const auto latest = v.Latest();
  return latest ? std::string(OutcomeStateName(*latest)) : "unresolved";
}

json ValuesJson(const std::string& attribute, const AttributeValues& values) {
  json list = json::array();
  for (const std::string& v : values) list.push_back(DisplayValue(attribute, v));
  return list;
}

using VerdictByObject = std::map<Guid, const VerificationRecord*>;

VerdictByObject ByObject(std::span<const VerificationRecord> verifications) {
  VerdictByObject by;
  for (const VerificationRecord& r : verifications) by[r.object_guid] = &r;
  return by;
}

json IntentJson(const IntentView& v, const VerdictByObject& verdicts) {
  json changes = json::array();
  for (std::size_t i = 0; i < v.change_set.changes.size(); ++i) {
    const AttributeChange& c = v.change_set.changes[i];
    json reverts = nullptr;
    if (i < v.reverts.size() && v.reverts[i].has_value()) reverts = v.reverts[i].value();
    changes.push_back({{"attribute", c.attribute},
                       {"op", ChangeKindName(c.kind)},
                       {"before", ValuesJson(c.attribute, c.before)},
                       {"after", ValuesJson(c.attribute, c.after)},
                       {"reverts_change_id", std::move(reverts)}});
  }
  json outcomes = json::array();
  for (const OutcomeEntry& o : v.outcomes) {
    outcomes.push_back({{"state", OutcomeStateName(o.state)},
                        {"detail", o.detail},
                        {"at", o.at},
                        {"recorded_by", o.recorded_by}});
  }
  json intent = {{"id", v.id},
                 {"row", v.change_set.row},
                 {"dn", v.change_set.dn},
                 {"object_guid", v.change_set.object_guid.ToString()},
                 {"target_object_id",
                  v.change_set.target_object_id ? json(v.change_set.target_object_id->ToString()) : json(nullptr)},
                 {"attempt", v.attempt},
                 {"recorded_at", v.recorded_at},
                 {"state", LatestName(v)},
                 {"changes", changes},
                 {"outcomes", outcomes}};
  if (const auto it = verdicts.find(v.change_set.object_guid); it != verdicts.end()) {
    intent["verify"] = {{"status", VerifyStatusName(it->second->status)},
                        {"detail", it->second->detail},
                        {"checked_at", it->second->checked_at}};
  }
  return intent;
}

void PrintRunHeader(const RunRecord& r, std::ostream& out) {
  out << "run " << r.id << "  " << RunKindName(r.info.kind) << "  " << RunStateName(r.state) << "  "
      << r.started_at;
  if (!r.finished_at.empty()) out << " .. " << r.finished_at;
  out << "\n";
  if (r.info.rollback_of) out << "  rollback of run " << *r.info.rollback_of << "\n";
  out << "  file " << r.info.file_path;
  if (!r.info.file_sha256.empty()) out << "  sha256 " << r.info.file_sha256;
  out << "\n";
  if (!r.info.options_json.empty() && r.info.options_json != "{}")
    out << "  options " << r.info.options_json << "\n";
  if (!r.summary.empty()) out << "  " << r.summary << "\n";
}

void PrintChange(const AttributeChange& c, std::ostream& out) {
  out << "      " << c.attribute << "  " << ChangeKindName(c.kind) << "  ";
  switch (c.kind) {
    case ChangeKind::kAddValues:
      out << "+ " << DisplayValues(c.attribute, c.after);
      break;
    case ChangeKind::kDeleteValues:
      out << "- " << DisplayValues(c.attribute, c.before);
      break;
    case ChangeKind::kSet:
      out << "(empty) -> " << DisplayValues(c.attribute, c.after);
      break;
    case ChangeKind::kReplace:
      out << DisplayValues(c.attribute, c.before) << " -> " << DisplayValues(c.attribute, c.after);
      break;
  }
  out << "\n";
}

}  // namespace

void PrintRuns(std::span<const RunRecord> runs, OutputFormat format, std::ostream& out) {
  if (format == OutputFormat::kJson) {
    json list = json::array();
    for (const RunRecord& r : runs) list.push_back(RunJson(r));
    Dump({{"runs", list}}, out);
    return;
  }
  if (runs.empty()) {
    out << "no runs in this journal\n";
    return;
  }
  for (const RunRecord& r : runs) {
    out << r.id << "  " << RunKindName(r.info.kind);
    if (r.info.rollback_of) out << " of " << *r.info.rollback_of;
    out << "  " << RunStateName(r.state) << "  " << r.started_at << "  " << r.info.file_path << "\n";
    if (!r.summary.empty()) out << "    " << r.summary << "\n";
  }
}

void PrintRunDetail(const RunRecord& run, std::span<const IntentView> intents,
                    std::span<const VerificationRecord> verifications, OutputFormat format, std::ostream& out) {
  const VerdictByObject verdicts = ByObject(verifications);
  if (format == OutputFormat::kJson) {
    json list = json::array();
    for (const IntentView& v : intents) list.push_back(IntentJson(v, verdicts));
    Dump({{"run", RunJson(run)}, {"intents", list}}, out);
    return;
  }
  PrintRunHeader(run, out);
  if (intents.empty()) {
    out << "  no changes were sent by this run\n";
    return;
  }
  for (const IntentView& v : intents) {
    out << "  row " << v.change_set.row << "  " << v.change_set.dn << "  {"
        << v.change_set.object_guid.ToString() << "}";
    if (v.attempt > 1) out << "  attempt " << v.attempt;
    out << "  " << LatestName(v) << "\n";
    for (const AttributeChange& c : v.change_set.changes) PrintChange(c, out);
    for (const OutcomeEntry& o : v.outcomes) {
      out << "      " << o.at << "  " << OutcomeStateName(o.state);
      if (o.recorded_by != run.id) out << " (recorded by run " << o.recorded_by << ")";
      if (!o.detail.empty()) out << ": " << o.detail;
      out << "\n";
    }
    if (const auto it = verdicts.find(v.change_set.object_guid); it != verdicts.end()) {
      out << "      " << it->second->checked_at << "  verify: " << VerifyStatusName(it->second->status);
      if (!it->second->detail.empty()) out << ": " << it->second->detail;
      out << "\n";
    }
  }
}

void PrintRollbackReport(const RollbackReport& report, OutputFormat format, std::ostream& out) {
  if (format == OutputFormat::kJson) {
    json objects = json::array();
    for (const RollbackObjectResult& o : report.objects) {
      json verdicts = json::array();
      for (const AttributeVerdict& v : o.verdicts) {
        verdicts.push_back(
            {{"attribute", v.attribute}, {"verdict", RevertVerdictName(v.verdict)}, {"detail", v.detail}});
      }
      objects.push_back({{"row", o.row},
                         {"dn", o.dn},
                         {"object_guid", o.object_guid.ToString()},
                         {"state", RollbackObjectStateName(o.state)},
                         {"attributes", verdicts},
                         {"detail", o.detail}});
    }
    Dump({{"summary",
           {{"run", report.run},
            {"rollback_of", report.rollback_of},
            {"run_state", RunStateName(report.run_state)},
            {"text", report.Summary()}}},
          {"objects", objects}},
         out);
    return;
  }
  for (const RollbackObjectResult& o : report.objects) {
    out << "row " << o.row << "  " << o.dn << "  " << RollbackObjectStateName(o.state) << "\n";
    for (const AttributeVerdict& v : o.verdicts) {
      out << "    " << v.attribute << "  " << RevertVerdictName(v.verdict);
      if (!v.detail.empty()) out << ": " << v.detail;
      out << "\n";
    }
    if (!o.detail.empty()) out << "    " << o.detail << "\n";
  }
  out << report.Summary() << "\n";
}

}  // namespace ctim::agent
