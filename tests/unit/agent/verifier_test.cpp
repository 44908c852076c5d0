// The poll loop (agent/verify/verifier.h) against a scripted VerifyCloud: a TEST DOUBLE of the narrow cloud
// interface that answers a prepared snapshot per pass (the real one is tested against the emulator in
// tests/integration/verify_*).
#include "agent/verify/verifier.h"

#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "agent_test_util.h"

namespace ctim::agent {
namespace {

using namespace std::chrono_literals;
using testing::G;
using testing::NumberedGuid;

const Guid kExchange = G("1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8");

class ScriptedCloud final : public VerifyCloud {
 public:
  using Script = std::function<Result<CloudSnapshot>(std::size_t pass, std::span<const Guid> ids)>;
  explicit ScriptedCloud(Script script) : script_(std::move(script)) {}

  Result<CloudSnapshot> Observe(std::span<const Guid> ids, std::stop_token) override {
    asked.emplace_back(ids.begin(), ids.end());
    calls_.graph += 2;
    calls_.exo += 1;
    return script_(asked.size(), ids);
  }
  CloudCalls Calls() const override { return calls_; }

  std::vector<std::vector<Guid>> asked;

 private:
  Script script_;
  CloudCalls calls_;
};

class CountingProgress final : public Progress {
 public:
  void Start(std::size_t t, std::string_view) override { total = t; }
  void Advance(std::size_t n) override { done += n; }
  void Finish() override { finished = true; }
  std::size_t total = 0, done = 0;
  bool finished = false;
};

class Recorder final : public VerifyObserver {
 public:
  void OnPass(const VerifyReport&, std::span<const std::size_t> changed) override {
    passes.emplace_back(changed.begin(), changed.end());
  }
  std::vector<std::vector<std::size_t>> passes;
};

Expectation Expect(unsigned n, TimePoint written) {
  Expectation e;
  e.row = n + 1;
  e.label = "row " + std::to_string(n + 1);
  e.target_object_id = NumberedGuid(0x7a, n);
  e.exchange_guid = kExchange;
  e.written_at = written;
  return e;
}

CloudUserState User(bool arrived) {
  CloudUserState u;
  u.sync_enabled = true;
  u.exchange_license = false;
  u.mail_user = MailUserState{};
  if (arrived) u.mail_user->exchange_guid = kExchange;
  return u;
}

VerifyOptions Fast() {
  VerifyOptions o;
  o.interval = 1ms;
  o.deadline = 10min;
  return o;
}

TEST(Verifier, PollsUntilEveryObjectIsDoneAskingOnlyForOpenOnes) {
  const TimePoint write = std::chrono::system_clock::now() - 1h;
  // Pass 1: no sync since the write. Pass 2: user 0 arrived. Pass 3: user 1 too.
  ScriptedCloud cloud([&](std::size_t pass, std::span<const Guid>) -> Result<CloudSnapshot> {
    CloudSnapshot s;
    s.tenant_last_sync = pass == 1 ? write - 1min : write + std::chrono::minutes(pass);
    s.users[NumberedGuid(0x7a, 0)] = User(pass >= 2);
    s.users[NumberedGuid(0x7a, 1)] = User(pass >= 3);
    return s;
  });
  Verifier verifier(cloud, Fast());
  CountingProgress progress;
  Recorder recorder;
  auto report = verifier.Run({Expect(0, write), Expect(1, write)}, {}, progress, &recorder);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->Count().done, 2u);
  EXPECT_EQ(report->passes.size(), 3u);
  ASSERT_EQ(cloud.asked.size(), 3u);
  EXPECT_EQ(cloud.asked[0].size(), 2u);
  EXPECT_EQ(cloud.asked[1].size(), 2u);
  ASSERT_EQ(cloud.asked[2].size(), 1u);  // user 0 was DONE after pass 2
  EXPECT_EQ(cloud.asked[2][0], NumberedGuid(0x7a, 1));
  EXPECT_FALSE(report->deadline_passed);
  EXPECT_EQ(report->calls.graph, 6u);
  EXPECT_EQ(report->calls.exo, 3u);
  EXPECT_EQ(report->passes[0].graph_calls, 2u);
  EXPECT_EQ(progress.total, 2u);
  EXPECT_EQ(progress.done, 2u);
  EXPECT_TRUE(progress.finished);
  ASSERT_EQ(recorder.passes.size(), 3u);
  EXPECT_EQ(recorder.passes[2], std::vector<std::size_t>{1});
  EXPECT_EQ(report->users[0].first_sync_after_write, write + 2min);
}

TEST(Verifier, ADifferentValueBecomesWrongOnlyAfterAFullCycle) {
  const TimePoint write = std::chrono::system_clock::now() - 1h;
  ScriptedCloud cloud([&](std::size_t pass, std::span<const Guid>) -> Result<CloudSnapshot> {
    CloudSnapshot s;
    s.tenant_last_sync = write + std::chrono::minutes(pass);  // a new cycle before every pass
    CloudUserState u = User(false);
    u.mail_user->exchange_guid = G("00000000-1111-4222-8333-444444444444");
    s.users[NumberedGuid(0x7a, 0)] = u;
    return s;
  });
  Verifier verifier(cloud, Fast());
  NullProgress progress;
  auto report = verifier.Run({Expect(0, write)}, {}, progress, nullptr);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->passes.size(), 2u);  // pending after the first sync seen, wrong after the next
  EXPECT_EQ(report->users[0].verdict.status, VerifyStatus::kWrong);
}

TEST(Verifier, KnownSyncTimesFromAnEarlierVerifyCountAsSeen) {
  const TimePoint write = std::chrono::system_clock::now() - 1h;
  ScriptedCloud cloud([&](std::size_t, std::span<const Guid>) -> Result<CloudSnapshot> {
    CloudSnapshot s;
    s.tenant_last_sync = write + 40min;
    CloudUserState u = User(false);
    u.mail_user->exchange_guid = G("00000000-1111-4222-8333-444444444444");
    s.users[NumberedGuid(0x7a, 0)] = u;
    return s;
  });
  VerifyOptions once = Fast();
  once.once = true;
  once.known_sync_times = {write + 5min};
  Verifier verifier(cloud, once);
  NullProgress progress;
  auto report = verifier.Run({Expect(0, write)}, {}, progress, nullptr);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->passes.size(), 1u);
  EXPECT_EQ(report->users[0].verdict.status, VerifyStatus::kWrong) << report->users[0].verdict.reason;
}

TEST(Verifier, AFileWithoutWriteTimeCountsSyncsFromTheStart) {
  ScriptedCloud cloud([&](std::size_t, std::span<const Guid>) -> Result<CloudSnapshot> {
    CloudSnapshot s;
    s.tenant_last_sync = std::chrono::system_clock::now() - 1h;  // long before verify started
    CloudUserState u = User(false);
    u.mail_user->exchange_guid = G("00000000-1111-4222-8333-444444444444");
    s.users[NumberedGuid(0x7a, 0)] = u;
    return s;
  });
  VerifyOptions once = Fast();
  once.once = true;
  Verifier verifier(cloud, once);
  NullProgress progress;
  Expectation e = Expect(0, {});
  e.written_at.reset();
  auto report = verifier.Run({e}, {}, progress, nullptr);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->users[0].verdict.status, VerifyStatus::kPending);
  EXPECT_NE(report->users[0].verdict.reason.find("previous value"), std::string::npos);
}

TEST(Verifier, OnceLooksOnce) {
  ScriptedCloud cloud([&](std::size_t, std::span<const Guid>) -> Result<CloudSnapshot> { return CloudSnapshot{}; });
  VerifyOptions once = Fast();
  once.once = true;
  Verifier verifier(cloud, once);
  NullProgress progress;
  auto report = verifier.Run({Expect(0, std::chrono::system_clock::now())}, {}, progress, nullptr);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->passes.size(), 1u);
  EXPECT_EQ(report->users[0].verdict.status, VerifyStatus::kWrong);  // Graph does not know the id
}

TEST(Verifier, TheDeadlineEndsPollingWithObjectsPending) {
  ScriptedCloud cloud([&](std::size_t, std::span<const Guid>) -> Result<CloudSnapshot> {
    CloudSnapshot s;
    s.users[NumberedGuid(0x7a, 0)] = User(false);
    return s;
  });
  VerifyOptions o;
  o.interval = 5ms;
  o.deadline = 30ms;
  Verifier verifier(cloud, o);
  NullProgress progress;
  auto report = verifier.Run({Expect(0, std::chrono::system_clock::now())}, {}, progress, nullptr);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->deadline_passed);
  EXPECT_EQ(report->Count().pending, 1u);
  EXPECT_GE(report->passes.size(), 1u);
}

TEST(Verifier, MaxPassesBoundsTheLoop) {
  ScriptedCloud cloud([&](std::size_t, std::span<const Guid>) -> Result<CloudSnapshot> {
    CloudSnapshot s;
    s.users[NumberedGuid(0x7a, 0)] = User(false);
    return s;
  });
  VerifyOptions o = Fast();
  o.max_passes = 4;
  Verifier verifier(cloud, o);
  NullProgress progress;
  auto report = verifier.Run({Expect(0, std::chrono::system_clock::now())}, {}, progress, nullptr);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->passes.size(), 4u);
  EXPECT_TRUE(report->deadline_passed);
}

TEST(Verifier, UnavailableIsRetriedAtTheNextPass) {
  ScriptedCloud cloud([&](std::size_t pass, std::span<const Guid>) -> Result<CloudSnapshot> {
    if (pass == 1) return Fail(Errc::kUnavailable, "graph: 503");
    CloudSnapshot s;
    s.users[NumberedGuid(0x7a, 0)] = User(true);
    return s;
  });
  Verifier verifier(cloud, Fast());
  NullProgress progress;
  auto report = verifier.Run({Expect(0, std::chrono::system_clock::now())}, {}, progress, nullptr);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->passes.size(), 2u);
  EXPECT_TRUE(report->passes[0].failed);
  EXPECT_FALSE(report->last_error);
  EXPECT_EQ(report->Count().done, 1u);
}

TEST(Verifier, UnavailableUntilTheDeadlineIsAnError) {
  ScriptedCloud cloud([&](std::size_t, std::span<const Guid>) -> Result<CloudSnapshot> {
    return Fail(Errc::kUnavailable, "graph: connection refused");
  });
  VerifyOptions o;
  o.interval = 5ms;
  o.deadline = 30ms;
  Verifier verifier(cloud, o);
  NullProgress progress;
  auto report = verifier.Run({Expect(0, std::chrono::system_clock::now())}, {}, progress, nullptr);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, Errc::kUnavailable);
}

TEST(Verifier, CredentialErrorsEndTheRunAtOnce) {
  for (Errc code : {Errc::kUnauthenticated, Errc::kPermissionDenied, Errc::kInvalidInput}) {
    ScriptedCloud cloud([&](std::size_t, std::span<const Guid>) -> Result<CloudSnapshot> {
      return Fail(code, "token: AADSTS700027");
    });
    Verifier verifier(cloud, Fast());
    NullProgress progress;
    auto report = verifier.Run({Expect(0, std::chrono::system_clock::now())}, {}, progress, nullptr);
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().code, code);
    EXPECT_EQ(cloud.asked.size(), 1u);
  }
}

TEST(Verifier, AStopEndsTheWaitAndReturnsTheReportSoFar) {
  std::stop_source stop;
  ScriptedCloud cloud([&](std::size_t, std::span<const Guid>) -> Result<CloudSnapshot> {
    CloudSnapshot s;
    s.users[NumberedGuid(0x7a, 0)] = User(false);
    return s;
  });
  VerifyOptions o = Fast();
  o.interval = std::chrono::hours(1);  // only the stop can end this wait
  o.deadline = std::chrono::hours(2);
  Verifier verifier(cloud, o);
  NullProgress progress;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(50ms);
    stop.request_stop();
  });
  auto report = verifier.Run({Expect(0, std::chrono::system_clock::now())}, stop.get_token(), progress, nullptr);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->stopped);
  EXPECT_EQ(report->passes.size(), 1u);
  EXPECT_EQ(report->Count().pending, 1u);
}

TEST(Verifier, NothingToVerifyIsAnEmptyReport) {
  ScriptedCloud cloud([&](std::size_t, std::span<const Guid>) -> Result<CloudSnapshot> { return CloudSnapshot{}; });
  Verifier verifier(cloud, Fast());
  NullProgress progress;
  auto report = verifier.Run({}, {}, progress, nullptr);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->users.empty());
  EXPECT_TRUE(cloud.asked.empty());
}

}  // namespace
}  // namespace ctim::agent
