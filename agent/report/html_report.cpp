#include "agent/report/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "agent/report/progress.h"
#include "agent/verify/verify_time.h"

namespace ctim::agent::report {
namespace {

// One line of the per-user table: the user's most pressing status over its attributes.
struct UserLine {
  std::size_t row = 0;
  std::string name;  // DN, or the CTIM label for rows never matched
  std::string target;
  ProgressStatus status = ProgressStatus::kVerified;
  std::string attributes;
  std::string reason;
  std::string fix;
  std::string at;
};

// The order in which a status needs attention: a user shows its first one.
int Urgency(ProgressStatus s) {
  switch (s) {
    case ProgressStatus::kWrong:
      return 0;
    case ProgressStatus::kFailed:
      return 1;
    case ProgressStatus::kRefused:
      return 2;
    case ProgressStatus::kPending:
      return 3;
    case ProgressStatus::kSkipped:
      return 4;
    case ProgressStatus::kPlanned:
      return 5;
    case ProgressStatus::kWritten:
      return 6;
    case ProgressStatus::kVerified:
      return 7;
  }
  return 8;
}

std::vector<UserLine> Users(const RunReportData& d, std::string_view now) {
  std::map<std::size_t, UserLine> by_row;
  for (const ProgressRow& p : ProgressFromRun(d.run, d.intents, d.verifications, nullptr, now)) {
    auto [it, fresh] = by_row.try_emplace(p.row);
    UserLine& u = it->second;
    if (!u.attributes.empty()) u.attributes += ", ";
    u.attributes += p.attribute;
    if (fresh || Urgency(p.status) < Urgency(u.status)) {
      u.row = p.row;
      u.name = p.dn;
      u.target = p.target_object_id;
      u.status = p.status;
      u.reason = p.reason;
      u.fix = p.fix;
      u.at = p.at;
    }
  }
  // Rows the run wrote nothing for: refused or unmapped, as the plan's findings say.
  for (const RowFindingRecord& f : d.findings) {
    if (f.severity != SeverityName(Severity::kRefusal) && f.rule != RuleCode(Rule::kUnmapped)) continue;
    auto [it, fresh] = by_row.try_emplace(f.row);
    UserLine& u = it->second;
    if (!fresh && u.status != ProgressStatus::kRefused && u.status != ProgressStatus::kSkipped) continue;
    const ProgressStatus s =
        f.severity == SeverityName(Severity::kRefusal) ? ProgressStatus::kRefused : ProgressStatus::kSkipped;
    if (fresh) {
      u = {f.row, f.label, f.target_object_id, s, "", f.rule + ": " + f.message, f.hint, d.run.started_at};
    } else {
      u.reason += "; " + f.rule + ": " + f.message;
      if (!f.hint.empty()) u.fix += (u.fix.empty() ? "" : "; ") + f.hint;
    }
  }
  std::vector<UserLine> out;
  for (auto& [row, u] : by_row) out.push_back(std::move(u));
  return out;
}

void Css(std::string& out) {
  out += R"css(<style>
:root{--ok:#1a7f37;--wait:#9a6700;--bad:#cf222e;--muted:#57606a;--line:#d0d7de;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
body{margin:0 auto;max-width:1100px;padding:1rem;color:#1f2328;line-height:1.4}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.5rem 0 .5rem;border-bottom:1px solid var(--line)}
.meta{color:var(--muted);font-size:.9rem;overflow-wrap:anywhere}
.cards{display:flex;flex-wrap:wrap;gap:.5rem;margin:.8rem 0}
.card{border:1px solid var(--line);border-radius:6px;padding:.4rem .8rem;min-width:6.5rem}
.card b{display:block;font-size:1.5rem}
.s-verified,.s-written{color:var(--ok)}.s-pending,.s-skipped,.s-planned{color:var(--wait)}.s-wrong,.s-failed,.s-refused{color:var(--bad)}
.plot{width:100%;height:auto;max-width:760px;border:1px solid var(--line);border-radius:6px}
.plot .axis{stroke:#8c959f;stroke-width:1}.plot text{font-size:11px;fill:#57606a}
.plot .done{stroke:var(--ok);fill:var(--ok)}.plot .pending{stroke:var(--wait);fill:var(--wait)}.plot .wrong{stroke:var(--bad);fill:var(--bad)}
.plot polyline.done,.plot polyline.pending,.plot polyline.wrong{fill:none;stroke-width:2}.plot .sync{stroke:#0969da;stroke-dasharray:4 3;stroke-width:1}
.legend span{margin-right:1rem;font-size:.9rem}
.tablewrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid var(--line);padding:.3rem .4rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.v{overflow-wrap:anywhere}
.controls{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.5rem 0}
.controls input{flex:1 1 14rem;padding:.4rem;font-size:1rem}.controls select{padding:.4rem;font-size:1rem}
.empty{color:var(--muted)}
@media (max-width:640px){
 body{padding:.5rem}
 table.cards-on-phone thead{display:none}
 table.cards-on-phone tr{display:block;border:1px solid var(--line);border-radius:6px;margin:.5rem 0;padding:.3rem}
 table.cards-on-phone td{display:block;border:0;padding:.15rem .3rem}
 table.cards-on-phone td::before{content:attr(data-label) ": ";font-weight:600;color:var(--muted)}
}
@media print{
 .controls{display:none}
 body{max-width:none;padding:0;font-size:10pt}
 tr[hidden]{display:table-row}
 h2{break-after:avoid}tr{break-inside:avoid}
 .plot{border:0}
}
</style>
)css";
}

void Cell(std::string& out, std::string_view label, std::string_view value, std::string_view cls = "") {
  out += "<td data-label=\"" + HtmlEscape(label) + "\"";
  if (!cls.empty()) out += " class=\"" + std::string(cls) + "\"";
  out += ">" + HtmlEscape(value) + "</td>";
}

void Summary(const RunReportData& d, const std::vector<UserLine>& users, std::string& out) {
  const RunRecord& r = d.run;
  out += "<h1>ctim-agent run " + std::to_string(r.id) + ": " + HtmlEscape(RunKindName(r.info.kind)) + ", " +
         HtmlEscape(RunStateName(r.state)) + "</h1>\n";
  out += "<p class=\"meta\">file " + HtmlEscape(r.info.file_path) + "<br>sha256 " +
         HtmlEscape(r.info.file_sha256) + "<br>started " + HtmlEscape(r.started_at) +
         (r.finished_at.empty() ? "" : ", finished " + HtmlEscape(r.finished_at)) + "<br>" +
         HtmlEscape(r.summary) + "</p>\n";
  std::map<ProgressStatus, std::size_t> counts;
  for (const UserLine& u : users) ++counts[u.status];
  out += "<div class=\"cards\" id=\"counts\">";
  out += fmt::format("<div class=\"card\"><b>{}</b>users</div>", users.size());
  for (const auto& [status, n] : counts) {
    const std::string name(ProgressStatusName(status));
    out += fmt::format("<div class=\"card s-{0}\" data-status=\"{0}\"><b>{1}</b>{0}</div>", name, n);
  }
  out += "</div>\n";
}

void Refusals(const RunReportData& d, std::string& out) {
  out += "<h2 id=\"refusals\">Refusals</h2>\n";
  std::size_t n = 0;
  std::string rows;
  for (const RowFindingRecord& f : d.findings) {
    if (f.severity != SeverityName(Severity::kRefusal)) continue;
    ++n;
    rows += "<tr>";
    Cell(rows, "Row", std::to_string(f.row));
    Cell(rows, "User", f.label, "v");
    Cell(rows, "Rule", f.rule);
    Cell(rows, "Reason", f.message, "v");
    Cell(rows, "Fix", f.hint);
    rows += "</tr>\n";
  }
  if (n == 0) {
    out += "<p class=\"empty\">No row was refused.</p>\n";
    return;
  }
  out +=
      "<div class=\"tablewrap\"><table class=\"cards-on-phone\" "
      "id=\"refused\"><thead><tr><th>Row</th><th>User</th>"
      "<th>Rule</th><th>Reason</th><th>Fix</th></tr></thead><tbody>\n" +
      rows + "</tbody></table></div>\n";
}

std::string Clock(std::string_view iso) {
  return iso.size() >= 16 ? std::string(iso.substr(0, 16)) + "Z" : std::string(iso);
}

void Plot(const RunReportData& d, std::string& out) {
  out += "<h2 id=\"curve\">Verify passes</h2>\n";
  std::vector<std::pair<TimePoint, const VerifyPassRecord*>> passes;
  for (const VerifyPassRecord& p : d.passes) {
    if (auto t = ParseUtcIso8601(p.at)) passes.emplace_back(*t, &p);
  }
  if (passes.empty()) {
    out += "<p class=\"empty\">No verify pass is recorded for this run yet: run <code>ctim-agent verify " +
           std::to_string(d.run.id) + "</code>.</p>\n";
    return;
  }
  TimePoint lo = passes.front().first;
  TimePoint hi = passes.back().first;
  if (auto started = ParseUtcIso8601(d.run.started_at); started && *started < lo) lo = *started;
  if (hi - lo < std::chrono::minutes(1)) hi = lo + std::chrono::minutes(1);
  std::size_t top = 1;
  for (const auto& [t, p] : passes) top = std::max(top, p->done + p->pending + p->wrong);
  constexpr double kW = 760, kH = 280, kL = 48, kR = 16, kT = 16, kB = 40;
  const auto x = [&](TimePoint t) {
    return kL + (kW - kL - kR) * std::chrono::duration<double>(t - lo).count() /
                    std::chrono::duration<double>(hi - lo).count();
  };
  const auto y = [&](std::size_t n) {
    return kT + (kH - kT - kB) * (1.0 - static_cast<double>(n) / static_cast<double>(top));
  };
  out += fmt::format(
      "<svg class=\"plot\" id=\"plot\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"done, pending and "
      "wrong users "
      "per verify pass\">\n",
      kW, kH);
  out +=
      fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>", kL, kH - kB, kW - kR);
  out += fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>\n", kL, kT, kH - kB);
  for (std::size_t n : {std::size_t{0}, top / 2, top}) {
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>", kL - 6, y(n) + 4, n);
  }
  out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>", kL, kH - kB + 16,
                     HtmlEscape(FormatUtcIso8601(lo)));
  out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", kW - kR, kH - kB + 16,
                     HtmlEscape(FormatUtcIso8601(hi)));
  std::set<std::string> syncs;
  for (const auto& [t, p] : passes) {
    if (!p->tenant_last_sync.empty()) syncs.insert(p->tenant_last_sync);
  }
  for (const std::string& s : syncs) {
    const auto t = ParseUtcIso8601(s);
    if (!t || *t < lo || *t > hi) continue;
    out += fmt::format(
        "<line class=\"sync\" data-sync=\"{0}\" x1=\"{1:.1f}\" y1=\"{2}\" x2=\"{1:.1f}\" "
        "y2=\"{3}\"><title>directory "
        "sync {0}</title></line>\n",
        HtmlEscape(s), x(*t), kT, kH - kB);
  }
  struct Series {
    const char* name;
    std::size_t VerifyPassRecord::*count;
  };
  for (const Series& s :
       {Series{"done", &VerifyPassRecord::done}, Series{"pending", &VerifyPassRecord::pending},
        Series{"wrong", &VerifyPassRecord::wrong}}) {
    std::string points;
    std::string circles;
    for (const auto& [t, p] : passes) {
      const std::size_t n = (*p).*(s.count);
      points += fmt::format("{:.1f},{:.1f} ", x(t), y(n));
      circles += fmt::format(
          "<circle class=\"{0}\" data-series=\"{0}\" data-at=\"{1}\" data-count=\"{2}\" cx=\"{3:.1f}\" "
          "cy=\"{4:.1f}\" "
          "r=\"3.5\"><title>{1}: {2} {0}</title></circle>\n",
          s.name, HtmlEscape(p->at), n, x(t), y(n));
    }
    out += fmt::format("<polyline class=\"{}\" points=\"{}\"/>\n", s.name, points);
    out += circles;
  }
  out += "</svg>\n";
  out +=
      "<p class=\"legend\"><span class=\"s-verified\">&#9679; done</span><span class=\"s-pending\">&#9679; "
      "pending</span><span class=\"s-wrong\">&#9679; wrong</span><span style=\"color:#0969da\">&#8942; "
      "tenant "
      "directory sync</span></p>\n";
  out += fmt::format(
      "<p class=\"meta\">{} verify pass(es), {} to {}; last pass: {} done, {} pending, {} wrong.</p>\n",
      passes.size(), HtmlEscape(Clock(passes.front().second->at)),
      HtmlEscape(Clock(passes.back().second->at)), passes.back().second->done, passes.back().second->pending,
      passes.back().second->wrong);
}

void UserTable(const std::vector<UserLine>& users, std::string& out) {
  out += "<h2 id=\"users\">Users</h2>\n";
  out +=
      "<div class=\"controls\"><input id=\"q\" type=\"search\" placeholder=\"Search DN, id, reason…\" "
      "aria-label=\"search\"><select id=\"status\" aria-label=\"status\"><option value=\"\">every "
      "status</option>";
  for (ProgressStatus s :
       {ProgressStatus::kWrong, ProgressStatus::kFailed, ProgressStatus::kRefused, ProgressStatus::kPending,
        ProgressStatus::kSkipped, ProgressStatus::kWritten, ProgressStatus::kVerified}) {
    out += fmt::format("<option value=\"{0}\">{0}</option>", ProgressStatusName(s));
  }
  out += fmt::format("</select><span><span id=\"shown\">{}</span> of {} shown</span></div>\n", users.size(),
                     users.size());
  out +=
      "<div class=\"tablewrap\"><table class=\"cards-on-phone\" id=\"userstable\"><thead><tr><th>Row</th>"
      "<th>User</th><th>Target id</th><th>Status</th><th>Reason</th><th>Fix</th><th>When "
      "(UTC)</th></tr></thead>"
      "<tbody>\n";
  for (const UserLine& u : users) {
    const std::string status(ProgressStatusName(u.status));
    out += "<tr data-status=\"" + status + "\">";
    Cell(out, "Row", std::to_string(u.row));
    Cell(out, "User", u.name, "v");
    Cell(out, "Target id", u.target, "v");
    Cell(out, "Status", status, "s-" + status);
    Cell(out, "Reason", u.reason, "v");
    Cell(out, "Fix", u.fix);
    Cell(out, "When (UTC)", u.at);
    out += "</tr>\n";
  }
  out += "</tbody></table></div>\n";
}

constexpr std::string_view kScript = R"js(<script>
(function () {
  var q = document.getElementById('q'), st = document.getElementById('status'), shown = document.getElementById('shown');
  var rows = document.querySelectorAll('#userstable tbody tr');
  function filter() {
    var text = q.value.toLowerCase(), status = st.value, n = 0;
    for (var i = 0; i < rows.length; i++) {
      var ok = (!status || rows[i].getAttribute('data-status') === status) &&
               (!text || rows[i].textContent.toLowerCase().indexOf(text) >= 0);
      rows[i].hidden = !ok;
      if (ok) n++;
    }
    shown.textContent = n;
  }
  q.addEventListener('input', filter);
  st.addEventListener('change', filter);
  filter();
})();
</script>
)js";

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string FormatHtmlReport(const RunReportData& data, std::string_view generated_at) {
  const std::vector<UserLine> users = Users(data, generated_at);
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
      "script-src 'unsafe-inline'; img-src data:\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>ctim-agent run " + std::to_string(data.run.id) + "</title>\n";
  Css(out);
  out += "</head>\n<body>\n";
  Summary(data, users, out);
  Plot(data, out);
  Refusals(data, out);
  UserTable(users, out);
  out += "<p class=\"meta\">Generated " + HtmlEscape(generated_at) +
         " by ctim-agent report from the journal. Times are UTC.</p>\n";
  out += kScript;
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace ctim::agent::report
