#include "core_lab.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "common/base64.h"
#include "common/csv.h"

namespace ctim::core_lab {
namespace {

using Clock = std::chrono::steady_clock;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Child side of fork: environment, redirections, exec. Never returns.
[[noreturn]] void Exec(const std::vector<std::string>& argv, const std::vector<std::string>& env, int in_fd,
                       int out_fd, int err_fd) {
  ::setpgid(0, 0);  // its own process group: a timeout kill takes its children too
  for (const std::string& kv : env) ::putenv(const_cast<char*>(kv.c_str()));
  if (in_fd >= 0) ::dup2(in_fd, 0);
  ::dup2(out_fd, 1);
  ::dup2(err_fd, 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
  _exit(127);
}

void Decode(int status, ProcessResult& r) {
  if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.exit_code = -1;
    r.signal = WTERMSIG(status);
  }
}

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back().push_back(c);
    }
  }
  return fields;
}

std::vector<std::string> TlsEnv(const Lab& lab) {
  return {"LDAPTLS_CACERT=" + lab.ca, "LDAPTLS_REQCERT=demand", "LDAPRC=/dev/null", "LDAPCONF=/dev/null"};
}

std::uint64_t SplitMix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  return out;
}

Result<Lab> ReadLab() {
  std::string missing;
  const auto get = [&missing](const char* name) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') {
      missing += (missing.empty() ? "" : ", ") + std::string(name);
      return std::string();
    }
    return std::string(v);
  };
  Lab lab;
  lab.dir = get("CTIM_LAB_DIR");
  lab.ldap_url = get("CTIM_LAB_LDAP_URL");
  lab.ldaps_url = get("CTIM_LAB_LDAPS_URL");
  lab.gc_url = get("CTIM_LAB_GC_URL");
  lab.base_dn = get("CTIM_LAB_BASE_DN");
  lab.target_ou = get("CTIM_LAB_TARGET_OU");
  lab.ca = get("CTIM_LAB_CA");
  lab.admin_dn = get("CTIM_LAB_ADMIN_DN");
  lab.admin_password_file = get("CTIM_LAB_ADMIN_PASSWORD_FILE");
  lab.svc_dn = get("CTIM_LAB_SVC_DN");
  lab.svc_password_file = get("CTIM_LAB_SVC_PASSWORD_FILE");
  lab.keytab = get("CTIM_LAB_KEYTAB");
  lab.krb5_config = get("KRB5_CONFIG");
  lab.seed_manifest = get("CTIM_LAB_SEED_MANIFEST");
  lab.agent_config = get("CTIM_AGENT_CONFIG");
  if (!missing.empty()) {
    return Fail(Errc::kInvalidInput, "lab not configured: missing " + missing,
                "run inside tests/lab/lab.sh netns, after `lab.sh up` and eval \"$(tests/lab/lab.sh env)\"");
  }
  return lab;
}

std::string LabScript() { return CTIM_SOURCE_DIR "/tests/lab/lab.sh"; }
std::string AgentBinary() { return CTIM_AGENT_BIN; }

ProcessResult Run(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                  std::chrono::seconds timeout, const std::string& input) {
  ProcessResult r;
  TempDir tmp;
  const std::string in_path = tmp.File("in"), out_path = tmp.File("out"), err_path = tmp.File("err");
  std::ofstream(in_path, std::ios::binary) << input;
  const int in_fd = ::open(in_path.c_str(), O_RDONLY | O_CLOEXEC);
  const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  std::fflush(nullptr);
  const auto started = Clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) Exec(argv, env, in_fd, out_fd, err_fd);
  ::close(in_fd);
  ::close(out_fd);
  ::close(err_fd);
  if (pid < 0) {
    r.err = "fork failed";
    return r;
  }
  const auto deadline = started + timeout;
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (Clock::now() > deadline) {
      r.timed_out = true;
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  Decode(status, r);
  r.out = ReadFile(out_path);
  r.err = ReadFile(err_path);
  return r;
}

Result<Child> Child::Spawn(const std::vector<std::string>& argv, const std::string& out_path,
                           const std::string& err_path) {
  const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) Exec(argv, {}, -1, out_fd, err_fd);
  ::close(out_fd);
  ::close(err_fd);
  if (pid < 0) return Fail(Errc::kInternal, "fork failed");
  return Child(pid);
}

Child::~Child() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status_, 0);
  }
}

bool Child::Alive() {
  if (reaped_) return false;
  const pid_t done = ::waitpid(pid_, &status_, WNOHANG);
  if (done == pid_) reaped_ = true;
  return !reaped_;
}

void Child::Signal(int sig) {
  if (!reaped_) ::kill(pid_, sig);
}

ProcessResult Child::Wait(std::chrono::seconds timeout) {
  ProcessResult r;
  const auto deadline = Clock::now() + timeout;
  while (Alive()) {
    if (Clock::now() > deadline) {
      r.timed_out = true;
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status_, 0);
      reaped_ = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  Decode(status_, r);
  return r;
}

Status LabReset() {
  const ProcessResult r = Run({LabScript(), "reset"}, {}, std::chrono::seconds(300));
  if (r.exit_code != 0) return Fail(Errc::kUnavailable, "lab.sh reset failed: " + r.err);
  return {};
}

Status LabSeed(int n) {
  const ProcessResult r = Run({LabScript(), "seed", std::to_string(n)}, {}, std::chrono::seconds(900));
  if (r.exit_code != 0) return Fail(Errc::kUnavailable, "lab.sh seed failed: " + r.err);
  return {};
}

Result<std::vector<SeededUser>> ReadManifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Fail(Errc::kNotFound, "seed manifest " + path + " cannot be read (run lab.sh seed N)");
  std::string line;
  std::getline(in, line);  // header
  std::vector<SeededUser> users;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto f = SplitCsvLine(line);
    if (f.size() != 7)
      return Fail(Errc::kInvalidInput, "seed manifest line has " + std::to_string(f.size()) + " fields");
    users.push_back({f[0], f[1], f[2], f[3], f[4], f[5], f[6]});
  }
  return users;
}

Guid GuidFor(std::string_view tag, std::uint64_t n) {
  std::uint64_t h = 1469598103934665603ULL;
  for (char c : tag) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  const std::uint64_t a = SplitMix(h ^ n), b = SplitMix(a ^ 0x5bd1e995ULL);
  return *Guid::Parse(fmt::format("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", a >> 32, (a >> 16) & 0xffff,
                                  a & 0xfff, b >> 52, b & 0xffffffffffffULL));
}

CtimRow RowFor(const SeededUser& user, std::uint64_t n) {
  CtimRow row;
  row.primary_smtp = user.target_address.substr(5);
  row.source_id = GuidFor("source", n).ToString();
  row.source_upn = fmt::format("user{:05}@source.example", n);
  row.exchange_guid = GuidFor("exchange", n).ToString();
  if (n % 2 == 0) row.archive_guid = GuidFor("archive", n).ToString();
  row.legacy_dn = fmt::format(
      "/o=Source Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn={}-u{:05}",
      GuidFor("legacy", n).ToString().substr(0, 8), n);
  row.email_addresses.push_back("SMTP:" + row.primary_smtp);
  if (n % 3 == 0) {
    row.email_addresses.push_back(fmt::format(
        "X500:/o=Old Org, Inc./ou=First Administrative Group (Legacy)/cn=Recipients/cn=user{:05}", n));
  }
  row.target_id = GuidFor("target", n).ToString();
  if (n % 50 == 0) row.litigation_hold = "true";
  return row;
}

std::vector<std::string> X500sOf(const CtimRow& row) {
  std::vector<std::string> out = {"X500:" + row.legacy_dn};
  for (const std::string& e : row.email_addresses) {
    if (Lower(e.substr(0, 5)) == "x500:") out.push_back(e);
  }
  return out;
}

Status WriteCtimFile(const std::string& path, const std::vector<CtimRow>& rows) {
  std::ofstream out(path, std::ios::binary);
  out << "SourceExternalDirectoryObjectId,SourceUserPrincipalName,PrimarySmtpAddress,ExchangeGuid,"
         "ArchiveGuid,"
         "LegacyExchangeDN,EmailAddresses,TargetExternalDirectoryObjectId,MigrationStatus,"
         "LitigationHoldEnabled\r\n";
  for (const CtimRow& r : rows) {
    std::string emails;
    for (const std::string& e : r.email_addresses) emails += (emails.empty() ? "" : ";") + e;
    out << CsvField(r.source_id) << ',' << CsvField(r.source_upn) << ',' << CsvField(r.primary_smtp) << ','
        << CsvField(r.exchange_guid) << ',' << CsvField(r.archive_guid) << ',' << CsvField(r.legacy_dn) << ','
        << CsvField(emails) << ',' << CsvField(r.target_id) << ',' << CsvField(r.status) << ','
        << CsvField(r.litigation_hold) << "\r\n";
  }
  out.close();
  if (!out) return Fail(Errc::kInternal, "cannot write " + path);
  return {};
}

const std::vector<std::string>& WrittenAttributes() {
  static const std::vector<std::string> kAttrs = {"msExchMailboxGuid", "msExchArchiveGUID", "proxyAddresses",
                                                  "targetAddress", "msExchELCMailboxFlags"};
  return kAttrs;
}

Result<std::string> SearchLdif(const Lab& lab, const std::string& base, const std::string& filter,
                               const std::vector<std::string>& attributes) {
  std::vector<std::string> argv = {
      "ldapsearch", "-LLL",        "-o",  "ldif-wrap=no", "-E", "pr=1000/noprompt",      "-x",
      "-H",         lab.ldaps_url, "-D",  lab.admin_dn,   "-y", lab.admin_password_file, "-b",
      base,         "-s",          "sub", filter};
  argv.insert(argv.end(), attributes.begin(), attributes.end());
  const ProcessResult r = Run(argv, TlsEnv(lab), std::chrono::seconds(300));
  if (r.exit_code != 0)
    return Fail(Errc::kUnavailable, "ldapsearch failed (" + std::to_string(r.exit_code) + "): " + r.err);
  return r.out;
}

Result<Dump> ParseLdif(const std::string& ldif) {
  Dump dump;
  std::istringstream in(ldif);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line[0] == ' ' && !lines.empty()) {
      lines.back() += line.substr(1);  // continuation
    } else {
      lines.push_back(line);
    }
  }
  std::string dn;
  for (const std::string& l : lines) {
    if (l.empty()) {
      dn.clear();
      continue;
    }
    if (l[0] == '#') continue;
    const auto colon = l.find(':');
    if (colon == std::string::npos) return Fail(Errc::kInvalidInput, "LDIF line without ':': " + l);
    std::string name = Lower(l.substr(0, colon));
    std::string value;
    if (colon + 1 < l.size() && l[colon + 1] == ':') {
      auto decoded =
          Base64Decode(l.substr(colon + 2 + (colon + 2 < l.size() && l[colon + 2] == ' ' ? 1 : 0)));
      if (!decoded) return Fail(Errc::kInvalidInput, "bad base64 in LDIF line: " + l);
      value = std::move(*decoded);
    } else {
      value = l.substr(colon + 1 + (colon + 1 < l.size() && l[colon + 1] == ' ' ? 1 : 0));
    }
    if (name == "dn") {
      dn = Lower(value);
      dump[dn];
      continue;
    }
    if (dn.empty()) continue;  // e.g. the paged-results trailer ldapsearch prints
    dump[dn][name].push_back(std::move(value));
  }
  return dump;
}

Result<Dump> Search(const Lab& lab, const std::string& base, const std::string& filter,
                    const std::vector<std::string>& attributes) {
  auto text = SearchLdif(lab, base, filter, attributes);
  if (!text) return std::unexpected(std::move(text.error()));
  return ParseLdif(*text);
}

Status Modify(const Lab& lab, const std::string& ldif) {
  const ProcessResult r =
      Run({"ldapmodify", "-x", "-H", lab.ldaps_url, "-D", lab.admin_dn, "-y", lab.admin_password_file},
          TlsEnv(lab), std::chrono::seconds(300), ldif);
  if (r.exit_code != 0) return Fail(Errc::kUnavailable, "ldapmodify failed: " + r.err + r.out);
  return {};
}

EmulatorQuiet::EmulatorQuiet() {
  const std::string emulator = CTIM_SOURCE_DIR "/tests/cloud_emulator/emulator.sh";
  if (::access(emulator.c_str(), X_OK) != 0) return;
  const ProcessResult status = Run({emulator, "status"}, {}, std::chrono::seconds(60));
  if (status.exit_code != 0) return;  // not running
  resume_ = status.out.find("\"paused\": false") != std::string::npos ||
            status.out.find("\"paused\":false") != std::string::npos;
  const ProcessResult pause =
      Run({emulator, "ctl", "POST", "/scheduler/pause"}, {}, std::chrono::seconds(60));
  const ProcessResult drain = Run({emulator, "ctl", "POST", "/reset"}, {}, std::chrono::seconds(300));
  if (pause.exit_code != 0 || drain.exit_code != 0)
    error_ = "cloud emulator: pause/reset failed: " + pause.err + drain.err;
}

EmulatorQuiet::~EmulatorQuiet() {
  if (resume_)
    (void)Run({CTIM_SOURCE_DIR "/tests/cloud_emulator/emulator.sh", "ctl", "POST", "/scheduler/resume"});
}

Status WriteOfflineConfig(const Lab& lab, const std::string& path) {
  std::ifstream in(lab.agent_config);
  if (!in) return Fail(Errc::kNotFound, "cannot read the lab's agent config " + lab.agent_config);
  std::ofstream out(path);
  std::string line;
  bool cloud = false;
  while (std::getline(in, line)) {
    if (line.starts_with("[")) cloud = line.starts_with("[cloud]");
    if (!cloud) out << line << "\n";
  }
  out.close();
  if (!out) return Fail(Errc::kInternal, "cannot write " + path);
  return {};
}

unsigned KillSeed(std::string_view test) {
  const char* seed_env = std::getenv("CTIM_KILL_SEED");
  const unsigned seed =
      seed_env != nullptr ? static_cast<unsigned>(std::strtoul(seed_env, nullptr, 10)) : std::random_device{}();
  std::printf("[%.*s] CTIM_KILL_SEED=%u\n", static_cast<int>(test.size()), test.data(), seed);
  return seed;
}

ProcessResult RunAgent(const std::vector<std::string>& args, std::chrono::seconds timeout) {
  std::vector<std::string> argv = {AgentBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--log-format", "json"});
  return Run(argv, {}, timeout);
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ctim-core-XXXXXX").string();
  if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

}  // namespace ctim::core_lab
