// Hold flags from an ELC side file (agent/plan/elc_side_file.h) and the one targetAddress rule
// (agent/model/target_address.h), through `plan` and `write` against the lab DC:
//   - side rows matched by ExchangeGuid and by PrimarySmtpAddress (another case); their bits are OR-ed into
//     msExchELCMailboxFlags, keeping a bit already there (ElcV2 = 2);
//   - a side row matching no identity row is a plan note; a row whose GUID and SMTP hit two side rows is
//     refused (R10) and not written;
//   - a targetAddress that is a secondary smtp: address of the source, in another case, is accepted (an R7
//     warning, nothing rewritten); the target's own address is refused (R7).
#include <fstream>

#include "core_fixture.h"

namespace ctim::core_lab {
namespace {

class CoreElc : public CoreLabTest {};

// The findings of file row `row` with `severity`, as rule codes.
std::vector<std::string> Rules(const nlohmann::json& plan, std::size_t row, const std::string& severity) {
  std::vector<std::string> out;
  for (const auto& r : plan["rows"]) {
    if (r["row"] != row) continue;
    for (const auto& f : r["findings"]) {
      if (f["severity"] == severity) out.push_back(f["rule"].get<std::string>());
    }
  }
  return out;
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string Upper(std::string s) {
  for (char& c : s) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  return s;
}

std::string Notes(const nlohmann::json& plan) {
  std::string out;
  for (const auto& n : plan["notes"]) out += n["message"].get<std::string>() + "\n";
  return out;
}

TEST_F(CoreElc, SideFileBitsAreOredInAndTheTargetAddressRuleHoldsBothWays) {
  const std::vector<SeededUser> users = PristineSeeded(7);
  ASSERT_EQ(users.size(), 7u);
  std::vector<CtimRow> rows = RowsFor(users);  // user n is file row n + 1
  const auto dn = [&](int n) { return users[static_cast<std::size_t>(n - 1)].dn; };

  // User 3: targetAddress is a secondary address of the source, in another case; user 4: the target's own
  // address. Both are then found by msDS-ExternalDirectoryObjectId (as Entra Connect writes it back).
  rows[2].email_addresses.push_back("smtp:alias3@source.example");
  std::string ldif;
  ldif += "dn: " + dn(3) +
          "\nchangetype: modify\nreplace: msDS-ExternalDirectoryObjectId\nmsDS-ExternalDirectoryObjectId: User_" +
          rows[2].target_id + "\n-\nreplace: targetAddress\ntargetAddress: SMTP:ALIAS3@Source.Example\n-\n\n";
  ldif += "dn: " + dn(4) +
          "\nchangetype: modify\nreplace: msDS-ExternalDirectoryObjectId\nmsDS-ExternalDirectoryObjectId: User_" +
          rows[3].target_id + "\n-\nreplace: targetAddress\ntargetAddress: SMTP:" + users[3].upn + "\n-\n\n";
  // User 5 already has ElcV2 (2): the side file's SingleItemRecovery (16) must keep it.
  ldif += "dn: " + dn(5) + "\nchangetype: modify\nreplace: msExchELCMailboxFlags\nmsExchELCMailboxFlags: 2\n-\n\n";
  ASSERT_TRUE(Modify(lab_, ldif));
  const std::string file = WriteFile(rows);

  // The side file as Windows PowerShell 5.1 writes it without -NoTypeInformation: BOM, #TYPE, CRLF, quoted.
  const auto line = [](const std::string& smtp, const std::string& guid, bool lh, bool sir) {
    return "\"" + smtp + "\",\"" + guid + "\",\"" + (lh ? "True" : "False") + "\",\"" + (sir ? "True" : "False") +
           "\"\r\n";
  };
  std::string side = "\xEF\xBB\xBF#TYPE Selected.Microsoft.Exchange.Data.Directory.Management.Mailbox\r\n"
                     "\"PrimarySmtpAddress\",\"ExchangeGuid\",\"LitigationHoldEnabled\",\"SingleItemRecoveryEnabled\"\r\n";
  side += line("other1@source.example", rows[0].exchange_guid, false, true);              // user 1 by GUID
  side += line(Upper(rows[1].primary_smtp), GuidFor("unrelated", 2).ToString(), true, false);  // user 2 by SMTP
  side += line("other5@source.example", rows[4].exchange_guid, false, true);              // user 5 by GUID
  side += line("nobody@source.example", GuidFor("nobody", 1).ToString(), true, true);      // matches nobody
  side += line("other6@source.example", rows[5].exchange_guid, true, false);              // user 6's GUID ...
  side += line(rows[5].primary_smtp, GuidFor("unrelated", 6).ToString(), false, true);    // ... and its SMTP
  const std::string side_file = tmp_.File("mailboxes_elc.csv");
  std::ofstream(side_file, std::ios::binary) << side;

  const ProcessResult plan = Agent({"plan", file, "--elc-file", side_file, "--format", "json"}, false);
  ASSERT_EQ(plan.exit_code, 1) << Explain(plan);  // row 7 is refused
  const nlohmann::json p = ParseJson(plan.out);
  ASSERT_FALSE(p.is_discarded()) << plan.out.substr(0, 2000);
  const std::string notes = Notes(p);
  EXPECT_NE(notes.find("3 of 7 row(s) matched (2 by ExchangeGuid, 1 by PrimarySmtpAddress)"), std::string::npos)
      << notes;
  EXPECT_NE(notes.find("1 row(s) of the ELC side file " + side_file + " match no identity row: row 5 "
                       "(nobody@source.example)"),
            std::string::npos)
      << notes;
  for (std::size_t row : {2u, 3u, 6u}) EXPECT_TRUE(Has(Rules(p, row, "warning"), "R10")) << "row " << row;
  EXPECT_TRUE(Has(Rules(p, 7, "refused"), "R10")) << plan.out;
  EXPECT_TRUE(Has(Rules(p, 4, "warning"), "R7")) << plan.out;  // a secondary: accepted, warned
  EXPECT_FALSE(Has(Rules(p, 4, "refused"), "R7")) << plan.out;
  EXPECT_TRUE(Has(Rules(p, 5, "refused"), "R7")) << plan.out;  // the target's own address
  EXPECT_EQ(p["summary"]["refused"], 2) << plan.out;

  const ProcessResult text = Agent({"plan", file, "--elc-file", side_file}, false);
  EXPECT_NE(text.out.find("msExchELCMailboxFlags |= 16 (SingleItemRecovery)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("msExchELCMailboxFlags |= 8 (LitigationHold)"), std::string::npos) << text.out;

  const ProcessResult write = Agent({"write", file, "--elc-file", side_file});
  EXPECT_EQ(write.exit_code, 1) << Explain(write);  // refused rows
  const Dump after = SearchOu();
  const auto flags = [&](int n) {
    const auto it = after.find(Lower(dn(n)));
    if (it == after.end()) return std::string("(no object)");
    const auto& v = ValuesOf(it->second, "msExchELCMailboxFlags");
    return v.empty() ? std::string() : v.front();
  };
  EXPECT_EQ(flags(1), "16");
  EXPECT_EQ(flags(2), "8");
  EXPECT_EQ(flags(3), "");
  EXPECT_EQ(flags(5), "18");  // 2 | 16
  EXPECT_EQ(flags(6), "");    // refused: neither side row applies
  EXPECT_EQ(flags(7), "");
  const auto target_address = [&](int n) {
    const auto it = after.find(Lower(dn(n)));
    return it == after.end() ? std::vector<std::string>{} : ValuesOf(it->second, "targetAddress");
  };
  EXPECT_EQ(target_address(3), std::vector<std::string>{"SMTP:ALIAS3@Source.Example"});  // never rewritten
  EXPECT_FALSE(ValuesOf(after.at(Lower(dn(3))), "msExchMailboxGuid").empty());         // the row was written

  // A malformed side file stops plan before AD is asked, naming file, row and column.
  const std::string bad = tmp_.File("bad_elc.csv");
  std::ofstream(bad, std::ios::binary) << "PrimarySmtpAddress,ExchangeGuid,LitigationHoldEnabled\n"
                                          "a@source.example,not-a-guid,True\n";
  const ProcessResult refused = Agent({"plan", file, "--elc-file", bad}, false);
  EXPECT_EQ(refused.exit_code, 2) << Explain(refused);
  EXPECT_NE(refused.err.find(bad + ":2: column ExchangeGuid"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace ctim::core_lab
