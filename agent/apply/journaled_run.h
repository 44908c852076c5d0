// The one engine by which the agent changes AD: `write`, `rollback` and the service's runs are short users
// of it. A run is
//   begin the run -> resolve interrupted runs -> for each batch: plan the objects, journal the intents,
//   send the modifies (overlapped with the journal work, agent/apply/overlapped_apply.h, and with the
//   re-read of the batch before on a second connection), journal the outcomes -> re-read and re-plan the objects whose compare-and-swap failed (bounded) -> re-read every
//   written object not re-read yet and journal what AD holds -> finish the run.
// What differs between write and rollback — which objects, how each is planned, what the report says — is a
// RunContent. The engine decides everything else the same way for both: when a run aborts (an Error, never
// an empty string), when it stops, how often an object is re-planned. doc/design.md §5, "The write engine".
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "agent/apply/journaled_apply.h"
#include "agent/journal/journal.h"
#include "agent/model/attributes.h"
#include "agent/model/directory.h"
#include "agent/model/progress.h"

namespace ctim::agent {

// Opens another connection to the DC the run writes to.
using OpenDirectoryFn = std::function<Result<std::unique_ptr<Directory>>()>;

struct RunSettings {
  // What to re-read after a conflict: attr::CandidateAttributes(the MatchOptions anchor_attribute).
  std::vector<std::string> attributes = attr::CandidateAttributes("mS-DS-ConsistencyGuid");
  std::size_t batch_size = 500;  // objects per journal transaction and pipelined modify batch
  int max_replans = 3;           // per object, after compare-and-swap conflicts
  // Opens a second connection to the same DC for re-reads made while modifies are in flight: the objects
  // batch k wrote are re-read there while batch k+1 is sent, so the run ends with one batch left to re-read,
  // not all of them. Empty, or when it fails: every re-read waits for the end, on the run's connection.
  OpenDirectoryFn open_reader;
};

// How a run ended, as the engine saw it.
struct RunOutcome {
  RunId run = 0;
  RunState state = RunState::kFinished;
  ResolveReport resolved;      // intents of interrupted runs resolved before this run changed anything
  std::optional<Error> abort;  // why the run stopped early (AD unreachable, reply lost, ...): state kFailed
};

// Why the engine stops re-planning an object whose compare-and-swap failed.
enum class GiveUpReason {
  kRunAborted,    // the run aborted before the re-plan (RunOutcome::abort says why)
  kKeptChanging,  // max_replans re-plans met a changed object every time
  kRereadFailed,  // the object could not be re-read (the error says why)
};

// The part of a run that write and rollback do differently. Objects are keys 0..size()-1, in the order the
// run sends them. Every call happens on the engine's calling thread.
class RunContent {
 public:
  virtual ~RunContent() = default;

  // After the run began and interrupted runs were resolved, before anything is sent. An error fails the run.
  [[nodiscard]] virtual Status Prepare(RunId run) = 0;
  [[nodiscard]] virtual std::size_t size() const = 0;
  [[nodiscard]] virtual std::string_view Activity() const = 0;  // for the progress bar: "writing"

  // The first attempt for `keys` (ascending): one item per key that has something to send (attempt 1), none
  // for a key that has not (the content records why). An error (AD unreachable) aborts the run.
  [[nodiscard]] virtual Result<std::vector<ApplyItem>> PlanBatch(std::span<const std::size_t> keys) = 0;
  // `key`'s compare-and-swap failed: plan it again against `now` (nullptr: the object was deleted). The item
  // to send as `attempt`, or nullopt when nothing is to be sent (the content records why).
  [[nodiscard]] virtual std::optional<ApplyItem> Replan(std::size_t key, const DirectoryObject* now,
                                                        int attempt) = 0;

  // The change set last handed to the engine for `key` (by PlanBatch or Replan). The content keeps it, its
  // GUID and changes unchanged, until it hands another for `key` or the run ends: the engine re-reads the
  // written objects against it and keeps no copy of its own (a run of a million objects would hold every
  // change set twice). Called on the engine's thread; the reference may be read on its re-read thread.
  [[nodiscard]] virtual const ChangeSet& Sent(std::size_t key) const = 0;
  // What happened, in order: every reply, every object given up, every re-read verdict.
  virtual void OnApplied(const Applied& applied, const ChangeSet& sent) = 0;
  virtual void OnGaveUp(std::size_t key, GiveUpReason reason, const Error* error, int attempts) = 0;
  virtual void OnConfirmed(const Confirmed& confirmed) = 0;

  // The run is over (only FinishRun is left): the content takes the outcome into its report and returns the
  // run's one-line summary for the journal and the log.
  [[nodiscard]] virtual std::string Finished(const RunOutcome& outcome) = 0;
};

// Runs `content` as one journaled run described by `info`. Fails only when the journal cannot be used (the
// run is then marked failed where the journal allows); everything that went wrong with AD is in the outcome
// and in what the content recorded.
[[nodiscard]] Result<RunOutcome> JournaledRun(Journal& journal, Directory& directory, const RunInfo& info,
                                              RunContent& content, const RunSettings& settings,
                                              Progress& progress, std::stop_token stop);

// True for errors after which no further modify of the run is sent: the DC or our credentials are gone.
[[nodiscard]] bool AbortsRun(const Error& error);

}  // namespace ctim::agent
