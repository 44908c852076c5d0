// Pipelined modifies through ldap/ against `ldapmodify -f` (one synchronous connection), same lab, same
// bind type, same modification shape, same run. The shape is the writer's: per user replace
// msExchMailboxGuid, add two proxyAddresses (smtp + X500), replace msExchELCMailboxFlags.
//
//   ldap_modify_bench [--n 2000] [--window 64] [--rounds 2] [--bind simple|gssapi] [--keep]
//
// Reads the lab from the CTIM_LAB_* variables (tests/lab/lab.sh env). Creates a fresh
// OU=b-modify-<random> under the lab base with 2 x rounds x N users (one ldapadd per set), and deletes
// it at the end (tree delete) unless --keep. Each round modifies a fresh set with ldap/ and another
// fresh set with ldapmodify; rounds alternate which goes first. Timings include connect + bind for both.
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/base64.h"
#include "common/guid.h"
#include "ldap/connection.h"
#include "ldap/escape.h"

namespace {

using ctim::ldap::Connection;
using ctim::ldap::ConnectOptions;
using ctim::ldap::Mod;
using ctim::ldap::ModifyRequest;
using Clock = std::chrono::steady_clock;

struct Args {
  int n = 2000;
  std::size_t window = 64;
  int rounds = 2;
  bool gssapi = false;
  bool keep = false;
};

struct Lab {
  std::string ldap_url, ldaps_url, base_dn, ca, admin_dn, password_file, realm, krb5_config;
  std::string password;
};

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "ldap_modify_bench: %s\n", why.c_str());
  std::exit(2);
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') Die(fmt::format("{} is not set (eval \"$(tests/lab/lab.sh env)\")", name));
  return v;
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(fmt::format("{} needs a value", arg));
      return argv[++i];
    };
    if (arg == "--n") {
      a.n = std::stoi(value());
    } else if (arg == "--window") {
      a.window = static_cast<std::size_t>(std::stoul(value()));
    } else if (arg == "--rounds") {
      a.rounds = std::stoi(value());
    } else if (arg == "--bind") {
      const std::string b = value();
      if (b != "simple" && b != "gssapi") Die("--bind is simple or gssapi");
      a.gssapi = (b == "gssapi");
    } else if (arg == "--keep") {
      a.keep = true;
    } else {
      Die(fmt::format("unknown argument {} (see the header of ldap_modify_bench.cpp)", arg));
    }
  }
  if (a.n < 1 || a.n > 100000 || a.rounds < 1 || a.rounds > 10 || a.window < 1) Die("argument out of range");
  return a;
}

// Runs argv with extra environment, stdout/stderr to log; returns the exit status. A `timeout -s KILL`
// in front bounds every child.
int Run(std::vector<std::string> argv, const std::vector<std::string>& env, const std::string& log) {
  argv.insert(argv.begin(), {"timeout", "-s", "KILL", "900"});
  std::fflush(nullptr);  // or the child inherits (and prints again) what stdout has buffered
  const pid_t pid = ::fork();
  if (pid < 0) Die("fork failed");
  if (pid == 0) {
    for (const std::string& kv : env) ::putenv(const_cast<char*>(kv.c_str()));
    std::FILE* out = std::freopen(log.c_str(), "a", stdout);
    if (out == nullptr || ::dup2(::fileno(stdout), 2) < 0) _exit(126);
    std::vector<char*> args;
    for (std::string& s : argv) args.push_back(s.data());
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::string GuidBytes(int set, int i) {
  return ctim::Guid::Parse(fmt::format("{:08x}-{:04x}-4000-8000-{:012x}", 0x6f1e2d3cu + i, set, i * 7919))
      ->AdBytes();
}
std::string Proxy(int set, int i) {
  return fmt::format("smtp:b{}u{:05}@contoso.mail.onmicrosoft.example", set, i);
}
std::string X500(int set, int i) {
  return fmt::format(
      "X500:/o=First Organization/ou=Exchange Administrative Group "
      "(FYDIBOHF23SPDLT)/cn=Recipients/cn=b{}u{:05}",
      set, i);
}
std::string UserDn(int set, int i, const std::string& ou) {
  return fmt::format("CN=b{}u{:05},{}", set, i, ou);
}

void WriteAddLdif(const std::string& path, int set, int n, const std::string& ou, const std::string& tag) {
  std::ofstream out(path);
  for (int i = 0; i < n; ++i) {
    out << "dn: " << UserDn(set, i, ou)
        << "\nobjectClass: user\nsAMAccountName: " << fmt::format("{}{}u{:05}", tag, set, i) << "\n\n";
  }
}

void WriteModifyLdif(const std::string& path, int set, int n, const std::string& ou) {
  std::ofstream out(path);
  for (int i = 0; i < n; ++i) {
    out << "dn: " << UserDn(set, i, ou) << "\nchangetype: modify\n"
        << "replace: msExchMailboxGuid\nmsExchMailboxGuid:: " << ctim::Base64Encode(GuidBytes(set, i))
        << "\n-\n"
        << "add: proxyAddresses\nproxyAddresses: " << Proxy(set, i) << "\nproxyAddresses: " << X500(set, i)
        << "\n-\n"
        << "replace: msExchELCMailboxFlags\nmsExchELCMailboxFlags: 130\n-\n\n";
  }
}

std::vector<ModifyRequest> Requests(int set, int n, const std::string& ou) {
  std::vector<ModifyRequest> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    out.push_back(ModifyRequest{UserDn(set, i, ou),
                                {Mod{Mod::kReplace, "msExchMailboxGuid", {GuidBytes(set, i)}},
                                 Mod{Mod::kAdd, "proxyAddresses", {Proxy(set, i), X500(set, i)}},
                                 Mod{Mod::kReplace, "msExchELCMailboxFlags", {"130"}}}});
  }
  return out;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// CPU seconds (user + system) used so far by this process or by its waited-for children.
double CpuSeconds(int who) {
  rusage u{};
  ::getrusage(who, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = ParseArgs(argc, argv);
  Lab lab;
  lab.ldap_url = Env("CTIM_LAB_LDAP_URL");
  lab.ldaps_url = Env("CTIM_LAB_LDAPS_URL");
  lab.base_dn = Env("CTIM_LAB_BASE_DN");
  lab.ca = Env("CTIM_LAB_CA");
  lab.admin_dn = Env("CTIM_LAB_ADMIN_DN");
  lab.password_file = Env("CTIM_LAB_ADMIN_PASSWORD_FILE");
  lab.realm = Env("CTIM_LAB_REALM");
  lab.krb5_config = Env("KRB5_CONFIG");
  {
    std::ifstream in(lab.password_file);
    if (!std::getline(in, lab.password) || lab.password.empty()) Die("cannot read " + lab.password_file);
  }

  std::random_device rd;
  const std::string tag = fmt::format("{:06x}", rd() & 0xffffff);
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("ldap-bench-" + tag);
  std::filesystem::create_directories(dir);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all);
  const std::string log = (dir / "tools.log").string();
  // ldapadd/ldapmodify -y take the file's whole content as the password: no trailing newline.
  const std::string pwfile = (dir / "pw").string();
  std::ofstream(pwfile) << lab.password;
  const std::vector<std::string> tls_env = {"LDAPTLS_CACERT=" + lab.ca, "LDAPTLS_REQCERT=demand",
                                            "LDAPSASL_NOCANON=on", "LDAPRC=/dev/null", "LDAPCONF=/dev/null"};
  const std::vector<std::string> admin_tool = {"-x", "-H", lab.ldaps_url, "-D", lab.admin_dn, "-y", pwfile};

  // Admin session (LDAPS simple) for setup and cleanup.
  ConnectOptions admin_opts;
  admin_opts.url = lab.ldaps_url;
  admin_opts.ca_file = lab.ca;
  admin_opts.bind = ctim::ldap::BindMethod::kSimple;
  admin_opts.bind_dn = lab.admin_dn;
  admin_opts.password = ctim::Secret(lab.password);
  admin_opts.operation_timeout = std::chrono::minutes(15);  // the final tree delete of 2 x rounds x N users
  auto admin = Connection::Open(admin_opts);
  if (!admin) Die(admin.error().ToString());
  const std::string ou = fmt::format("OU=b-modify-{},{}", tag, lab.base_dn);
  if (auto st = admin->Add(ou, {{"objectClass", {"organizationalUnit"}}}); !st) Die(st.error().ToString());

  // Modifies: the same bind type for both clients.
  ConnectOptions bench_opts = admin_opts;
  bench_opts.operation_timeout = std::chrono::seconds(60);
  std::vector<std::string> modify_tool = admin_tool;
  std::vector<std::string> modify_env = tls_env;
  std::string bind_text = "simple bind over LDAPS as " + lab.admin_dn;
  if (args.gssapi) {
    const std::string ccache = "FILE:" + (dir / "krb5cc").string();
    const std::string cmd =
        fmt::format("KRB5CCNAME='{}' kinit 'Administrator@{}' >/dev/null", ccache, lab.realm);
    std::FILE* kinit = ::popen(cmd.c_str(), "w");
    if (kinit == nullptr) Die("cannot run kinit");
    std::fputs((lab.password + "\n").c_str(), kinit);
    if (::pclose(kinit) != 0) Die("kinit Administrator failed");
    bench_opts = ConnectOptions{};
    bench_opts.url = lab.ldap_url;
    bench_opts.bind = ctim::ldap::BindMethod::kGssapi;
    bench_opts.ccache = ccache;
    bench_opts.krb5_config = lab.krb5_config;
    modify_tool = {"-Q", "-Y", "GSSAPI", "-H", lab.ldap_url};
    modify_env.push_back("KRB5CCNAME=" + ccache);
    modify_env.push_back("KRB5_CONFIG=" + lab.krb5_config);
    bind_text = "GSSAPI (sign+seal) on " + lab.ldap_url + " as Administrator@" + lab.realm;
  }

  std::printf(
      "ldap_modify_bench: N=%d users per run, 3 mods each (replace msExchMailboxGuid, add 2 proxyAddresses, "
      "replace msExchELCMailboxFlags)\n  bind: %s; layer window %zu; %d round(s); OU %s\n",
      args.n, bind_text.c_str(), args.window, args.rounds, ou.c_str());

  // Users: one fresh set per run.
  const int sets = 2 * args.rounds;
  const auto add_start = Clock::now();
  for (int set = 0; set < sets; ++set) {
    const std::string ldif = (dir / fmt::format("add{}.ldif", set)).string();
    WriteAddLdif(ldif, set, args.n, ou, tag);
    std::vector<std::string> cmd = {"ldapadd"};
    cmd.insert(cmd.end(), admin_tool.begin(), admin_tool.end());
    cmd.insert(cmd.end(), {"-f", ldif});
    if (Run(cmd, tls_env, log) != 0) Die("ldapadd failed, see " + log);
  }
  std::printf("  setup: %d users added with ldapadd in %.2f s\n", sets * args.n,
              Seconds(Clock::now() - add_start));

  std::vector<double> layer_rates;
  std::vector<double> tool_rates;
  int layer_failures = 0;
  for (int round = 0; round < args.rounds; ++round) {
    const int layer_set = 2 * round;
    const int tool_set = 2 * round + 1;
    const std::string mod_ldif = (dir / fmt::format("modify{}.ldif", tool_set)).string();
    WriteModifyLdif(mod_ldif, tool_set, args.n, ou);
    const std::vector<ModifyRequest> requests = Requests(layer_set, args.n, ou);

    const auto run_layer = [&] {
      const double cpu0 = CpuSeconds(RUSAGE_SELF);
      const auto t0 = Clock::now();
      auto conn = Connection::Open(bench_opts);
      if (!conn) Die(conn.error().ToString());
      ctim::ldap::PipelineOptions po;
      po.window = args.window;
      int failed = 0;
      auto st = conn->ModifyPipelined(requests, po, [&](const ModifyRequest&, ctim::ldap::ModifyOutcome&& o) {
        if (!o.status && failed++ < 3)
          std::fprintf(stderr, "  layer: %s\n", o.status.error().ToString().c_str());
      });
      if (!st) Die(st.error().ToString());
      const double s = Seconds(Clock::now() - t0);
      const double cpu = CpuSeconds(RUSAGE_SELF) - cpu0;
      layer_failures += failed;
      layer_rates.push_back(args.n / s);
      std::printf(
          "  round %d  ldap/ pipelined      %d modifies in %6.3f s = %7.0f modifies/s (client CPU %.0f ms, "
          "%d failed)\n",
          round + 1, args.n, s, args.n / s, cpu * 1000, failed);
    };
    const auto run_tool = [&] {
      std::vector<std::string> cmd = {"ldapmodify"};
      cmd.insert(cmd.end(), modify_tool.begin(), modify_tool.end());
      cmd.insert(cmd.end(), {"-f", mod_ldif});
      const double cpu0 = CpuSeconds(RUSAGE_CHILDREN);
      const auto t0 = Clock::now();
      const int rc = Run(cmd, modify_env, log);
      const double s = Seconds(Clock::now() - t0);
      const double cpu = CpuSeconds(RUSAGE_CHILDREN) - cpu0;
      if (rc != 0) Die(fmt::format("ldapmodify exited {}, see {}", rc, log));
      tool_rates.push_back(args.n / s);
      std::printf(
          "  round %d  ldapmodify -f        %d modifies in %6.3f s = %7.0f modifies/s (client CPU %.0f ms)\n",
          round + 1, args.n, s, args.n / s, cpu * 1000);
    };
    if (round % 2 == 0) {
      run_layer();
      run_tool();
    } else {
      run_tool();
      run_layer();
    }
  }

  // Spot-check that the layer's writes landed.
  auto check = admin->Read(UserDn(0, args.n - 1, ou), {"msExchMailboxGuid", "proxyAddresses"});
  const bool landed = check && check->First("msExchMailboxGuid") == GuidBytes(0, args.n - 1) &&
                      check->Find("proxyAddresses") != nullptr && check->Find("proxyAddresses")->size() == 2;

  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  };
  const double layer = median(layer_rates);
  const double tool = median(tool_rates);
  std::printf(
      "result: ldap/ pipelined %.0f modifies/s, ldapmodify %.0f modifies/s (medians over %d round(s)), "
      "ratio %.2fx (goal >= 1.0x)%s\n",
      layer, tool, args.rounds, layer / tool, landed ? "" : "  [SPOT CHECK FAILED]");

  if (!args.keep) {
    ctim::ldap::DeleteOptions tree;
    tree.tree = true;
    if (auto st = admin->Delete(ou, tree); !st)
      std::fprintf(stderr, "cleanup: %s\n", st.error().ToString().c_str());
    std::filesystem::remove_all(dir);
  }
  return (layer_failures == 0 && landed) ? 0 : 1;
}
