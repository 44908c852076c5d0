// plan and write with [cloud] configured, against the real HTTPS cloud emulator (its own, on ephemeral ports,
// syncing a scratch OU of the lab): the Graph keys are consulted, a row whose target id the tenant does not
// know is refused by the cloud check, the rows the emulator's CTIM export spoils are refused or skipped, and
// `verify` then finds in Exchange Online exactly what `write` wrote (recorded in the journal, shown by
// `show`); a user whose source of authority was moved to the cloud is refused by `plan` and WRONG at
// `verify`.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "core_lab.h"
#include "verify_lab.h"

namespace ctim::testing {
namespace {

using core_lab::ProcessResult;
using core_lab::RunAgent;

class CoreCloud : public ::testing::Test {
 protected:
  static constexpr int kUsers = 12;

  void SetUp() override {
    lab_ = ReadLabEnv();
    ASSERT_TRUE(lab_);
    auto core = core_lab::ReadLab();
    ASSERT_TRUE(core) << core.error().ToString();
    users_ = std::make_unique<ScratchUsers>(*lab_, "core-cloud", kUsers);
    ASSERT_TRUE(users_->ok());
    Emulator::Options options;
    options.sync_scope = users_->ou();
    emu_ = std::make_unique<Emulator>(&*lab_, options);
    ASSERT_TRUE(emu_->ok());
    ASSERT_EQ(emu_->Sync().value("created", -1), kUsers);  // also writes msDS-ExternalDirectoryObjectId back
    const Json ctim = emu_->Control("GET", "/ctim/identities?seed=7&bad=1");
    ASSERT_EQ(ctim.value("rows", 0), kUsers) << ctim.dump();
    for (const Json& b : ctim["bad_rows"]) bad_[b["kind"].get<std::string>()] = b["row"].get<int>() + 1;
    file_ = dir_.File("identities.csv");
    WriteFile(file_, ctim["csv"].get<std::string>());
    // The scratch OU is outside OU=CTIM, where svc-ctim may not write: bind as the lab administrator (simple,
    // LDAPS), with the lab's CA and Global Catalog over LDAPS.
    std::ifstream in(core->agent_config);
    std::ostringstream ldap;
    std::string line;
    bool in_ldap = false;
    while (std::getline(in, line)) {
      if (line.starts_with("[")) in_ldap = line == "[ldap]";
      if (!in_ldap || line.starts_with("[ldap]")) continue;
      if (line.starts_with("url") || line.starts_with("bind") || line.starts_with("principal") ||
          line.starts_with("keytab") || line.starts_with("base_dns") || line.starts_with("gc_url")) {
        continue;
      }
      ldap << line << "\n";
    }
    config_ = dir_.File("ctim-agent.toml");
    WriteFile(config_, "[ldap]\nurl = \"" + core->ldaps_url + "\"\nbind = \"simple\"\nbind_dn = \"" + core->admin_dn +
                           "\"\npassword_file = \"" + core->admin_password_file + "\"\ngc_url = \"ldaps://" +
                           core->ldaps_url.substr(8) + ":3269\"\nbase_dns = [\"" + users_->ou() + "\"]\n" +
                           ldap.str() + emu_->CloudToml() + "[agent]\njournal = \"" + dir_.File("journal.db") +
                           "\"\nverify_interval_seconds = 1\nverify_deadline_seconds = 120\n");
  }

  ProcessResult Agent(std::vector<std::string> args) {
    args.insert(args.end(), {"--config", config_, "--no-progress"});
    return RunAgent(args, std::chrono::seconds(300));
  }

  static std::string Explain(const ProcessResult& r) {
    return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out.substr(0, 6000) + "\n--- stderr\n" +
           r.err.substr(0, 6000);
  }

  std::optional<LabEnv> lab_;
  ScratchDir dir_{"ctim-core-cloud"};
  std::unique_ptr<ScratchUsers> users_;
  std::unique_ptr<Emulator> emu_;
  std::string file_, config_;
  std::map<std::string, int> bad_;  // kind -> file row
};

const Json* RowOf(const Json& plan, int row) {
  for (const Json& r : plan["rows"]) {
    if (r["row"] == row) return &r;
  }
  return nullptr;
}

bool Refused(const Json& plan, int row, const std::string& rule, const std::string& words = "") {
  const Json* r = RowOf(plan, row);
  if (r == nullptr) return false;
  for (const Json& f : (*r)["findings"]) {
    if (f["severity"] == "refused" && f["rule"] == rule &&
        f["message"].get<std::string>().find(words) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST_F(CoreCloud, PlanAndWriteUseTheGraphKeysAndVerifyFindsWhatWasWritten) {
  ASSERT_EQ(bad_.size(), 6u);
  const ProcessResult plan = Agent({"plan", file_, "--format", "json"});
  ASSERT_EQ(plan.exit_code, 1) << Explain(plan);
  const Json p = Json::parse(plan.out, nullptr, false);
  ASSERT_FALSE(p.is_discarded()) << Explain(plan);
  for (const Json& n : p["notes"]) {
    EXPECT_EQ(n["message"].get<std::string>().find("no cloud resolver"), std::string::npos) << n.dump();
    EXPECT_EQ(n["message"].get<std::string>().find("could not be asked"), std::string::npos) << n.dump();
  }
  // The cloud check: the tenant has no user with this target id.
  EXPECT_TRUE(Refused(p, bad_["unknown-target"], "R2", "the target tenant has no user")) << plan.out;
  EXPECT_TRUE(Refused(p, bad_["malformed-exchange-guid"], "R1"));
  EXPECT_TRUE(Refused(p, bad_["zero-exchange-guid"], "R1"));
  EXPECT_TRUE(Refused(p, bad_["legacy-dn-without-o"], "R1"));
  EXPECT_TRUE(Refused(p, bad_["duplicate-x500"], "R6"));
  EXPECT_TRUE(Refused(p, 2, "R6", "carries the same X500")) << "row 1's X500 is duplicated by a later row";
  ASSERT_NE(RowOf(p, bad_["unmapped"]), nullptr);
  EXPECT_EQ((*RowOf(p, bad_["unmapped"]))["status"], "skipped");
  const int good = kUsers - 7;
  EXPECT_EQ(p["summary"]["change"], good);
  for (const Json& r : p["rows"]) {
    if (r["status"] != "change") continue;
    EXPECT_EQ(r["matched_by"], "external-id") << r.dump();
    // The Graph keys were consulted and agree (they found the same object).
    EXPECT_NE(r["match_detail"].get<std::string>().find("onPremisesImmutableId"), std::string::npos) << r.dump();
  }

  const ProcessResult write = Agent({"write", file_});
  ASSERT_EQ(write.exit_code, 1) << Explain(write);
  EXPECT_NE(write.out.find("wrote " + std::to_string(good) + " object(s) (" + std::to_string(good) +
                           " confirmed by re-read), 0 already as planned, 6 refused, 1 skipped"),
            std::string::npos)
      << Explain(write);

  // Entra Connect carries the values to Exchange Online; verify finds every written object done.
  std::this_thread::sleep_until(std::chrono::ceil<std::chrono::seconds>(std::chrono::system_clock::now()));
  emu_->Sync();
  const ProcessResult verify = Agent({"verify", "--once", "--format", "json"});
  ASSERT_EQ(verify.exit_code, 0) << Explain(verify);
  const ProcessResult show = Agent({"show", "1", "--format", "json"});
  ASSERT_EQ(show.exit_code, 0) << Explain(show);
  const Json s = Json::parse(show.out, nullptr, false);
  ASSERT_EQ(s["intents"].size(), static_cast<std::size_t>(good));
  for (const Json& intent : s["intents"]) {
    EXPECT_EQ(intent["state"], "confirmed");
    EXPECT_FALSE(intent["target_object_id"].is_null()) << intent.dump();
    EXPECT_EQ(intent["verify"]["status"], "done") << intent.dump();
  }
}

TEST_F(CoreCloud, AUserManagedInTheCloudIsRefusedAtPlanAndWrongAtVerifyTheOthersAreDone) {
  // A clean file (no spoiled rows); the first row's target is managed in the cloud from now on.
  const Json ctim = emu_->Control("GET", "/ctim/identities?seed=11");
  const std::string clean = dir_.File("clean.csv");
  WriteFile(clean, ctim["csv"].get<std::string>());
  const ProcessResult before = Agent({"plan", clean, "--format", "json"});
  const Json p0 = Json::parse(before.out, nullptr, false);
  ASSERT_FALSE(p0.is_discarded()) << Explain(before);
  ASSERT_EQ(p0["summary"]["change"], kUsers) << Explain(before);
  const std::string managed = (*RowOf(p0, 2))["target_object_id"];
  emu_->Control("POST", "/faults/cloud-managed", {{"user", managed}, {"object", true}});

  const ProcessResult plan = Agent({"plan", clean, "--format", "json"});
  ASSERT_EQ(plan.exit_code, 1) << Explain(plan);
  const Json p = Json::parse(plan.out, nullptr, false);
  ASSERT_FALSE(p.is_discarded()) << Explain(plan);
  EXPECT_TRUE(Refused(p, 2, "R2", "managed in the cloud")) << plan.out;
  bool fix_named = false;
  for (const Json& f : (*RowOf(p, 2))["findings"]) {
    fix_named = fix_named || f["hint"].get<std::string>().find("New-CtimWriteRequest") != std::string::npos;
  }
  EXPECT_TRUE(fix_named) << RowOf(p, 2)->dump();
  EXPECT_EQ(p["summary"]["change"], kUsers - 1);

  const ProcessResult write = Agent({"write", clean});
  ASSERT_EQ(write.exit_code, 1) << Explain(write);
  std::this_thread::sleep_until(std::chrono::ceil<std::chrono::seconds>(std::chrono::system_clock::now()));
  emu_->Sync();
  // The whole file: the refused row was not written, and it never will arrive: WRONG at once, not PENDING.
  const ProcessResult verify = Agent({"verify", "--file", clean, "--once", "--format", "json"});
  EXPECT_EQ(verify.exit_code, 1) << Explain(verify);
  const Json v = Json::parse(verify.out, nullptr, false);
  ASSERT_FALSE(v.is_discarded()) << Explain(verify);
  EXPECT_EQ(v["summary"]["done"], kUsers - 1) << verify.out;
  EXPECT_EQ(v["summary"]["wrong"], 1) << verify.out;
  for (const Json& u : v["users"]) {
    if (u["target_object_id"] != managed) continue;
    EXPECT_EQ(u["status"], "wrong") << u.dump();
    EXPECT_NE(u["reason"].get<std::string>().find("isCloudManaged"), std::string::npos) << u.dump();
    EXPECT_NE(u["hint"].get<std::string>().find("New-CtimWriteRequest"), std::string::npos) << u.dump();
  }
}

}  // namespace
}  // namespace ctim::testing
