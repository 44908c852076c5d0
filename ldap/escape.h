// The only place that escapes values for LDAP filters (RFC 4515) and DNs (RFC 4514). Every value that
// comes from a file, a user or the cloud goes through here before it is put into a filter or a DN.
// Pure functions on bytes; values may be binary (GUIDs) or UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace ctim::ldap {

// RFC 4515 assertion value: '*', '(', ')', '\' and NUL become \2a \28 \29 \5c \00, as do every other
// control byte and every byte >= 0x80 (valid for UTF-8 text, whose octets are matched as written,
// and the only safe form for binary values).
[[nodiscard]] std::string EscapeFilterValue(std::string_view value);

// Every byte as \xx: the usual form for a binary value such as a 16-byte GUID
// ("(msExchMailboxGuid=\3c\2d...)").
[[nodiscard]] std::string EscapeFilterBytes(std::string_view bytes);

// "(attribute=escaped value)". REQUIRES: attribute is a plain attribute description (letters, digits,
// '-', ';', '.'), which callers write themselves; it is not escaped.
[[nodiscard]] std::string FilterEquals(std::string_view attribute, std::string_view value);

// RFC 4514 attribute value inside a DN: '"', '+', ',', ';', '<', '>', '=', '\' get a backslash; a
// leading '#' or space and a trailing space get a backslash; NUL, other control bytes and bytes that
// are not part of valid UTF-8 become \xx. Valid non-ASCII UTF-8 is kept as is.
[[nodiscard]] std::string EscapeDnValue(std::string_view value);

// "type=escaped value", e.g. Rdn("OU", "t-a,b") == "OU=t-a\\,b".
[[nodiscard]] std::string Rdn(std::string_view type, std::string_view value);

}  // namespace ctim::ldap
