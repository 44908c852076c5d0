// `ctim-agent verify --with-migration-validation` end to end (doc/migration-validation.md): Microsoft's
// cross-tenant migration validation, as the HTTPS cloud emulator plays it, beside our own verdict. Opt-in (no
// job without the flag), one job per run and set of users (reused), a rejected user stays DONE in our column
// with Microsoft's error and exit 6, and a refused permission or absent API is a message, not a failure.
#include <gtest/gtest.h>

#include "verify_fixture.h"

namespace ctim::testing {
namespace {

std::size_t Done(const Json& report) { return report["summary"].value("done", std::size_t{0}); }

TEST_F(VerifyLabTest, MicrosoftsMigrationValidationIsOptInAndShownBesideOurVerdict) {
  // Row 0's file names an ExchangeGuid that is not its source mailbox's: what we write arrives (DONE for us),
  // but Microsoft compares with the source mailbox and rejects it.
  targets_[0].row.exchange_guid = *Guid::Parse("0b5e8c1e-2f4a-4c3b-9d7e-6a5b4c3d2e1f");
  const agent::RunId run = WriteAllAsRun();
  emu_->Sync();
  emu_->Control("POST", "/faults/migration", {{"delay", 0.5}});

  const Ran plain = Verify({std::to_string(run), "--once", "--format", "json"});
  EXPECT_EQ(plain.exit_code, 0) << plain.out << plain.err;
  EXPECT_TRUE(Report(plain)["migration_validation"].is_null());
  EXPECT_TRUE(emu_->Control("GET", "/migration/jobs")["jobs"].empty())
      << "a job was created without the flag";

  const std::vector<std::string> with = {
      std::to_string(run),     "--once", "--format", "json", "--with-migration-validation", "--source-tenant",
      "source.onmicrosoft.com"};
  const Ran checked = Verify(with);
  EXPECT_EQ(checked.exit_code, 6) << checked.out << checked.err;
  const Json doc = Report(checked);
  EXPECT_EQ(Done(doc), static_cast<std::size_t>(kUsers)) << checked.out;
  const Json& broken = UserOf(doc, 0);
  EXPECT_EQ(broken["status"], "done");
  EXPECT_EQ(broken["microsoft"]["status"], "invalid") << broken.dump();
  EXPECT_NE(broken["microsoft"]["detail"].get<std::string>().find("ExchangeGuidMismatch"), std::string::npos);
  for (std::size_t i = 1; i < targets_.size(); ++i) {
    EXPECT_EQ(UserOf(doc, i)["microsoft"]["status"], "valid") << UserOf(doc, i).dump();
  }
  EXPECT_EQ(doc["migration_validation"]["rejected"], 1);
  EXPECT_EQ(doc["migration_validation"]["reused"], false);
  EXPECT_EQ(doc["migration_validation"]["job_status"], "validateFailed");
  Json jobs = emu_->Control("GET", "/migration/jobs")["jobs"];
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0]["id"], doc["migration_validation"]["job_id"]);
  EXPECT_EQ(jobs[0]["resources"].size(), static_cast<std::size_t>(kUsers));
  EXPECT_EQ(jobs[0]["sourceTenantId"], "source.onmicrosoft.com");
  EXPECT_EQ(jobs[0]["validations"], 1);

  // Again, as a table: the recorded job is reused (validated again: it failed), not created a second time.
  std::vector<std::string> table = with;
  table[3] = "table";
  const Ran again = Verify(table);
  EXPECT_EQ(again.exit_code, 6) << again.out << again.err;
  EXPECT_NE(
      again.out.find("Microsoft: INVALID (exchangeOnline invalid (Validation failed.): ExchangeGuidMismatch"),
      std::string::npos)
      << again.out;
  EXPECT_NE(again.out.find("(reused, status validateFailed), " + std::to_string(kUsers - 1) + " of " +
                           std::to_string(kUsers) + " DONE users valid, 1 rejected"),
            std::string::npos)
      << again.out;
  jobs = emu_->Control("GET", "/migration/jobs")["jobs"];
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0]["validations"], 2);

  // A missing permission and an absent API: a message naming them; our verdicts and exit code stand.
  emu_->Control("POST", "/faults/migration", {{"mode", "forbidden"}});
  const Ran denied = Verify(with);
  EXPECT_EQ(denied.exit_code, 0) << denied.out << denied.err;
  EXPECT_EQ(Done(Report(denied)), static_cast<std::size_t>(kUsers));
  EXPECT_NE(denied.err.find("CrossTenantContentMigration.ReadWrite.All"), std::string::npos) << denied.err;
  EXPECT_FALSE(Report(denied)["migration_validation"]["error"].is_null());
  emu_->Control("POST", "/faults/migration", {{"mode", "not-found"}});
  const Ran absent = Verify(with);
  EXPECT_EQ(absent.exit_code, 0) << absent.out << absent.err;
  EXPECT_NE(absent.err.find("not available"), std::string::npos) << absent.err;

  // The option is refused without its source tenant, before anything is asked.
  const Ran bad = Verify({std::to_string(run), "--once", "--with-migration-validation"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("--source-tenant"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace ctim::testing
