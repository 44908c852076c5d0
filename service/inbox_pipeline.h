// The inbox side of `serve`: takes the files that have arrived in [service] inbox and moves each one along
// its state machine (agent/inbox/inbox_store.h), persisting every step in the journal before acting on it:
//   arrived -> received (in processed/) -> checked (a CTIM file; else failed/ + error file) -> planned
//   (plan in the outbox) -> awaiting_approval (the policy, agent/inbox/policy.h) -> writing (the same
//   journaled write as `ctim-agent write`, agent/apply/writer.h) -> verifying (the serve sweep verifies the run)
//   -> done | expired.
// A restart resumes every file from its state: a file found "writing" is planned again from AD and written
// again, and the writer resolves what the killed process left (agent/apply/journaled_apply.h). doc/inbox.md.
// Not thread-safe: called from serve's loop only.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <stop_token>
#include <string>

#include "agent/inbox/arrival.h"
#include "agent/inbox/inbox_store.h"
#include "agent/inbox/layout.h"
#include "agent/inbox/notifier.h"
#include "agent/inbox/policy.h"
#include "agent/model/progress.h"
#include "common/result.h"
#include "service/config.h"
#include "service/plan_file.h"

namespace ctim::service {

class InboxPipeline {
 public:
  // `keep_alive` is called from inside long plans and writes (the systemd watchdog ping); it must be cheap.
  // `notifier` gets one line per change an admin must act on (held, failed, finished with refusals or WRONG
  // users, fully DONE); it must outlive the pipeline.
  InboxPipeline(const Config& config, std::string journal_path, std::chrono::seconds retry,
                std::chrono::seconds verify_deadline, agent::Progress& keep_alive,
                agent::inbox::Notifier& notifier);

  // Creates the folders and opens the journal. kUnavailable naming the folder or journal.
  [[nodiscard]] Status Start();
  [[nodiscard]] const agent::inbox::Layout& layout() const { return layout_; }

  // Takes what has arrived (`renamed_in`: names the watcher saw renamed into the inbox), applies dropped
  // approval markers, and moves every open file on as far as it can go now. Returns true when a write run
  // finished (the caller then verifies soon).
  bool Step(std::span<const std::string> renamed_in, std::stop_token stop);
  // After a verify sweep: each verifying file's counts from the journal's verdicts; done or expired when
  // settled, with the final CSV in the outbox.
  void AfterSweep();

 private:
  using FileRecord = agent::inbox::FileRecord;
  void TakeArrived(std::span<const std::string> renamed_in);
  void Take(const std::string& name);
  void ApplyApprovalMarkers(const std::vector<std::string>& markers);
  void Advance(FileRecord record, std::stop_token stop, bool& wrote);
  void Check(FileRecord& record);
  // Plans and either holds the file or writes it (auto mode, no guardrail).
  void PlanAndDecide(FileRecord& record, std::stop_token stop, bool& wrote);
  void Write(FileRecord& record, std::optional<PlannedFile> planned, std::stop_token stop, bool& wrote);
  void FailFile(FileRecord& record, const std::string& problem);
  void WriteFinalReport(agent::Journal& journal, const FileRecord& record);
  void Save(FileRecord& record, agent::inbox::FileState state, const std::string& report_line);
  void Report(const FileRecord& record, const std::string& line);
  [[nodiscard]] bool RetryDue(const FileRecord& record);
  void RetryLater(FileRecord& record, const std::string& waits_for);
  [[nodiscard]] std::filesystem::path Processed(const FileRecord& record) const;

  const Config& config_;
  std::string journal_path_;
  std::chrono::seconds retry_;
  std::chrono::seconds verify_deadline_;
  agent::Progress& keep_alive_;
  agent::inbox::Notifier& notifier_;
  agent::inbox::Layout layout_;
  agent::inbox::Policy policy_;
  agent::inbox::ArrivalTracker tracker_;
  std::optional<agent::inbox::InboxStore> store_;
  std::map<agent::inbox::FileId, std::chrono::steady_clock::time_point> retry_at_;
  std::set<std::string> stuck_;  // inbox names that could not be moved out (logged once, not retaken)
};

}  // namespace ctim::service
