// The POSIX rules for secret files and the journal (service/file_access.h): modes, owners, the
// chmod/chown the error asks for, and umask 077. Runs as root (scripts/test.sh does): giving a file to
// another user and acting as another user need it.
#include "service/file_access.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace ctim::service {
namespace {

constexpr uid_t kNobody = 65534;

class FileAccess : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string t = (std::filesystem::temp_directory_path() / "ctim-access-XXXXXX").string();
    ASSERT_NE(mkdtemp(t.data()), nullptr);
    dir_ = t;
    ASSERT_EQ(::geteuid(), 0u)
        << "this test needs root to give files to another user (scripts/test.sh runs as root)";
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string Make(const std::string& name, mode_t mode) const {
    const std::string p = dir_ + "/" + name;
    std::ofstream(p, std::ios::binary) << "secret\n";
    EXPECT_EQ(::chmod(p.c_str(), mode), 0) << p;
    return p;
  }
  std::string dir_;
};

// Runs `body` in a child process acting as `uid`; the child's exit status is the number of failed checks.
template <typename Body>
int AsUser(uid_t uid, Body body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::setresgid(uid, uid, uid) != 0 || ::setresuid(uid, uid, uid) != 0) ::_exit(100);
    ::_exit(body());
  }
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

TEST_F(FileAccess, AnOwnPrivateFilePasses) {
  EXPECT_TRUE(CheckSecretFile(Make("keytab", 0600), "[ldap] keytab").has_value());
  EXPECT_TRUE(CheckSecretFile(Make("ro", 0400), "[ldap] keytab").has_value());
}

TEST_F(FileAccess, AGroupReadableFileIsRefusedWithTheChmodToRun) {
  const std::string p = Make("app-key.pem", 0640);
  const Status s = CheckSecretFile(p, "[cloud] private_key_file");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::kInvalidInput);
  EXPECT_NE(s.error().message.find("[cloud] private_key_file " + p + " has mode 0640"), std::string::npos)
      << s.error().message;
  EXPECT_EQ(s.error().hint, "run: chmod 600 '" + p + "'");
}

TEST_F(FileAccess, AWorldReadableOrGroupWritableFileIsRefused) {
  EXPECT_FALSE(CheckSecretFile(Make("a", 0604), "[ldap] password_file"));
  EXPECT_FALSE(CheckSecretFile(Make("b", 0620), "[ldap] password_file"));
  EXPECT_FALSE(CheckSecretFile(Make("c", 0644), "[ldap] password_file"));
}

TEST_F(FileAccess, AFileOfAnotherUserIsRefusedWithTheChownToRun) {
  const std::string p = Make("it's.keytab", 0600);
  ASSERT_EQ(::chown(p.c_str(), kNobody, kNobody), 0);
  const Status s = CheckSecretFile(p, "[ldap] keytab");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("(uid 65534), not by root (uid 0) that runs ctim-agent"),
            std::string::npos)
      << s.error().message;
  // The quote inside the name is escaped, so the line can be pasted into a shell.
  EXPECT_EQ(s.error().hint,
            "run: chown root '" + dir_ + "/it'\\''s.keytab' && chmod 600 '" + dir_ + "/it'\\''s.keytab'");
}

TEST_F(FileAccess, AServiceUserAcceptsItsOwnFilesAndRootsButNotGroupReadableOnes) {
  ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);  // so that the other user may look at the files
  const std::string own = Make("own", 0600);
  const std::string roots = Make("roots", 0600);
  const std::string shared = Make("shared", 0640);
  ASSERT_EQ(::chown(own.c_str(), kNobody, kNobody), 0);
  ASSERT_EQ(::chown(shared.c_str(), kNobody, kNobody), 0);
  const int failures = AsUser(kNobody, [&] {
    int bad = 0;
    bad += CheckSecretFile(own, "k") ? 0 : 1;
    bad += CheckSecretFile(roots, "k") ? 0 : 1;  // root's: passes here; opening it then fails with its reason
    bad += CheckSecretFile(shared, "k") ? 1 : 0;
    return bad;
  });
  EXPECT_EQ(failures, 0);
}

TEST_F(FileAccess, AMissingFilePassesForItsReaderToReport) {
  EXPECT_TRUE(CheckSecretFile(dir_ + "/absent", "[ldap] keytab").has_value());
  EXPECT_TRUE(CheckSecretFile("", "[ldap] keytab").has_value());
}

TEST_F(FileAccess, AJournalOfAnotherUserSaysWhoOwnsIt) {
  ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);
  const std::string journal = Make("journal.db", 0600);  // root's
  const int failures = AsUser(kNobody, [&] {
    const Status s = CheckJournalWritable(journal);
    if (s) return 1;
    int bad = 0;
    bad += s.error().code == Errc::kPermissionDenied ? 0 : 1;
    bad += s.error().message.find("permission denied on " + journal + ": owned by root (uid 0)") !=
                   std::string::npos
               ? 0
               : 1;
    bad += s.error().message.find("mode 0600; this process runs as") != std::string::npos ? 0 : 1;
    bad += s.error().hint.find("chown") != std::string::npos ? 0 : 1;
    // A new journal in a folder this user may not write: the folder is named.
    const Status fresh = CheckJournalWritable(dir_ + "/new.db");
    bad +=
        !fresh && fresh.error().message.find("may not create files in " + dir_) != std::string::npos ? 0 : 1;
    return bad;
  });
  EXPECT_EQ(failures, 0);
  EXPECT_TRUE(CheckJournalWritable(journal).has_value()) << "root may write it";
  EXPECT_TRUE(CheckJournalWritable(dir_ + "/new.db").has_value());
}

TEST_F(FileAccess, NewFilesArePrivate) {
  const mode_t before = ::umask(022);
  MakeNewFilesPrivate();
  const std::string p = dir_ + "/journal.db-wal";
  std::ofstream(p) << "x";
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ::umask(before);
}

}  // namespace
}  // namespace ctim::service
