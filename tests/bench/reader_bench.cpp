// Benchmark of the CTIM identities reader (not a test: it asserts nothing about speed, it prints).
//   reader_bench [rows...]       default: 10000 100000
// Generates one file per row count in $TMPDIR (realistic rows: 9 columns, 4-6 proxies incl. X400 and
// quoted values), then reads each in a fresh child process (so ru_maxrss is that read's own peak), with and
// without the cross-row duplicate checks, and prints rows/s and peak memory side by side. The goal
// (doc/design.md §10) is >= 500,000 rows/s on one core and memory flat in the number of rows (duplicate
// checks aside: they keep 16 bytes per distinct key by design).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include "agent/reader/csv_writer.h"
#include "agent/reader/identity_reader.h"

namespace {

using ctim::agent::AppendCsvRecord;
using ctim::agent::IdentityReader;

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one.empty() ? "?" : one;
}

long MaxRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

std::string Guid(unsigned prefix, unsigned long n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-8396-4d0b-af4e-%012lx", prefix, n);
  return buf;
}

void Generate(const std::filesystem::path& path, unsigned long rows) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  std::string buf;
  const std::vector<std::string_view> header = {"SourceExternalDirectoryObjectId",
                                                "SourceUserPrincipalName",
                                                "PrimarySmtpAddress",
                                                "ExchangeGuid",
                                                "ArchiveGuid",
                                                "LegacyExchangeDN",
                                                "EmailAddresses",
                                                "TargetExternalDirectoryObjectId",
                                                "MigrationStatus"};
  AppendCsvRecord(buf, header);
  for (unsigned long i = 1; i <= rows; ++i) {
    const std::string user = "user" + std::to_string(i);
    const std::string smtp = user + "@fabrikam.com";
    const std::string src = Guid(0x3b2e8f61, i), eg = Guid(0x1ec059c7, i), ag = Guid(0xa4c41ba5, i);
    const std::string tg = Guid(0x7c1e3c2a, i);
    const std::string dn =
        "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=" + user +
        "-f1f9";
    const std::string proxies =
        "SMTP:" + smtp + ";smtp:" + user +
        "@fabrikam.onmicrosoft.com;X400:c=US;a= ;p=Fabrikam;o=Exchange;s=" + user +
        ";g=B;;X500:/o=Fabrikam/ou=First Administrative Group/cn=Recipients/cn=" + user +
        ", Jr;x500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=" +
        user;
    const std::vector<std::string_view> row = {src,
                                               smtp,
                                               smtp,
                                               eg,
                                               (i % 3 == 0) ? std::string_view() : ag,
                                               dn,
                                               proxies,
                                               (i % 10 == 0) ? std::string_view() : tg,
                                               "Mapped"};
    AppendCsvRecord(buf, row);
    if (buf.size() > (1 << 20)) {
      out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
      buf.clear();
    }
  }
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
}

// Child: read the file `repeat` times, print
// "rows valid best_cpu_seconds best_wall_seconds rss_before_kb rss_after_kb".
int Child(const char* path, bool dups, int repeat) {
  const long before = MaxRssKb();
  double best = 1e9;
  double best_wall = 1e9;
  std::size_t rows = 0;
  std::size_t valid = 0;
  for (int r = 0; r < repeat; ++r) {
    std::ifstream in(path, std::ios::binary);
    ctim::agent::ReaderOptions options;
    options.check_duplicates = dups;
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = CpuSeconds();
    auto reader = IdentityReader::Open(in, path, options);
    if (!reader) {
      std::fprintf(stderr, "%s\n", reader.error().ToString().c_str());
      return 2;
    }
    for (;;) {
      const ctim::agent::ReadItem item = reader->Next();
      if (std::holds_alternative<ctim::agent::EndOfFile>(item)) break;
    }
    best = std::min(best, CpuSeconds() - cpu_start);
    best_wall =
        std::min(best_wall, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    rows = reader->summary().rows_read;
    valid = reader->summary().valid;
  }
  std::printf("%zu %zu %.6f %.6f %ld %ld\n", rows, valid, best, best_wall, before, MaxRssKb());
  return 0;
}

struct Result {
  unsigned long rows = 0;
  bool dups = false;
  double seconds = 0;  // CPU time of the best read
  double wall = 0;
  long rss_before = 0;
  long rss_after = 0;
  std::size_t valid = 0;
};

bool RunChild(const std::string& self, const std::filesystem::path& file, bool dups, Result& r) {
  const std::string cmd = "'" + self + "' --child '" + file.string() + "' " + (dups ? "1" : "0");
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return false;
  unsigned long rows = 0;
  const int n = std::fscanf(pipe, "%lu %zu %lf %lf %ld %ld", &rows, &r.valid, &r.seconds, &r.wall,
                            &r.rss_before, &r.rss_after);
  const int status = pclose(pipe);
  r.dups = dups;
  return n == 6 && status == 0 && rows == r.rows;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--child") return Child(argv[2], argv[3][0] == '1', 3);

  std::vector<unsigned long> counts;
  for (int i = 1; i < argc; ++i) counts.push_back(std::strtoul(argv[i], nullptr, 10));
  if (counts.empty()) counts = {10000, 100000};
  const char* tmp = std::getenv("TMPDIR");
  const std::filesystem::path dir = std::filesystem::path(tmp != nullptr ? tmp : "/tmp") /
                                    ("ctim-reader-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();

  std::printf(
      "CTIM identities reader: best of 3 reads, each configuration in a fresh process; load average %s\n",
      LoadAverage().c_str());
  std::printf(
      "rows/s (CPU) = rows / CPU time of the read (one core); rows/s (wall) also counts waiting for a CPU\n");
  std::printf("%9s %9s %9s %13s %13s %13s %15s %10s\n", "rows", "file MiB", "dup check", "rows/s (CPU)",
              "rows/s (wall)", "peak RSS MiB", "RSS growth MiB", "bytes/row");
  std::vector<Result> results;
  for (const unsigned long rows : counts) {
    const auto file = dir / ("identities-" + std::to_string(rows) + ".csv");
    Generate(file, rows);
    const double mib = static_cast<double>(std::filesystem::file_size(file)) / (1 << 20);
    for (const bool dups : {false, true}) {
      Result r;
      r.rows = rows;
      if (!RunChild(self, file, dups, r)) {
        std::fprintf(stderr, "child failed for %lu rows\n", rows);
        return 1;
      }
      const double growth = static_cast<double>(r.rss_after - r.rss_before) / 1024.0;
      std::printf("%9lu %9.1f %9s %13.0f %13.0f %13.1f %15.1f %10.1f\n", rows, mib, dups ? "on" : "off",
                  static_cast<double>(rows) / r.seconds, static_cast<double>(rows) / r.wall,
                  static_cast<double>(r.rss_after) / 1024.0, growth,
                  growth * 1024.0 * 1024.0 / static_cast<double>(rows));
      results.push_back(r);
    }
    std::filesystem::remove(file);
  }
  std::filesystem::remove(dir);
  std::printf("goal: >= 500000 rows/s on one core; RSS growth flat in rows with duplicate checks off\n");
  return 0;
}
