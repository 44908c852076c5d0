// The commands as processes: --help texts, exit codes (2 bad input, 3 AD unreachable or bind refused,
// 2 unknown run), and SIGTERM during a write: exit 5, the run "stopped" with every sent change resolved, and
// the next write completes what was not attempted.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "core_fixture.h"

namespace ctim::core_lab {
namespace {

class CoreCli : public CoreLabTest {};

TEST_F(CoreCli, EveryCommandHasHelpForEveryOption) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> expected = {
      {"plan", {"--format", "--overwrite-guid", "--elc-file", "--config", "--log-level", "--no-progress"}},
      {"write", {"--format", "--overwrite-guid", "--elc-file", "--journal", "--batch-size", "--config"}},
      {"rollback", {"--format", "--journal", "--batch-size"}},
      {"runs", {"--format", "--journal"}},
      {"show", {"--format", "--journal"}},
  };
  for (const auto& [command, options] : expected) {
    const ProcessResult r = RunAgent({command, "--help"});
    ASSERT_EQ(r.exit_code, 0) << command << "\n" << Explain(r);
    EXPECT_NE(r.out.find("Exit status:"), std::string::npos) << command << "\n" << r.out;
    for (const std::string& o : options) EXPECT_NE(r.out.find(o), std::string::npos) << command << " " << o;
  }
  const ProcessResult usage = RunAgent({"--help"});
  for (const char* command : {"plan", "write", "rollback", "runs", "show"}) {
    EXPECT_NE(usage.out.find(std::string("  ") + command + " "), std::string::npos) << usage.out;
  }
}

TEST_F(CoreCli, BadInputExitsTwoAndUnreachableOrRefusedAdExitsThree) {
  const std::vector<SeededUser> users = PristineSeeded(5);
  ASSERT_EQ(users.size(), 5u);
  const std::string file = WriteFile(RowsFor(users));

  // A file re-saved with ';' (regional Excel): refused as a whole, nothing planned, no journal created.
  const std::string semicolons = tmp_.File("semicolons.csv");
  std::ofstream(semicolons) << "ExchangeGuid;LegacyExchangeDN;TargetExternalDirectoryObjectId\r\n";
  ProcessResult r = Agent({"write", semicolons});
  EXPECT_EQ(r.exit_code, 2) << Explain(r);
  EXPECT_NE(r.err.find("comma"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(journal_));
  r = Agent({"plan", tmp_.File("missing.csv")}, false);
  EXPECT_EQ(r.exit_code, 2) << Explain(r);
  r = Agent({"plan", file, "--format", "xml"}, false);
  EXPECT_EQ(r.exit_code, 2) << Explain(r);
  r = Agent({"write", file, "--batch-size", "0"});
  EXPECT_EQ(r.exit_code, 2) << Explain(r);

  // Nothing listens on port 1: unreachable.
  const std::string down = ConfigVariant("down.toml", [](const std::string& line) -> std::string {
    return line.starts_with("url =") ? "url = \"ldap://127.0.0.1:1\"" : line;
  });
  r = Agent({"write", file, "--config", down});
  EXPECT_EQ(r.exit_code, 3) << Explain(r);
  // A simple bind whose Global Catalog URL is plain ldap:// would send the password in clear: refused
  // before any connection, naming the key.
  const std::string plain_gc = ConfigVariant("plain-gc.toml", [&](const std::string& line) -> std::string {
    if (line.starts_with("url =")) return "url = \"" + lab_.ldaps_url + "\"";
    if (line.starts_with("bind =")) {
      return "bind = \"simple\"\nbind_dn = \"" + lab_.svc_dn + "\"\npassword_file = \"" +
             lab_.svc_password_file + "\"";
    }
    return line.starts_with("keytab") || line.starts_with("principal") ? "" : line;
  });
  r = Agent({"plan", file, "--config", plain_gc}, false);
  EXPECT_EQ(r.exit_code, 2) << Explain(r);
  EXPECT_NE(r.err.find("gc_url ldap://"), std::string::npos) << r.err;
  // A wrong password: the bind is refused.
  const std::string bad_password = tmp_.File("bad.password");
  std::ofstream(bad_password) << "not-the-password\n";
  std::filesystem::permissions(bad_password,
                               std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const std::string refused = ConfigVariant("refused.toml", [&](const std::string& line) -> std::string {
    if (line.starts_with("url =")) return "url = \"" + lab_.ldaps_url + "\"";
    if (line.starts_with("bind =")) {
      return "bind = \"simple\"\nbind_dn = \"" + lab_.svc_dn + "\"\npassword_file = \"" + bad_password + "\"";
    }
    if (line.starts_with("gc_url")) return "gc_url = \"ldaps://" + lab_.ldaps_url.substr(8) + ":3269\"";
    return line.starts_with("keytab") || line.starts_with("principal") ? "" : line;
  });
  r = Agent({"plan", file, "--config", refused}, false);
  EXPECT_EQ(r.exit_code, 3) << Explain(r);
  EXPECT_NE(r.err.find("Invalid credentials"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("not-the-password"), std::string::npos) << "the password reached the output";

  // Journal views: no journal yet, unknown run, not a run id.
  r = Agent({"runs"});
  EXPECT_EQ(r.exit_code, 2) << Explain(r);
  ASSERT_EQ(Agent({"write", file}).exit_code, 0);
  r = Agent({"show", "99"});
  EXPECT_EQ(r.exit_code, 2) << Explain(r);
  r = Agent({"rollback", "99"});
  EXPECT_EQ(r.exit_code, 2) << Explain(r);
  r = Agent({"show", "first"});
  EXPECT_EQ(r.exit_code, 2) << Explain(r);
  r = Agent({"runs"});
  EXPECT_EQ(r.exit_code, 0) << Explain(r);
  EXPECT_NE(r.out.find("1  write  finished"), std::string::npos) << r.out;
}

TEST_F(CoreCli, SigtermStopsAfterTheCurrentBatchAndTheNextWriteFinishesTheJob) {
  constexpr int kUsers = 300;
  const std::vector<SeededUser> users = PristineSeeded(kUsers);
  ASSERT_EQ(users.size(), static_cast<std::size_t>(kUsers));
  const std::string file = WriteFile(RowsFor(users));
  auto child = Child::Spawn({AgentBinary(), "write", file, "--journal", journal_, "--batch-size", "1",
                             "--config", config_, "--log-format", "json"},
                            tmp_.File("out"), tmp_.File("err"));
  ASSERT_TRUE(child) << child.error().ToString();
  // Wait (bounded) until the run has sent something, then ask it to stop.
  bool sending = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!sending && child->Alive() && std::chrono::steady_clock::now() < deadline) {
    const ProcessResult show = RunAgent({"show", "1", "--format", "json", "--journal", journal_});
    if (show.exit_code == 0) {
      const nlohmann::json j = ParseJson(show.out);
      sending = !j.is_discarded() && !j["intents"].empty();
    }
    if (!sending) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(sending) << "the write finished or never started sending; see " << tmp_.File("err");
  child->Signal(SIGTERM);
  const ProcessResult stopped = child->Wait(std::chrono::seconds(60));
  ASSERT_FALSE(stopped.timed_out);
  EXPECT_EQ(stopped.exit_code, 5);

  const ProcessResult show = Agent({"show", "1", "--format", "json"});
  ASSERT_EQ(show.exit_code, 0) << Explain(show);
  const nlohmann::json j = ParseJson(show.out);
  EXPECT_EQ(j["run"]["state"], "stopped");
  EXPECT_NE(j["run"]["summary"].get<std::string>().find("not attempted"), std::string::npos)
      << j["run"].dump();
  const std::size_t sent = j["intents"].size();
  EXPECT_GT(sent, 0u);
  EXPECT_LT(sent, static_cast<std::size_t>(kUsers));
  for (const auto& intent : j["intents"]) EXPECT_EQ(intent["state"], "confirmed") << intent.dump();
  std::size_t written = 0;
  for (const auto& [dn, attrs] : SearchOu()) written += ValuesOf(attrs, "msExchMailboxGuid").empty() ? 0 : 1;
  EXPECT_EQ(written, sent) << "AD and the journal disagree on what the stopped run wrote";

  const ProcessResult rest = Agent({"write", file});
  ASSERT_EQ(rest.exit_code, 0) << Explain(rest);
  EXPECT_NE(rest.out.find("wrote " + std::to_string(kUsers - sent) + " object(s)"), std::string::npos)
      << rest.out;
  EXPECT_NE(rest.out.find(std::to_string(sent) + " already as planned"), std::string::npos) << rest.out;
}

}  // namespace
}  // namespace ctim::core_lab
