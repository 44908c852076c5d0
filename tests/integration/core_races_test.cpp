// Races between the plan and the modify, on the real Samba DC: `write`'s own code path (service::PlanFile,
// then agent::WritePlan over the real AD adapter), with an administrator's change made through ldapmodify
// at the one moment a process test cannot reach: after the plan was built and just before the first batch
// of modifies goes out. The directory given to WritePlan is the real adapter; the hook only runs the
// administrator's ldapmodify once before passing the call on.
//   - The planned object is renamed and moved, and another object takes its old DN: every modify is
//     addressed by objectGUID, so the change lands on the planned object and the other one is untouched;
//     the report names the object by its new DN.
//   - An administrator sets a value the plan was about to set, or adds a value the plan was about to add:
//     the compare-and-swap is refused by Samba, the object is re-read and re-planned, nothing is overwritten.
#include <functional>
#include <stop_token>

#include "agent/model/attributes.h"
#include "agent/journal/journal.h"
#include "agent/model/progress.h"
#include "agent/apply/writer.h"
#include "common/base64.h"
#include "core_fixture.h"
#include "service/config.h"
#include "service/plan_file.h"

namespace ctim::core_lab {
namespace {

// The real directory, with `hook` run once before the first ApplyModifies is passed on.
class HookBeforeFirstModify final : public agent::Directory {
 public:
  HookBeforeFirstModify(agent::Directory& real, std::function<void()> hook)
      : real_(real), hook_(std::move(hook)) {}

  Status LoadCandidates(std::span<const std::string> base_dns, std::span<const std::string> attributes,
                        const std::function<Status(agent::DirectoryObject&&)>& visit) override {
    return real_.LoadCandidates(base_dns, attributes, visit);
  }
  Result<std::vector<std::optional<agent::DirectoryObject>>> ReadByGuids(
      std::span<const Guid> guids, std::span<const std::string> attributes) override {
    return real_.ReadByGuids(guids, attributes);
  }
  Result<std::vector<agent::ProxyOwner>> FindProxyOwners(const std::set<std::string>& values) override {
    return real_.FindProxyOwners(values);
  }
  bool ProxyOwnersForestWide() const override { return real_.ProxyOwnersForestWide(); }
  std::vector<Status> ApplyModifies(std::span<const agent::ModifyRequest> requests) override {
    if (hook_) {
      auto hook = std::move(hook_);
      hook_ = nullptr;
      hook();
    }
    return real_.ApplyModifies(requests);
  }

 private:
  agent::Directory& real_;
  std::function<void()> hook_;
};

class CoreRaces : public CoreLabTest {
 protected:
  // What `ctim-agent write FILE` does in-process, with `hook` between the plan and the first modify.
  Result<agent::WriteReport> WriteWithHook(const std::string& file, std::function<void()> hook) {
    auto config = service::LoadConfig(config_);
    if (!config) return std::unexpected(config.error());
    service::PlanArgs args;
    args.file = file;
    auto planned = service::PlanFile(*config, args, std::stop_token());
    if (!planned) return std::unexpected(planned.error());
    auto journal = agent::Journal::Open(journal_);
    if (!journal) return std::unexpected(journal.error());
    HookBeforeFirstModify directory(*planned->directory, std::move(hook));
    agent::WriteSettings settings;
    settings.plan = planned->settings.plan;
    settings.attributes = agent::attr::CandidateAttributes(planned->settings.match.anchor_attribute);
    agent::NullProgress progress;
    return agent::WritePlan(planned->plan, planned->identities.rows, directory, *journal,
                            agent::RunInfo{agent::RunKind::kWrite, file, "00", "{}", {}}, settings, progress,
                            std::stop_token());
  }

  // The single seeded object whose objectGUID is `guid_b64` (wherever it is now), as the Administrator sees
  // it.
  std::pair<std::string, Attrs> ByGuid(const std::string& guid_b64) {
    const auto guid = Guid::FromAdBytes(*Base64Decode(guid_b64));
    auto found = Search(lab_, "<GUID=" + guid->ToString() + ">", "(objectClass=user)", WrittenAttributes());
    if (!found || found->size() != 1) {
      ADD_FAILURE() << "object " << guid->ToString() << ": "
                    << (found ? std::to_string(found->size()) + " found" : found.error().ToString());
      return {};
    }
    return *found->begin();
  }
};

std::string Rdn(const std::string& dn) { return dn.substr(0, dn.find(',')); }

TEST_F(CoreRaces, AnObjectRenamedAndMovedBeforeTheModifyGetsTheChangeNotTheObjectNowAtItsOldDn) {
  const std::vector<SeededUser> users = PristineSeeded(6);
  ASSERT_EQ(users.size(), 6u);
  // Only user 3 is in the file; user 4 will take user 3's old DN.
  const CtimRow row = RowFor(users[2], 3);
  const std::string file = WriteFile({row});
  const std::string moved_ou = "OU=moved," + lab_.target_ou;
  const std::string old_dn = users[2].dn;
  const std::string new_dn = "CN=renamed-user3," + moved_ou;
  const Attrs other_before = SearchOu().at(Lower(users[3].dn));

  auto report = WriteWithHook(file, [&] {
    std::string ldif = "dn: " + moved_ou + "\nchangetype: add\nobjectClass: organizationalUnit\n\n";
    ldif += "dn: " + old_dn +
            "\nchangetype: modrdn\nnewrdn: CN=renamed-user3\ndeleteoldrdn: 1\nnewsuperior: " + moved_ou +
            "\n\n";
    ldif += "dn: " + users[3].dn + "\nchangetype: modrdn\nnewrdn: " + Rdn(old_dn) + "\ndeleteoldrdn: 1\n\n";
    const Status s = Modify(lab_, ldif);
    ASSERT_TRUE(s) << s.error().ToString();
  });
  ASSERT_TRUE(report) << report.error().ToString();
  ASSERT_EQ(report->rows.size(), 1u);
  EXPECT_EQ(report->rows[0].state, agent::RowWriteState::kConfirmed)
      << report->Summary() << " " << report->rows[0].detail;
  // The row's own change set (not the plan's) names the object where it is now.
  ASSERT_TRUE(report->rows[0].change_set) << "the report keeps the plan's DN for a moved object";
  EXPECT_EQ(Lower(report->rows[0].change_set->dn), Lower(new_dn))
      << "the report names the object where it is now";

  // The planned object, now elsewhere, holds the row's values.
  const auto [found_dn, planned] = ByGuid(users[2].object_guid_b64);
  EXPECT_EQ(Lower(found_dn), Lower(new_dn));
  EXPECT_EQ(ValuesOf(planned, "msExchMailboxGuid"),
            std::vector<std::string>{Guid::Parse(row.exchange_guid)->AdBytes()});
  for (const std::string& x500 : X500sOf(row)) {
    EXPECT_TRUE(HoldsOnceExactly(ValuesOf(planned, "proxyAddresses"), x500)) << x500;
  }
  // The object that now holds the old DN is user 4, untouched.
  const auto [other_dn, other] = ByGuid(users[3].object_guid_b64);
  EXPECT_EQ(Lower(other_dn), Lower(old_dn));
  EXPECT_EQ(other, other_before) << "the object now at the planned DN was changed";
}

TEST_F(CoreRaces, AnAdminChangeBetweenPlanAndModifyIsRefusedByTheCompareAndSwapAndReplanned) {
  const std::vector<SeededUser> users = PristineSeeded(6);
  ASSERT_EQ(users.size(), 6u);
  const std::vector<CtimRow> rows = RowsFor(users);
  const std::string file = WriteFile(rows);
  // User 5: the admin sets another msExchMailboxGuid (the plan's `set` must not overwrite it: R4 on re-plan).
  // User 6: the admin adds the row's X500 (the plan's add must not duplicate it: re-planned without it).
  const std::string admin_guid = GuidFor("admin", 5).AdBytes();
  const std::string x500 = X500sOf(rows[5])[0];
  auto report = WriteWithHook(file, [&] {
    std::string ldif =
        "dn: " + users[4].dn +
        "\nchangetype: modify\nreplace: msExchMailboxGuid\nmsExchMailboxGuid:: " + Base64Encode(admin_guid) +
        "\n-\n\n";
    ldif += "dn: " + users[5].dn + "\nchangetype: modify\nadd: proxyAddresses\nproxyAddresses: " + x500 +
            "\n-\n\n";
    const Status s = Modify(lab_, ldif);
    ASSERT_TRUE(s) << s.error().ToString();
  });
  ASSERT_TRUE(report) << report.error().ToString();
  ASSERT_EQ(report->rows.size(), 6u);
  EXPECT_EQ(report->rows[4].state, agent::RowWriteState::kRefused) << report->rows[4].detail;
  EXPECT_EQ(report->rows[5].state, agent::RowWriteState::kConfirmed) << report->rows[5].detail;
  EXPECT_EQ(report->rows[5].attempts, 2) << "user 6 was re-planned after the refused add";
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(report->rows[i].state, agent::RowWriteState::kConfirmed) << i;

  const Dump after = SearchOu();
  EXPECT_EQ(ValuesOf(after.at(Lower(users[4].dn)), "msExchMailboxGuid"), std::vector<std::string>{admin_guid})
      << "the admin's value was overwritten";
  EXPECT_TRUE(HoldsOnceExactly(ValuesOf(after.at(Lower(users[5].dn)), "proxyAddresses"), x500));
  EXPECT_EQ(ValuesOf(after.at(Lower(users[5].dn)), "msExchMailboxGuid"),
            std::vector<std::string>{Guid::Parse(rows[5].exchange_guid)->AdBytes()});

  // The journal: the first attempt of both ended in `conflict`, from Samba's refusal.
  auto journal = agent::Journal::Open(journal_);
  ASSERT_TRUE(journal) << journal.error().ToString();
  auto intents = journal->RunIntents(report->run);
  ASSERT_TRUE(intents) << intents.error().ToString();
  std::size_t conflicts = 0;
  for (const agent::IntentView& v : *intents)
    conflicts += v.HasOutcome(agent::OutcomeState::kConflict) ? 1 : 0;
  EXPECT_EQ(conflicts, 2u);
}

}  // namespace
}  // namespace ctim::core_lab
