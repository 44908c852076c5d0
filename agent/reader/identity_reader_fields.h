// Validators for single values of a CTIM identities row. Each returns nullopt when the value is fine, or
// the reason with a message that starts with the quoted value, e.g.
//   "\"1ec0…\" is not a GUID (expected 8-4-4-4-12 hex)"
// The row builder prefixes "column <name>: ". No validator changes a value: what passes is kept byte-exact.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agent/reader/identity_reader_result.h"
#include "agent/reader/reader_options.h"
#include "common/guid.h"

namespace ctim::agent {

struct FieldIssue {
  Reason reason{};
  std::string text;
};
using FieldCheck = std::optional<FieldIssue>;

// Well-formed text: valid UTF-8 (in a UTF-16 file the reader marks bad code units with an invalid byte,
// so the message then speaks of UTF-16), and, unless allow_control, no control characters.
FieldCheck CheckText(std::string_view value, bool utf16_source, bool allow_control);

// GUID text, braces optional, any case. REQUIRES: value not empty.
FieldCheck ParseGuidText(std::string_view value, Guid& out);
// "local@domain" without an "SMTP:" prefix: dot-atom local part (RFC 5322; UTF-8 allowed, RFC 6531),
// at most 64 bytes; a domain of two or more labels of letters, digits and '-' (UTF-8 allowed);
// at most 254 bytes in all. No quoted local parts, no address literals: Exchange takes neither.
FieldCheck CheckSmtpAddress(std::string_view value);
// "name@suffix": one '@', both sides non-empty, no spaces.
FieldCheck CheckUpn(std::string_view value);
// Starts with options.legacy_dn_prefix and fits in proxyAddresses as "X500:<value>".
FieldCheck CheckLegacyDn(std::string_view value, const ReaderOptions& options);
// "True"/"False", any case (PowerShell writes True/False). REQUIRES: value not empty.
FieldCheck ParseBoolean(std::string_view value, bool& out);
// A non-negative decimal integer that fits in int64. REQUIRES: value not empty.
FieldCheck ParseFlags(std::string_view value, std::int64_t& out);

}  // namespace ctim::agent
