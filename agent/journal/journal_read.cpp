// The journal's queries: runs, the intents of a run, unresolved intents, reverted changes.
#include <unordered_map>

#include "agent/journal/journal.h"

namespace ctim::agent {
namespace {

bool ParseRunState(std::string_view text, RunState& state) {
  for (RunState s : {RunState::kRunning, RunState::kFinished, RunState::kStopped, RunState::kFailed,
                     RunState::kInterrupted}) {
    if (RunStateName(s) == text) {
      state = s;
      return true;
    }
  }
  return false;
}

bool ParseOutcomeState(std::string_view text, OutcomeState& state) {
  for (OutcomeState s : {OutcomeState::kWritten, OutcomeState::kFailed, OutcomeState::kConflict,
                         OutcomeState::kConfirmed, OutcomeState::kMismatch, OutcomeState::kNotWritten,
                         OutcomeState::kDiverged}) {
    if (OutcomeStateName(s) == text) {
      state = s;
      return true;
    }
  }
  return false;
}

constexpr std::string_view kRunColumns =
    "SELECT id, kind, state, started_at, finished_at, file_path, file_sha256, options, rollback_of, summary "
    "FROM runs ";

RunRecord ReadRun(const sqlite::Statement& st) {
  RunRecord r;
  r.id = st.Int(0);
  r.info.kind = st.Text(1) == "rollback" ? RunKind::kRollback : RunKind::kWrite;
  if (!ParseRunState(st.Text(2), r.state)) r.state = RunState::kFailed;
  r.started_at = st.Text(3);
  r.finished_at = st.Text(4);
  r.info.file_path = st.Text(5);
  r.info.file_sha256 = st.Text(6);
  r.info.options_json = st.Text(7);
  if (!st.IsNull(8)) r.info.rollback_of = st.Int(8);
  r.summary = st.Text(9);
  return r;
}

Error Corrupt(const std::string& what) {
  return Error{Errc::kInvalidInput, "journal: " + what,
               "the journal was edited or damaged; keep it for inspection"};
}

}  // namespace

Result<std::unique_ptr<sqlite::ReadTransaction>> Journal::ReadSnapshot() {
  auto snapshot = std::make_unique<sqlite::ReadTransaction>(db_);
  if (!snapshot->begun()) return std::unexpected(snapshot->begun().error());
  return snapshot;
}

Result<std::vector<RunRecord>> Journal::ListRuns() {
  auto st = db_.Prepare(std::string(kRunColumns) + "ORDER BY id");
  if (!st) return std::unexpected(std::move(st.error()));
  std::vector<RunRecord> runs;
  while (true) {
    auto row = st->Step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) break;
    runs.push_back(ReadRun(*st));
  }
  return runs;
}

Result<std::optional<RunRecord>> Journal::GetRun(RunId run) {
  auto st = db_.Prepare(std::string(kRunColumns) + "WHERE id = ?1");
  if (!st) return std::unexpected(std::move(st.error()));
  st->Bind(1, run);
  auto row = st->Step();
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return std::optional<RunRecord>();
  return std::optional<RunRecord>(ReadRun(*st));
}

Result<std::vector<IntentView>> Journal::RunIntents(RunId run) { return LoadIntents("i.run_id = ?1", run); }

Result<std::vector<IntentView>> Journal::UnresolvedIntents() {
  // No outcome at all, or only "written": the process died before it knew or before it confirmed.
  return LoadIntents(
      "NOT EXISTS (SELECT 1 FROM outcomes o2 WHERE o2.intent_id = i.id AND o2.state <> 'written')", std::nullopt);
}

Result<std::vector<IntentId>> Journal::SupersededIntents(RunId run) {
  auto st = db_.Prepare(
      "SELECT DISTINCT i.id FROM intents i JOIN intents j ON j.object_guid = i.object_guid AND j.id > i.id "
      "WHERE i.run_id = ?1 "
      "AND EXISTS (SELECT 1 FROM outcomes o WHERE o.intent_id = j.id AND o.state = 'written') ORDER BY i.id");
  if (!st) return std::unexpected(std::move(st.error()));
  st->Bind(1, run);
  std::vector<IntentId> out;
  while (true) {
    auto row = st->Step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) break;
    out.push_back(st->Int(0));
  }
  return out;
}

Result<std::vector<std::pair<ChangeId, RunId>>> Journal::RevertedChanges(RunId run) {
  auto st = db_.Prepare(
      "SELECT DISTINCT c.reverts_change_id, ri.run_id FROM changes c "
      "JOIN intents ri ON ri.id = c.intent_id "
      "JOIN changes oc ON oc.id = c.reverts_change_id "
      "JOIN intents oi ON oi.id = oc.intent_id "
      "WHERE oi.run_id = ?1 AND EXISTS (SELECT 1 FROM outcomes o WHERE o.intent_id = ri.id AND o.state = 'written') "
      "AND NOT EXISTS (SELECT 1 FROM outcomes o WHERE o.intent_id = ri.id AND o.state = 'mismatch') "
      "ORDER BY c.reverts_change_id");
  if (!st) return std::unexpected(std::move(st.error()));
  st->Bind(1, run);
  std::vector<std::pair<ChangeId, RunId>> out;
  while (true) {
    auto row = st->Step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) break;
    out.emplace_back(st->Int(0), st->Int(1));
  }
  return out;
}

Result<std::vector<IntentView>> Journal::LoadIntents(std::string_view where, std::optional<std::int64_t> arg) {
  const std::string filter(where);
  std::vector<IntentView> intents;
  std::unordered_map<IntentId, std::size_t> by_id;
  std::unordered_map<ChangeId, std::pair<std::size_t, std::size_t>> change_at;  // -> (intent, change index)

  // Four queries, one snapshot: a run committing intents meanwhile (another process) must not show up in
  // the later queries only.
  const sqlite::ReadTransaction snapshot(db_);
  if (!snapshot.begun()) return std::unexpected(snapshot.begun().error());
  auto run_query = [&](const std::string& sql, auto&& on_row) -> Status {
    auto st = db_.Prepare(sql);
    if (!st) return std::unexpected(std::move(st.error()));
    if (arg) st->Bind(1, *arg);
    while (true) {
      auto row = st->Step();
      if (!row) return std::unexpected(std::move(row.error()));
      if (!*row) return {};
      if (Status s = on_row(*st); !s) return s;
    }
  };

  Status s = run_query(
      "SELECT i.id, i.run_id, i.attempt, i.row, i.object_guid, i.dn, i.recorded_at, i.target_object_id "
      "FROM intents i WHERE " + filter +
          " ORDER BY i.id",
      [&](const sqlite::Statement& st) -> Status {
        IntentView v;
        v.id = st.Int(0);
        v.run_id = st.Int(1);
        v.attempt = static_cast<int>(st.Int(2));
        v.change_set.row = static_cast<std::size_t>(st.Int(3));
        const auto guid = Guid::Parse(st.Text(4));
        if (!guid) return std::unexpected(Corrupt("intent " + std::to_string(v.id) + " has object_guid " + st.Text(4)));
        v.change_set.object_guid = *guid;
        v.change_set.dn = st.Text(5);
        v.recorded_at = st.Text(6);
        if (const std::string target = st.Text(7); !target.empty()) {
          v.change_set.target_object_id = Guid::Parse(target);
          if (!v.change_set.target_object_id) {
            return std::unexpected(Corrupt("intent " + std::to_string(v.id) + " has target_object_id " + target));
          }
        }
        by_id.emplace(v.id, intents.size());
        intents.push_back(std::move(v));
        return {};
      });
  if (!s) return std::unexpected(std::move(s.error()));

  s = run_query(
      "SELECT c.id, c.intent_id, c.attribute, c.op, c.reverts_change_id FROM changes c "
      "JOIN intents i ON i.id = c.intent_id WHERE " +
          filter + " ORDER BY c.intent_id, c.seq",
      [&](const sqlite::Statement& st) -> Status {
        const auto found = by_id.find(st.Int(1));
        if (found == by_id.end())
          return std::unexpected(Corrupt("change " + std::to_string(st.Int(0)) + " has no intent"));
        const std::size_t at = found->second;
        AttributeChange change;
        change.attribute = st.Text(2);
        if (!ParseChangeKind(st.Text(3), change.kind)) {
          return std::unexpected(Corrupt("change " + std::to_string(st.Int(0)) + " has op " + st.Text(3)));
        }
        IntentView& v = intents[at];
        change_at.emplace(st.Int(0), std::pair{at, v.change_set.changes.size()});
        v.change_ids.push_back(st.Int(0));
        v.reverts.push_back(st.IsNull(4) ? std::nullopt : std::optional<ChangeId>(st.Int(4)));
        v.change_set.changes.push_back(std::move(change));
        return {};
      });
  if (!s) return std::unexpected(std::move(s.error()));

  s = run_query(
      "SELECT v.change_id, v.side, v.value FROM change_values v JOIN changes c ON c.id = v.change_id "
      "JOIN intents i ON i.id = c.intent_id WHERE " +
          filter + " ORDER BY v.change_id, v.side, v.seq",
      [&](const sqlite::Statement& st) -> Status {
        const auto found = change_at.find(st.Int(0));
        if (found == change_at.end()) {
          return std::unexpected(
              Corrupt("a value of change " + std::to_string(st.Int(0)) + " has no change"));
        }
        const auto [intent, index] = found->second;
        AttributeChange& change = intents[intent].change_set.changes[index];
        (st.Text(1) == "before" ? change.before : change.after).push_back(st.Blob(2));
        return {};
      });
  if (!s) return std::unexpected(std::move(s.error()));

  s = run_query(
      "SELECT o.intent_id, o.state, o.detail, o.at, o.run_id FROM outcomes o JOIN intents i ON i.id = o.intent_id "
      "WHERE " + filter + " ORDER BY o.id",
      [&](const sqlite::Statement& st) -> Status {
        OutcomeEntry e;
        if (!ParseOutcomeState(st.Text(1), e.state)) {
          return std::unexpected(Corrupt("outcome of intent " + std::to_string(st.Int(0)) + " is " + st.Text(1)));
        }
        e.detail = st.Text(2);
        e.at = st.Text(3);
        e.recorded_by = st.Int(4);
        const auto found = by_id.find(st.Int(0));
        if (found == by_id.end())
          return std::unexpected(
              Corrupt("an outcome of intent " + std::to_string(st.Int(0)) + " has no intent"));
        intents[found->second].outcomes.push_back(std::move(e));
        return {};
      });
  if (!s) return std::unexpected(std::move(s.error()));
  return intents;
}

}  // namespace ctim::agent
