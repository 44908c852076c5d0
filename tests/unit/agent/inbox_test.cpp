#include <gtest/gtest.h>

#include "agent/inbox/arrival.h"
#include "agent/inbox/inbox_store.h"
#include "agent/inbox/layout.h"
#include "agent/inbox/policy.h"
#include "temp_journal.h"

namespace ctim::agent::inbox {
namespace {

using namespace std::chrono_literals;
using Clock = ArrivalTracker::Clock;

TEST(Arrival, TemporaryNamesAndMarkersAreNeverInputs) {
  for (const char* name : {".hidden.csv", "a.csv.tmp", "a.csv.PART", "a.csv.approve", ""}) {
    EXPECT_FALSE(IsInputName(name)) << name;
  }
  EXPECT_TRUE(IsInputName("identities.csv"));
  EXPECT_EQ(ApprovedName("identities.csv.approve"), "identities.csv");
  EXPECT_EQ(ApprovedName("identities.csv"), "");
  EXPECT_EQ(ApprovedName(".approve"), "");
}

TEST(Arrival, AFileCopiedInPlaceCountsOnlyAfterItStopsChangingForTheSettleTime) {
  ArrivalTracker tracker(10s);
  const Clock::time_point t0{};
  std::vector<DirEntry> listing = {{"a.csv", 100, 1}};
  EXPECT_TRUE(tracker.Update(listing, t0).empty());
  listing[0].size = 200;  // still growing: the settle time starts again
  EXPECT_TRUE(tracker.Update(listing, t0 + 9s).empty());
  EXPECT_TRUE(tracker.Update(listing, t0 + 18s).empty());
  listing[0].mtime_ns = 2;  // touched, same size: again
  EXPECT_TRUE(tracker.Update(listing, t0 + 19s).empty());
  EXPECT_EQ(tracker.waiting(), 1u);
  EXPECT_EQ(tracker.Update(listing, t0 + 29s), std::vector<std::string>{"a.csv"});
  EXPECT_EQ(tracker.waiting(), 0u);
}

TEST(Arrival, ARenamedInFileCountsAtOnceAndTemporaryFilesNever) {
  ArrivalTracker tracker(10s);
  const Clock::time_point t0{};
  tracker.MarkRenamedIn("b.csv");
  tracker.MarkRenamedIn("c.csv.part");
  std::vector<DirEntry> listing = {{"b.csv", 5, 1}, {"c.csv.part", 5, 1}, {".d.csv", 1, 1}};
  EXPECT_EQ(tracker.Update(listing, t0), std::vector<std::string>{"b.csv"});
  // b.csv still there (the caller did not move it): tracked afresh, like any file copied in place; the
  // temporary and hidden names are never tracked.
  EXPECT_TRUE(tracker.Update(listing, t0 + 1h).empty());
  EXPECT_EQ(tracker.waiting(), 1u);
  EXPECT_EQ(tracker.Update(listing, t0 + 1h + 10s), std::vector<std::string>{"b.csv"});
}

TEST(Layout, FoldersAreTheInboxSiblings) {
  const Layout l = Layout::ForInbox("/var/lib/ctim-agent/inbox");
  EXPECT_EQ(l.processed, "/var/lib/ctim-agent/processed");
  EXPECT_EQ(l.failed, "/var/lib/ctim-agent/failed");
  EXPECT_EQ(l.outbox, "/var/lib/ctim-agent/outbox");
  EXPECT_EQ(l.lock, "/var/lib/ctim-agent/serve.lock");
  EXPECT_EQ(l.Outbox(Layout::StoredName(7, "x.csv"), ".plan.csv"),
            "/var/lib/ctim-agent/outbox/7-x.csv.plan.csv");
}

TEST(InboxStore, StatesPersistAndTheSameContentIsADuplicate) {
  testing::TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.File("journal.db");
  {
    auto store = InboxStore::Open(path);
    ASSERT_TRUE(store) << store.error().ToString();
    auto first = store->Receive("a.csv", "abc", 1700000000);
    ASSERT_TRUE(first) << first.error().ToString();
    EXPECT_EQ(first->state, FileState::kReceived);
    EXPECT_EQ(first->stored_name, std::to_string(first->id) + "-a.csv");
    first->state = FileState::kAwaitingApproval;
    first->waits_for = "approval";
    ASSERT_TRUE(store->Update(*first));
    auto again = store->Receive("a-copy.csv", "abc", 1700000001);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->state, FileState::kDone);
    EXPECT_EQ(again->duplicate_of, first->id);
    EXPECT_NE(again->error.find("not written again"), std::string::npos);
    EXPECT_FALSE(store->Approve(again->id));  // not awaiting approval
    EXPECT_FALSE(store->Approve(99));
  }
  auto reopened = InboxStore::Open(path);  // a restart finds every file where it was
  ASSERT_TRUE(reopened);
  auto approved = reopened->Approve(1);
  ASSERT_TRUE(approved) << approved.error().ToString();
  auto list = reopened->List();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].state, FileState::kAwaitingApproval);
  EXPECT_TRUE((*list)[0].approved);
  EXPECT_EQ((*list)[0].waits_for, "approval");
  EXPECT_EQ(ParseFileState("awaiting_approval"), FileState::kAwaitingApproval);
  EXPECT_FALSE(ParseFileState("bogus"));
}

RowPlan Row(RowStatus status, std::optional<Rule> refusal = std::nullopt) {
  RowPlan r;
  r.change_set.dn = "CN=x";
  if (status == RowStatus::kChange) r.change_set.changes.push_back({});
  if (refusal) r.findings.push_back(Refuse(*refusal, "refused", ""));
  return r;
}

TEST(Policy, AutoWritesWithinTheGuardrailsAndSaysWhyItHolds) {
  Policy policy;
  policy.auto_write = true;
  policy.max_changes = 2;
  policy.max_refused_percent = 20;
  policy.max_file_age = 3600s;
  const auto now = std::chrono::system_clock::now();
  Plan plan;
  for (int i = 0; i < 5; ++i) plan.rows.push_back(Row(RowStatus::kChange));
  EXPECT_EQ(HoldReasons(policy, plan, now, now).size(), 1u);  // 5 changes > 2
  policy.max_changes = 5;
  EXPECT_TRUE(HoldReasons(policy, plan, now, now).empty());
  plan.rows.push_back(Row(RowStatus::kRefused, Rule::kR4MailboxGuid));  // 1 of 6 = 16.7 % refused: within
  auto reasons = HoldReasons(policy, plan, now - 2h, now);
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_NE(reasons[0].find("--overwrite-guid"), std::string::npos);
  EXPECT_NE(reasons[1].find("max_file_age"), std::string::npos);
  plan.rows.push_back(Row(RowStatus::kRefused, Rule::kR3NotMailUser));  // 2 of 7 = 28.6 %
  reasons = HoldReasons(policy, plan, now, now);
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_NE(reasons[0].find("2 of 7 rows refused"), std::string::npos);
  policy.auto_write = false;
  EXPECT_NE(HoldReasons(policy, Plan{}, now, now).at(0).find("approve"), std::string::npos);
}

}  // namespace
}  // namespace ctim::agent::inbox
