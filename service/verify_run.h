// What `verify` and `serve` share: the expectations of a journal run, the progress-bar adapter, and the
// observer that records every pass's verdicts in the journal.
#pragma once

#include <string>
#include <vector>

#include "agent/journal.h"
#include "agent/progress.h"
#include "agent/reader_options.h"
#include "agent/verifier.h"
#include "agent/verify_expectations.h"
#include "agent/verify_report.h"
#include "common/result.h"
#include "service/config.h"
#include "service/progress_bar.h"

namespace ctim::service {

// agent::Progress drawn as a service::ProgressBar (only when enabled: a terminal, no --no-progress).
class BarProgress final : public agent::Progress {
 public:
  explicit BarProgress(bool enabled) : bar_(enabled) {}
  void Start(std::size_t total, std::string_view label) override { bar_.Start(total, std::string(label)); }
  void Advance(std::size_t n) override { bar_.Advance(n); }
  void Finish() override { bar_.Finish(); }

 private:
  ProgressBar bar_;
};

// Records every pass's verdicts of a run in the journal (table `verifications`), so `show RUN` and the
// next verify see them. A failure to record is logged once; the verdicts themselves stand.
class JournalRecorder final : public agent::VerifyObserver {
 public:
  JournalRecorder(agent::Journal& journal, agent::RunId run) : journal_(journal), run_(run) {}
  void OnPass(const agent::VerifyReport& report, std::span<const std::size_t> changed) override;

 private:
  agent::Journal& journal_;
  agent::RunId run_;
  bool warned_ = false;
};

// The reader options the config asks for ([agent] email_separator).
Result<agent::ReaderOptions> ReaderOptionsFrom(const Config& config);

// The latest write run, for `verify` without RUN.
Result<agent::RunRecord> LatestWriteRun(agent::Journal& journal, const std::string& path);

struct RunInput {
  agent::RunRecord run;
  agent::ExpectationSet set;
  agent::VerifySubject subject;
  std::vector<agent::TimePoint> known_sync_times;     // first sync after the write, from earlier verifies
  std::vector<agent::VerificationRecord> earlier;     // the verdicts recorded so far
};

// The expectations of write run `run_text` ("" = the latest write run) in the journal at `path`.
Result<RunInput> LoadRunInput(agent::Journal& journal, const std::string& path, const std::string& run_text);

}  // namespace ctim::service
