// End to end `ctim-agent write` (ingest + match + plan + journal + LDAP + re-read, as a process, the
// release binary) against `ldapmodify -f` of the equivalent LDIF (the same changes, one synchronous
// connection, the same bind: GSSAPI with svc-ctim's keytab), side by side in one run, for 2,000 and 20,000
// seeded lab users. Each measurement starts from the same state: lab.sh reset + seed N. The two end states
// are compared (ldapsearch), which proves the LDIF carried the same changes. Prints both rates, the ratio
// (goal >= 1.0x) and the peak RSS (ru_maxrss) of both processes.
// Also (--read-modes) the re-read strategies of the AD adapter for N objects: OR filters on objectGUID vs
// one <GUID=...> base read each.
//
//   write_bench [--sizes 2000,20000] [--repeat 5] [--read-modes] [--keep-logs DIR] [--agent PATH]
// --agent measures another ctim-agent binary (say, an earlier commit's release build) the same way, so a
// change's before/after is two runs of the same benchmark.
// Each size is measured --repeat times (agent and ldapmodify each from a pristine DC, alternating which
// goes first); the median ratio is the figure, since one run on a shared machine varies by +-0.1x.
// Run inside `tests/lab/lab.sh netns` after `lab.sh up` and eval "$(tests/lab/lab.sh env)".
//
//   write_bench --fake-dc [--sizes 100000,1000000]
// needs no lab: the agent's own write path (ReadIdentityFile, BuildPlan with no cloud, a real journal,
// WritePlan with batches of 500, the report) in process against an in-process directory shaped like the
// lab's seeded users (fake_directory.h), each size in a forked child (fake_dc_run.cpp). Prints the agent's
// CPU per row (process CPU minus the directory's own) and memory per row (peak RSS minus the RSS after
// setup, which holds the directory) next to the goals (<= 20 us and <= 1 KiB per row at 1,000,000 rows),
// each phase's CPU, RSS and live heap, and what BuildPlan holds at its peak.
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
#include <optional>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "agent/adapters/ad_directory.h"
#include "agent/model/attributes.h"
#include "common/base64.h"
#include "common/iso8601.h"
#include "core_lab.h"
#include "fake_dc_run.h"
#include "ldap/options.h"

namespace {

using namespace ctim::core_lab;
using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "write_bench: %s\n", why.c_str());
  std::exit(2);
}

struct Measured {
  std::chrono::system_clock::time_point started, ended;
  double seconds = 0;
  long maxrss_kb = 0;
  int exit_code = -1;
};

// Runs argv with extra env, output to `log`, and reports wall time and the child's peak RSS (wait4).
Measured Timed(const std::vector<std::string>& argv, const std::vector<std::string>& env,
               const std::string& log) {
  std::fflush(nullptr);
  const auto started = std::chrono::system_clock::now();
  const auto t0 = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) Die("fork failed");
  if (pid == 0) {
    for (const std::string& kv : env) ::putenv(const_cast<char*>(kv.c_str()));
    if (std::freopen(log.c_str(), "w", stdout) == nullptr || ::dup2(::fileno(stdout), 2) < 0) _exit(126);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  Measured m;
  m.started = started;
  m.ended = std::chrono::system_clock::now();
  m.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  m.maxrss_kb = usage.ru_maxrss;
  m.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return m;
}

// The LDIF of exactly the changes the agent plans for pristine seeded users (all first-time sets and
// per-value adds): what an admin would feed ldapmodify.
std::string ChangesLdif(const std::vector<SeededUser>& users) {
  std::string ldif;
  for (std::size_t i = 0; i < users.size(); ++i) {
    const CtimRow row = RowFor(users[i], i + 1);
    ldif += "dn: " + users[i].dn + "\nchangetype: modify\n";
    ldif += "add: msExchMailboxGuid\nmsExchMailboxGuid:: " +
            ctim::Base64Encode(ctim::Guid::Parse(row.exchange_guid)->AdBytes()) + "\n-\n";
    if (!row.archive_guid.empty()) {
      ldif += "add: msExchArchiveGUID\nmsExchArchiveGUID:: " +
              ctim::Base64Encode(ctim::Guid::Parse(row.archive_guid)->AdBytes()) + "\n-\n";
    }
    ldif += "add: proxyAddresses\n";
    for (const std::string& x : X500sOf(row)) ldif += "proxyAddresses:: " + ctim::Base64Encode(x) + "\n";
    ldif += "-\n";
    if (row.litigation_hold == "true") ldif += "add: msExchELCMailboxFlags\nmsExchELCMailboxFlags: 8\n-\n";
    ldif += "\n";
  }
  return ldif;
}

// Where the agent's time went, from its own log (ldap=debug lines carry "in N ms" and a timestamp): the time
// before its first modify, the span of its modifies and the time after the last one, and the DC round trips
// in each. What the agent does besides the modifies costs the run only when it is outside their span.
void PrintBreakdown(const std::string& log_path, const Measured& run) {
  std::ifstream in(log_path);
  std::string line;
  using TimePoint = std::chrono::system_clock::time_point;
  struct Read {
    TimePoint end;
    double seconds;
  };
  double candidates = 0, gc = 0, modifies = 0;
  int gc_n = 0, batches = 0;
  std::vector<Read> rereads;
  std::optional<TimePoint> first_modify, last_modify;
  const std::regex ms(R"( in (\d+(?:\.\d+)?) ms$)");  // ldap/ logs tenths: a GC lookup takes < 1 ms
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("msg") || !j.contains("ts")) continue;
    const std::string msg = j["msg"];
    std::smatch m;
    if (!std::regex_search(msg, m, ms)) continue;
    const auto ts = ctim::ParseUtcIso8601(j["ts"].get<std::string>());
    if (!ts) continue;
    const double s = std::stod(m[1]) / 1000.0;
    if (msg.starts_with("ldap pipelined modify")) {
      modifies += s;
      ++batches;
      const TimePoint start = *ts - std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                        std::chrono::duration<double>(s));
      if (!first_modify || start < *first_modify) first_modify = start;
      if (!last_modify || *ts > *last_modify) last_modify = *ts;
    } else if (msg.find("filter=(|(objectGUID=") != std::string::npos ||
               msg.find("filter=(objectGUID=") != std::string::npos) {
      rereads.push_back({*ts, s});
    } else if (msg.find("proxyAddresses=") != std::string::npos) {
      gc += s;
      ++gc_n;
    } else if (msg.starts_with("ldap search")) {
      candidates += s;
    }
  }
  if (!first_modify) {
    std::printf("    agent phases: no modify in its log\n");
    return;
  }
  auto seconds = [](TimePoint a, TimePoint b) { return std::chrono::duration<double>(b - a).count(); };
  double overlapped = 0, after = 0;
  int overlapped_n = 0, after_n = 0;
  for (const Read& r : rereads) {
    if (r.end <= *last_modify) {
      overlapped += r.seconds;
      ++overlapped_n;
    } else {
      after += r.seconds;
      ++after_n;
    }
  }
  std::printf(
      "    agent phases: %.2f s before the first modify (candidate search %.2f s, GC lookups %.2f s in %d), "
      "%.2f s of modifies (%d batches, %.2f s in flight; re-reads beside them on a second connection %.2f s in %d), %.2f s after "
      "the last (re-reads %.2f s in %d)\n",
      seconds(run.started, *first_modify), candidates, gc, gc_n, seconds(*first_modify, *last_modify), batches,
      modifies, overlapped, overlapped_n, seconds(*last_modify, run.ended), after, after_n);
}

std::vector<SeededUser> Pristine(int n) {
  const auto t0 = Clock::now();
  if (auto s = LabReset(); !s) Die(s.error().ToString());
  if (auto s = LabSeed(n); !s) Die(s.error().ToString());
  auto lab = ReadLab();
  auto users = ReadManifest(lab->seed_manifest);
  if (!users || users->size() != static_cast<std::size_t>(n))
    Die("seed manifest does not list the seeded users");
  std::printf("  reset + seed %d: %.1f s\n", n, std::chrono::duration<double>(Clock::now() - t0).count());
  return std::move(*users);
}

void MeasureReadModes(const Lab& lab, const std::vector<SeededUser>& users) {
  ctim::agent::adapters::AdDirectoryOptions options;
  options.dc.url = lab.ldap_url;
  options.dc.bind = ctim::ldap::BindMethod::kGssapi;
  options.dc.keytab = lab.keytab;
  options.dc.krb5_config = lab.krb5_config;
  std::vector<ctim::Guid> guids;
  for (const SeededUser& u : users)
    guids.push_back(*ctim::Guid::FromAdBytes(*ctim::Base64Decode(u.object_guid_b64)));
  const auto all_attributes = ctim::agent::attr::CandidateAttributes("mS-DS-ConsistencyGuid");
  const std::vector<std::string> written = {"objectGUID",     "msExchMailboxGuid", "msExchArchiveGUID",
                                            "proxyAddresses", "targetAddress",     "msExchELCMailboxFlags"};
  for (const auto* attrs : {&all_attributes, &written}) {
    const auto& attributes = *attrs;
    std::printf("  re-reads with %zu attributes:\n", attributes.size());
    for (auto mode :
         {ctim::agent::adapters::GuidReadMode::kOrFilter, ctim::agent::adapters::GuidReadMode::kBaseRead}) {
      for (std::size_t per_filter : {std::size_t{50}, std::size_t{100}, std::size_t{200}}) {
        if (mode == ctim::agent::adapters::GuidReadMode::kBaseRead && per_filter != 100) continue;
        options.guid_reads = mode;
        options.guids_per_filter = per_filter;
        auto dir = ctim::agent::adapters::OpenAdDirectory(options);
        if (!dir) Die(dir.error().ToString());
        const auto t0 = Clock::now();
        auto read = (*dir)->ReadByGuids(guids, attributes);
        const double s = std::chrono::duration<double>(Clock::now() - t0).count();
        if (!read) Die(read.error().ToString());
        std::size_t found = 0;
        for (const auto& o : *read) found += o ? 1 : 0;
        std::printf("  re-read %zu objects, %s: %.3f s (%.0f objects/s, %zu found)\n", guids.size(),
                    mode == ctim::agent::adapters::GuidReadMode::kOrFilter
                        ? fmt::format("OR filters of {} objectGUIDs", per_filter).c_str()
                        : "one <GUID=...> base read each",
                    s, static_cast<double>(guids.size()) / s, found);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes = {2000, 20000};
  bool sizes_given = false;
  bool read_modes = false;
  bool fake_dc = false;
  int repeat = 5;
  std::string keep_logs;                     // copy each agent log (JSON lines, ldap=debug) here
  std::string agent_binary = AgentBinary();  // --agent: another build to measure
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--sizes" && i + 1 < argc) {
      sizes.clear();
      sizes_given = true;
      std::string list = argv[++i];
      for (std::size_t pos = 0; pos <= list.size();) {
        const std::size_t comma = std::min(list.find(',', pos), list.size());
        sizes.push_back(std::stoi(list.substr(pos, comma - pos)));
        pos = comma + 1;
      }
    } else if (arg == "--fake-dc") {
      fake_dc = true;
    } else if (arg == "--read-modes") {
      read_modes = true;
    } else if (arg == "--keep-logs" && i + 1 < argc) {
      keep_logs = argv[++i];
    } else if (arg == "--agent" && i + 1 < argc) {
      agent_binary = argv[++i];
      if (access(agent_binary.c_str(), X_OK) != 0)
        Die("--agent " + agent_binary + ": not an executable file");
    } else if (arg == "--repeat" && i + 1 < argc) {
      repeat = std::stoi(argv[++i]);
      if (repeat < 1 || repeat > 99) Die("--repeat wants 1..99");
    } else {
      Die("usage: write_bench [--sizes 2000,20000] [--repeat 5] [--read-modes] [--keep-logs DIR]\n"
          "                   [--agent PATH]\n"
          "       write_bench --fake-dc [--sizes 100000,1000000]");
    }
  }
  if (fake_dc) return ctim::bench::RunFakeDc(sizes_given ? sizes : std::vector<int>{100000, 1000000});
  auto lab = ReadLab();
  if (!lab) Die(lab.error().ToString());
  TempDir tmp;
  if (tmp.path().empty()) Die("mkdtemp failed");
  const EmulatorQuiet quiet;  // no Entra Connect writeback racing with the measurements
  if (!quiet.error().empty()) Die(quiet.error());
  const std::string config = tmp.File("agent.toml");
  if (auto s = WriteOfflineConfig(*lab, config); !s) Die(s.error().ToString());
  const std::vector<std::string> gssapi_env = {"KRB5CCNAME=MEMORY:bench",
                                               "KRB5_CLIENT_KTNAME=" + lab->keytab,
                                               "KRB5_CONFIG=" + lab->krb5_config,
                                               "LDAPSASL_NOCANON=on",
                                               "LDAPRC=/dev/null",
                                               "LDAPCONF=/dev/null"};
  std::printf(
      "write_bench: ctim-agent %s\n  bind for both: GSSAPI (sign+seal) as svc-ctim with its keytab, %s\n",
      agent_binary.c_str(), lab->ldap_url.c_str());
  int failures = 0;
  using State = decltype(Search(*lab, lab->target_ou, "", WrittenAttributes()))::value_type;
  for (const int n : sizes) {
    std::printf("N = %d (%d run(s) of each, alternating which goes first)\n", n, repeat);
    std::vector<double> ratios;
    long agent_rss = 0, tool_rss = 0;
    for (int r = 1; r <= repeat; ++r) {
      // The agent, end to end, from a pristine seeded DC.
      auto run_agent = [&]() -> std::pair<Measured, State> {
        std::vector<SeededUser> users = Pristine(n);
        std::vector<CtimRow> rows;
        for (std::size_t i = 0; i < users.size(); ++i) rows.push_back(RowFor(users[i], i + 1));
        const std::string file = tmp.File(fmt::format("identities-{}-{}.csv", n, r));
        if (auto s = WriteCtimFile(file, rows); !s) Die(s.error().ToString());
        const std::string journal = tmp.File(fmt::format("journal-{}-{}.db", n, r));
        const std::string agent_log = tmp.File(fmt::format("agent-{}-{}.log", n, r));
        const Measured m = Timed({agent_binary, "write", file, "--config", config, "--journal", journal,
                                  "--no-progress", "--log-format", "json", "--log-layers", "ldap=debug"},
                                 {}, agent_log);
        if (m.exit_code != 0) Die(fmt::format("ctim-agent write exited {} (log {})", m.exit_code, agent_log));
        std::printf(
            "  ctim-agent write (end to end)  %6d users in %7.2f s = %7.0f users/s, peak RSS %6.1f MiB\n", n,
            m.seconds, n / m.seconds, m.maxrss_kb / 1024.0);
        PrintBreakdown(agent_log, m);
        if (!keep_logs.empty()) {
          std::filesystem::copy_file(agent_log,
                                     keep_logs + "/" + std::filesystem::path(agent_log).filename().string(),
                                     std::filesystem::copy_options::overwrite_existing);
        }
        auto state = Search(*lab, lab->target_ou, "(objectClass=user)", WrittenAttributes());
        if (!state) Die(state.error().ToString());
        if (read_modes && r == 1) MeasureReadModes(*lab, users);
        return {m, std::move(*state)};
      };
      // ldapmodify -f with the same changes, from the same pristine state.
      auto run_tool = [&]() -> std::pair<Measured, State> {
        const std::vector<SeededUser> users = Pristine(n);
        const std::string ldif = tmp.File(fmt::format("changes-{}-{}.ldif", n, r));
        std::ofstream(ldif) << ChangesLdif(users);
        const Measured m = Timed({"ldapmodify", "-Q", "-Y", "GSSAPI", "-H", lab->ldap_url, "-f", ldif},
                                 gssapi_env, tmp.File(fmt::format("ldapmodify-{}-{}.log", n, r)));
        if (m.exit_code != 0) Die(fmt::format("ldapmodify exited {}", m.exit_code));
        std::printf(
            "  ldapmodify -f (modifies only)  %6d users in %7.2f s = %7.0f users/s, peak RSS %6.1f MiB\n", n,
            m.seconds, n / m.seconds, m.maxrss_kb / 1024.0);
        auto state = Search(*lab, lab->target_ou, "(objectClass=user)", WrittenAttributes());
        if (!state) Die(state.error().ToString());
        return {m, std::move(*state)};
      };
      std::pair<Measured, State> agent, tool;
      if (r % 2 == 1) {
        agent = run_agent();
        tool = run_tool();
      } else {
        tool = run_tool();
        agent = run_agent();
      }
      const bool same = agent.second == tool.second;
      failures += same ? 0 : 1;
      const double ratio = tool.first.seconds / agent.first.seconds;  // (n / agent s) / (n / tool s)
      ratios.push_back(ratio);
      agent_rss = std::max(agent_rss, agent.first.maxrss_kb);
      tool_rss = std::max(tool_rss, tool.first.maxrss_kb);
      std::printf("  run %d: ratio %.2fx; end states %s\n", r, ratio,
                  same ? "identical" : "DIFFER (the LDIF is not equivalent)");
    }
    std::vector<double> sorted = ratios;
    std::sort(sorted.begin(), sorted.end());
    std::string all;
    for (double x : ratios) all += fmt::format("{}{:.2f}x", all.empty() ? "" : ", ", x);
    std::printf(
        "  N = %d: median ratio %.2fx (goal >= 1.00x) over %d run(s): %s; peak RSS %.1f MiB (agent) vs %.1f "
        "MiB (ldapmodify)\n",
        n, sorted[sorted.size() / 2], repeat, all.c_str(), agent_rss / 1024.0, tool_rss / 1024.0);
  }
  if (auto s = LabReset(); !s) std::fprintf(stderr, "final reset: %s\n", s.error().ToString().c_str());
  return failures == 0 ? 0 : 1;
}
