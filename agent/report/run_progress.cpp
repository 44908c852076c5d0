#include "agent/report/run_progress.h"

#include <string>

namespace ctim::agent::report {

Result<std::vector<ProgressRow>> LoadRunProgress(Journal& journal, RunId run, const Plan* plan,
                                                 std::string_view now) {
  auto record = journal.GetRun(run);
  if (!record) return std::unexpected(std::move(record.error()));
  if (!*record) {
    return Fail(Errc::kInvalidInput, "run " + std::to_string(run) + " is not in the journal",
                "run ids are the numbers `ctim-agent runs` lists");
  }
  auto intents = journal.RunIntents(run);
  if (!intents) return std::unexpected(std::move(intents.error()));
  auto verifications = journal.RunVerifications(run);
  if (!verifications) return std::unexpected(std::move(verifications.error()));
  return ProgressFromRun(**record, *intents, *verifications, plan, now);
}

}  // namespace ctim::agent::report
