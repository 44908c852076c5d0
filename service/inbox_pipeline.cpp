#include "service/inbox_pipeline.h"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <sstream>

#include "agent/model/attributes.h"
#include "agent/plan/identity_file.h"
#include "agent/journal/journal.h"
#include "agent/report/plan_format.h"
#include "agent/report/html_report.h"
#include "agent/report/progress_csv.h"
#include "agent/report/run_progress.h"
#include "agent/report/run_report_data.h"
#include "agent/verify/verify_time.h"
#include "agent/apply/writer.h"
#include "service/directory_setup.h"
#include "service/file_digest.h"
#include "service/journal_setup.h"
#include "service/logging.h"
#include "service/reader_setup.h"
#include "agent/verify/run_input.h"

namespace ctim::service {
namespace {

namespace fs = std::filesystem;
using agent::inbox::FileState;

constexpr std::size_t kBatchSize = 500;  // as `write` by default

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : std::string(sep)) + p;
  return out;
}

// Writes `text` to `path` so that a reader never sees half a report (agent/report/progress_csv.h); a file
// that cannot be written is logged and the pipeline goes on.
bool WriteWhole(const fs::path& path, std::string_view text) {
  if (Status s = agent::report::WriteFileAtomically(path.string(), text); !s) {
    Logger("service")->error("outbox: {}", s.error().ToString());
    return false;
  }
  return true;
}

// The run's progress CSV as the journal holds it now (with the plan for the rows it did not write, when
// there is one), into the outbox.
void WriteRunProgress(agent::Journal& journal, agent::RunId run, const agent::Plan* plan, const fs::path& path) {
  auto rows = agent::report::LoadRunProgress(journal, run, plan, agent::UtcNow());
  if (!rows) {
    Logger("service")->error("outbox {}: {}", path.string(), rows.error().ToString());
    return;
  }
  WriteWhole(path, agent::report::FormatProgressCsv(*rows));
}

std::int64_t MtimeSeconds(const fs::path& path) {
  std::error_code ec;
  const auto t = fs::last_write_time(path, ec);
  if (ec) return 0;
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::file_clock::to_sys(t).time_since_epoch())
      .count();
}

}  // namespace

InboxPipeline::InboxPipeline(const Config& config, std::string journal_path, std::chrono::seconds retry,
                             std::chrono::seconds verify_deadline, agent::Progress& keep_alive,
                             agent::inbox::Notifier& notifier)
    : config_(config),
      journal_path_(std::move(journal_path)),
      retry_(retry),
      verify_deadline_(verify_deadline),
      keep_alive_(keep_alive),
      notifier_(notifier),
      layout_(agent::inbox::Layout::ForInbox(config.service.inbox)),
      tracker_(std::chrono::seconds(config.service.settle_seconds)) {
  policy_.auto_write = config.service.write == "auto";
  policy_.max_changes = config.service.max_changes;
  policy_.max_refused_percent = config.service.max_refused_percent;
  policy_.max_file_age = std::chrono::seconds(config.service.max_file_age);
}

Status InboxPipeline::Start() {
  if (Status s = layout_.Create(); !s) return s;
  const fs::path journal_dir = fs::path(journal_path_).parent_path();
  if (!journal_dir.empty()) {
    std::error_code ec;
    fs::create_directories(journal_dir, ec);
  }
  auto store = agent::inbox::InboxStore::Open(journal_path_);
  if (!store) return std::unexpected(std::move(store.error()));
  store_.emplace(std::move(*store));
  return {};
}

fs::path InboxPipeline::Processed(const FileRecord& record) const {
  return layout_.processed / record.stored_name;
}

void InboxPipeline::Report(const FileRecord& record, const std::string& line) {
  std::ofstream out(layout_.Outbox(record.stored_name, ".report.txt"), std::ios::app);
  out << agent::UtcNow() << " " << agent::inbox::FileStateName(record.state) << ": " << line << "\n";
}

void InboxPipeline::Save(FileRecord& record, FileState state, const std::string& report_line) {
  record.state = state;
  if (Status s = store_->Update(record); !s) {
    Logger("service")->error("inbox file {} ({}): the journal could not record {}: {}", record.id,
                             record.name, agent::inbox::FileStateName(state), s.error().ToString());
    return;
  }
  if (!report_line.empty()) Report(record, report_line);
}

bool InboxPipeline::RetryDue(const FileRecord& record) {
  auto it = retry_at_.find(record.id);
  return it == retry_at_.end() || std::chrono::steady_clock::now() >= it->second;
}

void InboxPipeline::RetryLater(FileRecord& record, const std::string& waits_for) {
  retry_at_[record.id] = std::chrono::steady_clock::now() + retry_;
  if (record.waits_for != waits_for) {
    record.waits_for = waits_for;
    Save(record, record.state, waits_for);
  }
}

bool InboxPipeline::Step(std::span<const std::string> renamed_in, std::stop_token stop) {
  TakeArrived(renamed_in);
  bool wrote = false;
  auto files = store_->List();
  if (!files) {
    Logger("service")->error("serve: journal {}: {}", journal_path_, files.error().ToString());
    return false;
  }
  for (FileRecord& record : *files) {
    if (stop.stop_requested()) break;
    if (agent::inbox::IsFinal(record.state) || record.state == FileState::kVerifying) continue;
    Advance(std::move(record), stop, wrote);
  }
  return wrote;
}

void InboxPipeline::TakeArrived(std::span<const std::string> renamed_in) {
  for (const std::string& name : renamed_in) tracker_.MarkRenamedIn(name);
  std::vector<agent::inbox::DirEntry> listing;
  std::vector<std::string> markers;
  std::error_code ec;
  for (fs::directory_iterator it(layout_.inbox, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code fec;
    if (!it->is_regular_file(fec)) continue;
    if (!agent::inbox::ApprovedName(name).empty()) {
      markers.push_back(name);
      continue;
    }
    if (stuck_.contains(name)) continue;
    const std::uintmax_t size = it->file_size(fec);
    const auto mtime = it->last_write_time(fec);
    if (fec) continue;  // gone meanwhile
    listing.push_back({name, size, static_cast<std::int64_t>(mtime.time_since_epoch().count())});
  }
  if (ec)
    Logger("service")->error("serve: cannot list the inbox {}: {}", layout_.inbox.string(), ec.message());
  for (const std::string& name : tracker_.Update(listing, std::chrono::steady_clock::now())) Take(name);
  ApplyApprovalMarkers(markers);
}

void InboxPipeline::Take(const std::string& name) {
  auto log = Logger("service");
  const fs::path source = layout_.inbox / name;
  auto digest = Sha256OfFile(source);
  auto received = store_->Receive(name, digest ? *digest : std::string(), MtimeSeconds(source));
  if (!received) {
    log->error("inbox {}: the journal could not record it: {}; trying again", name,
               received.error().ToString());
    return;
  }
  FileRecord record = std::move(*received);
  const fs::path target = digest ? Processed(record) : layout_.failed / record.stored_name;
  std::error_code ec;
  fs::rename(source, target, ec);
  if (ec) {
    stuck_.insert(name);
    record.error = "cannot move it out of the inbox: " + ec.message();
    Save(record, FileState::kFailed, record.error);
    log->error("inbox file {} ({}): {}; it stays in the inbox and is not taken again until serve restarts",
               record.id, name, record.error);
    return;
  }
  if (!digest) {
    FailFile(record, digest.error().ToString());
    return;
  }
  if (record.duplicate_of) {
    Report(record, record.error);
    log->warn("inbox file {} ({}): {}", record.id, name, record.error);
    return;
  }
  Report(record, "taken from the inbox, SHA-256 " + record.sha256 + "; kept as " + target.string());
  log->info("inbox file {} ({}): received, SHA-256 {}", record.id, name, record.sha256);
}

void InboxPipeline::ApplyApprovalMarkers(const std::vector<std::string>& markers) {
  if (markers.empty()) return;
  auto files = store_->List();
  if (!files) return;
  auto log = Logger("service");
  for (const std::string& marker : markers) {
    const std::string wanted = agent::inbox::ApprovedName(marker);
    FileRecord* match = nullptr;
    bool coming = false;  // a file of that name not planned yet: the marker waits for it
    for (FileRecord& r : *files) {
      if (r.name != wanted && r.stored_name != wanted) continue;
      if (r.state == FileState::kAwaitingApproval) match = &r;
      if (r.state == FileState::kReceived || r.state == FileState::kChecked ||
          r.state == FileState::kPlanned) {
        coming = true;
      }
    }
    std::error_code ec;
    if (match != nullptr) {
      match->approved = true;
      Save(*match, FileState::kAwaitingApproval, "approved by " + marker + " in the inbox");
      log->info("inbox file {} ({}): approved by {}", match->id, match->name, marker);
      fs::remove(layout_.inbox / marker, ec);
    } else if (!coming && !fs::exists(layout_.inbox / wanted, ec)) {
      // Nothing of that name waits, and none is on its way: a marker left lying would approve a later file
      // of the same name unseen, so it goes to failed/ with the reason.
      const std::string problem =
          marker + " approves no file awaiting approval (ctim-agent status lists them)";
      fs::rename(layout_.inbox / marker, layout_.failed / marker, ec);
      WriteWhole(layout_.failed / (marker + ".error.txt"), problem + "\n");
      log->warn("inbox: {}; moved to {}", problem, layout_.failed.string());
    }
  }
}

void InboxPipeline::Advance(FileRecord record, std::stop_token stop, bool& wrote) {
  switch (record.state) {
    case FileState::kReceived:
      Check(record);
      if (record.state != FileState::kChecked) return;
      [[fallthrough]];
    case FileState::kChecked:
    case FileState::kPlanned:
      if (RetryDue(record)) PlanAndDecide(record, stop, wrote);
      return;
    case FileState::kAwaitingApproval:
      if (record.approved && !stop.stop_requested()) {
        record.waits_for.clear();
        Save(record, FileState::kWriting, "approved: writing (planned again from AD)");
        if (RetryDue(record)) Write(record, std::nullopt, stop, wrote);
      }
      return;
    case FileState::kWriting:
      // Found writing: this process wrote it and is retrying, or a restart after a kill or a stop.
      if (RetryDue(record)) Write(record, std::nullopt, stop, wrote);
      return;
    case FileState::kWritten:
      Save(record, FileState::kVerifying, "");
      return;
    default:
      return;
  }
}

void InboxPipeline::Check(FileRecord& record) {
  const fs::path path = Processed(record);
  std::error_code ec;
  if (!fs::exists(path, ec) && fs::exists(layout_.inbox / record.name, ec)) {
    fs::rename(layout_.inbox / record.name, path, ec);  // killed between recording and moving it
  }
  auto reader = ReaderOptionsFrom(config_);
  if (!reader) {
    FailFile(record, reader.error().ToString());
    return;
  }
  auto identities = agent::ReadIdentityFile(path, *reader);
  if (!identities) {
    FailFile(record, identities.error().ToString());
    return;
  }
  record.rows = static_cast<std::int64_t>(identities->rows.size() + identities->errors.size());
  Save(record, FileState::kChecked,
       fmt::format("a CTIM identities file: {} row(s), {} rejected when reading", record.rows,
                   identities->errors.size()));
  Logger("service")->info("inbox file {} ({}): checked, {} row(s)", record.id, record.name, record.rows);
}

void InboxPipeline::PlanAndDecide(FileRecord& record, std::stop_token stop, bool& wrote) {
  auto log = Logger("service");
  PlanArgs args;
  args.file = Processed(record).string();
  keep_alive_.Start(0, "planning");
  auto planned = PlanFile(config_, args, stop);
  keep_alive_.Finish();
  if (!planned) {
    if (planned.error().code == Errc::kInvalidInput) {
      FailFile(record, planned.error().ToString());
      return;
    }
    log->error("inbox file {} ({}): cannot plan: {}; trying again in {} s", record.id, record.name,
               planned.error().ToString(), retry_.count());
    RetryLater(record, "AD: " + planned.error().message);
    return;
  }
  const std::string now = agent::UtcNow();
  std::ostringstream table, csv;
  agent::PrintPlan(planned->plan, agent::OutputFormat::kTable, now, table);
  agent::PrintPlan(planned->plan, agent::OutputFormat::kCsv, now, csv);
  WriteWhole(layout_.Outbox(record.stored_name, ".plan.txt"), table.str());
  WriteWhole(layout_.Outbox(record.stored_name, ".plan.csv"), csv.str());
  const agent::PlanCounts counts = planned->plan.Count();
  record.rows = static_cast<std::int64_t>(counts.rows);
  record.changes = static_cast<std::int64_t>(counts.change);
  record.refused = static_cast<std::int64_t>(counts.refused);
  record.waits_for.clear();
  Save(
      record, FileState::kPlanned,
      fmt::format("planned: {} to change, {} already as planned, {} refused, {} skipped (plan in the outbox)",
                  counts.change, counts.no_change, counts.refused, counts.skipped));
  log->info("inbox file {} ({}): planned: {} to change, {} refused", record.id, record.name, counts.change,
            counts.refused);
  const auto reasons = agent::inbox::HoldReasons(policy_, planned->plan,
                                                 std::chrono::system_clock::from_time_t(record.file_mtime),
                                                 std::chrono::system_clock::now());
  if (!reasons.empty()) {
    record.waits_for = fmt::format("approval (ctim-agent approve {}, or {}.approve in the inbox): {}",
                                   record.id, record.name, Join(reasons, "; "));
    Save(record, FileState::kAwaitingApproval, "held: " + Join(reasons, "; "));
    for (const std::string& reason : reasons) {
      log->warn("inbox file {} ({}): held for approval: {}", record.id, record.name, reason);
    }
    notifier_.Notify(
        fmt::format("ctim-agent: {} (inbox file {}) is held for approval: {}. Approve with: "
                    "ctim-agent approve {}",
                    record.name, record.id, Join(reasons, "; "), record.id));
    return;
  }
  if (stop.stop_requested()) return;
  Save(record, FileState::kWriting, "writing (write = \"auto\", within every guardrail)");
  Write(record, std::move(*planned), stop, wrote);
}

void InboxPipeline::Write(FileRecord& record, std::optional<PlannedFile> planned, std::stop_token stop,
                          bool& wrote) {
  auto log = Logger("service");
  if (!planned) {
    PlanArgs args;
    args.file = Processed(record).string();
    keep_alive_.Start(0, "planning");
    auto again = PlanFile(config_, args, stop);
    keep_alive_.Finish();
    if (!again) {
      log->error("inbox file {} ({}): cannot plan: {}; trying again in {} s", record.id, record.name,
                 again.error().ToString(), retry_.count());
      RetryLater(record, "AD: " + again.error().message);
      return;
    }
    planned = std::move(*again);
  }
  if (stop.stop_requested()) return;
  auto journal = OpenJournalForWriting(journal_path_);
  if (!journal) {
    RetryLater(record, "the journal: " + journal.error().message);
    return;
  }
  agent::RunInfo info;
  info.kind = agent::RunKind::kWrite;
  info.file_path = Processed(record).string();
  info.file_sha256 = record.sha256;
  info.options_json = PlanOptionsJson(config_, *planned, kBatchSize);
  agent::WriteSettings settings;
  settings.plan = planned->settings.plan;
  settings.attributes = agent::attr::CandidateAttributes(planned->settings.match.anchor_attribute);
  settings.batch_size = kBatchSize;
  if (config_.ldap.reread_connection) {
    settings.open_reader = [&config = config_] { return OpenDirectory(config); };
  }
  log->info("inbox file {} ({}): writing {} user(s)", record.id, record.name, record.changes);
  auto report = agent::WritePlan(planned->plan, planned->identities.rows, *planned->directory, *journal, info,
                                 settings, keep_alive_, stop);
  if (!report) {
    log->error("inbox file {} ({}): the write could not start: {}", record.id, record.name,
               report.error().ToString());
    RetryLater(record, "the journal: " + report.error().message);
    return;
  }
  record.run_id = report->run;
  if (report->run_state == agent::RunState::kStopped) {
    Save(record, FileState::kWriting,
         fmt::format("stopped during run {}: {}; the next start writes the rest", report->run,
                     report->Summary()));
    log->warn("inbox file {} ({}): stopped during run {}; the next start resumes it", record.id, record.name,
              report->run);
    return;
  }
  if (report->run_state == agent::RunState::kFailed) {
    const std::string why = report->abort ? report->abort->ToString() : std::string("see the agent's log");
    log->error("inbox file {} ({}): run {} stopped early: {}; trying again in {} s", record.id, record.name,
               report->run, why, retry_.count());
    Save(record, FileState::kWriting, fmt::format("run {} stopped early: {}", report->run, why));
    RetryLater(record, "AD: " + why);
    return;
  }
  // The plan's refusals and warnings, for `report RUN` and the final report (they are not intents).
  if (Status s = journal->RecordRowFindings(report->run, agent::report::RowFindingsOf(planned->plan)); !s) {
    log->warn("inbox file {} ({}): run {}: the refusals could not be journaled: {}", record.id, record.name,
              report->run, s.error().ToString());
  }
  WriteRunProgress(*journal, report->run, &planned->plan, layout_.Outbox(record.stored_name, ".progress.csv"));
  record.waits_for.clear();
  Save(record, FileState::kWritten, fmt::format("run {}: {}", report->run, report->Summary()));
  log->info("inbox file {} ({}): run {}: {}", record.id, record.name, report->run, report->Summary());
  record.waits_for = "the cloud: every user DONE or WRONG";
  Save(record, FileState::kVerifying, "");
  retry_at_.erase(record.id);
  wrote = true;
}

void InboxPipeline::FailFile(FileRecord& record, const std::string& problem) {
  std::error_code ec;
  const fs::path failed = layout_.failed / record.stored_name;
  if (fs::exists(Processed(record), ec)) fs::rename(Processed(record), failed, ec);
  WriteWhole(layout_.failed / (record.stored_name + ".error.txt"),
             "ctim-agent serve could not take " + record.name + " (inbox file " + std::to_string(record.id) +
                 "):\n" + problem + "\n");
  record.error = problem;
  record.waits_for.clear();
  Save(record, FileState::kFailed, problem);
  Logger("service")->error("inbox file {} ({}): failed: {} (moved to {})", record.id, record.name, problem,
                           failed.string());
  notifier_.Notify(fmt::format("ctim-agent: {} (inbox file {}) failed: {}", record.name, record.id, problem));
}

// Once verify has settled: the final progress CSV (every written value with its verdict) and the HTML report
// of the run (agent/report/html_report.h), beside the file's other reports in the outbox.
void InboxPipeline::WriteFinalReport(agent::Journal& journal, const FileRecord& record) {
  WriteRunProgress(journal, *record.run_id, nullptr, layout_.Outbox(record.stored_name, ".final.csv"));
  auto data = agent::report::LoadRunReport(journal, *record.run_id);
  if (!data) {
    Logger("service")->error("inbox file {} ({}): the HTML report: {}", record.id, record.name,
                             data.error().ToString());
    return;
  }
  WriteWhole(layout_.Outbox(record.stored_name, ".report.html"),
             agent::report::FormatHtmlReport(*data, agent::UtcNow()));
}

void InboxPipeline::AfterSweep() {
  auto files = store_->List();
  if (!files) return;
  std::optional<agent::Journal> journal;
  auto log = Logger("service");
  for (FileRecord& record : *files) {
    if (record.state != FileState::kVerifying || !record.run_id) continue;
    if (!journal) {
      auto opened = agent::Journal::Open(journal_path_);
      if (!opened) return;
      journal.emplace(std::move(*opened));
    }
    auto input = agent::LoadRunInput(*journal, journal_path_, *record.run_id);
    if (!input) {
      log->warn("inbox file {} ({}): run {}: {}", record.id, record.name, *record.run_id,
                input.error().ToString());
      continue;
    }
    std::map<Guid, const agent::VerificationRecord*> verdicts;
    for (const agent::VerificationRecord& v : input->earlier) verdicts[v.object_guid] = &v;
    std::int64_t done = 0, wrong = 0, pending = 0;
    for (const agent::Expectation& e : input->set.expectations) {
      const auto it = e.object_guid ? verdicts.find(*e.object_guid) : verdicts.end();
      const agent::VerifyStatus status = it == verdicts.end() ? agent::VerifyStatus::kPending : it->second->status;
      if (status == agent::VerifyStatus::kDone) {
        ++done;
      } else if (status == agent::VerifyStatus::kWrong) {
        ++wrong;
      } else {
        ++pending;
      }
    }
    record.users_done = done;
    record.users_wrong = wrong;
    record.users_pending = pending;
    const std::string counts = fmt::format("{} DONE, {} WRONG, {} PENDING", done, wrong, pending);
    const auto started = ParseUtcIso8601(input->run.started_at);
    if (pending == 0) {
      WriteFinalReport(*journal, record);
      record.waits_for.clear();
      Save(record, FileState::kDone, "verified: " + counts + " (final report in the outbox)");
      if (wrong > 0 || record.refused > 0) {
        log->warn("inbox file {} ({}): finished: {}, {} row(s) refused", record.id, record.name, counts,
                  record.refused);
        notifier_.Notify(
            fmt::format("ctim-agent: {} (inbox file {}, run {}) finished with {} refused row(s) and "
                        "{} WRONG user(s); {} DONE. Report: {}",
                        record.name, record.id, *record.run_id, record.refused, wrong, done,
                        layout_.Outbox(record.stored_name, ".final.csv").string()));
      } else {
        log->info("inbox file {} ({}): DONE: {}", record.id, record.name, counts);
        notifier_.Notify(
            fmt::format("ctim-agent: {} (inbox file {}, run {}) is DONE: all {} user(s) verified",
                        record.name, record.id, *record.run_id, done));
      }
    } else if (started && std::chrono::system_clock::now() - *started > verify_deadline_) {
      WriteFinalReport(*journal, record);
      record.waits_for.clear();
      Save(record, FileState::kExpired, "verify deadline passed: " + counts);
      log->error("inbox file {} ({}): expired: {}", record.id, record.name, counts);
      notifier_.Notify(
          fmt::format("ctim-agent: {} (inbox file {}, run {}) expired with {} user(s) still PENDING "
                      "and {} WRONG",
                      record.name, record.id, *record.run_id, pending, wrong));
    } else {
      record.waits_for = fmt::format("the cloud: {} user(s) PENDING", pending);
      Save(record, FileState::kVerifying, "");
    }
  }
}

}  // namespace ctim::service
