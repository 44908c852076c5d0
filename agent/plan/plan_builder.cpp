#include "agent/plan/plan_builder.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>

#include "agent/model/attributes.h"
#include "agent/model/log.h"
#include "agent/plan/cross_row_checks.h"

namespace ctim::agent {
namespace {

// Graph's answer for the whole file, or why there is none.
struct CloudAnswer {
  CloudView::State state = CloudView::State::kNotConfigured;
  std::string reason;
  std::map<Guid, CloudIdentity> users;
  std::vector<std::string> notes;  // what the resolver could not check
};

CloudAnswer AskCloud(std::span<const SourceIdentity> rows, CloudResolver* cloud) {
  CloudAnswer answer;
  if (cloud == nullptr) return answer;
  std::set<Guid> ids;
  for (const SourceIdentity& r : rows) {
    if (r.target_object_id) ids.insert(*r.target_object_id);
  }
  const std::vector<Guid> list(ids.begin(), ids.end());
  auto resolved = cloud->Resolve(list);
  if (!resolved) {
    answer.state = CloudView::State::kUnavailable;
    answer.reason = resolved.error().ToString();
    return answer;
  }
  answer.state = CloudView::State::kResolved;
  answer.users = std::move(*resolved);
  answer.notes = cloud->Notes();
  return answer;
}

CloudView ViewFor(const CloudAnswer& answer, const SourceIdentity& row) {
  CloudView view{answer.state, nullptr, answer.reason};
  if (answer.state == CloudView::State::kResolved && row.target_object_id) {
    const auto it = answer.users.find(*row.target_object_id);
    if (it != answer.users.end()) view.identity = &it->second;
  }
  return view;
}

void AddPlanNotes(const CloudAnswer& cloud, const PlanSettings& settings, Plan& plan) {
  switch (cloud.state) {
    case CloudView::State::kNotConfigured:
      plan.notes.push_back(Note(Rule::kR2Match,
                                "no cloud resolver configured: matched with the offline keys only; the cloud "
                                "checks (cloud-only users R2, Exchange license R9) were not made",
                                "configure the Graph connection to use the cloud keys"));
      break;
    case CloudView::State::kUnavailable:
      plan.notes.push_back(Warn(Rule::kR2Match,
                                "the cloud could not be asked (" + cloud.reason +
                                    "): matched with the offline keys only; R9 was not checked",
                                "rerun when Graph is reachable to use the cloud keys"));
      break;
    case CloudView::State::kResolved: break;
  }
  for (const std::string& note : cloud.notes) plan.notes.push_back(Note(Rule::kR2Match, note));
  if (settings.plan.target_delivery_domain.empty()) {
    plan.notes.push_back(Note(Rule::kR8Readiness,
                              "no target delivery domain configured: the <tenant>.mail.onmicrosoft.com proxy "
                              "was not checked"));
  }
}

// Rows per chunk of matching and planning. A file of up to this many rows asks the Global Catalog once, as
// before chunks; a larger one asks once per chunk, each question still batched (proxy_values_per_filter).
constexpr std::size_t kPlanChunkRows = 4096;

}  // namespace

Result<Plan> BuildPlan(std::span<const SourceIdentity> rows, Directory& directory, CloudResolver* cloud,
                       const PlanSettings& settings) {
  // The cloud first: its keys (anchor, SID) are among those that decide which candidates are kept.
  const CloudAnswer cloud_answer = AskCloud(rows, cloud);
  std::vector<CloudView> views;
  views.reserve(rows.size());
  for (const SourceIdentity& source : rows) views.push_back(ViewFor(cloud_answer, source));

  // The candidates are indexed while the search streams; an object no row's key can find is not kept.
  const std::vector<std::string> attributes = attr::CandidateAttributes(settings.match.anchor_attribute);
  CandidateIndex index(settings.match, Matcher::WantedKeys(rows, views, settings.match));
  const Status loaded = directory.LoadCandidates(settings.base_dns, attributes, [&](DirectoryObject&& o) -> Status {
    index.Add(std::move(o));
    return {};
  });
  if (!loaded) return std::unexpected(Error(loaded.error()).With("loading candidate users"));
  index.Seal();
  Log()->debug("candidate users: {} kept for {} row(s), {} not referenced by any row", index.objects().size(),
               rows.size(), index.dropped());
  const Matcher matcher(index, settings.match);

  Plan plan;
  AddPlanNotes(cloud_answer, settings, plan);
  plan.rows.reserve(rows.size());
  // Rows are matched and planned a chunk at a time, each chunk with one (batched) Global Catalog question
  // for the X500s it adds, so the rows' descriptions and lookups are held for one chunk, not the file.
  for (std::size_t first = 0; first < rows.size(); first += kPlanChunkRows) {
    const std::size_t end = std::min(rows.size(), first + kPlanChunkRows);
    std::vector<std::optional<std::size_t>> matched(end - first);
    std::set<std::string> x500_lookup;
    for (std::size_t i = first; i < end; ++i) {
      const SourceIdentity& source = rows[i];
      const CloudView& view = views[i];
      MatchResult m = matcher.Match(source, view);
      RowPlan r;
      r.source_index = i;
      r.row = source.row;
      r.label = source.Label();
      r.source_object_id = source.source_object_id;
      r.target_object_id = source.target_object_id;
      r.matched_by = m.decided_by;
      r.match_detail = m.DescribeTried(index, m.object);
      if (view.identity != nullptr) r.cloud = std::make_shared<const CloudIdentity>(*view.identity);
      r.findings = std::move(m.findings);
      if (m.object) {
        const DirectoryObject& object = index.objects()[*m.object];
        r.change_set.row = source.row;
        r.change_set.dn = object.dn;
        r.change_set.object_guid = object.object_guid;
        r.change_set.target_object_id = source.target_object_id;
        matched[i - first] = m.object;
        for (std::string& v : MissingX500s(source, object)) x500_lookup.insert(std::move(v));
      }
      plan.rows.push_back(std::move(r));
    }

    ProxyOwners owners;
    if (!x500_lookup.empty()) {
      auto found = directory.FindProxyOwners(x500_lookup);
      if (!found) return std::unexpected(std::move(found.error()).With("checking X500 uniqueness in the forest"));
      owners.Record(x500_lookup, *found);
    }
    for (std::size_t i = first; i < end; ++i) {
      if (const auto& object = matched[i - first]) {
        RowPlan& r = plan.rows[i];
        ObjectPlan planned = PlanObject(rows[i], index.objects()[*object], settings.plan, owners, r.cloud.get());
        r.change_set = std::move(planned.change_set);
        std::move(planned.findings.begin(), planned.findings.end(), std::back_inserter(r.findings));
      }
      // Every row up to i is described and planned: an object no later row can find is not needed again.
      index.ReleaseThrough(i);
    }
  }
  ApplyCrossRowChecks(rows, plan.rows);
  if (!directory.ProxyOwnersForestWide()) {
    plan.notes.push_back(Warn(Rule::kR6ProxyElsewhere,
                              "no Global Catalog configured: X500 uniqueness (R6) was checked in the DC's own "
                              "domain only, not in the other domains of the forest",
                              "set [ldap] gc_url (e.g. ldap://dc1.contoso.com:3268) to check the whole forest"));
  }
  return plan;
}

Result<ObjectPlan> ReplanObject(const SourceIdentity& source, const DirectoryObject& fresh, const RowPlan& row,
                                Directory& directory, const PlanOptions& options) {
  const std::vector<std::string> missing = MissingX500s(source, fresh);
  ProxyOwners owners;
  if (!missing.empty()) {
    const std::set<std::string> lookup(missing.begin(), missing.end());
    auto found = directory.FindProxyOwners(lookup);
    if (!found) return std::unexpected(std::move(found.error()).With(row.label + ": checking X500 uniqueness"));
    owners.Record(lookup, *found);
  }
  return PlanObject(source, fresh, options, owners, row.cloud.get());
}

}  // namespace ctim::agent
