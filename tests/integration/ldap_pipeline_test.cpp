// Pipelined modifies: >= 1,000 entries in one call, every result reported once with its request, every
// value verified by reading it back; failures in the middle of a batch; stopping.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <stop_token>
#include <string>
#include <vector>

#include "common/guid.h"
#include "ldap/connection.h"
#include "ldap_lab.h"

namespace ctim::ldap {
namespace {

class LdapPipeline : public lab::LabTest {
 protected:
  std::vector<std::string> AddUsers(int n) {
    std::vector<std::string> dns;
    const std::string tag = lab::UniqueName("p").substr(2, 10);
    for (int i = 0; i < n; ++i) {
      dns.push_back(fmt::format("CN=pu{:05},{}", i, ou()));
      const Status st = lab::AddUser(admin(), dns.back(), fmt::format("{}{:05}", tag, i));
      if (!st) {
        ADD_FAILURE() << st.error().ToString();
        break;
      }
    }
    return dns;
  }
  static std::string GuidFor(int i) {
    Guid g = *Guid::Parse(fmt::format("{:08x}-0000-4000-8000-00ff00{:06x}", i * 2654435761u, i));
    return g.AdBytes();
  }
};

TEST_F(LdapPipeline, ThousandModifiesAllReportedAndReadBack) {
  constexpr int kUsers = 1000;
  const std::vector<std::string> dns = AddUsers(kUsers);
  ASSERT_EQ(dns.size(), static_cast<std::size_t>(kUsers));
  std::vector<ModifyRequest> requests;
  for (int i = 0; i < kUsers; ++i) {
    requests.push_back(ModifyRequest{
        dns[i],
        {Mod{Mod::kReplace, "msExchMailboxGuid", {GuidFor(i)}},
         Mod{Mod::kAdd,
             "proxyAddresses",
             {fmt::format("smtp:pu{:05}@contoso.example", i),
              fmt::format(
                  "X500:/o=Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=pu{:05}",
                  i)}},
         Mod{Mod::kReplace, "msExchELCMailboxFlags", {std::to_string(130 + i % 2)}}}});
  }
  std::vector<int> reported(kUsers, 0);
  int failures = 0;
  PipelineOptions options;
  options.window = 64;
  ASSERT_OK(admin().ModifyPipelined(requests, options, [&](const ModifyRequest& req, ModifyOutcome&& out) {
    ASSERT_LT(out.index, requests.size());
    EXPECT_EQ(&req, &requests[out.index]) << "result reported with the wrong request";
    ++reported[out.index];
    if (!out.status) {
      ++failures;
      ADD_FAILURE() << out.status.error().ToString();
    }
    EXPECT_EQ(out.result_code, out.status ? 0 : out.result_code);
  }));
  EXPECT_EQ(failures, 0);
  for (int i = 0; i < kUsers; ++i) ASSERT_EQ(reported[i], 1) << "request " << i;

  // Read everything back through a paged search.
  SearchRequest req;
  req.base = ou();
  req.filter = "(objectClass=user)";
  req.attributes = {"msExchMailboxGuid", "proxyAddresses", "msExchELCMailboxFlags"};
  req.page_size = 250;
  std::map<std::string, Entry> by_dn;
  ASSERT_OK(admin().SearchPages(req, [&](std::vector<Entry>& page) -> Status {
    for (Entry& e : page) by_dn.emplace(e.dn, std::move(e));
    return {};
  }));
  ASSERT_EQ(by_dn.size(), static_cast<std::size_t>(kUsers));
  for (int i = 0; i < kUsers; ++i) {
    const auto it = by_dn.find(dns[i]);
    ASSERT_NE(it, by_dn.end()) << dns[i];
    const Entry& e = it->second;
    EXPECT_EQ(e.First("msExchMailboxGuid"), GuidFor(i)) << dns[i];
    EXPECT_EQ(e.First("msExchELCMailboxFlags"), std::to_string(130 + i % 2)) << dns[i];
    const Values* proxies = e.Find("proxyAddresses");
    ASSERT_NE(proxies, nullptr) << dns[i];
    EXPECT_EQ(proxies->size(), 2u) << dns[i];
  }
}

TEST_F(LdapPipeline, FailuresAreReportedWithTheirRequestAndTheRestSucceeds) {
  const std::vector<std::string> dns = AddUsers(20);
  ASSERT_EQ(dns.size(), 20u);
  std::vector<ModifyRequest> requests;
  for (int i = 0; i < 20; ++i) {
    requests.push_back(ModifyRequest{dns[i], {Mod{Mod::kReplace, "description", {fmt::format("d{}", i)}}}});
  }
  requests[3].dn = "CN=missing," + ou();                                                 // 32
  requests[7].mods = {Mod{Mod::kReplace, "msExchMailboxGuid", {"short"}}};               // 21
  requests[11].mods = {Mod{Mod::kDelete, "proxyAddresses", {"smtp:absent@x.example"}}};  // 16
  std::map<std::size_t, ModifyOutcome> outcomes;
  PipelineOptions options;
  options.window = 4;
  ASSERT_OK(admin().ModifyPipelined(requests, options, [&](const ModifyRequest&, ModifyOutcome&& out) {
    EXPECT_TRUE(outcomes.emplace(out.index, std::move(out)).second) << "reported twice";
  }));
  ASSERT_EQ(outcomes.size(), requests.size());
  EXPECT_EQ(outcomes[3].result_code, 32);
  EXPECT_EQ(outcomes[3].status.error().code, Errc::kNotFound);
  EXPECT_NE(outcomes[3].status.error().message.find("CN=missing"), std::string::npos);
  EXPECT_FALSE(outcomes[3].diagnostic.empty());  // Samba sends no matchedDN here (AD does)
  EXPECT_EQ(outcomes[7].result_code, 21);
  EXPECT_EQ(outcomes[7].status.error().code, Errc::kInvalidInput);
  EXPECT_FALSE(outcomes[7].diagnostic.empty());
  EXPECT_EQ(outcomes[11].result_code, 16);
  EXPECT_EQ(outcomes[11].status.error().code, Errc::kConflict);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (i == 3 || i == 7 || i == 11) continue;
    EXPECT_TRUE(outcomes[i].status) << i << ": " << outcomes[i].status.error().ToString();
    auto e = admin().Read(dns[i], {"description"});
    ASSERT_OK(e);
    EXPECT_EQ(e->First("description"), fmt::format("d{}", i));
  }
}

TEST_F(LdapPipeline, PermissiveModifyAppliesToEveryRequest) {
  const std::vector<std::string> dns = AddUsers(10);
  ASSERT_EQ(dns.size(), 10u);
  std::vector<ModifyRequest> requests;
  for (const std::string& dn : dns) {
    requests.push_back(ModifyRequest{dn, {Mod{Mod::kAdd, "proxyAddresses", {"smtp:same@x.example"}}}});
    requests.push_back(ModifyRequest{dn, {Mod{Mod::kAdd, "proxyAddresses", {"smtp:same@x.example"}}}});
  }
  PipelineOptions options;
  options.write.permissive_modify = true;
  int ok = 0;
  ASSERT_OK(admin().ModifyPipelined(requests, options, [&](const ModifyRequest&, ModifyOutcome&& out) {
    EXPECT_TRUE(out.status) << out.status.error().ToString();
    ok += out.status ? 1 : 0;
  }));
  EXPECT_EQ(ok, 20);
}

TEST_F(LdapPipeline, StopSendsNoMoreAndReportsTheRest) {
  const std::vector<std::string> dns = AddUsers(50);
  ASSERT_EQ(dns.size(), 50u);
  std::vector<ModifyRequest> requests;
  for (const std::string& dn : dns)
    requests.push_back(ModifyRequest{dn, {Mod{Mod::kReplace, "description", {"s"}}}});
  std::stop_source stop;
  PipelineOptions options;
  options.window = 8;
  options.stop = stop.get_token();
  int done = 0;
  int not_sent = 0;
  std::vector<int> reported(requests.size(), 0);
  ASSERT_OK(admin().ModifyPipelined(requests, options, [&](const ModifyRequest&, ModifyOutcome&& out) {
    ++reported[out.index];
    if (out.status) {
      if (++done == 10) stop.request_stop();
    } else {
      EXPECT_NE(out.status.error().message.find("not sent"), std::string::npos) << out.status.error().message;
      ++not_sent;
    }
  }));
  for (int r : reported) EXPECT_EQ(r, 1);
  EXPECT_GE(done, 10);
  EXPECT_LE(done, 10 + 8);  // the ones in flight when the stop came
  EXPECT_EQ(done + not_sent, 50);
}

}  // namespace
}  // namespace ctim::ldap
