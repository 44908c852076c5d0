// What verify expects: from a write run's journal records, and from a CTIM file.
#include "agent/verify/verify_expectations.h"

#include <gtest/gtest.h>

#include <fstream>

#include "agent_test_util.h"
#include "temp_journal.h"

namespace ctim::agent {
namespace {

using testing::G;
using testing::TempDir;

const Guid kObject = G("aaaaaaaa-0000-4000-8000-000000000001");
const Guid kTarget = G("7c1e3c2a-51d4-4d8e-8f63-2d8f0b6a1c11");
const Guid kExchange = G("1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8");
const Guid kArchive = G("ec6e49fa-3933-4fc8-bdb4-eb3a32e1b1b3");

IntentView Intent(IntentId id, std::vector<AttributeChange> changes, std::vector<OutcomeState> outcomes,
                  std::optional<Guid> target = kTarget, Guid object = kObject, std::size_t row = 2) {
  IntentView v;
  v.id = id;
  v.change_set.row = row;
  v.change_set.dn = "CN=Lara,OU=CTIM,DC=lab,DC=example";
  v.change_set.object_guid = object;
  v.change_set.target_object_id = target;
  v.change_set.changes = std::move(changes);
  for (OutcomeState s : outcomes) v.outcomes.push_back({s, "", "2026-01-10T12:00:0" + std::to_string(id) + ".000Z", 1});
  return v;
}

RunRecord WriteRun() {
  RunRecord r;
  r.id = 4;
  r.info.kind = RunKind::kWrite;
  r.info.file_path = "ids.csv";
  return r;
}

TEST(VerifyExpectationsFromRun, CollectsWhatWasWrittenPerObject) {
  const std::vector<IntentView> intents = {
      // attempt 1 hit a conflict and was re-planned: not written
      Intent(1, {{"msExchMailboxGuid", ChangeKind::kSet, {}, {G("00000000-0000-4000-8000-0000000000ff").AdBytes()}}},
             {OutcomeState::kConflict}),
      Intent(2,
             {{"msExchMailboxGuid", ChangeKind::kSet, {}, {kExchange.AdBytes()}},
              {"msExchArchiveGUID", ChangeKind::kSet, {}, {kArchive.AdBytes()}},
              {"proxyAddresses", ChangeKind::kAddValues, {}, {"X500:/o=A/cn=one", "X500:/o=A/cn=two"}},
              {"targetAddress", ChangeKind::kSet, {}, {"SMTP:lara@fabrikam.com"}},
              {"msExchELCMailboxFlags", ChangeKind::kReplace, {"2"}, {"26"}}},
             {OutcomeState::kWritten, OutcomeState::kConfirmed}),
      // a later intent of the same object (an earlier run left a value missing): merged, latest time wins
      Intent(3, {{"proxyAddresses", ChangeKind::kAddValues, {}, {"x500:/O=A/CN=ONE", "X500:/o=A/cn=three"}}},
             {OutcomeState::kWritten}),
      // failed: nothing to expect
      Intent(4, {{"targetAddress", ChangeKind::kSet, {}, {"SMTP:bob@fabrikam.com"}}}, {OutcomeState::kFailed}, kTarget,
             G("aaaaaaaa-0000-4000-8000-000000000002"), 3),
  };
  auto set = ExpectationsFromRun(WriteRun(), intents);
  ASSERT_TRUE(set) << set.error().ToString();
  ASSERT_EQ(set->expectations.size(), 1u);
  const Expectation& e = set->expectations.front();
  EXPECT_EQ(e.row, 2u);
  EXPECT_EQ(e.target_object_id, kTarget);
  EXPECT_EQ(e.object_guid, kObject);
  EXPECT_EQ(e.exchange_guid, kExchange);
  EXPECT_EQ(e.archive_guid, kArchive);
  EXPECT_EQ(e.x500s, (std::vector<std::string>{"X500:/o=A/cn=one", "X500:/o=A/cn=two", "X500:/o=A/cn=three"}));
  EXPECT_EQ(e.external_email, "SMTP:lara@fabrikam.com");
  ASSERT_TRUE(e.written_at);
  EXPECT_EQ(FormatUtcIso8601(*e.written_at), "2026-01-10T12:00:03Z");
  EXPECT_NE(e.label.find("CN=Lara"), std::string::npos);
  EXPECT_TRUE(set->skipped.empty());
}

TEST(VerifyExpectationsFromRun, SkipsObjectsItCannotVerifyAndSaysWhy) {
  const std::vector<IntentView> intents = {
      Intent(1, {{"msExchMailboxGuid", ChangeKind::kSet, {}, {kExchange.AdBytes()}}}, {OutcomeState::kWritten},
             std::nullopt),
      Intent(2, {{"msExchELCMailboxFlags", ChangeKind::kReplace, {"2"}, {"26"}}}, {OutcomeState::kWritten}, kTarget,
             G("aaaaaaaa-0000-4000-8000-000000000002"), 3),
  };
  auto set = ExpectationsFromRun(WriteRun(), intents);
  ASSERT_TRUE(set);
  EXPECT_TRUE(set->expectations.empty());
  ASSERT_EQ(set->skipped.size(), 2u);
  EXPECT_NE(set->skipped[0].find("no Entra object id"), std::string::npos) << set->skipped[0];
  EXPECT_NE(set->skipped[1].find("msExchELCMailboxFlags"), std::string::npos) << set->skipped[1];
}

TEST(VerifyExpectationsFromRun, RefusesARollbackRun) {
  RunRecord r = WriteRun();
  r.info.kind = RunKind::kRollback;
  auto set = ExpectationsFromRun(r, {});
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().code, Errc::kInvalidInput);
}

TEST(VerifyExpectationsFromFile, EveryMappedRowWithAllItsValues) {
  auto set = ExpectationsFromFile(CTIM_TEST_DATA_DIR "/valid_small.csv", ReaderOptions{});
  ASSERT_TRUE(set) << set.error().ToString();
  ASSERT_GE(set->expectations.size(), 2u);
  const Expectation& lara = set->expectations[0];
  EXPECT_EQ(lara.row, 2u);
  EXPECT_EQ(lara.target_object_id, G("7c1e3c2a-51d4-4d8e-8f63-2d8f0b6a1c11"));
  EXPECT_EQ(lara.exchange_guid, kExchange);
  EXPECT_EQ(lara.archive_guid, kArchive);
  ASSERT_EQ(lara.x500s.size(), 2u);
  EXPECT_EQ(lara.x500s[0],
            "X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn="
            "d11ec1a2cacd4f81858c81907273f1f9Lara");
  EXPECT_EQ(lara.external_email, "SMTP:Lara@fabrikam.com");
  EXPECT_FALSE(lara.written_at);
  EXPECT_FALSE(lara.object_guid);
  const Expectation& bob = set->expectations[1];
  EXPECT_FALSE(bob.archive_guid);  // no archive in the file
  bool unmapped = false;
  for (const std::string& s : set->skipped) unmapped = unmapped || s.find("unmapped") != std::string::npos;
  EXPECT_TRUE(unmapped) << "carol's row has no target";
}

TEST(VerifyExpectationsFromFile, RejectedRowsAreCountedAndUnreadableFilesRefused) {
  auto set = ExpectationsFromFile(CTIM_TEST_DATA_DIR "/broken_rows.csv", ReaderOptions{});
  ASSERT_TRUE(set) << set.error().ToString();
  EXPECT_GT(set->rejected_rows, 0u);
  EXPECT_GE(set->skipped.size(), set->rejected_rows);
  auto missing = ExpectationsFromFile("/nonexistent/ids.csv", ReaderOptions{});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::kInvalidInput);
  auto refused = ExpectationsFromFile(CTIM_TEST_DATA_DIR "/broken_missing_column.csv", ReaderOptions{});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kInvalidInput);
}

}  // namespace
}  // namespace ctim::agent
