#include "service/file_access.h"

#include <fmt/format.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>

namespace ctim::service {
namespace {

std::string UserName(uid_t uid) {
  std::array<char, 1024> buf{};
  passwd pw{};
  passwd* found = nullptr;
  if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr) return found->pw_name;
  return std::to_string(uid);
}

std::string GroupName(gid_t gid) {
  std::array<char, 1024> buf{};
  group gr{};
  group* found = nullptr;
  if (getgrgid_r(gid, &gr, buf.data(), buf.size(), &found) == 0 && found != nullptr) return found->gr_name;
  return std::to_string(gid);
}

// Single quotes for a shell, so the hint can be pasted as it is.
std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

Status CheckSecretFile(const std::string& path, std::string_view what) {
  if (path.empty()) return {};
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  const uid_t me = ::geteuid();
  const auto mode = static_cast<unsigned>(st.st_mode & 07777);
  const std::string quoted = ShellQuote(path);
  if (st.st_uid != me && st.st_uid != 0) {
    return Fail(
        Errc::kInvalidInput,
        fmt::format("{} {} is owned by {} (uid {}), not by {} (uid {}) that runs ctim-agent, nor by root",
                    what, path, UserName(st.st_uid), st.st_uid, UserName(me), me),
        fmt::format("run: chown {} {} && chmod 600 {}", UserName(me), quoted, quoted));
  }
  if ((mode & 077U) != 0) {
    return Fail(Errc::kInvalidInput,
                fmt::format("{} {} has mode {:04o}: its group or others may read or change a secret", what,
                            path, mode),
                fmt::format("run: chmod 600 {}", quoted));
  }
  return {};
}

std::string DescribeAccess(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  const uid_t me = ::geteuid();
  return fmt::format("owned by {} (uid {}), group {}, mode {:04o}; this process runs as {} (uid {})",
                     UserName(st.st_uid), st.st_uid, GroupName(st.st_gid), st.st_mode & 07777, UserName(me),
                     me);
}

Status CheckJournalWritable(const std::string& path) {
  const uid_t me = ::geteuid();
  for (const std::string& file : {path, path + "-wal", path + "-shm", path + ".lock"}) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) continue;
    if (::access(file.c_str(), R_OK | W_OK) != 0) {
      return Fail(Errc::kPermissionDenied,
                  fmt::format("journal {}: permission denied on {}: {}", path, file, DescribeAccess(file)),
                  fmt::format("run ctim-agent as {}, or give the journal's files to this user: chown {} {}*",
                              UserName(st.st_uid), UserName(me), ShellQuote(path)));
    }
  }
  const std::string::size_type slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0 && ::access(dir.c_str(), W_OK | X_OK) != 0) {
    return Fail(
        Errc::kPermissionDenied,
        fmt::format("journal {}: this user may not create files in {}: {}", path, dir, DescribeAccess(dir)),
        fmt::format("set [agent] journal / --journal to a folder of {}, or: chown {} {}", UserName(me),
                    UserName(me), ShellQuote(dir)));
  }
  return {};
}

void MakeNewFilesPrivate() { ::umask(077); }

}  // namespace ctim::service
