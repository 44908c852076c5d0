#include "fake_dc_run.h"

#include <fcntl.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stop_token>
#include <string>

#include "agent/apply/writer.h"
#include "agent/model/attributes.h"
#include "agent/model/progress.h"
#include "agent/plan/identity_file.h"
#include "agent/plan/matcher.h"
#include "agent/plan/plan_builder.h"
#include "agent/report/plan_format.h"
#include "agent/report/run_report_data.h"
#include "core_lab.h"
#include "fake_directory.h"
#include "service/config.h"
#include "service/file_digest.h"
#include "service/journal_setup.h"
#include "service/logging.h"
#include "service/plan_file.h"
#include "service/reader_setup.h"

namespace ctim::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr double kCpuGoalUs = 20.0;        // agent CPU per row
constexpr double kMemoryGoalBytes = 1024;  // agent memory per row, at 1,000,000 rows
constexpr std::size_t kBatchSize = 500;    // `ctim-agent write`'s default --batch-size

// The CTIM file for users 1..n, written with core_lab's WriteCtimFile (the lab benchmarks' writer and rows)
// 10,000 rows at a time, so a million rows never sit in memory at once.
Status WriteFile(const std::string& path, std::size_t n, const core_lab::TempDir& tmp) {
  std::ofstream out(path, std::ios::binary);
  const std::string chunk_path = tmp.File("chunk.csv");
  constexpr std::size_t kChunk = 10000;
  for (std::size_t first = 1; first <= n; first += kChunk) {
    std::vector<core_lab::CtimRow> rows;
    for (std::size_t i = first; i < first + kChunk && i <= n; ++i) {
      core_lab::SeededUser user;
      user.dn = FakeDirectory::DnOf(i);
      user.target_address = FakeDirectory::TargetAddressOf(i);
      rows.push_back(core_lab::RowFor(user, i));
    }
    if (Status s = core_lab::WriteCtimFile(chunk_path, rows); !s) return s;
    std::ifstream in(chunk_path, std::ios::binary);
    std::string line;
    if (first > 1) std::getline(in, line);  // the header, once
    out << in.rdbuf();
  }
  out.close();
  std::filesystem::remove(chunk_path);
  if (!out) return Fail(Errc::kInternal, "cannot write " + path);
  return {};
}

// The attribute changes the planner makes for pristine seeded user i with core_lab::RowFor's row: the
// mailbox GUID, the archive GUID on every 2nd row, one X500 (LegacyExchangeDN) plus one more on every 3rd,
// ELC flags on every 50th. The same count as the lab's write_bench plans.
std::size_t ExpectedChanges(std::size_t n) {
  std::size_t total = 0;
  for (std::size_t i = 1; i <= n; ++i) total += 2 + (i % 2 == 0) + (i % 3 == 0) + (i % 50 == 0);
  return total;
}

struct Sample {
  double wall = 0;
  std::int64_t cpu_ns = 0;  // process user + system
  std::int64_t dir_ns = 0;  // of which the fake directory's
  long rss_kb = 0, hwm_kb = 0;
  long heap_kb = 0;  // malloc'ed and not freed (mallinfo2: every arena, plus mmap'ed chunks)
};

std::int64_t ProcessCpuNs() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto ns = [](const timeval& t) {
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_usec * 1000;
  };
  return ns(u.ru_utime) + ns(u.ru_stime);
}

long HeapKb() {
  const struct mallinfo2 m = ::mallinfo2();
  return static_cast<long>((m.uordblks + m.hblkhd) / 1024);
}

// VmRSS and VmHWM of this process, kB.
std::pair<long, long> Rss() {
  std::ifstream in("/proc/self/status");
  std::string line;
  long rss = 0, hwm = 0;
  while (std::getline(in, line)) {
    if (line.starts_with("VmRSS:")) rss = std::stol(line.substr(6));
    if (line.starts_with("VmHWM:")) hwm = std::stol(line.substr(6));
  }
  return {rss, hwm};
}

// What the child reports to the parent (a pipe; plain data).
struct ChildReport {
  static constexpr int kPhases = 4;
  Sample setup;  // after setup and the fake directory's construction: the baseline
  Sample phase[kPhases];
  std::size_t rows = 0, planned_changes = 0, attribute_changes = 0, written = 0, confirmed = 0, refused = 0;
  std::size_t fake_slot_bytes = 0, fake_max_slot = 0, fake_modifies = 0, fake_conflicts = 0, fake_reads = 0;
  char error[512] = {};
};
constexpr const char* kPhaseNames[ChildReport::kPhases] = {"read", "plan", "write", "report"};

Sample Take(const Clock::time_point t0, const FakeDirectory* dir) {
  Sample s;
  s.wall = std::chrono::duration<double>(Clock::now() - t0).count();
  s.cpu_ns = ProcessCpuNs();
  s.dir_ns = dir != nullptr ? dir->cpu_ns() : 0;
  std::tie(s.rss_kb, s.hwm_kb) = Rss();
  s.heap_kb = HeapKb();
  return s;
}

// The lab's agent config (tests/lab/lib/agent_config.sh) without [cloud], as write_bench's lab mode runs it;
// the [ldap] URLs are never dialled (the directory is the fake).
std::string ConfigText(const std::string& journal) {
  return "[ldap]\nurl = \"ldap://127.0.0.1:389\"\nbind = \"gssapi\"\nbase_dns = [\"" +
         std::string(FakeDirectory::kBaseDn) +
         "\"]\ngc_url = \"ldap://127.0.0.1:3268\"\n[agent]\njournal = \"" + journal +
         "\"\ntarget_delivery_domain = \"targettenant.mail.onmicrosoft.com\"\n";
}

// The child: `ctim-agent write FILE` as service/cmd_write.cpp runs it (PlanFile's steps with the fake
// directory in place of OpenDirectory, cloud nullptr as without [cloud]), phase by phase.
void RunChild(std::size_t n, const std::string& file, const core_lab::TempDir& tmp, ChildReport& r) {
  auto fail = [&](const std::string& why) { std::snprintf(r.error, sizeof r.error, "%s", why.c_str()); };
  const auto t0 = Clock::now();
  // Logging as the CLI's with stderr not a terminal: JSON lines at info, to a file.
  const int log_fd = ::open(tmp.File("agent.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (log_fd < 0 || ::dup2(log_fd, 2) < 0) return fail("cannot open the agent log");
  ::close(log_fd);
  if (Status s = service::InitLogging({spdlog::level::info, service::LogFormat::kJson, ""}); !s)
    return fail(s.error().ToString());
  const std::string journal_path = tmp.File("journal.db");
  auto config = service::ParseConfig(ConfigText(journal_path), "write_bench --fake-dc");
  if (!config) return fail(config.error().ToString());
  auto created = FakeDirectory::Create(n);
  if (!created) return fail(created.error().ToString());
  FakeDirectory* dir = created->get();
  service::PlannedFile planned;
  planned.directory = std::move(*created);
  r.setup = Take(t0, dir);

  // read: the digest the journal records, then the whole file (service/plan_file.cpp).
  auto digest = service::Sha256OfFile(file);
  if (!digest) return fail(digest.error().ToString());
  auto reader = service::ReaderOptionsFrom(*config);
  if (!reader) return fail(reader.error().ToString());
  auto match = agent::MatchOptionsFromConfig(config->agent.match_order, config->agent.anchor,
                                             config->agent.match_upn, config->agent.match_mail);
  if (!match) return fail(match.error().ToString());
  auto identities = agent::ReadIdentityFile(file, *reader);
  if (!identities) return fail(identities.error().ToString());
  planned.identities = std::move(*identities);
  r.phase[0] = Take(t0, dir);

  // plan
  planned.settings.base_dns = config->ldap.base_dns;
  planned.settings.match = std::move(*match);
  planned.settings.plan.target_delivery_domain = config->agent.target_delivery_domain;
  auto plan = agent::BuildPlan(planned.identities.rows, *planned.directory, nullptr, planned.settings);
  if (!plan) return fail(plan.error().ToString());
  planned.plan = std::move(*plan);
  agent::AddRejectedRows(planned.identities, planned.plan);
  r.phase[1] = Take(t0, dir);

  // write (service/cmd_write.cpp)
  auto journal = service::OpenJournalForWriting(journal_path);
  if (!journal) return fail(journal.error().ToString());
  agent::RunInfo info;
  info.kind = agent::RunKind::kWrite;
  info.file_path = file;
  info.file_sha256 = *digest;
  info.options_json = service::PlanOptionsJson(*config, planned, kBatchSize);
  agent::WriteSettings settings;
  settings.plan = planned.settings.plan;
  settings.attributes = agent::attr::CandidateAttributes(planned.settings.match.anchor_attribute);
  settings.batch_size = kBatchSize;
  settings.open_reader = [dir]() -> Result<std::unique_ptr<agent::Directory>> { return dir->Connection(); };
  agent::NullProgress progress;  // --no-progress
  const std::stop_source never;
  auto report = agent::WritePlan(planned.plan, planned.identities.rows, *planned.directory, *journal, info,
                                 settings, progress, never.get_token());
  if (!report) return fail(report.error().ToString());
  r.phase[2] = Take(t0, dir);

  // report: the refusals journaled, the table printed (to a file: the CLI prints it to stdout)
  if (Status s = journal->RecordRowFindings(report->run, agent::report::RowFindingsOf(planned.plan)); !s)
    return fail(s.error().ToString());
  {
    std::ofstream out(tmp.File("report.txt"));
    agent::PrintWriteReport(planned.plan, *report, agent::OutputFormat::kTable, agent::UtcNow(), out);
  }
  r.phase[3] = Take(t0, dir);

  const agent::PlanCounts counts = planned.plan.Count();
  r.rows = counts.rows;
  r.planned_changes = counts.change;
  r.refused = counts.refused;
  r.attribute_changes = counts.attribute_changes;
  r.written = report->Count(agent::RowWriteState::kConfirmed) +
              report->Count(agent::RowWriteState::kWritten) + report->Count(agent::RowWriteState::kMismatch);
  r.confirmed = report->Count(agent::RowWriteState::kConfirmed);
  const FakeDirectory::Stats stats = dir->stats();
  r.fake_slot_bytes = dir->slot_bytes();
  r.fake_max_slot = stats.max_slot_used;
  r.fake_modifies = stats.modifies;
  r.fake_conflicts = stats.conflicts;
  r.fake_reads = stats.reads;
  if (!report->Summary().empty()) std::fprintf(stderr, "%s\n", report->Summary().c_str());
}

// A separate child: the live heap (mallinfo2) of each thing BuildPlan holds at its peak, built one after the
// other with the agent's own types: the rows, the candidate objects as LoadCandidates hands them over, the
// candidate index over them (agent/plan/matcher.h), then (index gone) the plan BuildPlan returns.
void PrintHolders(std::size_t n, const std::string& file) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return;
  if (pid > 0) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return;
  }
  const double rows = static_cast<double>(n);
  auto per_row = [&](long kb) { return static_cast<double>(kb) * 1024.0 / rows; };
  auto dir = FakeDirectory::Create(n);  // its slots are mmap'ed, outside the heap
  auto match = agent::MatchOptionsFromConfig({}, "", false, false);
  if (!dir || !match) _exit(1);
  const long h0 = HeapKb();
  auto identities = agent::ReadIdentityFile(file, agent::ReaderOptions{});
  if (!identities) _exit(1);
  const long h1 = HeapKb();
  std::vector<agent::DirectoryObject> candidates;
  const std::vector<std::string> base = {std::string(FakeDirectory::kBaseDn)};
  const Status loaded =
      (*dir)->LoadCandidates(base, agent::attr::CandidateAttributes(match->anchor_attribute),
                             [&](agent::DirectoryObject&& o) -> Status {
                               candidates.push_back(std::move(o));
                               return {};
                             });
  if (!loaded) _exit(1);
  const long h2 = HeapKb();
  long h3 = 0;
  {
    const agent::CandidateIndex index(std::move(candidates), *match);
    h3 = HeapKb();
  }
  const long h4 = HeapKb();
  agent::PlanSettings settings;
  settings.base_dns = base;
  settings.match = *match;
  settings.plan.target_delivery_domain = "targettenant.mail.onmicrosoft.com";
  auto plan = agent::BuildPlan(identities->rows, **dir, nullptr, settings);
  if (!plan) _exit(1);
  const long h5 = HeapKb();
  // Inside the plan: heap bytes of each RowPlan part (string capacities beyond the small-string buffer,
  // vector capacities), the struct itself counted once.
  auto heap = [](const std::string& t) { return t.capacity() > 15 ? t.capacity() + 1 : 0; };
  auto values = [&](const agent::AttributeValues& v) {
    std::size_t b = v.capacity() * sizeof(std::string);
    for (const std::string& t : v) b += heap(t);
    return b;
  };
  std::size_t label = 0, detail = 0, change_set = 0, findings = 0, other = 0;
  for (const agent::RowPlan& row : plan->rows) {
    label += heap(row.label);
    detail += heap(row.match_detail);
    change_set +=
        heap(row.change_set.dn) + row.change_set.changes.capacity() * sizeof(agent::AttributeChange);
    for (const agent::AttributeChange& c : row.change_set.changes)
      change_set += heap(c.attribute) + values(c.before) + values(c.after);
    findings += row.findings.capacity() * sizeof(agent::Finding);
    for (const agent::Finding& f : row.findings) findings += heap(f.message) + heap(f.hint);
    other += heap(row.source_object_id);
  }
  const double structs = static_cast<double>(plan->rows.capacity() * sizeof(agent::RowPlan));
  std::printf(
      "  live heap by holder (mallinfo2, a separate child): rows (IdentityFile) %.0f B/row, candidate "
      "objects "
      "%.0f B/row, candidate index on top %.0f B/row, plan %.0f B/row; when the search ends BuildPlan holds "
      "rows + candidates + index = %.0f B/row, then frees candidates as the plan grows\n",
      per_row(h1 - h0), per_row(h2 - h1), per_row(h3 - h2), per_row(h5 - h4),
      per_row(h1 - h0) + per_row(h3 - h1));
  std::printf(
      "  the plan per row: RowPlan itself %.0f B (sizeof %zu), match_detail %.0f B, label %.0f B, change set "
      "%.0f B, "
      "findings %.0f B, other strings %.0f B\n",
      structs / rows, sizeof(agent::RowPlan), static_cast<double>(detail) / rows,
      static_cast<double>(label) / rows, static_cast<double>(change_set) / rows,
      static_cast<double>(findings) / rows, static_cast<double>(other) / rows);
  std::fflush(nullptr);
  _exit(0);
}

double Mib(long kb) { return static_cast<double>(kb) / 1024.0; }
const char* Met(bool met) { return met ? "met" : "NOT met"; }

// One size: the file, then the child; prints; true when every row was written and confirmed.
bool MeasureSize(std::size_t n) {
  core_lab::TempDir tmp;
  if (tmp.path().empty()) {
    std::printf("  mkdtemp failed\n");
    return false;
  }
  const std::string file = tmp.File("identities.csv");
  const auto g0 = Clock::now();
  if (Status s = WriteFile(file, n, tmp); !s) {
    std::printf("  %s\n", s.error().ToString().c_str());
    return false;
  }
  std::printf(
      "N = %zu: CTIM file %.1f MB written in %.1f s (core_lab RowFor/WriteCtimFile rows, as the lab's)\n", n,
      static_cast<double>(std::filesystem::file_size(file)) / 1e6,
      std::chrono::duration<double>(Clock::now() - g0).count());
  int fds[2];
  if (::pipe(fds) != 0) return false;
  std::fflush(nullptr);
  const auto t0 = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    ::close(fds[0]);
    static ChildReport report;  // static: not on the child's stack
    RunChild(n, file, tmp, report);
    const char* p = reinterpret_cast<const char*>(&report);
    for (std::size_t left = sizeof report; left > 0;) {
      const ssize_t w = ::write(fds[1], p, left);
      if (w <= 0) break;
      p += w;
      left -= static_cast<std::size_t>(w);
    }
    std::fflush(nullptr);
    _exit(0);  // the parent's TempDir is the parent's to remove; the CLI's teardown is not measured
  }
  ::close(fds[1]);
  ChildReport r;
  std::size_t got = 0;
  char* p = reinterpret_cast<char*>(&r);
  while (got < sizeof r) {
    const ssize_t k = ::read(fds[0], p + got, sizeof r - got);
    if (k <= 0) break;
    got += static_cast<std::size_t>(k);
  }
  ::close(fds[0]);
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  if (got != sizeof r || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::printf("  the measuring child died (status %d); agent log %s\n", status,
                tmp.File("agent.log").c_str());
    return false;
  }
  if (r.error[0] != '\0') {
    std::printf("  FAILED: %s\n", r.error);
    return false;
  }
  const double rows = static_cast<double>(n);
  std::printf("  %-8s %8s %14s %14s %12s %14s %16s %14s\n", "phase", "wall s", "agent CPU s",
              "fake dir CPU s", "RSS after", "peak so far", "live heap after", "heap change");
  const Sample* before = &r.setup;
  for (int i = 0; i < ChildReport::kPhases; ++i) {
    const Sample& s = r.phase[i];
    const double dir_s = static_cast<double>(s.dir_ns - before->dir_ns) / 1e9;
    const double agent_s = static_cast<double>(s.cpu_ns - before->cpu_ns) / 1e9 - dir_s;
    std::printf("  %-8s %8.2f %14.2f %14.2f %8.1f MiB %10.1f MiB %12.1f MiB %8.0f B/row\n", kPhaseNames[i],
                s.wall - before->wall, agent_s, dir_s, Mib(s.rss_kb), Mib(s.hwm_kb), Mib(s.heap_kb),
                static_cast<double>(s.heap_kb - before->heap_kb) * 1024.0 / rows);
    before = &s;
  }
  const Sample& end = r.phase[ChildReport::kPhases - 1];
  const double dir_s = static_cast<double>(end.dir_ns - r.setup.dir_ns) / 1e9;
  const double agent_s = static_cast<double>(end.cpu_ns - r.setup.cpu_ns) / 1e9 - dir_s;
  const double us_per_row = agent_s * 1e6 / rows;
  const long peak_kb = usage.ru_maxrss;
  const double agent_bytes_per_row = static_cast<double>(peak_kb - r.setup.rss_kb) * 1024.0 / rows;
  const std::size_t expected = ExpectedChanges(n);
  std::printf(
      "  rows %zu: %zu planned to change (%zu attribute changes; the lab's seeded users plan %zu: %s), %zu "
      "refused, "
      "%zu written, %zu confirmed\n",
      r.rows, r.planned_changes, r.attribute_changes, expected,
      r.attribute_changes == expected ? "same" : "DIFFERENT", r.refused, r.written, r.confirmed);
  std::printf("  wall %.2f s (child, from fork), agent work %.2f s\n", wall, end.wall - r.setup.wall);
  std::printf(
      "  agent CPU: process user+sys %.2f s - fake directory %.2f s = %.2f s = %.1f us/row (goal <= %.0f us: "
      "%s)\n",
      static_cast<double>(end.cpu_ns - r.setup.cpu_ns) / 1e9, dir_s, agent_s, us_per_row, kCpuGoalUs,
      Met(us_per_row <= kCpuGoalUs));
  std::printf(
      "  agent memory: peak RSS %.1f MiB (wait4 ru_maxrss) - %.1f MiB after setup and the fake directory's "
      "construction"
      " = %.1f MiB = %.0f B/row (goal <= 1 KiB/row at 1,000,000 rows: %s%s)\n",
      Mib(peak_kb), Mib(r.setup.rss_kb), Mib(peak_kb - r.setup.rss_kb), agent_bytes_per_row,
      Met(agent_bytes_per_row <= kMemoryGoalBytes), n == 1000000 ? "" : "; at this size");
  std::printf(
      "  fake directory: CPU %.2f s (%.1f us/row), memory %.1f MiB (%zu-byte slot per object, resident from "
      "construction, inside the baseline; largest slot used %zu B), %zu modifies (%zu conflicts), %zu "
      "re-read calls\n",
      dir_s, dir_s * 1e6 / rows, static_cast<double>(r.fake_slot_bytes) / 1048576.0,
      FakeDirectory::kSlotBytes, r.fake_max_slot, r.fake_modifies, r.fake_conflicts, r.fake_reads);
  std::fflush(stdout);
  PrintHolders(n, file);
  return r.rows == n && r.planned_changes == n && r.confirmed == n && r.attribute_changes == expected;
}

}  // namespace

int RunFakeDc(const std::vector<int>& sizes) {
  std::printf(
      "write_bench --fake-dc: read + plan + journaled write + re-read in process, against an in-process "
      "directory "
      "(tests/bench/fake_directory.h); no cloud (cloud resolver nullptr: the chain runs on the offline keys, "
      "as "
      "without [cloud]); batch size %zu; each size in its own forked child\n",
      kBatchSize);
  int failures = 0;
  for (const int n : sizes) {
    if (n < 1) {
      std::fprintf(stderr, "write_bench: --sizes wants positive counts\n");
      return 2;
    }
    if (!MeasureSize(static_cast<std::size_t>(n))) {
      std::printf("  N = %d: FAILED (every row must be planned, written and confirmed)\n", n);
      ++failures;
    }
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace ctim::bench
