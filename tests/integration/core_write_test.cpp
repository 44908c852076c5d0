// plan -> write -> re-read with an independent client (ldapsearch) for 2,000 seeded users; a second write
// changes nothing; runs/show tell what happened. Also the simple-bind-over-LDAPS path without a Global
// Catalog (fallback to the DC's domain for X500 uniqueness).
#include <set>

#include "core_fixture.h"

namespace ctim::core_lab {
namespace {

class CoreWrite : public CoreLabTest {};

// Checks every seeded user against what its row asks for.
void ExpectWritten(const std::vector<SeededUser>& users, const std::vector<CtimRow>& rows, const Dump& before,
                   const Dump& after) {
  ASSERT_EQ(after.size(), users.size());
  for (std::size_t i = 0; i < users.size(); ++i) {
    const std::string dn = Lower(users[i].dn);
    const CtimRow& row = rows[i];
    ASSERT_TRUE(after.contains(dn)) << dn;
    const Attrs& a = after.at(dn);
    const Attrs& b = before.at(dn);
    EXPECT_EQ(ValuesOf(a, "msExchMailboxGuid"),
              std::vector<std::string>{Guid::Parse(row.exchange_guid)->AdBytes()})
        << dn;
    if (row.archive_guid.empty()) {
      EXPECT_TRUE(ValuesOf(a, "msExchArchiveGUID").empty()) << dn;
    } else {
      EXPECT_EQ(ValuesOf(a, "msExchArchiveGUID"),
                std::vector<std::string>{Guid::Parse(row.archive_guid)->AdBytes()})
          << dn;
    }
    // proxyAddresses: everything that was there, plus each X500 exactly once; nothing else.
    const auto& proxies = ValuesOf(a, "proxyAddresses");
    std::vector<std::string> expected = ValuesOf(b, "proxyAddresses");
    for (const std::string& x : X500sOf(row)) {
      EXPECT_TRUE(HoldsOnceExactly(proxies, x)) << dn << " " << x;
      expected.push_back(x);
    }
    EXPECT_EQ(std::multiset<std::string>(proxies.begin(), proxies.end()),
              std::multiset<std::string>(expected.begin(), expected.end()))
        << dn;
    EXPECT_EQ(ValuesOf(a, "targetAddress"), ValuesOf(b, "targetAddress")) << dn;
    if (row.litigation_hold == "true") {
      EXPECT_EQ(ValuesOf(a, "msExchELCMailboxFlags"), std::vector<std::string>{"8"}) << dn;
    } else {
      EXPECT_EQ(ValuesOf(a, "msExchELCMailboxFlags"), ValuesOf(b, "msExchELCMailboxFlags")) << dn;
    }
  }
}

TEST_F(CoreWrite, PlanWriteReReadTwoThousandUsers) {
  constexpr int kUsers = 2000;
  const std::vector<SeededUser> users = PristineSeeded(kUsers);
  ASSERT_EQ(users.size(), static_cast<std::size_t>(kUsers));
  const std::vector<CtimRow> rows = RowsFor(users);
  const std::string file = WriteFile(rows);
  const Dump before = SearchOu();
  ASSERT_EQ(before.size(), users.size());

  // plan: every row to change, nothing refused, AD untouched.
  const ProcessResult plan = Agent({"plan", file, "--format", "json"}, false);
  ASSERT_EQ(plan.exit_code, 0) << Explain(plan);
  const nlohmann::json planned = ParseJson(plan.out);
  ASSERT_FALSE(planned.is_discarded()) << plan.out.substr(0, 2000);
  EXPECT_EQ(planned["summary"]["change"], kUsers);
  EXPECT_EQ(planned["summary"]["refused"], 0);
  EXPECT_EQ(planned["rows"].size(), static_cast<std::size_t>(kUsers));
  EXPECT_EQ(planned["rows"][0]["matched_by"], "target-address");
  EXPECT_EQ(SearchOu(), before) << "plan changed AD";

  // write: all written and confirmed by the agent's own re-read.
  const ProcessResult write = Agent({"write", file});
  ASSERT_EQ(write.exit_code, 0) << Explain(write);
  EXPECT_NE(write.out.find("run 1: wrote 2000 object(s) (2000 confirmed by re-read)"), std::string::npos)
      << Explain(write);

  // The independent client: ldapsearch, LDIF parsed, base64 decoded.
  const Dump after = SearchOu();
  ExpectWritten(users, rows, before, after);

  // Again: nothing to write, and it says so; AD byte-identical.
  const ProcessResult again = Agent({"write", file});
  ASSERT_EQ(again.exit_code, 0) << Explain(again);
  EXPECT_NE(again.out.find("run 2: nothing to write, 2000 already as planned"), std::string::npos)
      << Explain(again);
  EXPECT_EQ(SearchOu(), after);
  const ProcessResult replan = Agent({"plan", file, "--format", "csv"}, false);
  ASSERT_EQ(replan.exit_code, 0) << Explain(replan);
  EXPECT_EQ(std::count(replan.out.begin(), replan.out.end(), '\n'),
            kUsers + 1);  // header + one "none" line per row
  EXPECT_EQ(replan.out.find(",planned,"), std::string::npos);

  // The journal: two finished runs; run 1 has one confirmed intent per user, run 2 none.
  const ProcessResult runs = Agent({"runs", "--format", "json"});
  ASSERT_EQ(runs.exit_code, 0) << Explain(runs);
  const nlohmann::json listed = ParseJson(runs.out);
  ASSERT_EQ(listed["runs"].size(), 2u) << runs.out;
  for (const auto& r : listed["runs"]) {
    EXPECT_EQ(r["state"], "finished");
    EXPECT_EQ(r["kind"], "write");
    EXPECT_EQ(r["file_sha256"].get<std::string>().size(), 64u);
  }
  const ProcessResult show = Agent({"show", "1", "--format", "json"});
  ASSERT_EQ(show.exit_code, 0) << Explain(show);
  const nlohmann::json shown = ParseJson(show.out);
  ASSERT_EQ(shown["intents"].size(), static_cast<std::size_t>(kUsers));
  std::set<std::string> dns;
  for (const auto& intent : shown["intents"]) {
    EXPECT_EQ(intent["state"], "confirmed");
    dns.insert(Lower(intent["dn"].get<std::string>()));
  }
  EXPECT_EQ(dns.size(), static_cast<std::size_t>(kUsers));
  const ProcessResult show2 = Agent({"show", "2"});
  ASSERT_EQ(show2.exit_code, 0) << Explain(show2);
  EXPECT_NE(show2.out.find("no changes were sent by this run"), std::string::npos) << show2.out;
}

TEST_F(CoreWrite, SimpleBindOverLdapsWithoutGlobalCatalogChecksTheDomain) {
  const std::vector<SeededUser> users = PristineSeeded(30);
  ASSERT_EQ(users.size(), 30u);
  const std::vector<CtimRow> rows = RowsFor(users);
  const std::string file = WriteFile(rows);
  // Row 7's X500 already sits on an object outside the base DN (CN=Users), in another case.
  const std::string holder = "CN=X500 Holder,CN=Users," + lab_.base_dn;
  ASSERT_TRUE(Modify(lab_, "dn: " + holder + "\nchangetype: add\nobjectClass: contact\nproxyAddresses: " +
                               Lower(X500sOf(rows[6])[0]) + "\n"));
  const std::string config = ConfigVariant("simple.toml", [&](const std::string& line) -> std::string {
    if (line.starts_with("url =")) return "url = \"" + lab_.ldaps_url + "\"";
    if (line.starts_with("bind ="))
      return "bind = \"simple\"\nbind_dn = \"" + lab_.svc_dn + "\"\npassword_file = \"" +
             lab_.svc_password_file + "\"";
    if (line.starts_with("principal") || line.starts_with("keytab") || line.starts_with("gc_url")) return "";
    return line;
  });
  const ProcessResult plan = Agent({"plan", file, "--config", config}, false);
  ASSERT_EQ(plan.exit_code, 1) << Explain(plan);
  EXPECT_NE(plan.out.find("no Global Catalog configured"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("R6 refused: proxy " + X500sOf(rows[6])[0] + " is already on " + holder),
            std::string::npos)
      << plan.out;

  const Dump before = SearchOu();
  const ProcessResult write = Agent({"write", file, "--config", config});
  ASSERT_EQ(write.exit_code, 1) << Explain(write);
  EXPECT_NE(write.out.find("wrote 29 object(s) (29 confirmed by re-read), 0 already as planned, 1 refused"),
            std::string::npos)
      << Explain(write);
  const Dump after = SearchOu();
  EXPECT_EQ(after.at(Lower(users[6].dn)), before.at(Lower(users[6].dn))) << "a refused row was written";
  EXPECT_EQ(ValuesOf(after.at(Lower(users[5].dn)), "msExchMailboxGuid"),
            std::vector<std::string>{Guid::Parse(rows[5].exchange_guid)->AdBytes()});
}

}  // namespace
}  // namespace ctim::core_lab
