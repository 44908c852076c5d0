#include "verify_lab.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "common/base64.h"

extern char** environ;

namespace ctim::testing {
namespace {

using namespace std::chrono_literals;

std::string RandomHex(int n) {
  static std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < n; ++i) out.push_back(kHex[rng() % 16]);
  return out;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

std::string TomlString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

size_t CollectBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

}  // namespace

ScratchDir::ScratchDir(const std::string& prefix) {
  std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

Process::Process(std::vector<std::string> argv, const std::map<std::string, std::string>& env,
                 const std::string& dir, const std::string& stdin_text) {
  static int counter = 0;
  const std::string stem = dir + "/proc" + std::to_string(++counter);
  out_path_ = stem + ".out";
  err_path_ = stem + ".err";
  const std::string in_path = stem + ".in";
  WriteFile(in_path, stdin_text);

  std::map<std::string, std::string> merged;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    const auto eq = kv.find('=');
    if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : env) merged[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : merged) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  for (std::string& s : argv) args.push_back(s.data());
  args.push_back(nullptr);

  pid_ = fork();
  if (pid_ == 0) {
    // A test that dies (an ASan abort skips every destructor) takes its emulator and tools with it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int in = open(in_path.c_str(), O_RDONLY);
    const int out = open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || err < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execvpe(args[0], args.data(), envp.data());
    _exit(127);
  }
}

Process::~Process() {
  if (Running()) {
    kill(pid_, SIGKILL);
    Wait(10s);
  }
}

std::optional<int> Process::Wait(std::chrono::milliseconds timeout) {
  if (exit_code_ || pid_ <= 0) return exit_code_;
  const auto until = std::chrono::steady_clock::now() + timeout;
  do {
    int status = 0;
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_code_;
    }
    if (done < 0) return std::nullopt;
    std::this_thread::sleep_for(20ms);
  } while (std::chrono::steady_clock::now() < until);
  return std::nullopt;
}

void Process::Signal(int sig) {
  if (Running()) kill(pid_, sig);
}

bool Process::Running() { return pid_ > 0 && !exit_code_ && !Wait(0ms); }

std::string Process::Stdout() const { return ReadFile(out_path_); }
std::string Process::Stderr() const { return ReadFile(err_path_); }

Ran RunProcess(std::vector<std::string> argv, const std::map<std::string, std::string>& env,
               const std::string& stdin_text, std::chrono::milliseconds timeout) {
  ScratchDir dir("ctim-verify-proc");
  Process p(std::move(argv), env, dir.path().string(), stdin_text);
  Ran ran;
  const auto code = p.Wait(timeout);
  if (!code) {
    p.Signal(SIGKILL);
    p.Wait(10s);
  }
  ran.exit_code = code.value_or(-1);
  ran.out = p.Stdout();
  ran.err = p.Stderr();
  return ran;
}

std::optional<LabEnv> ReadLabEnv() {
  LabEnv lab{Env("CTIM_LAB_LDAPS_URL"), Env("CTIM_LAB_BASE_DN"), Env("CTIM_LAB_CA"), Env("CTIM_LAB_ADMIN_DN"),
             Env("CTIM_LAB_ADMIN_PASSWORD_FILE")};
  std::string missing;
  for (const auto& [name, value] : {std::pair{"CTIM_LAB_LDAPS_URL", lab.ldaps_url}, {"CTIM_LAB_BASE_DN", lab.base_dn},
                                    {"CTIM_LAB_CA", lab.ca}, {"CTIM_LAB_ADMIN_DN", lab.admin_dn},
                                    {"CTIM_LAB_ADMIN_PASSWORD_FILE", lab.admin_password_file}}) {
    if (value.empty()) missing += std::string(missing.empty() ? "" : ", ") + name;
  }
  if (!missing.empty()) {
    ADD_FAILURE() << "the lab is not set up (" << missing
                  << " unset): run inside `tests/lab/lab.sh netns`, after `tests/lab/lab.sh up` and "
                     "`eval \"$(tests/lab/lab.sh env)\"`";
    return std::nullopt;
  }
  return lab;
}

HttpReply Http(const std::string& method, const std::string& url, const std::string& body, const std::string& ca) {
  HttpReply reply;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return reply;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 120L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  if (method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  if (!ca.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  reply.json = Json::parse(reply.body, nullptr, false);
  return reply;
}

Emulator::Emulator(const LabEnv* lab, Options options) : state_("ctim-verify-emu") {
  std::vector<std::string> argv = {"/usr/bin/python3", std::string(CTIM_SOURCE_DIR) + "/tests/cloud_emulator/emulator.py",
                                   "serve", "--state", state_.path().string(), "--login-port", "0", "--graph-port", "0",
                                   "--exo-port", "0", "--control-port", "0", "--sync-interval",
                                   std::to_string(options.sync_interval), "--max-runtime", "1800", "--assertion",
                                   options.assertion};
  if (options.paused) argv.push_back("--paused");
  if (!options.ad || lab == nullptr) {
    argv.push_back("--no-ad");
  } else {
    for (const std::string& a : {std::string("--ldap-url"), lab->ldaps_url, std::string("--bind-dn"), lab->admin_dn,
                                 std::string("--bind-password-file"), lab->admin_password_file,
                                 std::string("--ldap-ca"), lab->ca, std::string("--sync-scope"), options.sync_scope}) {
      argv.push_back(a);
    }
  }
  process_ = std::make_unique<Process>(argv, std::map<std::string, std::string>{{"PYTHONDONTWRITEBYTECODE", "1"}},
                                       state_.path().string());
  // Bounded wait for endpoints.json written by this process (the listeners are up then).
  const auto until = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < until) {
    if (!process_->Running()) break;
    const Json ep = Json::parse(ReadFile(state_.path() / "endpoints.json"), nullptr, false);
    if (!ep.is_discarded() && ep.value("pid", -1) == process_->pid()) {
      endpoints_ = ep;
      app_ = Json::parse(ReadFile(state_.path() / "app.json"), nullptr, false);
      ok_ = !app_.is_discarded();
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  if (!ok_) {
    ADD_FAILURE() << "the cloud emulator did not start; its output:\n"
                  << process_->Stderr() << process_->Stdout() << Log();
  }
}

Emulator::~Emulator() {
  if (process_ && process_->Running()) {
    process_->Signal(SIGTERM);
    if (!process_->Wait(20s)) process_->Signal(SIGKILL);
    process_->Wait(10s);
  }
}

std::string Emulator::Url(const std::string& which) const {
  return endpoints_.value(which + "_url", std::string());
}

Json Emulator::Control(const std::string& method, const std::string& path, const Json& body) {
  const HttpReply reply = Http(method, Url("control") + path, body.is_null() ? std::string() : body.dump());
  EXPECT_TRUE(reply.status >= 200 && reply.status < 300)
      << method << " " << path << " -> " << reply.status << " " << reply.body;
  return reply.json;
}

std::string Emulator::CloudToml(const std::string& certificate_file) const {
  std::string toml = "[cloud]\n";
  toml += "tenant_id = " + TomlString(endpoints_.value("tenant_id", "")) + "\n";
  toml += "client_id = " + TomlString(endpoints_.value("client_id", "")) + "\n";
  toml += "certificate_file = " + TomlString(certificate_file.empty() ? File("app-cert.pem") : certificate_file) + "\n";
  toml += "private_key_file = " + TomlString(File("app-key.pem")) + "\n";
  toml += "login_url = " + TomlString(Url("login")) + "\n";
  toml += "graph_url = " + TomlString(Url("graph")) + "\n";
  toml += "exo_url = " + TomlString(Url("exo")) + "\n";
  toml += "ca_file = " + TomlString(File("ca.pem")) + "\n";
  return toml;
}

std::string Base64(std::string_view bytes) { return Base64Encode(bytes); }

ScratchUsers::ScratchUsers(const LabEnv& lab, const std::string& name, int users) : lab_(lab), tag_(RandomHex(8)) {
  ou_ = "OU=t-" + name + "-" + tag_ + "," + lab.base_dn;
  std::string ldif = "dn: " + ou_ + "\nchangetype: add\nobjectClass: organizationalUnit\n\n";
  for (int i = 1; i <= users; ++i) {
    char n[16];
    std::snprintf(n, sizeof n, "%03d", i);
    const std::string alias = "v" + tag_ + n;
    ldif += "dn: " + UserDn(i) + "\nchangetype: add\nobjectClass: user\n";
    ldif += "sAMAccountName: " + alias + "\nuserPrincipalName: " + alias + "@lab.example\n";
    ldif += "mail: " + alias + "@target.example\nmailNickname: " + alias + "\n";
    ldif += "proxyAddresses: SMTP:" + alias + "@target.example\n";
    ldif += "proxyAddresses: smtp:" + alias + "@targettenant.mail.onmicrosoft.com\n";
    ldif += "targetAddress: SMTP:" + alias + "@source.example\n";
    ldif += "msExchRecipientTypeDetails: 128\nmsExchRecipientDisplayType: 6\nuserAccountControl: 514\n\n";
  }
  ok_ = Modify(ldif);
}

ScratchUsers::~ScratchUsers() {
  const Ran ran = RunProcess({"ldapdelete", "-x", "-r", "-H", lab_.ldaps_url, "-D", lab_.admin_dn, "-y",
                              lab_.admin_password_file, ou_},
                             {{"LDAPTLS_CACERT", lab_.ca}});
  EXPECT_EQ(ran.exit_code, 0) << "removing " << ou_ << ": " << ran.err;
}

std::string ScratchUsers::UserDn(int i) const {
  char n[16];
  std::snprintf(n, sizeof n, "%03d", i);
  return "CN=V " + tag_ + " " + n + "," + ou_;
}

bool ScratchUsers::Modify(const std::string& ldif) const {
  const Ran ran = RunProcess({"ldapmodify", "-x", "-H", lab_.ldaps_url, "-D", lab_.admin_dn, "-y",
                              lab_.admin_password_file},
                             {{"LDAPTLS_CACERT", lab_.ca}}, ldif);
  EXPECT_EQ(ran.exit_code, 0) << "ldapmodify: " << ran.err << "\nLDIF:\n" << ldif;
  return ran.exit_code == 0;
}

}  // namespace ctim::testing
