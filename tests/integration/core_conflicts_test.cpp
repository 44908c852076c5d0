// Conflicts seeded in the lab produce the right refusals, and a refused row is never written while the other
// rows are: a stale msExchMailboxGuid (R4), a RemoteUserMailbox (R3), an X500 already on another object
// outside the base DN (R6, found through the Global Catalog), targetAddress pointing elsewhere (R7), two
// rows on one object (R2), no object at all (R2), a row the reader rejects (R1), a duplicate ExchangeGuid
// (both rows refused), an object that syncs to another cloud user than the row's target (R2), an unmapped
// row (skipped).
#include <map>

#include "common/base64.h"
#include "core_fixture.h"

namespace ctim::core_lab {
namespace {

class CoreConflicts : public CoreLabTest {};

// The findings of the plan row for file row `row`, as "R4 refused" style codes.
std::vector<std::string> Codes(const nlohmann::json& plan, std::size_t row) {
  std::vector<std::string> out;
  for (const auto& r : plan["rows"]) {
    if (r["row"] != row) continue;
    for (const auto& f : r["findings"]) {
      if (f["severity"] == "refused") out.push_back(f["rule"].get<std::string>());
    }
  }
  return out;
}

std::string StatusOf(const nlohmann::json& plan, std::size_t row) {
  for (const auto& r : plan["rows"]) {
    if (r["row"] == row) return r["status"];
  }
  return "(no such row)";
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST_F(CoreConflicts, EachConflictIsRefusedWithItsRuleAndNothingElseIsHeldBack) {
  const std::vector<SeededUser> users = PristineSeeded(100);
  ASSERT_EQ(users.size(), 100u);
  std::vector<CtimRow> rows = RowsFor(users);
  const auto dn = [&](int n) { return users[static_cast<std::size_t>(n - 1)].dn; };
  // File row of user n is n + 1 (header = row 1).

  // R4: a stale, different msExchMailboxGuid on user 10.
  const std::string stale = GuidFor("stale", 10).AdBytes();
  // R3: user 11 is a RemoteUserMailbox.
  // R6: user 12's LegacyExchangeDN X500 sits on a contact outside the base DN (in lower case).
  const std::string holder = "CN=Elsewhere Contact,CN=Users," + lab_.base_dn;
  // R7: user 13 is found by msDS-ExternalDirectoryObjectId, but its targetAddress points elsewhere.
  std::string ldif;
  ldif += "dn: " + dn(10) +
          "\nchangetype: modify\nreplace: msExchMailboxGuid\nmsExchMailboxGuid:: " + Base64Encode(stale) +
          "\n-\n\n";
  ldif +=
      "dn: " + dn(11) +
      "\nchangetype: modify\nreplace: msExchRecipientTypeDetails\nmsExchRecipientTypeDetails: 2147483648\n-\n"
      "replace: msExchRemoteRecipientType\nmsExchRemoteRecipientType: 4\n-\n\n";
  ldif += "dn: " + holder +
          "\nchangetype: add\nobjectClass: contact\nproxyAddresses: " + Lower(X500sOf(rows[11])[0]) + "\n\n";
  ldif += "dn: " + dn(13) +
          "\nchangetype: modify\nreplace: msDS-ExternalDirectoryObjectId\n"
          "msDS-ExternalDirectoryObjectId: User_" +
          rows[12].target_id +
          "\n-\nreplace: targetAddress\ntargetAddress: SMTP:someone@elsewhere.example\n-\n\n";
  // R2: user 18 is found by targetAddress, but Entra Connect wrote back that it syncs to another cloud user.
  ldif += "dn: " + dn(18) +
          "\nchangetype: modify\nreplace: msDS-ExternalDirectoryObjectId\n"
          "msDS-ExternalDirectoryObjectId: User_" +
          GuidFor("someone-else", 18).ToString() + "\n-\n\n";
  ASSERT_TRUE(Modify(lab_, ldif));

  // R2: a second row (row 102) that resolves to user 14's object (same source primary SMTP).
  CtimRow second = RowFor(users[13], 1001);
  second.primary_smtp = rows[13].primary_smtp;
  rows.push_back(second);
  // R2: a row that matches no object (row 103).
  CtimRow ghost = RowFor(users[0], 1002);
  ghost.primary_smtp = "ghost@source.example";
  rows.push_back(ghost);
  // R1: a row the reader rejects (row 104): not a GUID.
  CtimRow broken = RowFor(users[0], 1003);
  broken.exchange_guid = "not-a-guid";
  rows.push_back(broken);
  // Duplicate ExchangeGuid (row 105 repeats user 15's): the reader rejects row 105, row 16 is refused too.
  CtimRow dup = RowFor(users[0], 1004);
  dup.exchange_guid = rows[14].exchange_guid;
  dup.primary_smtp = "dup@source.example";
  rows.push_back(dup);
  // Unmapped (user 16): skipped, not refused.
  rows[15].target_id.clear();

  const std::string file = WriteFile(rows);
  const Dump before = SearchOu();

  const ProcessResult plan = Agent({"plan", file, "--format", "json"}, false);
  ASSERT_EQ(plan.exit_code, 1) << Explain(plan);
  const nlohmann::json p = ParseJson(plan.out);
  ASSERT_FALSE(p.is_discarded()) << plan.out.substr(0, 2000);
  EXPECT_TRUE(Has(Codes(p, 11), "R4")) << plan.out;
  EXPECT_TRUE(Has(Codes(p, 12), "R3"));
  EXPECT_TRUE(Has(Codes(p, 13), "R6"));
  EXPECT_TRUE(Has(Codes(p, 14), "R7"));
  EXPECT_TRUE(Has(Codes(p, 15), "R2"));
  EXPECT_TRUE(Has(Codes(p, 102), "R2"));
  EXPECT_TRUE(Has(Codes(p, 103), "R2"));
  EXPECT_TRUE(Has(Codes(p, 104), "R1"));
  EXPECT_TRUE(Has(Codes(p, 16), "R1")) << "the earlier row of a duplicate ExchangeGuid must be refused too";
  EXPECT_TRUE(Has(Codes(p, 105), "R1"));
  EXPECT_TRUE(Has(Codes(p, 19), "R2"));
  EXPECT_EQ(StatusOf(p, 17), "skipped");
  EXPECT_EQ(p["summary"]["refused"], 11);
  EXPECT_EQ(p["summary"]["skipped"], 1);
  EXPECT_EQ(p["summary"]["change"], 100 - 8);
  // The messages name what was found.
  const std::string text = plan.out;
  EXPECT_NE(text.find("is already on " + holder), std::string::npos);
  EXPECT_NE(text.find("SMTP:someone@elsewhere.example"), std::string::npos);
  EXPECT_NE(text.find("RemoteUserMailbox"), std::string::npos);
  for (const auto& r : p["rows"]) {
    if (r["row"] == 14) {
      EXPECT_EQ(r["matched_by"], "external-id");
    }
  }

  const ProcessResult write = Agent({"write", file});
  ASSERT_EQ(write.exit_code, 1) << Explain(write);
  EXPECT_NE(write.out.find(
                "wrote 92 object(s) (92 confirmed by re-read), 0 already as planned, 11 refused, 1 skipped"),
            std::string::npos)
      << Explain(write);
  const Dump after = SearchOu();
  for (int n : {10, 11, 12, 13, 14, 15, 16, 18}) {
    EXPECT_EQ(after.at(Lower(dn(n))), before.at(Lower(dn(n))))
        << "user " << n << " was refused or skipped but changed";
  }
  EXPECT_EQ(ValuesOf(after.at(Lower(dn(17))), "msExchMailboxGuid"),
            std::vector<std::string>{Guid::Parse(rows[16].exchange_guid)->AdBytes()});
  auto contact = Search(lab_, holder, "(objectClass=contact)", {"proxyAddresses"});
  ASSERT_TRUE(contact) << contact.error().ToString();
  EXPECT_EQ(ValuesOf(contact->begin()->second, "proxyAddresses"),
            std::vector<std::string>{Lower(X500sOf(rows[11])[0])});
}

}  // namespace
}  // namespace ctim::core_lab
