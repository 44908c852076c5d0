// The verify report: a table for people (every object not DONE with its reason and what to do, then the
// DONE ones, one line each) or one JSON document for scripts. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/reader/check_report.h"
#include "agent/verify/verifier.h"

namespace ctim::agent {

// What was verified.
struct VerifySubject {
  std::optional<std::int64_t> run;  // a write run of the journal (the only one when `runs` has one)
  std::string file;                 // the CTIM file (the run's, or --file)
  std::vector<std::string> skipped;  // objects/rows not verified, with why
  std::size_t rejected_rows = 0;     // a file's rows the reader rejected
  std::vector<std::int64_t> runs;    // every write run verified, oldest first (empty for a file)
};

[[nodiscard]] std::string FormatVerifyTable(const VerifyReport& report, const VerifySubject& subject);
// {"run","runs","file","summary":{"users","done","pending","wrong","skipped","rejected_rows"},"passes","elapsed_ms",
//  "deadline_passed","stopped","tenant_last_sync","calls":{"graph","exo","token","retries","throttled"},
//  "users":[{"run","row","label","target_object_id","object_guid","dn","status","reason","hint","checked_at",
//            "first_sync_after_write","values":[{"name","planned","cloud","state"}],
//            "microsoft":{"status","detail"}|null}],"skipped":[...],
//  "migration_validation":{"job_id","job_status","job_message","reused","asked","rejected","error"}|null}
// (microsoft / migration_validation: --with-migration-validation, doc/migration-validation.md)
[[nodiscard]] std::string FormatVerifyJson(const VerifyReport& report, const VerifySubject& subject);
[[nodiscard]] std::string FormatVerify(const VerifyReport& report, const VerifySubject& subject, ReportFormat format);

}  // namespace ctim::agent
