// Benchmark of `verify` (not a test: it asserts nothing about speed, it prints). Against the lab AD and the
// REAL cloud emulator over HTTPS, with N seeded users (default 20000):
//   1. `tests/lab/lab.sh seed N` (idempotent; ~85-200 s for 20,000 the first time);
//   2. its own emulator over OU=CTIM (paused), one Entra Connect cycle, the CTIM file it exports;
//   3. resolve every target id through Graph (the matcher's CloudResolver);
//   4. one verify pass before the values are written (everything PENDING);
//   5. the file's values written into AD (one ldapmodify), one cycle, one verify pass (everything DONE);
// and prints per pass Graph calls, Graph resource units, EXO calls and seconds next to the goals of
// doc/design.md §10: <= users/20 Graph calls and <= users/1000 + 1 EXO calls per pass. Steps 3-5 run twice in
// the same run: users looked up with directoryObjects/getByIds (today's path) and with the older $batch of
// `id in (...)` filters, so the two are compared on the same data (doc/cloud-api.md gives the unit costs).
// The emulator's Graph budget is lifted for the run, so the figures count work, not throttling waits; the
// "at 8,000 units/10 s" column is the least time Graph's largest tenant budget would allow for those units.
// Run inside `tests/lab/lab.sh netns` after `lab.sh up` and `eval "$(lab.sh env)"`:
//   build/release/tests/bench/verify_bench [users]
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "agent/adapters/cloud_verify_source.h"
#include "agent/adapters/graph_cloud.h"
#include "agent/verify/verifier.h"
#include "agent/verify/verify_expectations.h"
#include "common/base64.h"
#include "sync/cloud_client.h"
#include "verify_lab.h"

namespace {

using namespace ctim;
using namespace ctim::testing;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one.empty() ? "?" : one;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

const char* PathName(sync::UserLookupPath path) {
  return path == sync::UserLookupPath::kGetByIds ? "getByIds" : "$batch filters";
}

void PrintPass(const char* what, sync::UserLookupPath path, const agent::VerifyReport& report,
               std::size_t users, std::uint64_t resource_units) {
  const agent::VerifyCounts c = report.Count();
  const agent::PassStats& p = report.passes.front();
  const double graph_goal = static_cast<double>(users) / 20.0;
  const double exo_goal = static_cast<double>(users) / 1000.0 + 1.0;
  std::printf(
      "%-30s %-14s %6zu users  graph %4llu calls (goal <= %.0f: %s) %6llu units (at 8,000 units/10 s: "
      ">= %5.1f s)  exo %3llu calls (goal <= %.0f: %s)  %6.2f s  [%zu done, %zu pending, %zu wrong]\n",
      what, PathName(path), users, static_cast<unsigned long long>(p.graph_calls), graph_goal,
      static_cast<double>(p.graph_calls) <= graph_goal ? "met" : "MISSED",
      static_cast<unsigned long long>(resource_units), static_cast<double>(resource_units) / 800.0,
      static_cast<unsigned long long>(p.exo_calls), exo_goal,
      static_cast<double>(p.exo_calls) <= exo_goal ? "met" : "MISSED",
      static_cast<double>(p.elapsed.count()) / 1000.0, c.done, c.pending, c.wrong);
}

// One verify pass with a fresh source (so every user's source of authority is read, as on a first pass).
agent::VerifyReport OnePass(sync::CloudClient& client, const std::vector<agent::Expectation>& expectations) {
  agent::CloudVerifySource source(client);
  agent::VerifyOptions options;
  options.once = true;
  agent::Verifier verifier(source, options);
  agent::NullProgress progress;
  auto report = verifier.Run(expectations, {}, progress, nullptr);
  if (!report) {
    std::fprintf(stderr, "verify_bench: verify failed: %s\n", report.error().ToString().c_str());
    std::exit(1);
  }
  return std::move(*report);
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);  // one info line per user would time the terminal, not verify
  const int users = argc > 1 ? std::atoi(argv[1]) : 20000;
  const auto lab = ReadLabEnv();
  const std::string target_ou = Env("CTIM_LAB_TARGET_OU");
  if (!lab || target_ou.empty() || users < 1) {
    std::fprintf(stderr, "usage: verify_bench [users]   (inside lab.sh netns, after lab.sh up and lab.sh env)\n");
    return 2;
  }
  std::printf("verify_bench: %d users, load average %s\n", users, LoadAverage().c_str());

  auto t = Clock::now();
  const Ran seed = RunProcess({std::string(CTIM_SOURCE_DIR) + "/tests/lab/lab.sh", "seed", std::to_string(users)}, {},
                              "", std::chrono::minutes(30));
  if (seed.exit_code != 0) {
    std::fprintf(stderr, "verify_bench: lab.sh seed failed:\n%s\n", seed.err.c_str());
    return 1;
  }
  std::printf("seed %d users (lab.sh seed)            %7.1f s\n", users, Seconds(t));

  Emulator::Options emu_options;
  emu_options.sync_scope = target_ou;
  Emulator emu(&*lab, emu_options);
  if (!emu.ok()) return 1;
  t = Clock::now();
  emu.Sync();
  std::printf("first Entra Connect cycle (emulator)       %7.1f s\n", Seconds(t));
  emu.Control("POST", "/graph/budget", {{"resource_units", 2000000000}, {"window_seconds", 10}});
  const Json ctim = emu.Control("GET", "/ctim/identities?seed=bench");
  ScratchDir dir("ctim-verify-bench");
  const std::string file = dir.File("identities.csv");
  WriteFile(file, ctim["csv"].get<std::string>());
  auto set = agent::ExpectationsFromFile(file, agent::ReaderOptions{});
  if (!set) {
    std::fprintf(stderr, "verify_bench: %s\n", set.error().ToString().c_str());
    return 1;
  }
  const std::vector<agent::Expectation>& rows = set->expectations;
  std::printf("CTIM file exported: %zu rows\n\n", rows.size());

  sync::CloudConfig config;
  config.tenant_id = emu.endpoints()["tenant_id"];
  config.client_id = emu.endpoints()["client_id"];
  config.certificate_file = emu.File("app-cert.pem");
  config.private_key_file = emu.File("app-key.pem");
  config.login_url = emu.Url("login");
  config.graph_url = emu.Url("graph");
  config.exo_url = emu.Url("exo");
  config.ca_file = emu.File("ca.pem");

  const sync::UserLookupPath kPaths[] = {sync::UserLookupPath::kGetByIds,
                                         sync::UserLookupPath::kBatchFilters};
  auto client_for = [&](sync::UserLookupPath path) {
    sync::CloudConfig c = config;
    c.limits.user_lookup = path;
    auto client = sync::CloudClient::Create(c);
    if (!client) {
      std::fprintf(stderr, "verify_bench: %s\n", client.error().ToString().c_str());
      std::exit(1);
    }
    return std::move(*client);
  };
  auto measured_pass = [&](const char* what, sync::UserLookupPath path, sync::CloudClient& client) {
    const std::uint64_t units = client.counts().graph_resource_units;
    const agent::VerifyReport report = OnePass(client, rows);
    PrintPass(what, path, report, rows.size(), client.counts().graph_resource_units - units);
  };

  for (const sync::UserLookupPath path : kPaths) {  // the matcher's resolver over every target id
    auto client = client_for(path);
    agent::GraphCloudOptions no_exo;
    no_exo.exo_evidence = false;
    agent::GraphCloudResolver resolver(*client, {}, no_exo);
    std::vector<Guid> ids;
    for (const agent::Expectation& e : rows) ids.push_back(e.target_object_id);
    t = Clock::now();
    auto resolved = resolver.Resolve(ids);
    const double s = Seconds(t);
    const std::uint64_t units = client->counts().graph_resource_units;
    std::printf(
        "%-30s %-14s %6zu ids    graph %4llu calls (users ~%zu + source of authority ~%zu) %6llu units "
        "(at 8,000 units/10 s: >= %5.1f s)  %6.2f s  [%zu found]\n",
        "resolve (CloudResolver, Graph)", PathName(path), ids.size(),
        static_cast<unsigned long long>(client->counts().graph_calls),
        path == sync::UserLookupPath::kGetByIds ? (ids.size() + 999) / 1000 : (ids.size() + 299) / 300,
        (ids.size() + 19) / 20, static_cast<unsigned long long>(units), static_cast<double>(units) / 800.0, s,
        resolved ? resolved->size() : 0);
  }
  std::printf("\n");
  for (const sync::UserLookupPath path : kPaths) {
    auto client = client_for(path);
    measured_pass("verify pass, nothing written", path, *client);
  }

  // Write the file's values into AD: what `ctim-agent write` will do, here as one ldapmodify.
  std::map<std::string, const Json*> record_of;
  const Json all = emu.Control("GET", "/users");
  for (const Json& r : all["users"]) record_of[r["id"].get<std::string>()] = &r;
  std::string ldif;
  for (const agent::Expectation& e : rows) {
    const Json& record = *record_of.at(e.target_object_id.ToString());
    ldif += "dn: " + record["dn"].get<std::string>() + "\nchangetype: modify\nreplace: msExchMailboxGuid\n";
    ldif += "msExchMailboxGuid:: " + Base64Encode(e.exchange_guid->AdBytes()) + "\n-\n";
    if (e.archive_guid) {
      ldif += "replace: msExchArchiveGUID\nmsExchArchiveGUID:: " + Base64Encode(e.archive_guid->AdBytes()) + "\n-\n";
    }
    ldif += "replace: proxyAddresses\n";  // the seeded values plus the X500s, idempotent across bench runs
    for (const Json& p : record["proxies"]) {
      const std::string v = p;
      if (v.rfind("X500:", 0) != 0 && v.rfind("x500:", 0) != 0) ldif += "proxyAddresses:: " + Base64Encode(v) + "\n";
    }
    for (const std::string& x : e.x500s) ldif += "proxyAddresses:: " + Base64Encode(x) + "\n";
    ldif += "-\n\n";
  }
  t = Clock::now();
  const Ran write = RunProcess({"ldapmodify", "-x", "-H", lab->ldaps_url, "-D", lab->admin_dn, "-y",
                                lab->admin_password_file},
                               {{"LDAPTLS_CACERT", lab->ca}}, ldif, std::chrono::minutes(30));
  if (write.exit_code != 0) {
    std::fprintf(stderr, "verify_bench: ldapmodify failed:\n%s\n", write.err.substr(0, 2000).c_str());
    return 1;
  }
  std::printf("\nwrite %zu users' values (ldapmodify)     %7.1f s\n", rows.size(), Seconds(t));
  t = Clock::now();
  emu.Sync();
  std::printf("Entra Connect cycle after the write        %7.1f s\n\n", Seconds(t));

  for (const sync::UserLookupPath path : kPaths) {
    auto fresh = client_for(path);
    measured_pass("verify pass, everything written", path, *fresh);
    measured_pass("verify pass again (warm)", path, *fresh);
  }
  return 0;
}
