// `ctim-agent verify` end to end: values written into the lab AD (ldapmodify, as the write command will),
// an emulated Entra Connect cycle, and the agent asking the emulated Graph and Exchange Online over HTTPS.
#include <gtest/gtest.h>

#include "agent/adapters/cloud_verify_source.h"
#include "agent/adapters/graph_cloud.h"
#include "sync/cloud_client.h"
#include "verify_fixture.h"

namespace ctim::testing {
namespace {

using namespace std::chrono_literals;

std::size_t Count(const Json& report, const std::string& status) {
  return report["summary"].value(status, std::size_t{0});
}

TEST_F(VerifyLabTest, AFileIsPendingBeforeTheWriteAndDoneAfterTheWriteAndASync) {
  const Ran before = Verify({"--file", file_, "--once", "--format", "json"});
  EXPECT_EQ(before.exit_code, 1) << before.err;
  const Json pending = Report(before);
  EXPECT_EQ(Count(pending, "pending"), static_cast<std::size_t>(kUsers)) << before.out;
  for (const Json& u : pending["users"]) {
    EXPECT_EQ(u["status"], "pending") << u.dump();
    EXPECT_NE(u["values"].dump().find("\"missing\""), std::string::npos) << u.dump();
  }

  WriteAll();
  emu_->Sync();
  const Ran after = Verify({"--file", file_, "--once", "--format", "json"});
  EXPECT_EQ(after.exit_code, 0) << after.out << after.err;
  const Json done = Report(after);
  EXPECT_EQ(Count(done, "done"), static_cast<std::size_t>(kUsers)) << after.out;
  EXPECT_TRUE(done["run"].is_null());
}

TEST_F(VerifyLabTest, ARunIsPendingUntilSyncedAndItsVerdictsAreJournaled) {
  const agent::RunId run = WriteAllAsRun();
  const Ran before = Verify({std::to_string(run), "--once", "--format", "json"});
  EXPECT_EQ(before.exit_code, 1) << before.err;
  const Json pending = Report(before);
  EXPECT_EQ(pending["run"], run);
  EXPECT_EQ(Count(pending, "pending"), static_cast<std::size_t>(kUsers));
  for (const Json& u : pending["users"]) {
    EXPECT_NE(u["reason"].get<std::string>().find("no directory sync has finished since the write"), std::string::npos)
        << u.dump();
  }
  {
    auto journal = agent::Journal::Open(journal_);
    ASSERT_TRUE(journal);
    auto records = journal->RunVerifications(run);
    ASSERT_TRUE(records);
    ASSERT_EQ(records->size(), static_cast<std::size_t>(kUsers));
    for (const auto& r : *records) EXPECT_EQ(r.status, agent::VerifyStatus::kPending);
  }

  emu_->Sync();
  const Ran after = Verify({"--once", "--format", "json"});  // no RUN: the unfinished run, the only one
  EXPECT_EQ(after.exit_code, 0) << after.out << after.err;
  const Json done = Report(after);
  EXPECT_EQ(done["run"], run);
  EXPECT_EQ(Count(done, "done"), static_cast<std::size_t>(kUsers));
  auto journal = agent::Journal::Open(journal_);
  ASSERT_TRUE(journal);
  auto records = journal->RunVerifications(run);
  ASSERT_TRUE(records);
  for (const auto& r : *records) {
    EXPECT_EQ(r.status, agent::VerifyStatus::kDone) << r.detail;
    EXPECT_FALSE(r.first_sync_after_write.empty());
    EXPECT_EQ(r.target_object_id, targets_[r.row - 2].row.target_object_id);
  }
}

TEST_F(VerifyLabTest, ALaggingUserIsPendingForSomeCyclesThenDone) {
  const std::string lagging = targets_[1].row.target_object_id.ToString();
  emu_->Control("POST", "/faults/lag", {{"user", lagging}, {"cycles", 2}});
  const agent::RunId run = WriteAllAsRun();
  emu_->Control("POST", "/scheduler/resume");  // a cycle every 2 s while verify polls every second
  const Ran ran = Verify({std::to_string(run), "--interval", "1", "--deadline", "120", "--format", "json",
                          "--log-format", "json"});
  emu_->Control("POST", "/scheduler/pause");
  EXPECT_EQ(ran.exit_code, 0) << ran.out << ran.err;
  const Json report = Report(ran);
  EXPECT_EQ(Count(report, "done"), static_cast<std::size_t>(kUsers));
  EXPECT_GE(report["passes"].get<int>(), 2);
  // The log tells the lagging user's story: pending first, done last.
  const auto pending = ran.err.find(lagging + "): pending");
  const auto done = ran.err.find(lagging + "): done");
  ASSERT_NE(pending, std::string::npos) << ran.err;
  ASSERT_NE(done, std::string::npos) << ran.err;
  EXPECT_LT(pending, done);
}

TEST_F(VerifyLabTest, ATargetLicensedTooEarlyIsWrongWithTheFix) {
  emu_->Control("POST", "/faults/licensed-early", {{"user", targets_[2].row.target_object_id.ToString()}});
  emu_->Control("POST", "/faults/licensed-early",
                {{"user", targets_[3].row.target_object_id.ToString()}, {"mailuser_view", true}});
  WriteAll();
  emu_->Sync();
  const Ran ran = Verify({"--file", file_, "--once", "--format", "json"});
  EXPECT_EQ(ran.exit_code, 1) << ran.err;
  const Json report = Report(ran);
  EXPECT_EQ(Count(report, "wrong"), 2u) << ran.out;
  EXPECT_EQ(Count(report, "done"), static_cast<std::size_t>(kUsers - 2)) << ran.out;
  const Json& hidden = UserOf(report, 2);  // Get-MailUser no longer returns it
  EXPECT_EQ(hidden["status"], "wrong");
  EXPECT_NE(hidden["reason"].get<std::string>().find("Get-MailUser does not return it"), std::string::npos)
      << hidden.dump();
  EXPECT_NE(hidden["hint"].get<std::string>().find("Set-User <id> -PermanentlyClearPreviousMailboxInfo"),
            std::string::npos);
  const Json& mailbox = UserOf(report, 3);  // shown as a UserMailbox with another ExchangeGuid
  EXPECT_EQ(mailbox["status"], "wrong");
  EXPECT_NE(mailbox["reason"].get<std::string>().find("UserMailbox"), std::string::npos) << mailbox.dump();
  EXPECT_NE(mailbox["hint"].get<std::string>().find("PermanentlyClearPreviousMailboxInfo"), std::string::npos);
}

TEST_F(VerifyLabTest, ADuplicateProxyIsWrongAndNamesTheObjectHoldingIt) {
  const Target& victim = targets_[4];
  const std::string duplicate = victim.row.x500s.back();
  const std::string holder_dn = "CN=V " + users_->Tag() + " holder," + users_->ou();
  const std::string holder_upn = "vh" + users_->Tag() + "@lab.example";
  ASSERT_TRUE(users_->Modify("dn: " + holder_dn + "\nchangetype: add\nobjectClass: user\nsAMAccountName: vh" +
                             users_->Tag() + "\nuserPrincipalName: " + holder_upn + "\nuserAccountControl: 514\n" +
                             "proxyAddresses: SMTP:vh" + users_->Tag() + "@target.example\nproxyAddresses:: " +
                             Base64(duplicate) + "\n\n"));
  emu_->Sync();  // the holder is exported first: the value is taken
  WriteAll();
  const Json cycle = emu_->Sync();
  EXPECT_GE(cycle.value("conflicts", 0), 1) << cycle.dump();

  const Ran ran = Verify({"--file", file_, "--once", "--format", "json"});
  EXPECT_EQ(ran.exit_code, 1) << ran.err;
  const Json report = Report(ran);
  const Json& u = UserOf(report, 4);
  EXPECT_EQ(u["status"], "wrong") << u.dump();
  const std::string reason = u["reason"];
  EXPECT_NE(reason.find("PropertyConflict on ProxyAddress"), std::string::npos) << reason;
  EXPECT_NE(reason.find(duplicate), std::string::npos) << reason;
  EXPECT_NE(reason.find(holder_upn), std::string::npos) << reason;
  EXPECT_NE(u["hint"].get<std::string>().find("remove it from " + holder_upn), std::string::npos) << u.dump();
  EXPECT_EQ(Count(report, "done"), static_cast<std::size_t>(kUsers - 1)) << ran.out;

  // The table says the same to a person.
  const Ran table = Verify({"--file", file_, "--once"});
  EXPECT_NE(table.out.find("WRONG"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("-> a proxy address may be held by one object only"), std::string::npos) << table.out;
}

TEST_F(VerifyLabTest, AnotherValueIsPendingAfterOneSyncAndWrongAfterAFullCycleAcrossRuns) {
  const Guid stale = *Guid::Parse("0badc0de-0000-4000-8000-000000000001");
  const agent::RunId run = WriteAllAsRun({{0, stale}});  // AD got another ExchangeGuid than the journal says
  emu_->Sync();
  const Ran first = Verify({std::to_string(run), "--once", "--format", "json"});
  EXPECT_EQ(first.exit_code, 1) << first.err;
  const Json r1 = Report(first);
  EXPECT_EQ(UserOf(r1, 0)["status"], "pending") << UserOf(r1, 0).dump();
  EXPECT_NE(UserOf(r1, 0)["reason"].get<std::string>().find("may have read AD before the write"), std::string::npos);
  EXPECT_EQ(Count(r1, "done"), static_cast<std::size_t>(kUsers - 1));

  NextSecond();
  emu_->Sync();  // a cycle that started after the write; this verify knows the first one from the journal
  const Ran second = Verify({std::to_string(run), "--once", "--format", "json"});
  EXPECT_EQ(second.exit_code, 1) << second.err;
  const Json r2 = Report(second);
  const Json& u = UserOf(r2, 0);
  EXPECT_EQ(u["status"], "wrong") << u.dump();
  EXPECT_NE(u["reason"].get<std::string>().find("ExchangeGuid is " + stale.ToString()), std::string::npos) << u.dump();
}

// A write killed part way leaves its run "running" (the next write marks it interrupted); a second write run
// writes the rest. `verify` without RUN checks both runs' users, records each verdict under its own run, and
// once all are DONE falls back to the latest run alone. Before, only the latest run was verified.
TEST_F(VerifyLabTest, WithoutARunEveryUnfinishedRunIsVerifiedAnInterruptedOneToo) {
  const agent::RunId killed = WriteAsRun({0, 1, 2}, agent::RunState::kRunning);
  const agent::RunId second = WriteAsRun({3, 4, 5}, agent::RunState::kFinished);
  emu_->Sync();
  const Ran ran = Verify({"--once", "--format", "json"});
  EXPECT_EQ(ran.exit_code, 0) << ran.out << ran.err;
  const Json report = Report(ran);
  EXPECT_EQ(report["runs"], Json::array({killed, second})) << ran.out;
  EXPECT_EQ(Count(report, "done"), static_cast<std::size_t>(kUsers)) << ran.out;
  for (std::size_t i = 0; i < targets_.size(); ++i) EXPECT_EQ(UserOf(report, i)["run"], i < 3 ? killed : second);
  auto journal = agent::Journal::Open(journal_);
  ASSERT_TRUE(journal);
  for (const agent::RunId run : {killed, second}) {
    auto records = journal->RunVerifications(run);
    ASSERT_TRUE(records);
    EXPECT_EQ(records->size(), 3u) << "run " << run;
    for (const auto& r : *records) EXPECT_EQ(r.status, agent::VerifyStatus::kDone) << r.detail;
  }

  const Ran again = Verify({"--once", "--format", "json"});  // nothing unfinished: the latest run
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(Report(again)["runs"], Json::array({second})) << again.out;
  const Ran named = Verify({std::to_string(killed), "--once", "--format", "json"});  // a RUN still works
  EXPECT_EQ(Report(named)["run"], killed) << named.out;
  EXPECT_EQ(Count(Report(named), "done"), 3u) << named.out;
}

TEST_F(VerifyLabTest, ThrottlingUnavailabilityAndSlownessAreRiddenOut) {
  WriteAll();
  emu_->Sync();
  emu_->Control("POST", "/faults/throttle", {{"service", "graph"}, {"count", 3}, {"retry_after", 1}});
  emu_->Control("POST", "/faults/throttle", {{"service", "graph"}, {"count", 2}, {"retry_after", 1}, {"level", "item"}});
  emu_->Control("POST", "/faults/throttle", {{"service", "exo"}, {"count", 2}, {"retry_after", 1}});
  emu_->Control("POST", "/faults/unavailable", {{"service", "exo"}, {"count", 1}});
  emu_->Control("POST", "/faults/delay", {{"service", "exo"}, {"ms", 300}});
  const Ran ran = Verify({"--file", file_, "--once", "--format", "json"});
  EXPECT_EQ(ran.exit_code, 0) << ran.out << ran.err;
  const Json report = Report(ran);
  EXPECT_EQ(Count(report, "done"), static_cast<std::size_t>(kUsers));
  EXPECT_GE(report["calls"]["throttled"].get<int>(), 7);
  EXPECT_GE(report["calls"]["retries"].get<int>(), 8);
}

TEST_F(VerifyLabTest, TheResolverFindsTheLabUsersInOneGraphCall) {
  auto client = sync::CloudClient::Create([&] {
    sync::CloudConfig c;
    c.tenant_id = emu_->endpoints()["tenant_id"];
    c.client_id = emu_->endpoints()["client_id"];
    c.certificate_file = emu_->File("app-cert.pem");
    c.private_key_file = emu_->File("app-key.pem");
    c.login_url = emu_->Url("login");
    c.graph_url = emu_->Url("graph");
    c.exo_url = emu_->Url("exo");
    c.ca_file = emu_->File("ca.pem");
    return c;
  }());
  ASSERT_TRUE(client) << client.error().ToString();
  emu_->Control("POST", "/faults/licensed-early", {{"user", targets_[0].row.target_object_id.ToString()}, {"mailuser_view", true}});
  agent::GraphCloudResolver resolver(**client, {});
  std::vector<Guid> ids;
  for (const Target& t : targets_) ids.push_back(t.row.target_object_id);
  const Guid unknown = *Guid::Parse("00000000-dead-4000-8000-000000000000");
  ids.push_back(unknown);
  auto resolved = resolver.Resolve(ids);
  ASSERT_TRUE(resolved) << resolved.error().ToString();
  EXPECT_EQ(resolved->size(), static_cast<std::size_t>(kUsers));
  EXPECT_FALSE(resolved->contains(unknown));
  std::map<std::string, Json> records;
  const Json all_users = emu_->Control("GET", "/users");
    for (const Json& r : all_users["users"]) records[r["id"].get<std::string>()] = r;
  for (const Target& t : targets_) {
    const agent::CloudIdentity& id = resolved->at(t.row.target_object_id);
    const Json& r = records[t.row.target_object_id.ToString()];
    EXPECT_TRUE(id.on_premises_sync_enabled);
    EXPECT_EQ(id.immutable_id, r["immutable_id"].get<std::string>());
    EXPECT_EQ(id.security_identifier, r["sid"].get<std::string>());
    EXPECT_EQ(id.distinguished_name, t.dn);
  }
  const agent::CloudIdentity& early = resolved->at(targets_[0].row.target_object_id);
  EXPECT_EQ(early.exchange_license_assigned, std::optional<bool>(true));
  EXPECT_EQ(early.recipient_type_details, std::optional<std::string>("UserMailbox"));
  EXPECT_EQ(resolved->at(targets_[1].row.target_object_id).recipient_type_details,
            std::optional<std::string>("MailUser"));
  for (const Target& t : targets_) {
    EXPECT_EQ(resolved->at(t.row.target_object_id).cloud_managed, std::optional<bool>(false));
  }
  EXPECT_TRUE(resolver.Notes().empty());
  // One getByIds for the users, one beta $batch for their source of authority.
  EXPECT_EQ((*client)->counts().graph_calls, 2u);
}

std::unique_ptr<sync::CloudClient> ClientFor(Emulator& emu) {
  sync::CloudConfig c;
  c.tenant_id = emu.endpoints()["tenant_id"];
  c.client_id = emu.endpoints()["client_id"];
  c.certificate_file = emu.File("app-cert.pem");
  c.private_key_file = emu.File("app-key.pem");
  c.login_url = emu.Url("login");
  c.graph_url = emu.Url("graph");
  c.exo_url = emu.Url("exo");
  c.ca_file = emu.File("ca.pem");
  auto client = sync::CloudClient::Create(c);
  EXPECT_TRUE(client) << client.error().ToString();
  return client ? std::move(*client) : nullptr;
}

TEST_F(VerifyLabTest, TheResolverMarksACloudManagedUserAndNotesOnceWhenTheFlagCannotBeRead) {
  auto client = ClientFor(*emu_);
  ASSERT_TRUE(client);
  const Guid managed = targets_[1].row.target_object_id;
  emu_->Control("POST", "/faults/cloud-managed", {{"user", managed.ToString()}, {"object", true}});
  std::vector<Guid> ids;
  for (const Target& t : targets_) ids.push_back(t.row.target_object_id);
  agent::GraphCloudResolver resolver(*client, {}, {.exo_evidence = false});
  auto resolved = resolver.Resolve(ids);
  ASSERT_TRUE(resolved) << resolved.error().ToString();
  for (const Target& t : targets_) {
    EXPECT_EQ(resolved->at(t.row.target_object_id).cloud_managed,
              std::optional<bool>(t.row.target_object_id == managed));
  }
  emu_->Control("POST", "/faults/sync-behavior", {{"mode", "forbidden"}});
  resolved = resolver.Resolve(ids);
  ASSERT_TRUE(resolved) << "a failed read of the flag never fails the resolve: "
                        << resolved.error().ToString();
  EXPECT_EQ(resolved->size(), static_cast<std::size_t>(kUsers));
  EXPECT_FALSE(resolved->at(managed).cloud_managed.has_value());
  ASSERT_EQ(resolver.Notes().size(), 1u);
  EXPECT_NE(resolver.Notes()[0].find("403"), std::string::npos) << resolver.Notes()[0];
}

TEST_F(VerifyLabTest, OnlyTheBackgroundVerifySourceAsksGraphForLowPriority) {
  auto client = ClientFor(*emu_);
  ASSERT_TRUE(client);
  std::vector<Guid> ids;
  for (const Target& t : targets_) ids.push_back(t.row.target_object_id);
  for (const bool background : {false, true}) {
    emu_->Control("POST", "/graph/budget", Json::object());  // empties the record
    agent::CloudVerifySource source(*client, {.background = background});
    auto snapshot = source.Observe(ids, {});
    ASSERT_TRUE(snapshot) << snapshot.error().ToString();
    const Json record = emu_->Control("GET", "/graph/budget");
    ASSERT_GE(record["requests"].size(), 3u)
        << record.dump();  // organization, getByIds, $batch and its items
    for (const Json& r : record["requests"]) {
      EXPECT_EQ(r["priority"], background ? "low" : "") << r.dump();
    }
  }
}

}  // namespace
}  // namespace ctim::testing
