// The lab as the core integration tests and the write benchmark see it: settings from `lab.sh env`,
// lab.sh reset/seed, the seed manifest, CTIM files generated from it, the agent run as a PROCESS, and an
// independent view of AD through `ldapsearch` (as the Administrator over LDAPS, LDIF parsed, base64 values
// decoded). No gtest here, so tests/bench links it too. Every child process is bounded (SIGKILL on timeout)
// and only processes started here are ever signalled, by PID.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/guid.h"
#include "common/result.h"

namespace ctim::core_lab {

struct Lab {
  std::string dir, ldap_url, ldaps_url, gc_url, base_dn, target_ou, ca, admin_dn, admin_password_file, svc_dn,
      svc_password_file, keytab, krb5_config, seed_manifest, agent_config;
};

// The lab's settings (CTIM_LAB_* and CTIM_AGENT_CONFIG), or an error naming every missing variable: tests
// FAIL with it, never skip.
[[nodiscard]] Result<Lab> ReadLab();

// Paths fixed at build time: tests/lab/lab.sh in the source tree, the ctim-agent binary of this build.
[[nodiscard]] std::string LabScript();
[[nodiscard]] std::string AgentBinary();

// ---- processes ----
struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal (then `signal` is set)
  int signal = 0;
  bool timed_out = false;
  std::string out, err;
  double seconds = 0;
};

// Runs argv (PATH lookup) with `env` added to the environment, stdin from `input`, bounded by `timeout`.
ProcessResult Run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                  std::chrono::seconds timeout = std::chrono::seconds(600), const std::string& input = {});

// A child left running (the kill -9 test). stdout/stderr go to files.
class Child {
 public:
  static Result<Child> Spawn(const std::vector<std::string>& argv, const std::string& out_path,
                             const std::string& err_path);
  Child(Child&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }
  Child& operator=(Child&&) = delete;
  Child(const Child&) = delete;
  ~Child();  // SIGKILLs and reaps a child still running
  [[nodiscard]] pid_t pid() const { return pid_; }
  // True if the process still runs (not yet reaped).
  bool Alive();
  void Signal(int sig);
  // Waits at most `timeout`; SIGKILLs after it. The result's out/err are empty (read the files).
  ProcessResult Wait(std::chrono::seconds timeout);

 private:
  explicit Child(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
};

// ---- lab.sh ----
[[nodiscard]] Status LabReset();
[[nodiscard]] Status LabSeed(int n);

// ---- the seed manifest (tests/lab/README.md "Seeded users") ----
struct SeededUser {
  std::string dn, sam, upn, mail, target_address, consistency_guid_b64, object_guid_b64;
};
[[nodiscard]] Result<std::vector<SeededUser>> ReadManifest(const std::string& path);

// ---- CTIM files ----
struct CtimRow {
  std::string source_id, source_upn, primary_smtp, exchange_guid, archive_guid, legacy_dn;
  std::vector<std::string> email_addresses;
  std::string target_id, status = "Mapped";
  std::string litigation_hold;  // "" (column empty), "true" or "false"
};

// A deterministic GUID for (tag, n).
[[nodiscard]] Guid GuidFor(std::string_view tag, std::uint64_t n);
// The row for seeded user number `n` (1-based): source primary = its targetAddress minus "SMTP:";
// ExchangeGuid/ArchiveGuid/LegacyExchangeDN/target id derived from n; every 2nd row has an archive, every 3rd
// an extra X500 with a comma and parentheses, every 50th asks for LitigationHold.
[[nodiscard]] CtimRow RowFor(const SeededUser& user, std::uint64_t n);
// RFC 4180 CSV with the CTIM header (plus LitigationHoldEnabled). EmailAddresses joined with ';'.
[[nodiscard]] Status WriteCtimFile(const std::string& path, const std::vector<CtimRow>& rows);
// The X500s the agent must add for `row`: "X500:<LegacyExchangeDN>" and its X500 items.
[[nodiscard]] std::vector<std::string> X500sOf(const CtimRow& row);

// ---- the independent client ----
// Attribute name (lower-case) -> values, as ldapsearch printed them (base64 values decoded).
using Attrs = std::map<std::string, std::vector<std::string>>;
// Lower-case DN -> attributes.
using Dump = std::map<std::string, Attrs>;

// The attributes the agent writes (what the end-state comparisons look at).
[[nodiscard]] const std::vector<std::string>& WrittenAttributes();

// ldapsearch -LLL -o ldif-wrap=no as the Administrator over LDAPS: the raw LDIF text.
[[nodiscard]] Result<std::string> SearchLdif(const Lab& lab, const std::string& base,
                                             const std::string& filter,
                                             const std::vector<std::string>& attributes);
[[nodiscard]] Result<Dump> ParseLdif(const std::string& ldif);
[[nodiscard]] Result<Dump> Search(const Lab& lab, const std::string& base, const std::string& filter,
                                  const std::vector<std::string>& attributes);
// ldapmodify as the Administrator over LDAPS (test setup: conflicts, prior values).
[[nodiscard]] Status Modify(const Lab& lab, const std::string& ldif);

// ---- the cloud emulator ----
// When the suite runs the cloud emulator beside the lab (scripts/run-tests-in-lab.sh), its Entra Connect
// simulation writes msDS-ExternalDirectoryObjectId and mS-DS-ConsistencyGuid back into OU=CTIM every few
// seconds, racing with tests that compare AD states. While an EmulatorQuiet lives, the emulator's scheduler
// is paused and no cycle is running (POST /reset waits for the running one); the destructor resumes it if it
// was running before. Does nothing when no emulator runs.
class EmulatorQuiet {
 public:
  EmulatorQuiet();
  ~EmulatorQuiet();
  EmulatorQuiet(const EmulatorQuiet&) = delete;
  EmulatorQuiet& operator=(const EmulatorQuiet&) = delete;
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  bool resume_ = false;
  std::string error_;
};

// ---- the agent ----
// The lab's agent config without its [cloud] section (written to `path`): the core tests match offline, so
// their rows need no cloud users.
[[nodiscard]] Status WriteOfflineConfig(const Lab& lab, const std::string& path);

// ctim-agent ARGS with --log-format json; CTIM_AGENT_CONFIG from the lab environment unless args say
// --config.
ProcessResult RunAgent(const std::vector<std::string>& args,
                       std::chrono::seconds timeout = std::chrono::seconds(900));

// The seed of a kill test's random kill points: $CTIM_KILL_SEED when set (to replay a failure), else a fresh
// one; printed as "[<test>] CTIM_KILL_SEED=<seed>" so a failing run can be repeated.
[[nodiscard]] unsigned KillSeed(std::string_view test);

// A fresh private directory under /tmp (mode 0700), removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

[[nodiscard]] std::string Lower(std::string_view s);

}  // namespace ctim::core_lab
