// `ctim-agent verify` as a process: exit codes, SIGINT, and what its logs must never contain.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <thread>

#include "verify_fixture.h"

namespace ctim::testing {
namespace {

using namespace std::chrono_literals;

// Every line of the PEM body of `path` (base64 of the key or certificate), for leak checks.
std::vector<std::string> PemBodyLines(const std::string& path) {
  std::vector<std::string> lines;
  std::istringstream in(ReadFile(path));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.find("-----") == std::string::npos && line.size() >= 16) lines.push_back(line);
  }
  return lines;
}

TEST_F(VerifyLabTest, BadInputExitsTwo) {
  EXPECT_EQ(Verify({"--file", dir_.File("missing.csv"), "--once"}).exit_code, 2);
  EXPECT_EQ(Verify({"3", "--file", file_, "--once"}).exit_code, 2);
  const Ran no_journal = Verify({"--once"});
  EXPECT_EQ(no_journal.exit_code, 2);
  EXPECT_NE(no_journal.err.find("no journal"), std::string::npos) << no_journal.err;
  WriteAllAsRun();
  const Ran unknown_run = Verify({"999", "--once"});
  EXPECT_EQ(unknown_run.exit_code, 2);
  EXPECT_NE(unknown_run.err.find("no run 999"), std::string::npos) << unknown_run.err;
  EXPECT_EQ(Verify({"--file", file_, "--once", "--format", "xml"}).exit_code, 2);
  EXPECT_EQ(Verify({"--file", file_, "--once", "--interval", "0"}).exit_code, 2);
  const std::string no_cloud = dir_.File("no-cloud.toml");
  WriteFile(no_cloud, "[agent]\njournal = \"" + journal_ + "\"\n");
  const Ran ran = Verify({"--file", file_, "--once"}, no_cloud);
  EXPECT_EQ(ran.exit_code, 2);
  EXPECT_NE(ran.err.find("no [cloud] section"), std::string::npos) << ran.err;
}

TEST_F(VerifyLabTest, AnExpiredCertificateExitsThreeAndSaysWhy) {
  const std::string config = WriteConfig(emu_->CloudToml(emu_->File("app-cert-expired.pem")), "expired.toml");
  const Ran ran = Verify({"--file", file_, "--once"}, config);
  EXPECT_EQ(ran.exit_code, 3) << ran.out << ran.err;
  EXPECT_NE(ran.err.find("expired"), std::string::npos) << ran.err;  // the start-up warning
  EXPECT_NE(ran.err.find("AADSTS700027"), std::string::npos) << ran.err;
}

TEST_F(VerifyLabTest, AnUnreachableCloudExitsThree) {
  // The token authority is where every pass starts; nothing listens on port 1. The agent retries with
  // backoff (8 attempts, about 40 s), then gives up with exit 3.
  std::string cloud = emu_->CloudToml();
  const std::string login = emu_->Url("login");
  cloud.replace(cloud.find(login), login.size(), "https://127.0.0.1:1");
  const Ran ran = Verify({"--file", file_, "--once"}, WriteConfig(cloud, "unreachable.toml"), 300s);
  EXPECT_EQ(ran.exit_code, 3) << ran.out << ran.err;
  EXPECT_NE(ran.err.find("127.0.0.1:1"), std::string::npos) << ran.err;
  EXPECT_NE(ran.err.find("gave up"), std::string::npos) << ran.err;
}

TEST_F(VerifyLabTest, SigintStopsPollingPromptly) {
  std::vector<std::string> argv = {CTIM_AGENT_BIN, "verify", "--file", file_, "--interval", "3600", "--deadline",
                                   "7200", "--config", config_, "--no-progress", "--log-format", "json"};
  Process verify(argv, {}, dir_.path().string());
  // Bounded wait until the first pass is done (the values are not written: everything stays pending).
  const auto until = std::chrono::steady_clock::now() + 60s;
  while (verify.Running() && verify.Stderr().find("verify pass 1") == std::string::npos &&
         std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_NE(verify.Stderr().find("verify pass 1"), std::string::npos) << verify.Stderr();
  verify.Signal(SIGINT);
  const auto code = verify.Wait(15s);
  ASSERT_TRUE(code) << "verify did not stop within 15 s of SIGINT";
  EXPECT_EQ(*code, 5) << verify.Stderr();
  EXPECT_NE(verify.Stdout().find("stopped before every object was DONE or WRONG"), std::string::npos)
      << verify.Stdout();
}

TEST_F(VerifyLabTest, DebugLogsCarryNoTokenAssertionKeyOrAuthorizationHeader) {
  WriteAll();
  emu_->Sync();
  const std::string secret_file = dir_.File("client-secret");
  const std::string secret = emu_->app()["client_secret"];
  WriteFile(secret_file, secret + "\n");
  std::filesystem::permissions(secret_file,
                               std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::string secret_cloud = emu_->CloudToml();
  secret_cloud.replace(secret_cloud.find("certificate_file"), 0, "client_secret_file = \"" + secret_file + "\"\n#");
  secret_cloud.replace(secret_cloud.find("private_key_file"), 0, "#");
  std::string logs;
  for (const std::string& config : {config_, WriteConfig(secret_cloud, "secret.toml")}) {
    for (const char* format : {"json", "text"}) {
      emu_->Control("POST", "/faults/expire-tokens");  // also exercise a 401 and a second token request
      const Ran ran = Verify({"--file", file_, "--once", "--log-level", "debug", "--log-format", format}, config);
      EXPECT_EQ(ran.exit_code, 0) << ran.err;
      logs += ran.err + ran.out;
    }
  }
  ASSERT_NE(logs.find("sync"), std::string::npos) << "debug output of the sync layer expected:\n" << logs;
  ASSERT_NE(logs.find("client secret"), std::string::npos) << "the secret path ran and was warned about";
  for (const std::string& needle : {std::string("emu1."), std::string("eyJ"), std::string("Bearer"),
                                    std::string("uthorization"), std::string("client_assertion"),
                                    std::string("PRIVATE KEY"), secret}) {
    EXPECT_EQ(logs.find(needle), std::string::npos) << "\"" << needle << "\" appears in the logs";
  }
  for (const std::string& line : PemBodyLines(emu_->File("app-key.pem"))) {
    EXPECT_EQ(logs.find(line.substr(0, 24)), std::string::npos) << "key material appears in the logs";
  }
}

}  // namespace
}  // namespace ctim::testing
