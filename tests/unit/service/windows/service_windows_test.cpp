// service/windows/ under Wine: the state lock, the secret-file DACL check, the inbox watcher, the file
// digest, the default paths and SdNotify outside the SCM.
#include <gtest/gtest.h>

// clang-format off
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
// clang-format on

#include <filesystem>
#include <fstream>
#include <thread>

#include "service/default_paths.h"
#include "service/file_access.h"
#include "service/file_digest.h"
#include "service/inbox_watcher.h"
#include "service/sd_notify.h"
#include "service/state_lock.h"
#include "service/windows/dacl_rule.h"

namespace ctim::service {
namespace {

std::filesystem::path TempDir(const char* name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("ctim-" + std::string(name) + "-" + std::to_string(GetCurrentProcessId()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Replaces the file's DACL with the one in `sddl` ("D:P...": protected, nothing inherited).
// SetFileSecurityW, not SetNamedSecurityInfoW: Wine 8 returns success from the latter and keeps the old
// DACL (measured). Wine keeps no DACL of its own either: it maps the DACL onto the Unix mode (owner,
// Everyone) and maps the mode back when asked, so what the check reads under Wine is that mapping.
void SetDacl(const std::filesystem::path& file, const wchar_t* sddl) {
  PSECURITY_DESCRIPTOR sd = nullptr;
  ASSERT_TRUE(ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd, nullptr));
  const BOOL set = SetFileSecurityW(file.wstring().c_str(), DACL_SECURITY_INFORMATION, sd);
  LocalFree(sd);
  ASSERT_TRUE(set) << GetLastError();
}

TEST(WindowsStateLock, SecondHolderIsRefusedWithThePidAndTheLockIsFreedOnRelease) {
  const auto dir = TempDir("lock");
  const auto file = dir / "serve.lock";
  {
    auto first = StateLock::Acquire(file);
    ASSERT_TRUE(first) << first.error().message;
    auto second = StateLock::Acquire(file);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, Errc::kUnavailable);
    EXPECT_NE(second.error().message.find("(pid " + std::to_string(GetCurrentProcessId()) + ")"),
              std::string::npos)
        << second.error().message;
  }
  auto again = StateLock::Acquire(file);
  EXPECT_TRUE(again) << again.error().message;
}

// The rule on DACLs built in memory: every broad group, inherit-only entries, deny entries, no DACL.
std::string BroadReaderOf(const wchar_t* sddl) {
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd, nullptr)) return "?";
  BOOL present = FALSE;
  BOOL defaulted = FALSE;
  PACL dacl = nullptr;
  std::string reader = "?";
  if (GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted))
    reader = BroadReader(present ? dacl : nullptr);
  LocalFree(sd);
  return reader;
}

TEST(WindowsFileAccess, DaclRuleNamesTheBroadGroupThatMayRead) {
  EXPECT_EQ(BroadReaderOf(L"D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;OW)"), "");
  EXPECT_NE(BroadReaderOf(L"D:P(A;;FA;;;SY)(A;;FR;;;WD)"), "");
  EXPECT_NE(BroadReaderOf(L"D:P(A;;FA;;;SY)(A;;FR;;;BU)"), "");
  EXPECT_NE(BroadReaderOf(L"D:P(A;;FA;;;SY)(A;;GR;;;AU)"), "");
  EXPECT_NE(BroadReaderOf(L"D:P(A;;FA;;;SY)(A;;GA;;;BU)"), "");
  EXPECT_EQ(BroadReaderOf(L"D:P(A;;FA;;;SY)(A;IO;FR;;;WD)"), "");  // inherit-only: not for the file itself
  EXPECT_EQ(BroadReaderOf(L"D:P(A;;FA;;;SY)(D;;FR;;;WD)"), "");    // a deny entry grants nothing
  EXPECT_EQ(BroadReaderOf(L"D:P(A;;FA;;;SY)(A;;0x100000;;;WD)"), "");  // SYNCHRONIZE only: no read
  EXPECT_EQ(BroadReader(nullptr), "Everyone (the file has no DACL)");  // a NULL DACL
}

// On a file: what Wine can show (it maps the DACL to the Unix mode's owner and Everyone bits, so a Users or
// Authenticated Users entry does not survive; tests/windows/real-host-checks.ps1 checks those on Windows).
TEST(WindowsFileAccess, SecretFileReadableByEveryoneIsRefusedWithIcacls) {
  const auto dir = TempDir("acl");
  const auto file = dir / "secret.txt";
  std::ofstream(file) << "s";
  // SYSTEM and Administrators full control, the owner full control: accepted.
  SetDacl(file, L"D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;OW)");
  {
    auto accepted = CheckSecretFile(file.string(), "[cloud] client_secret_file");
    EXPECT_TRUE(accepted) << accepted.error().message;
  }
  SetDacl(file, L"D:P(A;;FA;;;SY)(A;;FA;;;OW)(A;;FR;;;WD)");
  auto checked = CheckSecretFile(file.string(), "[cloud] client_secret_file");
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, Errc::kInvalidInput);
  EXPECT_NE(checked.error().message.find("may be read by"), std::string::npos) << checked.error().message;
  EXPECT_NE(checked.error().hint.find("icacls"), std::string::npos) << checked.error().hint;
  SetDacl(file, L"D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FA;;;OW)");
  EXPECT_TRUE(CheckSecretFile((dir / "missing").string(), "x"));  // the reader says why
  EXPECT_NE(DescribeAccess(file.string()).find("this process runs as"), std::string::npos);
}

TEST(WindowsJournalAccess, WritableFolderPasses) {
  const auto dir = TempDir("journal");
  EXPECT_TRUE(CheckJournalWritable((dir / "journal.db").string()));
}

TEST(WindowsInboxWatcher, ReportsARenameIntoTheInbox) {
  const auto dir = TempDir("inbox");
  auto watcher = MakeInboxWatcher(dir);
  ASSERT_EQ(watcher->kind(), "ReadDirectoryChangesW");
  std::ofstream(dir / "users.csv.part") << "x";
  std::vector<std::string> seen;
  // The write and the rename may arrive in separate notifications: bounded by count and time.
  std::filesystem::rename(dir / "users.csv.part", dir / "users.csv");
  for (int i = 0; i < 20 && seen.empty(); ++i) seen = watcher->Wait(std::chrono::milliseconds(500), {});
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0], "users.csv");
}

TEST(WindowsInboxWatcher, StopEndsTheWait) {
  const auto dir = TempDir("stop");
  auto watcher = MakeInboxWatcher(dir);
  std::stop_source stop;
  stop.request_stop();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(watcher->Wait(std::chrono::seconds(30), stop.get_token()).empty());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(WindowsFileDigest, Sha256OfAKnownFile) {
  const auto dir = TempDir("digest");
  std::ofstream(dir / "abc.txt", std::ios::binary) << "abc";
  auto digest = Sha256OfFile(dir / "abc.txt");
  ASSERT_TRUE(digest) << digest.error().message;
  EXPECT_EQ(*digest, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_FALSE(Sha256OfFile(dir / "missing.txt"));
}

TEST(WindowsDefaults, UnderProgramData) {
  const DefaultPaths& paths = Defaults();
  for (const std::string& p : {paths.config_file, paths.journal, paths.inbox, paths.log_dir}) {
    EXPECT_NE(p.find("\\ctim-agent"), std::string::npos) << p;
    EXPECT_EQ(p.find('/'), std::string::npos) << p;
  }
  EXPECT_TRUE(paths.config_file.ends_with("\\ctim-agent\\ctim-agent.toml")) << paths.config_file;
}

TEST(WindowsSdNotify, NoServiceControlManagerNoReport) {
  EXPECT_FALSE(SdNotify("READY=1"));
  EXPECT_FALSE(SdWatchdogInterval());
}

}  // namespace
}  // namespace ctim::service
