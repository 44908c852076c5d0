// What the cloud integration tests (sync_*, verify_*) share: the lab settings, child processes (the cloud
// emulator, ldapmodify, ctim-agent) bounded in time and stopped by PID, the emulator's control API, and a
// scratch OU of mail users. Every failure is a gtest failure: the tests FAIL, never skip, when the lab or the
// emulator is missing.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ctim::testing {

using Json = nlohmann::json;

// A directory under /tmp removed with its contents when destroyed.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::string ReadFile(const std::filesystem::path& path);
void WriteFile(const std::filesystem::path& path, const std::string& text);

// A child process with stdout and stderr in files. Killed (SIGKILL, by its PID) if still running when
// destroyed, and by the kernel when this process dies first (PR_SET_PDEATHSIG).
class Process {
 public:
  // `env` entries are added to (or replace) this process's environment.
  Process(std::vector<std::string> argv, const std::map<std::string, std::string>& env, const std::string& dir,
          const std::string& stdin_text = "");
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Waits at most `timeout`; the exit code, or nullopt if it is still running.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  void Signal(int sig);
  [[nodiscard]] bool Running();
  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] std::string Stdout() const;
  [[nodiscard]] std::string Stderr() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string out_path_, err_path_;
};

struct Ran {
  int exit_code = -1;  // -1: killed after the timeout
  std::string out, err;
};
// Runs to completion, at most `timeout` (then SIGKILL).
Ran RunProcess(std::vector<std::string> argv, const std::map<std::string, std::string>& env = {},
               const std::string& stdin_text = "", std::chrono::milliseconds timeout = std::chrono::seconds(120));

struct LabEnv {
  std::string ldaps_url, base_dn, ca, admin_dn, admin_password_file;
};
// The lab from `tests/lab/lab.sh env`; ADD_FAILUREs naming every missing variable and returns nullopt.
std::optional<LabEnv> ReadLabEnv();

// HTTP(S) with libcurl for the tests' own calls (control API; HTTPS only with `ca`).
struct HttpReply {
  long status = 0;
  std::string body;
  Json json;  // parsed body, or discarded
};
HttpReply Http(const std::string& method, const std::string& url, const std::string& body = "",
               const std::string& ca = "");

// The cloud emulator as a child process on ephemeral ports with its own state directory.
class Emulator {
 public:
  struct Options {
    bool ad = true;                   // read the lab AD (else --no-ad)
    std::string sync_scope;           // --sync-scope
    bool paused = true;               // cycles only on POST /sync (or after ResumeScheduler)
    double sync_interval = 2.0;
    std::string assertion = "PS256";  // written into agent-cloud.toml
  };
  Emulator(const LabEnv* lab, Options options);
  ~Emulator();

  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] const std::string& state() const { return state_.path().native(); }
  [[nodiscard]] std::string File(const std::string& name) const { return state_.File(name); }
  [[nodiscard]] const Json& endpoints() const { return endpoints_; }
  [[nodiscard]] const Json& app() const { return app_; }
  std::string Url(const std::string& which) const;  // "login" | "graph" | "exo" | "control"

  // POST/GET on the control API; FAILS the test on a non-2xx answer.
  Json Control(const std::string& method, const std::string& path, const Json& body = nullptr);
  Json Sync() { return Control("POST", "/sync"); }
  // The [cloud] section (agent-cloud.toml), optionally with another certificate file.
  std::string CloudToml(const std::string& certificate_file = "") const;
  std::string Log() const { return ReadFile(state_.path() / "emulator.log"); }

 private:
  ScratchDir state_;
  std::unique_ptr<Process> process_;
  Json endpoints_, app_;
  bool ok_ = false;
};

// OU=t-verify-<random>,<base> with mail users shaped like the lab's seeded ones; deleted (subtree) when
// destroyed. Writes go through ldapmodify over LDAPS as the lab administrator.
class ScratchUsers {
 public:
  ScratchUsers(const LabEnv& lab, const std::string& name, int users);
  ~ScratchUsers();
  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] const std::string& ou() const { return ou_; }
  [[nodiscard]] std::string UserDn(int i) const;  // 1-based
  [[nodiscard]] std::string Tag() const { return tag_; }
  // Applies LDIF (changetype records); FAILS the test and returns false on error.
  bool Modify(const std::string& ldif) const;

 private:
  const LabEnv& lab_;
  std::string tag_, ou_;
  bool ok_ = false;
};

// "dn: ...\nchangetype: modify\nreplace: a\na:: <base64>\n-\n..." helpers.
std::string Base64(std::string_view bytes);

}  // namespace ctim::testing
