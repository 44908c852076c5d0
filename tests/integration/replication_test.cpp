// Replication against a real second DC: the agent writes to the lab's DC1 while the emulated Entra Connect
// reads DC2 (tests/lab/lab.sh up-dc2: a Samba DC joined to the lab domain, replicating only on `lab.sh
// dc2-replicate`). While DC2 lacks the written values, `verify` says PENDING "replicating to dc2.lab.example"
// for every object, never WRONG, even after sync cycles that read DC2's old values; once DC2 has them and a
// cycle carried them, DONE. And `doctor` has a row per sync-source DC. DC2 is brought up here only (it costs
// a join).
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <sstream>

#include "verify_fixture.h"

namespace ctim::testing {
namespace {

using namespace std::chrono_literals;

const std::string kDc2 = "dc2.lab.example";

std::string Lab(const std::string& command) {
  return std::string(CTIM_SOURCE_DIR) + "/tests/lab/lab.sh " + command;
}

// Runs `lab.sh <command>`; FAILS the test (with its output) when it does not succeed.
bool RunLab(const std::string& command, std::chrono::seconds timeout = 180s) {
  const Ran ran = RunProcess({std::string(CTIM_SOURCE_DIR) + "/tests/lab/lab.sh", command}, {}, "", timeout);
  EXPECT_EQ(ran.exit_code, 0) << Lab(command) << ":\n" << ran.out << ran.err;
  return ran.exit_code == 0;
}

// The [ldap] section of the lab's agent config ($CTIM_AGENT_CONFIG), without anything after it.
std::string LabLdapSection() {
  const char* path = std::getenv("CTIM_AGENT_CONFIG");
  EXPECT_NE(path, nullptr) << "CTIM_AGENT_CONFIG is not set (eval \"$(tests/lab/lab.sh env)\")";
  if (path == nullptr) return "";
  std::istringstream in(ReadFile(path));
  std::string out;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("[")) inside = line == "[ldap]";
    if (inside) out += line + "\n";
  }
  EXPECT_FALSE(out.empty()) << path << " has no [ldap] section";
  return out;
}

class ReplicationLabTest : public VerifyLabTest {
 protected:
  void SetUp() override {
    lab_ = ReadLabEnv();
    ASSERT_TRUE(lab_);
    ASSERT_TRUE(RunLab("up-dc2"));
    dc2_up_ = true;
    users_ = std::make_unique<ScratchUsers>(*lab_, "repl", kUsers);
    ASSERT_TRUE(users_->ok());
    ASSERT_TRUE(RunLab("dc2-replicate"));
    // Entra Connect reads DC2 (its "preferred domain controller"), over LDAPS with the lab CA.
    LabEnv dc2 = *lab_;
    dc2.ldaps_url = "ldaps://" + kDc2;
    Emulator::Options options;
    options.sync_scope = users_->ou();
    emu_ = std::make_unique<Emulator>(&dc2, options);
    ASSERT_TRUE(emu_->ok());
    ASSERT_EQ(emu_->Sync().value("created", -1), kUsers) << emu_->Log();
    const Json ctim = emu_->Control("GET", "/ctim/identities?seed=7");
    ASSERT_EQ(ctim.value("rows", 0), kUsers) << ctim.dump();
    file_ = dir_.File("identities.csv");
    WriteFile(file_, ctim["csv"].get<std::string>());
    auto set = agent::ExpectationsFromFile(file_, agent::ReaderOptions{});
    ASSERT_TRUE(set) << set.error().ToString();
    std::map<std::string, Json> records;
    const Json users = emu_->Control("GET", "/users");  // kept: a range-for over a temporary's member dangles
    for (const Json& r : users["users"]) records[r["id"].get<std::string>()] = r;
    for (const agent::Expectation& e : set->expectations) {
      const Json& r = records[e.target_object_id.ToString()];
      ASSERT_TRUE(r.is_object()) << "no cloud record for " << e.target_object_id.ToString();
      targets_.push_back({e, r["dn"], *Guid::Parse(r["ad_guid"].get<std::string>()), r["upn"]});
    }
    journal_ = dir_.File("journal.db");
    const std::string ldap = LabLdapSection();
    config_ = WriteConfig(ldap + "sync_source_urls = [\"ldap://" + kDc2 + "\"]\n\n" + emu_->CloudToml(),
                          "with-sync-source.toml");
    // The same agent, not told that Entra Connect reads DC2: what verify said before sync_source_urls.
    unaware_ = WriteConfig(ldap + "\n" + emu_->CloudToml(), "unaware.toml");
  }

  void TearDown() override {
    if (dc2_up_) RunLab("down-dc2");
  }

  // Only msExchMailboxGuid = another GUID per user (the state before the migration's write).
  std::string OldGuidsLdif() const {
    std::string ldif;
    for (std::size_t i = 0; i < targets_.size(); ++i) {
      ldif += "dn: " + targets_[i].dn +
              "\nchangetype: modify\nreplace: msExchMailboxGuid\nmsExchMailboxGuid:: " +
              Base64(OldGuid(i).AdBytes()) + "\n-\n\n";
    }
    return ldif;
  }
  static Guid OldGuid(std::size_t i) {
    return *Guid::Parse("01d00000-0000-4000-8000-00000000000" + std::to_string(i));
  }

  // `verify --once --format json` with `config`: the statuses and reasons by user index.
  std::vector<std::pair<std::string, std::string>> VerifyOnce(const std::string& config,
                                                              int* exit_code = nullptr) {
    const Ran ran = Verify({"--once", "--format", "json"}, config);
    if (exit_code != nullptr) *exit_code = ran.exit_code;
    const Json report = Report(ran);
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t i = 0; i < targets_.size(); ++i) {
      const Json& u = UserOf(report, i);
      out.emplace_back(u.value("status", ""), u.value("reason", ""));
    }
    return out;
  }

  bool dc2_up_ = false;
  std::string unaware_;
};

// One test, so DC2 is joined once: verify through the replication lag, then doctor's rows.
TEST_F(ReplicationLabTest, ALaggingSyncSourceIsReplicatingNeverWrongThenDoneAndDoctorHasItsRow) {
  // Before the write: every DC and the cloud hold an older ExchangeGuid.
  ASSERT_TRUE(users_->Modify(OldGuidsLdif()));
  ASSERT_TRUE(RunLab("dc2-replicate"));
  emu_->Sync();
  // The write goes to DC1 (journaled as a run); DC2 does not replicate until told to.
  WriteAllAsRun();
  // Two cycles end after the write, both reading DC2, where the old values still are. Told nothing of DC2,
  // verify calls every user WRONG after the second: the race sync_source_urls is there to avoid.
  emu_->Sync();
  NextSecond();
  for (const auto& [status, reason] : VerifyOnce(unaware_)) EXPECT_EQ(status, "pending") << reason;
  emu_->Sync();
  NextSecond();
  for (const auto& [status, reason] : VerifyOnce(unaware_)) EXPECT_EQ(status, "wrong") << reason;

  // Told that Entra Connect reads DC2: PENDING, replicating, for every user.
  int code = -1;
  for (const auto& [status, reason] : VerifyOnce(config_, &code)) {
    EXPECT_EQ(status, "pending") << reason;
    EXPECT_TRUE(reason.starts_with("replicating to " + kDc2 + " (it does not hold ExchangeGuid")) << reason;
  }
  EXPECT_EQ(code, 1);

  // DC2 catches up. The cycles so far read it before that: still PENDING (not WRONG), now for the cloud.
  ASSERT_TRUE(RunLab("dc2-replicate"));
  for (const auto& [status, reason] : VerifyOnce(config_)) {
    EXPECT_EQ(status, "pending") << reason;
    EXPECT_EQ(reason.find("replicating"), std::string::npos) << reason;
  }
  // A cycle reads DC2 with the values: DONE.
  NextSecond();
  emu_->Sync();
  for (const auto& [status, reason] : VerifyOnce(config_, &code)) EXPECT_EQ(status, "done") << reason;
  EXPECT_EQ(code, 0);

  // doctor: a row per sync-source DC; 127.0.0.9 has none.
  const std::string doctor =
      WriteConfig(LabLdapSection() + "sync_source_urls = [\"ldap://" + kDc2 + "\", \"ldap://127.0.0.9\"]\n",
                  "doctor.toml");
  const Ran ran = RunProcess({CTIM_AGENT_BIN, "doctor", "--config", doctor, "--no-progress"}, {}, "", 120s);
  EXPECT_EQ(ran.exit_code, 1) << ran.out << ran.err;
  std::istringstream rows(ran.out);
  std::string dc2_row, missing_row;
  for (std::string line; std::getline(rows, line);) {
    if (line.starts_with("sync source " + kDc2)) dc2_row = line;
    if (line.starts_with("sync source 127.0.0.9")) missing_row = line;
  }
  EXPECT_NE(dc2_row.find("PASS"), std::string::npos) << ran.out;
  std::string lower = dc2_row;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_NE(lower.find("dc " + kDc2 + " of dc=lab,dc=example"), std::string::npos) << dc2_row;
  EXPECT_NE(missing_row.find("FAIL"), std::string::npos) << ran.out;
}

}  // namespace
}  // namespace ctim::testing
