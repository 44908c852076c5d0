// Reads a CTIM identities file (the CSV written by Download-CtimCopiedIdentities) one row at a time:
// strict, streaming, and every rejection names its row and column.
//
//   std::ifstream in(path, std::ios::binary);
//   auto reader = IdentityReader::Open(in, "identities.csv");
//   if (!reader) return reader.error();          // refused as a whole: encoding, delimiter, header
//   for (;;) {
//     ReadItem item = reader->Next();
//     if (auto* row = std::get_if<SourceIdentity>(&item)) { ... }
//     else if (auto* bad = std::get_if<RowError>(&item)) { ... }   // this row only; reading goes on
//     else break;                                                   // EndOfFile
//   }
//   reader->summary();                                              // complete after EndOfFile
//
// Memory: one record at a time (at most ReaderOptions::max_record_bytes), plus, for the duplicate checks,
// a 16-byte key per distinct ExchangeGuid, target id and X500 value (identity_reader_keys.h). Rows are
// yielded as they are read, so a row that an EARLIER row duplicates has already been yielded as valid when
// the later one is rejected; the later RowError names both rows. Stages that write (plan, write) therefore
// run the whole file through `check` first and stop if any row is rejected.
//
// Row numbers: the header is row 1, the first data record row 2 (a leading #TYPE line is not a row; blank
// lines are counted as rows but skipped). `line` is the physical line, which differs after #TYPE or a
// quoted field holding line breaks.
// Not thread-safe. The stream must outlive the reader. Movable.
#pragma once

#include <istream>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "agent/reader/identity_reader_result.h"
#include "agent/reader/reader_options.h"
#include "agent/model/source_identity.h"
#include "common/result.h"

namespace ctim::agent {

struct EndOfFile {};
using ReadItem = std::variant<SourceIdentity, RowError, EndOfFile>;

class IdentityReader {
 public:
  // Detects the encoding, skips a leading "#TYPE …" (Export-Csv without -NoTypeInformation) or "sep=,"
  // line, and resolves the header. `file_label` prefixes every message ("identities.csv:42: …").
  // Fails (kInvalidInput, message naming the file and row 1, hint = the fix) when the file is empty, is
  // UTF-32 (or UTF-16 with utf16 = refuse), is not comma-delimited, or lacks a required column.
  static Result<IdentityReader> Open(std::istream& in, std::string file_label, ReaderOptions options = {});
  // `chunk_bytes` sets the read size, for tests of chunk boundaries.
  static Result<IdentityReader> Open(std::istream& in, std::string file_label, ReaderOptions options,
                                     std::size_t chunk_bytes);

  IdentityReader(IdentityReader&&) noexcept;
  IdentityReader& operator=(IdentityReader&&) noexcept;
  ~IdentityReader();

  // The next data row: a valid SourceIdentity, a RowError for this row only, or EndOfFile (then again
  // EndOfFile on every later call).
  ReadItem Next();

  // Header warnings (unknown columns), each message starting with "<file>:1: ".
  [[nodiscard]] const std::vector<ReaderWarning>& warnings() const;
  // Counts so far; final after EndOfFile.
  [[nodiscard]] const ReaderSummary& summary() const;
  [[nodiscard]] const ReaderOptions& options() const;
  [[nodiscard]] const std::string& file_label() const;

 private:
  struct Impl;
  explicit IdentityReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ctim::agent
