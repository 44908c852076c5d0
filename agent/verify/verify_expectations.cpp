#include "agent/verify/verify_expectations.h"

#include <algorithm>
#include <fstream>
#include <map>

#include "agent/model/attributes.h"
#include "agent/reader/identity_reader.h"
#include "agent/plan/planner.h"
#include "agent/model/text_fold.h"

namespace ctim::agent {
namespace {

// An intent the server applied: "written" (possibly followed by "confirmed" or "mismatch").
const OutcomeEntry* WrittenOutcome(const IntentView& intent) {
  for (const OutcomeEntry& o : intent.outcomes) {
    if (o.state == OutcomeState::kWritten) return &o;
  }
  return nullptr;
}

// Folds what one applied intent wrote into the object's expectation. Returns false when the intent wrote
// nothing verify can check.
bool AddWrittenValues(const ChangeSet& cs, Expectation& e, std::vector<std::string>& unverifiable) {
  bool any = false;
  for (const AttributeChange& c : cs.changes) {
    if (c.kind == ChangeKind::kDeleteValues || c.after.empty()) continue;
    if (EqualsAscii(c.attribute, attr::kMailboxGuid)) {
      e.exchange_guid = Guid::FromAdBytes(c.after.front());
      any = any || e.exchange_guid.has_value();
    } else if (EqualsAscii(c.attribute, attr::kArchiveGuid)) {
      e.archive_guid = Guid::FromAdBytes(c.after.front());
      any = any || e.archive_guid.has_value();
    } else if (EqualsAscii(c.attribute, attr::kProxyAddresses)) {
      for (const std::string& value : c.after) {
        const bool known = std::any_of(e.x500s.begin(), e.x500s.end(),
                                       [&](const std::string& x) { return EqualsFolded(x, value); });
        if (!known) e.x500s.push_back(value);
        any = true;
      }
    } else if (EqualsAscii(c.attribute, attr::kTargetAddress)) {
      e.external_email = c.after.front();
      any = true;
    } else {
      unverifiable.push_back(c.attribute);
    }
  }
  return any;
}

}  // namespace

Result<ExpectationSet> ExpectationsFromRun(const RunRecord& run, std::span<const IntentView> intents) {
  if (run.info.kind != RunKind::kWrite) {
    return Fail(Errc::kInvalidInput,
                "run " + std::to_string(run.id) + " is a rollback: it removed values, there is nothing to verify",
                "verify the write run it rolled back only if it was written again; see ctim-agent runs");
  }
  ExpectationSet out;
  std::map<Guid, std::size_t> by_object;  // object_guid -> index in out.expectations
  std::map<Guid, std::vector<std::string>> unverifiable;
  std::vector<Guid> without_target;
  for (const IntentView& intent : intents) {
    const OutcomeEntry* written = WrittenOutcome(intent);
    if (written == nullptr) continue;  // failed, conflict (re-planned as a later intent), never applied
    const ChangeSet& cs = intent.change_set;
    if (!cs.target_object_id) {
      if (std::find(without_target.begin(), without_target.end(), cs.object_guid) == without_target.end()) {
        without_target.push_back(cs.object_guid);
        out.skipped.push_back("row " + std::to_string(cs.row) + " " + cs.dn +
                              ": the journal has no Entra object id for it (written by an older ctim-agent); verify "
                              "it with --file");
      }
      continue;
    }
    auto [it, inserted] = by_object.try_emplace(cs.object_guid, out.expectations.size());
    if (inserted) {
      Expectation e;
      e.row = cs.row;
      e.run = run.id;
      e.label = "row " + std::to_string(cs.row) + " " + cs.dn;
      e.target_object_id = *cs.target_object_id;
      e.object_guid = cs.object_guid;
      e.dn = cs.dn;
      out.expectations.push_back(std::move(e));
    }
    Expectation& e = out.expectations[it->second];
    AddWrittenValues(cs, e, unverifiable[cs.object_guid]);
    if (const auto at = ParseUtcIso8601(written->at); at && (!e.written_at || *at > *e.written_at)) e.written_at = at;
  }

  std::vector<Expectation> kept;
  for (Expectation& e : out.expectations) {
    const bool planned = e.exchange_guid || e.archive_guid || !e.x500s.empty() || !e.external_email.empty();
    if (planned) {
      kept.push_back(std::move(e));
      continue;
    }
    std::string attributes;
    for (const std::string& a : unverifiable[*e.object_guid]) attributes += (attributes.empty() ? "" : ", ") + a;
    out.skipped.push_back(e.label + ": wrote only " + (attributes.empty() ? "nothing" : attributes) +
                          ", which Get-MailUser does not show");
  }
  std::sort(kept.begin(), kept.end(), [](const Expectation& a, const Expectation& b) { return a.row < b.row; });
  out.expectations = std::move(kept);
  return out;
}

Result<ExpectationSet> ExpectationsFromFile(const std::filesystem::path& file, const ReaderOptions& options) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Fail(Errc::kInvalidInput, "cannot read " + file.string(),
                "check the path and that the agent's account may read it");
  }
  auto reader = IdentityReader::Open(in, file.filename().string(), options);
  if (!reader) return std::unexpected(std::move(reader.error()));
  ExpectationSet out;
  // Bounded by the file: every call consumes a record or returns EndOfFile.
  for (;;) {
    ReadItem item = reader->Next();
    if (std::holds_alternative<EndOfFile>(item)) break;
    if (const auto* bad = std::get_if<RowError>(&item)) {
      ++out.rejected_rows;
      for (const std::string& line : bad->Lines()) out.skipped.push_back(line);
      continue;
    }
    const SourceIdentity& row = std::get<SourceIdentity>(item);
    if (!row.target_object_id) {
      out.skipped.push_back(row.Label() + ": unmapped (no TargetExternalDirectoryObjectId)");
      continue;
    }
    Expectation e;
    e.row = row.row;
    e.label = row.Label();
    e.target_object_id = *row.target_object_id;
    e.exchange_guid = row.exchange_guid;
    e.archive_guid = row.archive_guid;
    e.x500s = DesiredX500s(row);
    if (!row.primary_smtp.empty()) e.external_email = "SMTP:" + row.primary_smtp;
    e.source_proxies = row.other_proxies;
    out.expectations.push_back(std::move(e));
  }
  return out;
}

}  // namespace ctim::agent
