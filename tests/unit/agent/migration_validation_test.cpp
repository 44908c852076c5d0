// Microsoft's check beside ours (agent/verify/migration_validation.h) against a scripted
// MigrationValidationCloud: a TEST DOUBLE of the narrow interface (the real one runs against the emulator in
// tests/integration/verify_migration_test.cpp), and the journal's record of the job.
#include "agent/verify/migration_validation.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "agent/adapters/migration_validation_source.h"
#include "agent/verify/journal_recorder.h"
#include "agent/verify/verify_report.h"
#include "agent_test_util.h"
#include "temp_journal.h"

namespace ctim::agent {
namespace {

using namespace std::chrono_literals;
using testing::NumberedGuid;

class ScriptedMigration final : public MigrationValidationCloud {
 public:
  Result<MigrationJobView> CreateJob(const std::string& name, std::span<const Guid> users,
                                     std::stop_token) override {
    ++creates;
    if (create_error) return std::unexpected(*create_error);
    created_name = name;
    created_users.assign(users.begin(), users.end());
    return MigrationJobView{"job-" + std::to_string(creates), "submitted", "", std::nullopt};
  }
  Result<std::optional<MigrationJobView>> Validate(const std::string& id, std::stop_token) override {
    ++validates;
    polls_left = polls_needed;
    return std::optional<MigrationJobView>(MigrationJobView{id, "validateInProgress", "", 1ms});
  }
  Result<MigrationJobView> GetJob(const std::string& id, std::stop_token) override {
    ++gets;
    if (get_error) return std::unexpected(*get_error);
    if (polls_left > 0) {
      --polls_left;
      return MigrationJobView{id, "validateInProgress", "", 1ms};
    }
    return MigrationJobView{id, final_status, "", std::nullopt};
  }
  Result<std::vector<MigrationTaskView>> Tasks(const std::string&, std::stop_token) override { return tasks; }

  int creates = 0, validates = 0, gets = 0, polls_needed = 2, polls_left = 0;
  std::string final_status = "validateFailed", created_name;
  std::vector<Guid> created_users;
  std::optional<Error> create_error, get_error;
  std::vector<MigrationTaskView> tasks;
};

class MemoryStore final : public MigrationJobStore {
 public:
  Result<std::optional<RecordedMigrationJob>> Find(const std::string& key) override {
    for (auto it = jobs.rbegin(); it != jobs.rend(); ++it) {
      if (it->users_key == key) return std::optional<RecordedMigrationJob>(*it);
    }
    return std::optional<RecordedMigrationJob>();
  }
  Status Record(const RecordedMigrationJob& job) override {
    jobs.push_back(job);
    return {};
  }
  std::vector<RecordedMigrationJob> jobs;
};

VerifyReport ReportOf(std::vector<VerifyStatus> statuses) {
  VerifyReport report;
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    UserResult u;
    u.expected.row = i + 2;
    u.expected.label = "row " + std::to_string(i + 2);
    u.expected.target_object_id = NumberedGuid(7, static_cast<unsigned>(i + 1));
    u.verdict.status = statuses[i];
    report.users.push_back(std::move(u));
  }
  return report;
}

MigrationTaskView Task(unsigned n, std::string status, std::vector<std::string> errors = {}) {
  return {NumberedGuid(7, n).ToString(), {{"exchangeOnline", std::move(status), "", std::move(errors)}}};
}

MigrationValidationOptions Fast() {
  MigrationValidationOptions o;
  o.poll_interval = 1ms;
  o.timeout = 5s;
  return o;
}

TEST(MigrationValidation, ClassifiesTasksByTheDocumentedStatuses) {
  EXPECT_EQ(ClassifyMigrationTask(Task(1, "valid")).status, MicrosoftStatus::kValid);
  EXPECT_EQ(ClassifyMigrationTask(Task(1, "valid")).detail, "");
  EXPECT_EQ(ClassifyMigrationTask(Task(1, "completed")).status, MicrosoftStatus::kValid);
  for (const char* s : {"invalid", "error", "failed"}) {
    const MicrosoftVerdict v = ClassifyMigrationTask(Task(1, s, {"ExchangeGuidMismatch: does not match"}));
    EXPECT_EQ(v.status, MicrosoftStatus::kInvalid) << s;
    EXPECT_EQ(v.detail, std::string("exchangeOnline ") + s + ": ExchangeGuidMismatch: does not match");
  }
  for (const char* s : {"notStarted", "inProgress", "somethingNew", ""}) {
    EXPECT_EQ(ClassifyMigrationTask(Task(1, s)).status, MicrosoftStatus::kUnknown) << s;
  }
  EXPECT_EQ(ClassifyMigrationTask({"x", {}}).status, MicrosoftStatus::kUnknown);
  // one workload invalid among valid ones rejects the user
  MigrationTaskView mixed = Task(1, "valid");
  mixed.services.push_back({"oneDrive", "invalid", "quota", {}});
  EXPECT_EQ(ClassifyMigrationTask(mixed).status, MicrosoftStatus::kInvalid);
  EXPECT_EQ(ClassifyMigrationTask(mixed).detail, "oneDrive invalid (quota)");
}

TEST(MigrationValidation, OnlyDoneUsersAreAskedAndEachGetsMicrosoftsVerdict) {
  ScriptedMigration cloud;
  cloud.tasks = {Task(1, "valid"), Task(3, "invalid", {"ExchangeGuidMismatch: no"}), Task(2, "invalid")};
  MemoryStore store;
  const VerifyReport report =
      ReportOf({VerifyStatus::kDone, VerifyStatus::kPending, VerifyStatus::kDone, VerifyStatus::kDone});
  const MigrationValidation m = ValidateWithMicrosoft(cloud, report, &store, Fast(), {});
  ASSERT_FALSE(m.error) << m.error->ToString();
  EXPECT_EQ(cloud.creates, 1);
  EXPECT_EQ(cloud.validates, 1);
  EXPECT_EQ(cloud.gets, 3);  // two "in progress" answers, then the final one
  EXPECT_EQ(cloud.created_users,
            (std::vector<Guid>{NumberedGuid(7, 1), NumberedGuid(7, 3), NumberedGuid(7, 4)}));
  EXPECT_EQ(m.asked, 3u);
  EXPECT_EQ(m.job_id, "job-1");
  EXPECT_EQ(m.job_status, "validateFailed");
  EXPECT_FALSE(m.reused);
  ASSERT_EQ(m.users.size(), 3u);  // the PENDING user's task is ignored
  EXPECT_EQ(m.users.at(NumberedGuid(7, 1)).status, MicrosoftStatus::kValid);
  EXPECT_EQ(m.users.at(NumberedGuid(7, 3)).status, MicrosoftStatus::kInvalid);
  EXPECT_EQ(m.users.at(NumberedGuid(7, 4)).status, MicrosoftStatus::kUnknown);
  EXPECT_NE(m.users.at(NumberedGuid(7, 4)).detail.find("no task"), std::string::npos);
  EXPECT_EQ(m.Rejected(), 1u);
  ASSERT_EQ(store.jobs.size(), 1u);
  EXPECT_EQ(store.jobs[0].job_id, "job-1");
  EXPECT_EQ(store.jobs[0].users_key, MigrationUsersKey(cloud.created_users));
}

TEST(MigrationValidation, AReRunReusesTheRecordedJobAndAnotherUserSetCreatesAnother) {
  ScriptedMigration cloud;
  cloud.final_status = "validatePassed";
  MemoryStore store;
  const VerifyReport report = ReportOf({VerifyStatus::kDone, VerifyStatus::kDone});
  (void)ValidateWithMicrosoft(cloud, report, &store, Fast(), {});
  const MigrationValidation again = ValidateWithMicrosoft(cloud, report, &store, Fast(), {});
  EXPECT_EQ(cloud.creates, 1);
  EXPECT_TRUE(again.reused);
  EXPECT_EQ(again.job_id, "job-1");
  EXPECT_EQ(cloud.validates, 1);  // validatePassed is read, not validated again
  const MigrationValidation other =
      ValidateWithMicrosoft(cloud, ReportOf({VerifyStatus::kDone}), &store, Fast(), {});
  EXPECT_EQ(cloud.creates, 2);
  EXPECT_FALSE(other.reused);
  // results older than seven days: a new job
  store.jobs[0].created_at = "2020-01-01T00:00:00Z";
  store.jobs[1].created_at = "2020-01-01T00:00:00Z";
  (void)ValidateWithMicrosoft(cloud, report, &store, Fast(), {});
  EXPECT_EQ(cloud.creates, 3);
}

TEST(MigrationValidation, NothingDoneCreatesNothingAndAnotherCloudIsNotAsked) {
  ScriptedMigration cloud;
  const MigrationValidation none =
      ValidateWithMicrosoft(cloud, ReportOf({VerifyStatus::kWrong}), nullptr, Fast(), {});
  EXPECT_EQ(none.asked, 0u);
  EXPECT_FALSE(none.error);
  MigrationValidationOptions gcc = Fast();
  gcc.cloud = "gcchigh";
  const MigrationValidation refused =
      ValidateWithMicrosoft(cloud, ReportOf({VerifyStatus::kDone}), nullptr, gcc, {});
  ASSERT_TRUE(refused.error);
  EXPECT_NE(refused.error->message.find("'gcchigh'"), std::string::npos);
  EXPECT_EQ(cloud.creates, 0);
}

TEST(MigrationValidation, ErrorsAreReportedNotThrownAndPollingIsBounded) {
  ScriptedMigration forbidden;
  forbidden.create_error = Error{Errc::kPermissionDenied, "graph POST ...: 403 Authorization_RequestDenied",
                                 "CrossTenantContentMigration.ReadWrite.All"};
  const MigrationValidation m =
      ValidateWithMicrosoft(forbidden, ReportOf({VerifyStatus::kDone}), nullptr, Fast(), {});
  ASSERT_TRUE(m.error);
  EXPECT_EQ(m.error->code, Errc::kPermissionDenied);
  EXPECT_TRUE(m.job_id.empty());

  ScriptedMigration slow;
  slow.polls_needed = 1000;
  MigrationValidationOptions few = Fast();
  few.max_polls = 3;
  const MigrationValidation timed_out =
      ValidateWithMicrosoft(slow, ReportOf({VerifyStatus::kDone}), nullptr, few, {});
  ASSERT_TRUE(timed_out.error);
  EXPECT_EQ(slow.gets, 3);
  EXPECT_NE(timed_out.error->message.find("did not finish within 3 polls"), std::string::npos);
  EXPECT_EQ(timed_out.job_id, "job-1");
}

TEST(MigrationValidation, TheJournalKeepsTheJobOfARun) {
  testing::TempDir dir;
  auto journal = Journal::Open(dir.File("j.db"));
  ASSERT_TRUE(journal) << journal.error().ToString();
  auto run = journal->BeginRun({RunKind::kWrite, "f.csv", "", "{}", {}});
  ASSERT_TRUE(run);
  JournalMigrationJobStore store(*journal, *run);
  auto none = store.Find("n=1;fnv1a64=0");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  ASSERT_TRUE(store.Record({"job-a", "n=1;fnv1a64=0", "2026-12-07T10:00:00Z"}));
  ASSERT_TRUE(store.Record({"job-b", "n=2;fnv1a64=1", ""}));
  auto found = store.Find("n=1;fnv1a64=0");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->job_id, "job-a");
  EXPECT_EQ((*found)->created_at, "2026-12-07T10:00:00Z");
  auto b = store.Find("n=2;fnv1a64=1");
  ASSERT_TRUE(b && *b);
  EXPECT_FALSE((*b)->created_at.empty());  // now, when not given
  JournalMigrationJobStore other_run(*journal, *run + 1);
  auto other = other_run.Find("n=1;fnv1a64=0");
  ASSERT_TRUE(other);
  EXPECT_FALSE(*other);
}

TEST(MigrationValidation, TheReportShowsMicrosoftsVerdictBesideOurs) {
  VerifyReport report = ReportOf({VerifyStatus::kDone, VerifyStatus::kDone});
  MigrationValidation m;
  m.job_id = "job-9";
  m.job_status = "validateFailed";
  m.asked = 2;
  m.users[NumberedGuid(7, 1)] = {MicrosoftStatus::kValid, ""};
  m.users[NumberedGuid(7, 2)] = {MicrosoftStatus::kInvalid,
                                 "exchangeOnline invalid: ExchangeGuidMismatch: no"};
  report.microsoft = m;
  const std::string table = FormatVerifyTable(report, {});
  EXPECT_NE(
      table.find("Microsoft's migration validation: job job-9 (created, status validateFailed), 1 of 2 DONE "
                 "users valid, 1 rejected"),
      std::string::npos)
      << table;
  EXPECT_NE(table.find("DONE     row 3 (target " + NumberedGuid(7, 2).ToString() +
                       ")  Microsoft: INVALID (exchangeOnline invalid: ExchangeGuidMismatch: no)"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("row 2 (target " + NumberedGuid(7, 1).ToString() + ")  Microsoft: VALID\n"),
            std::string::npos);
  const auto json = nlohmann::json::parse(FormatVerifyJson(report, {}));
  EXPECT_EQ(json["migration_validation"]["job_id"], "job-9");
  EXPECT_EQ(json["migration_validation"]["rejected"], 1);
  EXPECT_EQ(json["users"][1]["status"], "done");
  EXPECT_EQ(json["users"][1]["microsoft"]["status"], "invalid");
  EXPECT_EQ(json["users"][0]["microsoft"]["status"], "valid");
  report.microsoft.reset();
  const auto plain = nlohmann::json::parse(FormatVerifyJson(report, {}));
  EXPECT_TRUE(plain["migration_validation"].is_null());
  EXPECT_TRUE(plain["users"][0]["microsoft"].is_null());
  EXPECT_EQ(FormatVerifyTable(report, {}).find("Microsoft"), std::string::npos);
}

TEST(MigrationValidation, TheAdapterKeepsMicrosoftsWords) {
  sync::MigrationTask task{"id-1",
                           "Users",
                           "t",
                           {{"exchangeOnline",
                             "invalid",
                             "Validation failed.",
                             {{"C1", "m1"}, {"", "only message"}, {"only code", ""}}}}};
  const MigrationTaskView view = ToMigrationTaskView(task);
  EXPECT_EQ(view.id, "id-1");
  ASSERT_EQ(view.services.size(), 1u);
  EXPECT_EQ(view.services[0].errors, (std::vector<std::string>{"C1: m1", "only message", "only code"}));
  EXPECT_EQ(ClassifyMigrationTask(view).detail,
            "exchangeOnline invalid (Validation failed.): C1: m1, only message, only code");
}

}  // namespace
}  // namespace ctim::agent
