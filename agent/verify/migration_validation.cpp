#include "agent/verify/migration_validation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "common/iso8601.h"
#include "common/stop.h"

namespace ctim::agent {
namespace {

using std::chrono::milliseconds;

bool Finished(std::string_view status) { return status == "validatePassed" || status == "validateFailed"; }

// Statuses after which validate may be called (the validate page: submitted or validateFailed).
bool Validatable(std::string_view status) {
  return status.empty() || status == "submitted" || status == "validateFailed";
}

bool Is(std::string_view status, std::initializer_list<std::string_view> any) {
  return std::any_of(any.begin(), any.end(), [&](std::string_view s) { return s == status; });
}

std::string Seconds(milliseconds d) {
  return fmt::format("{:.0f} s", static_cast<double>(d.count()) / 1000.0);
}

}  // namespace

std::string_view MicrosoftStatusName(MicrosoftStatus status) {
  switch (status) {
    case MicrosoftStatus::kValid:
      return "valid";
    case MicrosoftStatus::kInvalid:
      return "invalid";
    case MicrosoftStatus::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::size_t MigrationValidation::Rejected() const {
  return static_cast<std::size_t>(std::count_if(users.begin(), users.end(), [](const auto& u) {
    return u.second.status == MicrosoftStatus::kInvalid;
  }));
}

std::string MigrationUsersKey(std::span<const Guid> users) {
  std::vector<std::string> ids;
  ids.reserve(users.size());
  for (const Guid& g : users) ids.push_back(g.ToString());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::uint64_t h = 14695981039346656037ULL;  // FNV-1a 64
  for (const std::string& id : ids) {
    for (unsigned char c : id + ",") {
      h ^= c;
      h *= 1099511628211ULL;
    }
  }
  return fmt::format("n={};fnv1a64={:016x}", ids.size(), h);
}

MicrosoftVerdict ClassifyMigrationTask(const MigrationTaskView& task) {
  MicrosoftVerdict verdict;
  if (task.services.empty()) {
    verdict.detail = "Microsoft returned no status for this user";
    return verdict;
  }
  bool all_valid = true, any_invalid = false;
  std::vector<std::string> parts;
  for (const MigrationServiceView& s : task.services) {
    const bool valid = Is(s.status, {"valid", "completed"});
    const bool invalid = Is(s.status, {"invalid", "error", "failed"});
    all_valid = all_valid && valid;
    any_invalid = any_invalid || invalid;
    if (valid && s.errors.empty() && s.message.empty()) continue;
    std::string part = (s.service.empty() ? std::string("service") : s.service) + " " +
                       (s.status.empty() ? std::string("(no status)") : s.status);
    if (!s.message.empty()) part += " (" + s.message + ")";
    for (std::size_t i = 0; i < s.errors.size(); ++i) part += (i == 0 ? ": " : ", ") + s.errors[i];
    parts.push_back(std::move(part));
  }
  verdict.status = any_invalid ? MicrosoftStatus::kInvalid
                   : all_valid ? MicrosoftStatus::kValid
                               : MicrosoftStatus::kUnknown;
  for (const std::string& p : parts) verdict.detail += (verdict.detail.empty() ? "" : "; ") + p;
  return verdict;
}

MigrationValidation ValidateWithMicrosoft(MigrationValidationCloud& cloud, const VerifyReport& report,
                                          MigrationJobStore* store, const MigrationValidationOptions& options,
                                          std::stop_token stop) {
  MigrationValidation out;
  std::vector<Guid> done;
  for (const UserResult& u : report.users) {
    if (u.verdict.status == VerifyStatus::kDone) done.push_back(u.expected.target_object_id);
  }
  std::sort(done.begin(), done.end());
  done.erase(std::unique(done.begin(), done.end()), done.end());
  out.asked = done.size();
  if (done.empty()) return out;  // nothing DONE: nothing to ask, no object created
  if (options.cloud != "worldwide") {
    out.error =
        Error{Errc::kInvalidInput,
              "Microsoft's cross-tenant migration API is not available in the '" + options.cloud +
                  "' cloud: Microsoft documents it for the global service only",
              "run the final check from a worldwide tenant, or verify without --with-migration-validation"};
    return out;
  }

  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + options.timeout;
  const std::string key = MigrationUsersKey(done);
  std::optional<MigrationJobView> job;

  if (store != nullptr) {
    auto found = store->Find(key);
    if (!found) {
      out.error = std::move(found.error()).With("the journal's migration job of this run");
      return out;
    }
    const auto created = *found ? ParseUtcIso8601((*found)->created_at) : std::nullopt;
    if (*found && created && std::chrono::system_clock::now() - *created < options.results_expire) {
      auto got = cloud.GetJob((*found)->job_id, stop);
      if (got) {
        job = std::move(*got);
        out.reused = true;
      } else if (got.error().code != Errc::kNotFound) {
        out.job_id = (*found)->job_id;
        out.error = std::move(got.error());
        return out;
      }  // deleted meanwhile: create another
    }
  }
  if (!job) {
    auto created = cloud.CreateJob(options.display_name, done, stop);
    if (!created) {
      out.error = std::move(created.error());
      return out;
    }
    job = std::move(*created);
    if (store != nullptr) {
      if (Status s = store->Record({job->id, key, FormatUtcIso8601(std::chrono::system_clock::now())}); !s) {
        out.job_id = job->id;
        out.error = std::move(s.error()).With("recording migration job " + job->id + " in the journal");
        return out;
      }
    }
  }
  out.job_id = job->id;
  out.job_status = job->status;
  out.job_message = job->message;

  std::optional<milliseconds> retry_after = job->retry_after;
  bool must_poll = !Finished(job->status);
  if (Validatable(job->status)) {
    auto validated = cloud.Validate(job->id, stop);
    if (!validated) {
      out.error = std::move(validated.error());
      return out;
    }
    if (*validated) {
      out.job_status = (*validated)->status;
      retry_after = (*validated)->retry_after;
    }
    must_poll = true;  // the answer of validate itself may still show the old status
  }
  // Bounded by max_polls and by the deadline.
  for (int poll = 0; must_poll; ++poll) {
    const auto now = std::chrono::steady_clock::now();
    if (poll >= options.max_polls || now >= deadline) {
      out.error =
          Error{Errc::kUnavailable,
                fmt::format("Microsoft's validation of migration job {} did not finish within {} polls and "
                            "{} (last status '{}')",
                            out.job_id, poll, Seconds(options.timeout), out.job_status),
                "run verify with --with-migration-validation again later: the job is reused, not created "
                "again"};
      return out;
    }
    const milliseconds left = std::chrono::duration_cast<milliseconds>(deadline - now);
    if (!SleepFor(stop, std::min(retry_after.value_or(options.poll_interval), left))) {
      out.error = Error{
          Errc::kUnavailable, "Microsoft's validation: stopped while waiting for job " + out.job_id, {}};
      return out;
    }
    auto got = cloud.GetJob(out.job_id, stop);
    if (!got) {
      out.error = std::move(got.error());
      return out;
    }
    out.job_status = got->status;
    out.job_message = got->message;
    retry_after = got->retry_after;
    must_poll = !Finished(got->status);
  }

  auto tasks = cloud.Tasks(out.job_id, stop);
  if (!tasks) {
    out.error = std::move(tasks.error());
    return out;
  }
  for (const MigrationTaskView& t : *tasks) {
    const auto id = Guid::Parse(t.id);
    if (!id || !std::binary_search(done.begin(), done.end(), *id)) continue;
    out.users[*id] = ClassifyMigrationTask(t);
  }
  for (const Guid& id : done) {
    if (!out.users.contains(id)) {
      out.users[id] = {MicrosoftStatus::kUnknown,
                       "Microsoft's job " + out.job_id + " has no task for this user"};
    }
  }
  return out;
}

}  // namespace ctim::agent
