// sync/ against the real HTTPS cloud emulator (no AD needed: --no-ad): certificate tokens in both assertion
// modes, the client-secret path, an expired certificate, a CA that does not match, and every transport
// fault switch (429 bursts at HTTP and $batch-item level, 503, slow answers, expired tokens).
#include <gtest/gtest.h>

#include "sync/cloud_client.h"
#include "sync/http_date.h"
#include "verify_lab.h"

namespace ctim::testing {
namespace {

using namespace std::chrono_literals;

class SyncCloudTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lab_ = ReadLabEnv();
    ASSERT_TRUE(lab_);
    Emulator::Options options;
    options.ad = false;
    emu_ = std::make_unique<Emulator>(nullptr, options);
    ASSERT_TRUE(emu_->ok());
  }

  sync::CloudConfig Config(sync::AssertionMode mode = sync::AssertionMode::kPs256) const {
    sync::CloudConfig c;
    c.tenant_id = emu_->endpoints()["tenant_id"];
    c.client_id = emu_->endpoints()["client_id"];
    c.certificate_file = emu_->File("app-cert.pem");
    c.private_key_file = emu_->File("app-key.pem");
    c.assertion = mode;
    c.login_url = emu_->Url("login");
    c.graph_url = emu_->Url("graph");
    c.exo_url = emu_->Url("exo");
    c.ca_file = emu_->File("ca.pem");
    c.limits.retry.base_delay = 20ms;  // keep backoff waits short; Retry-After still rules
    c.limits.retry.max_delay = 500ms;
    return c;
  }

  // The older user lookup ($batch of `id in (...)` filters), whose items the item-level faults hit.
  sync::CloudConfig BatchConfig() const {
    sync::CloudConfig c = Config();
    c.limits.user_lookup = sync::UserLookupPath::kBatchFilters;
    return c;
  }

  // The emulator's record of metered Graph requests (GET /graph/budget).
  Json Budget() { return emu_->Control("GET", "/graph/budget"); }

  std::unique_ptr<sync::CloudClient> Client(const sync::CloudConfig& config) {
    auto client = sync::CloudClient::Create(config);
    EXPECT_TRUE(client) << client.error().ToString();
    return client ? std::move(*client) : nullptr;
  }

  // The emulator's count of answers with `status` from `service`.
  int Answers(const std::string& service, int status) {
    const Json counters = emu_->Control("GET", "/counters");
    return counters[service]["by_status"].value(std::to_string(status), 0);
  }

  std::optional<LabEnv> lab_;
  std::unique_ptr<Emulator> emu_;
};

TEST_F(SyncCloudTest, CertificateTokensInBothAssertionModesReachGraphAndExo) {
  for (sync::AssertionMode mode : {sync::AssertionMode::kPs256, sync::AssertionMode::kRs256}) {
    auto client = Client(Config(mode));
    ASSERT_TRUE(client);
    EXPECT_TRUE(client->warnings().empty());
    auto org = client->graph().GetOrganization({});
    ASSERT_TRUE(org) << sync::AssertionModeName(mode) << ": " << org.error().ToString();
    EXPECT_EQ(org->tenant_id, emu_->endpoints()["tenant_id"]);
    auto mail_users = client->exo().ListDirSyncedMailUsers({});
    ASSERT_TRUE(mail_users) << mail_users.error().ToString();
    EXPECT_TRUE(mail_users->empty());
    EXPECT_EQ(client->counts().token_calls, 2u) << "one token per resource, then cached";
    ASSERT_TRUE(client->graph().GetOrganization({}));
    EXPECT_EQ(client->counts().token_calls, 2u);
  }
  EXPECT_EQ(Answers("login", 200), 4);
}

TEST_F(SyncCloudTest, AClientSecretWorksAndIsWarnedAbout) {
  sync::CloudConfig config = Config();
  config.certificate_file.clear();
  config.private_key_file.clear();
  config.client_secret = Secret(emu_->app()["client_secret"].get<std::string>());
  auto client = Client(config);
  ASSERT_TRUE(client);
  ASSERT_EQ(client->warnings().size(), 1u);
  EXPECT_NE(client->warnings()[0].find("client secret"), std::string::npos);
  auto org = client->graph().GetOrganization({});
  EXPECT_TRUE(org) << org.error().ToString();
}

TEST_F(SyncCloudTest, AnExpiredCertificateIsAClearAuthenticationError) {
  sync::CloudConfig config = Config();
  config.certificate_file = emu_->File("app-cert-expired.pem");
  auto client = Client(config);
  ASSERT_TRUE(client);
  ASSERT_FALSE(client->warnings().empty());
  EXPECT_NE(client->warnings()[0].find("expired"), std::string::npos) << client->warnings()[0];
  auto org = client->graph().GetOrganization({});
  ASSERT_FALSE(org);
  EXPECT_EQ(org.error().code, Errc::kUnauthenticated);
  EXPECT_NE(org.error().message.find("AADSTS700027"), std::string::npos) << org.error().message;
  EXPECT_NE(org.error().ToString().find("certificate"), std::string::npos) << org.error().ToString();
  EXPECT_EQ(client->counts().graph_calls, 0u) << "no Graph call without a token";
}

TEST_F(SyncCloudTest, TheExpiredCertificateSwitchIsRefusedTheSameWay) {
  emu_->Control("POST", "/faults/expired-cert", {{"enabled", true}});
  auto client = Client(Config());
  ASSERT_TRUE(client);
  auto org = client->graph().GetOrganization({});
  ASSERT_FALSE(org);
  EXPECT_EQ(org.error().code, Errc::kUnauthenticated);
  EXPECT_NE(org.error().message.find("AADSTS700027"), std::string::npos) << org.error().message;
}

TEST_F(SyncCloudTest, AServerCertificateFromAnotherCaIsRefusedBeforeAnythingIsSent) {
  for (const std::string& ca : {lab_->ca, std::string()}) {  // the lab's CA, then the system trust store
    sync::CloudConfig config = Config();
    config.ca_file = ca;
    auto client = Client(config);
    ASSERT_TRUE(client);
    auto org = client->graph().GetOrganization({});
    ASSERT_FALSE(org) << "trusting " << (ca.empty() ? "the system store" : ca);
    EXPECT_EQ(org.error().code, Errc::kInvalidInput) << org.error().ToString();
    EXPECT_NE(org.error().ToString().find("certificate"), std::string::npos) << org.error().ToString();
  }
  EXPECT_EQ(emu_->Control("GET", "/counters")["login"].value("http_calls", -1), 0)
      << "the assertion never reached a server the agent does not trust";
}

TEST_F(SyncCloudTest, Throttling429BurstsAreWaitedOutOnEveryService) {
  emu_->Control("POST", "/faults/throttle", {{"service", "login"}, {"count", 2}, {"retry_after", 1}});
  emu_->Control("POST", "/faults/throttle", {{"service", "graph"}, {"count", 3}, {"retry_after", 1}});
  auto client = Client(Config());
  ASSERT_TRUE(client);
  auto org = client->graph().GetOrganization({});
  ASSERT_TRUE(org) << org.error().ToString();
  emu_->Control("POST", "/faults/throttle", {{"service", "exo"}, {"count", 2}, {"retry_after", 1}});
  auto users = client->exo().ListDirSyncedMailUsers({});
  ASSERT_TRUE(users) << users.error().ToString();
  EXPECT_EQ(Answers("login", 429), 2);
  EXPECT_EQ(Answers("graph", 429), 3);
  EXPECT_EQ(Answers("exo", 429), 2);
  EXPECT_GE(client->counts().throttled, 7u);
  EXPECT_GE(client->counts().retries, 7u);
}

TEST_F(SyncCloudTest, ThrottledBatchItemsAreResentAlone) {
  emu_->Control("POST", "/faults/throttle",
                {{"service", "graph"}, {"count", 5}, {"retry_after", 1}, {"level", "item"}});
  auto client = Client(BatchConfig());
  ASSERT_TRUE(client);
  std::vector<std::string> ids;
  for (int i = 0; i < 600; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
    ids.emplace_back(id);
  }
  auto lookup = client->graph().GetUsersByIds(ids, {});
  ASSERT_TRUE(lookup) << lookup.error().ToString();
  EXPECT_EQ(lookup->not_found.size(), 600u);  // no AD: the tenant is empty
  EXPECT_GE(client->counts().throttled, 5u);
  EXPECT_LE(client->counts().graph_calls, 4u) << "2 batches of 20 filters, plus one for the re-sent items";
}

TEST_F(SyncCloudTest, Unavailable503IsRetried) {
  emu_->Control("POST", "/faults/unavailable", {{"service", "all"}, {"count", 3}});
  auto client = Client(Config());
  ASSERT_TRUE(client);
  auto org = client->graph().GetOrganization({});
  ASSERT_TRUE(org) << org.error().ToString();
  auto users = client->exo().ListDirSyncedMailUsers({});
  ASSERT_TRUE(users) << users.error().ToString();
  // "all": the next 3 calls of EACH service answer 503.
  EXPECT_EQ(Answers("login", 503), 3);
  EXPECT_EQ(Answers("graph", 503), 3);
  EXPECT_EQ(Answers("exo", 503), 3);
  EXPECT_GE(client->counts().retries, 9u);
}

TEST_F(SyncCloudTest, SlowAnswersArriveAndTooSlowOnesTimeOutAsUnavailable) {
  emu_->Control("POST", "/faults/delay", {{"service", "graph"}, {"ms", 300}});
  sync::CloudConfig config = Config();
  auto client = Client(config);
  ASSERT_TRUE(client);
  auto org = client->graph().GetOrganization({});
  ASSERT_TRUE(org) << org.error().ToString();

  emu_->Control("POST", "/faults/delay", {{"service", "graph"}, {"ms", 2500}});
  config.limits.request_timeout = 1s;
  config.limits.call_deadline = 3s;
  auto impatient = Client(config);
  ASSERT_TRUE(impatient);
  auto late = impatient->graph().GetOrganization({});
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, Errc::kUnavailable) << late.error().ToString();
  emu_->Control("POST", "/faults/delay", {{"service", "graph"}, {"ms", 0}});
}

TEST_F(SyncCloudTest, ExpiredAccessTokensAreReplaced) {
  auto client = Client(Config());
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->graph().GetOrganization({}));
  emu_->Control("POST", "/faults/expire-tokens");
  auto org = client->graph().GetOrganization({});
  ASSERT_TRUE(org) << org.error().ToString();
  EXPECT_EQ(client->counts().token_calls, 2u);
  EXPECT_EQ(Answers("graph", 401), 1);
}

// Answers in the shapes Microsoft documents (doc/cloud-api.md), each switched on in the emulator.

std::vector<std::string> SomeIds(int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
    ids.emplace_back(id);
  }
  return ids;
}

TEST_F(SyncCloudTest, AFractionalRetryAfterIsWaitedOut) {
  auto client = Client(Config());
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->graph().GetOrganization({}));  // the token is cached: only Graph is timed below
  emu_->Control("POST", "/faults/throttle", {{"service", "graph"}, {"count", 1}, {"retry_after", 1.5}});
  const auto start = std::chrono::steady_clock::now();
  auto org = client->graph().GetOrganization({});
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(org) << org.error().ToString();
  EXPECT_EQ(Answers("graph", 429), 1);
  // A lower bound only: the server asked for 1.5 s; an ignored header meant a retry within ~20 ms.
  EXPECT_GE(waited, 1500ms);
}

TEST_F(SyncCloudTest, AFractionalRetryAfterOnABatchItemIsWaitedOut) {
  auto client = Client(BatchConfig());
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->graph().GetOrganization({}));
  emu_->Control("POST", "/faults/throttle",
                {{"service", "graph"}, {"count", 1}, {"retry_after", 1.25}, {"level", "item"}});
  const auto start = std::chrono::steady_clock::now();
  auto lookup = client->graph().GetUsersByIds(SomeIds(15), {});
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(lookup) << lookup.error().ToString();
  EXPECT_EQ(lookup->not_found.size(), 15u);
  EXPECT_EQ(emu_->Control("GET", "/counters")["graph"]["by_status"].value("item 429", 0), 1);
  EXPECT_GE(waited, 1250ms);
}

TEST_F(SyncCloudTest, AWholeBatchFailingWith424IsRetriedAsThrottling) {
  auto client = Client(BatchConfig());
  ASSERT_TRUE(client);
  // The plain form (an error body and the batch's Retry-After), then the form that lists every item.
  emu_->Control("POST", "/faults/batch-failed-dependency", {{"count", 1}, {"retry_after", 0.5}});
  auto lookup = client->graph().GetUsersByIds(SomeIds(45), {});
  ASSERT_TRUE(lookup) << lookup.error().ToString();
  EXPECT_EQ(lookup->not_found.size(), 45u);
  emu_->Control("POST", "/faults/batch-failed-dependency",
                {{"count", 1}, {"retry_after", 0.5}, {"items", true}});
  lookup = client->graph().GetUsersByIds(SomeIds(45), {});
  ASSERT_TRUE(lookup) << lookup.error().ToString();
  EXPECT_EQ(lookup->not_found.size(), 45u);
  EXPECT_EQ(Answers("graph", 424), 2);
  EXPECT_GE(client->counts().throttled, 2u);
}

TEST_F(SyncCloudTest, AnExoNotFoundSentAsHttp500MeansNotFoundWithoutRetries) {
  emu_->Control("POST", "/faults/exo-not-found-500", {{"enabled", true}});
  auto client = Client(Config());
  ASSERT_TRUE(client);
  auto user = client->exo().GetMailUser("nobody@lab.example", {});
  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().code, Errc::kNotFound) << user.error().ToString();
  EXPECT_EQ(Answers("exo", 500), 1) << "asked once, not retried";
}

TEST_F(SyncCloudTest, TimestampsWithAnOffsetAndSevenDecimalsAreRead) {
  const Json cycle = emu_->Sync();
  const auto finished = ParseUtcIso8601(cycle.value("finished", ""));
  ASSERT_TRUE(finished) << cycle.dump();
  emu_->Control("POST", "/faults/timestamps", {{"form", "offset7"}});
  auto client = Client(Config());
  ASSERT_TRUE(client);
  auto org = client->graph().GetOrganization({});
  ASSERT_TRUE(org) << org.error().ToString();
  ASSERT_TRUE(org->on_premises_last_sync) << "2026-…T…:…:….0000000+01:00 was not read";
  EXPECT_EQ(*org->on_premises_last_sync, *finished);
}

TEST_F(SyncCloudTest, ABodyOverTheCapIsRefusedNamingTheUrlAndNotRetried) {
  auto client = Client(Config());
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->graph().GetOrganization({}));
  // Exactly at the cap: read whole (a page without an organization, so the parser's own error).
  emu_->Control("POST", "/faults/oversize", {{"service", "graph"}, {"bytes", sync::kMaxResponseBytes}});
  auto at_cap = client->graph().GetOrganization({});
  ASSERT_FALSE(at_cap);
  EXPECT_EQ(at_cap.error().code, Errc::kPermissionDenied) << at_cap.error().ToString();
  // One byte more: refused with the URL named, never truncated, never retried.
  emu_->Control("POST", "/faults/oversize", {{"service", "graph"}, {"bytes", sync::kMaxResponseBytes + 1}});
  const Json before = emu_->Control("GET", "/counters");
  auto over = client->graph().GetOrganization({});
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, Errc::kInvalidInput) << over.error().ToString();
  EXPECT_NE(over.error().message.find("/v1.0/organization"), std::string::npos) << over.error().message;
  EXPECT_NE(over.error().message.find(std::to_string(sync::kMaxResponseBytes)), std::string::npos)
      << over.error().message;
  EXPECT_NE(over.error().message.find("not truncated"), std::string::npos) << over.error().message;
  EXPECT_EQ(emu_->Control("GET", "/counters")["graph"].value("http_calls", 0),
            before["graph"].value("http_calls", 0) + 1);
}

TEST_F(SyncCloudTest, UsersAreLookedUpAThousandIdsPerGetByIdsCallAtTwoResourceUnitsEach) {
  auto client = Client(Config());
  ASSERT_TRUE(client);
  auto lookup = client->graph().GetUsersByIds(SomeIds(2500), {});
  ASSERT_TRUE(lookup) << lookup.error().ToString();
  EXPECT_EQ(lookup->not_found.size(), 2500u);
  EXPECT_EQ(client->counts().graph_calls, 3u);
  EXPECT_EQ(client->counts().graph_resource_units, 6u) << "getByIds with $select costs 2";
  const Json record = Budget();
  ASSERT_EQ(record["requests"].size(), 3u) << record.dump();
  for (const Json& r : record["requests"]) EXPECT_EQ(r["route"], "POST /v1.0/directoryObjects/getByIds");
}

// Graph's budget made small (20 units per 4 s): a client that reads x-ms-throttle-limit-percentage pauses
// before the budget runs out, so the emulator never answers 429; with pacing off the same calls hit a 429.
TEST_F(SyncCloudTest, TheClientSlowsDownFromEightyPercentAndNeverMeetsA429) {
  constexpr int kCalls = 30;  // GET /organization?$select costs 1: one and a half budgets
  emu_->Control("POST", "/graph/budget", {{"resource_units", 20}, {"window_seconds", 4}});
  sync::CloudConfig config = Config();
  config.limits.graph_pacing.max_pause = 4s;  // one budget window, as the default is Graph's 10 s
  auto client = Client(config);
  ASSERT_TRUE(client);
  for (int i = 0; i < kCalls; ++i) ASSERT_TRUE(client->graph().GetOrganization({})) << i;
  Json record = Budget();
  ASSERT_EQ(record["requests"].size(), static_cast<std::size_t>(kCalls)) << record.dump();
  bool warned = false;
  for (const Json& r : record["requests"]) {
    EXPECT_EQ(r["status"], 200) << record.dump();
    warned = warned || (r["percentage"].is_number() && r["percentage"].get<double>() > 0.8);
  }
  EXPECT_TRUE(warned) << "the budget was never nearly used: the test proves nothing";
  EXPECT_GE(client->counts().paced, 1u);
  EXPECT_EQ(client->counts().throttled, 0u);

  // The same calls without pacing: Graph has to say no.
  emu_->Control("POST", "/graph/budget", {{"resource_units", 20}, {"window_seconds", 4}});
  config.limits.graph_pacing.max_pause = 0ms;
  auto eager = Client(config);
  ASSERT_TRUE(eager);
  for (int i = 0; i < kCalls; ++i) ASSERT_TRUE(eager->graph().GetOrganization({})) << i;
  record = Budget();
  int refused = 0;
  for (const Json& r : record["requests"]) refused += r["status"] == 429 ? 1 : 0;
  EXPECT_GE(refused, 1) << record.dump();
  EXPECT_EQ(eager->counts().paced, 0u);
}

TEST_F(SyncCloudTest, OnlyLowPriorityCallsCarryTheThrottlePriorityHeader) {
  auto client = Client(Config());
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->graph().GetOrganization({}));
  ASSERT_TRUE(client->graph().GetOrganization({}, sync::GraphPriority::kLow));
  ASSERT_TRUE(client->graph().GetUsersByIds(SomeIds(3), {}, sync::GraphPriority::kLow));
  ASSERT_TRUE(client->graph().GetSyncBehaviors(SomeIds(2), {}, sync::GraphPriority::kLow));
  const Json record = Budget();
  std::vector<std::string> priorities;
  for (const Json& r : record["requests"]) priorities.push_back(r["priority"]);
  // organization, organization, getByIds, the beta $batch envelope and its two items.
  EXPECT_EQ(priorities, (std::vector<std::string>{"", "low", "low", "low", "low", "low"})) << record.dump();
}

TEST_F(SyncCloudTest, ASourceOfAuthorityTheTenantCannotServeIsReportedNotFailed) {
  auto client = Client(Config());
  ASSERT_TRUE(client);
  for (const char* mode : {"absent", "forbidden"}) {
    emu_->Control("POST", "/faults/sync-behavior", {{"mode", mode}});
    auto read = client->graph().GetSyncBehaviors(SomeIds(25), {});
    ASSERT_TRUE(read) << mode << ": " << read.error().ToString();
    EXPECT_TRUE(read->cloud_managed.empty()) << mode;
    EXPECT_FALSE(read->unavailable.empty()) << mode;
  }
  EXPECT_NE(client->graph().GetSyncBehaviors(SomeIds(1), {})->unavailable.find("403"), std::string::npos);
}

}  // namespace
}  // namespace ctim::testing
