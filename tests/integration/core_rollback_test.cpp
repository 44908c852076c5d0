// rollback RUN restores byte-identical prior values (ldapsearch before the write == after the rollback),
// including a stale GUID replaced with --overwrite-guid, ELC bits OR-ed into an existing value, a
// targetAddress set on an object matched by msDS-ExternalDirectoryObjectId; and it refuses an attribute
// someone changed after the write while restoring the object's other attributes.
#include "common/base64.h"
#include "core_fixture.h"

namespace ctim::core_lab {
namespace {

class CoreRollback : public CoreLabTest {
 protected:
  std::vector<std::string> Attributes() const {
    std::vector<std::string> a = WrittenAttributes();
    a.push_back("msDS-ExternalDirectoryObjectId");
    return a;
  }
};

TEST_F(CoreRollback, RestoresByteIdenticalPriorValuesAndRefusesWhatChangedSince) {
  const std::vector<SeededUser> users = PristineSeeded(60);
  ASSERT_EQ(users.size(), 60u);
  std::vector<CtimRow> rows = RowsFor(users);
  const auto dn = [&](int n) { return users[static_cast<std::size_t>(n - 1)].dn; };

  std::string ldif;
  // User 3: a stale msExchMailboxGuid (replaced with --overwrite-guid, restored by the rollback).
  ldif += "dn: " + dn(3) + "\nchangetype: modify\nreplace: msExchMailboxGuid\nmsExchMailboxGuid:: " +
          Base64Encode(GuidFor("stale", 3).AdBytes()) + "\n-\n\n";
  // User 4: ELC flags 2 (ElcV2); the row asks for LitigationHold: 2 | 8 = 10, back to 2.
  ldif += "dn: " + dn(4) +
          "\nchangetype: modify\nreplace: msExchELCMailboxFlags\nmsExchELCMailboxFlags: 2\n-\n\n";
  rows[3].litigation_hold = "true";
  // User 5: no targetAddress, found by msDS-ExternalDirectoryObjectId: targetAddress is set, then removed.
  ldif += "dn: " + dn(5) +
          "\nchangetype: modify\ndelete: targetAddress\n-\nreplace: msDS-ExternalDirectoryObjectId\n"
          "msDS-ExternalDirectoryObjectId: User_" +
          rows[4].target_id + "\n-\n\n";
  // User 6: already holds its LegacyExchangeDN X500 in another case: not added, not removed.
  ldif += "dn: " + dn(6) +
          "\nchangetype: modify\nadd: proxyAddresses\nproxyAddresses: " + Lower(X500sOf(rows[5])[0]) +
          "\n-\n\n";
  ASSERT_TRUE(Modify(lab_, ldif));
  const std::string file = WriteFile(rows);

  auto before_text = SearchLdif(lab_, lab_.target_ou, "(objectClass=user)", Attributes());
  ASSERT_TRUE(before_text) << before_text.error().ToString();
  const Dump before = *ParseLdif(*before_text);

  const ProcessResult write = Agent({"write", file, "--overwrite-guid"});
  ASSERT_EQ(write.exit_code, 0) << Explain(write);
  const Dump written = SearchOu(Attributes());
  ASSERT_NE(written, before);
  EXPECT_EQ(ValuesOf(written.at(Lower(dn(4))), "msExchELCMailboxFlags"), std::vector<std::string>{"10"});
  EXPECT_EQ(ValuesOf(written.at(Lower(dn(5))), "targetAddress"),
            std::vector<std::string>{"SMTP:" + rows[4].primary_smtp});
  EXPECT_EQ(ValuesOf(written.at(Lower(dn(3))), "msExchMailboxGuid"),
            std::vector<std::string>{Guid::Parse(rows[2].exchange_guid)->AdBytes()});
  EXPECT_EQ(ValuesOf(written.at(Lower(dn(6))), "proxyAddresses").size(),
            ValuesOf(before.at(Lower(dn(6))), "proxyAddresses").size() + X500sOf(rows[5]).size() - 1);

  const ProcessResult rollback = Agent({"rollback", "1"});
  ASSERT_EQ(rollback.exit_code, 0) << Explain(rollback);
  EXPECT_NE(rollback.out.find("rollback run 2 of run 1: restored 60 object(s)"), std::string::npos)
      << Explain(rollback);
  auto after_text = SearchLdif(lab_, lab_.target_ou, "(objectClass=user)", Attributes());
  ASSERT_TRUE(after_text);
  // Every value byte-identical, in the same order (attribute order within an entry is the server's choice).
  EXPECT_EQ(*ParseLdif(*after_text), before);

  // A second rollback of the same run has nothing to do.
  const ProcessResult again = Agent({"rollback", "1"});
  ASSERT_EQ(again.exit_code, 0) << Explain(again);
  EXPECT_NE(
      again.out.find("restored 0 object(s), 0 partly (attributes changed since), 60 had nothing to restore"),
      std::string::npos)
      << Explain(again);
  EXPECT_EQ(SearchOu(Attributes()), before);

  // Write again (run 4), then an admin changes user 8's mailbox GUID: the rollback of run 4 leaves that
  // attribute alone (and says so) but restores user 8's proxies and every other user.
  const ProcessResult rewrite = Agent({"write", file, "--overwrite-guid"});
  ASSERT_EQ(rewrite.exit_code, 0) << Explain(rewrite);
  const std::string admin_guid = GuidFor("admin", 8).AdBytes();
  ASSERT_TRUE(Modify(lab_, "dn: " + dn(8) +
                               "\nchangetype: modify\nreplace: msExchMailboxGuid\nmsExchMailboxGuid:: " +
                               Base64Encode(admin_guid) + "\n-\n"));
  const ProcessResult partial = Agent({"rollback", "4", "--format", "json"});
  ASSERT_EQ(partial.exit_code, 1) << Explain(partial);
  const nlohmann::json report = ParseJson(partial.out);
  ASSERT_FALSE(report.is_discarded()) << partial.out;
  bool saw_refusal = false;
  for (const auto& o : report["objects"]) {
    if (Lower(o["dn"].get<std::string>()) != Lower(dn(8))) continue;
    EXPECT_EQ(o["state"], "partial");
    for (const auto& a : o["attributes"]) {
      if (a["attribute"] == "msExchMailboxGuid") {
        EXPECT_EQ(a["verdict"], "refused");
        saw_refusal = true;
      } else {
        EXPECT_EQ(a["verdict"], "revert") << a.dump();
      }
    }
  }
  EXPECT_TRUE(saw_refusal) << partial.out;
  const Dump restored = SearchOu(Attributes());
  Attrs expect8 = before.at(Lower(dn(8)));
  expect8["msexchmailboxguid"] = {admin_guid};
  EXPECT_EQ(restored.at(Lower(dn(8))), expect8);
  for (int n = 1; n <= 60; ++n) {
    if (n != 8) {
      EXPECT_EQ(restored.at(Lower(dn(n))), before.at(Lower(dn(n)))) << "user " << n;
    }
  }

  const ProcessResult runs = Agent({"runs", "--format", "json"});
  ASSERT_EQ(runs.exit_code, 0) << Explain(runs);
  const nlohmann::json listed = ParseJson(runs.out);
  ASSERT_EQ(listed["runs"].size(), 5u);
  EXPECT_EQ(listed["runs"][1]["kind"], "rollback");
  EXPECT_EQ(listed["runs"][1]["rollback_of"], 1);
  EXPECT_EQ(listed["runs"][4]["rollback_of"], 4);
}

}  // namespace
}  // namespace ctim::core_lab
