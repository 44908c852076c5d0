// A check of a TOML text before toml++ parses it. toml++ 3.3 (Debian 12) reaches undefined behaviour on a
// character outside ASCII in several places (right after a bare key, inside a token such as `0"…`, after a
// line-ending backslash in a multi-line string: all found by config_fuzz). TOML 1.0 allows such characters
// only inside strings and comments (toml.io/en/v1.0.0), and a string can carry any of them as a \uXXXX
// escape, so the configuration reader accepts them only in comments and refuses them elsewhere with their
// line and column.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace ctim::service {

// Fails when a byte outside ASCII stands outside a comment; the error names origin:line:column and says
// how to write the character instead.
Status CheckTomlCharacters(std::string_view text, std::string_view origin);

// `value` as a TOML basic string, quotes included, that this reader takes back unchanged: `"` and `\`
// escaped, control characters and every character outside ASCII as \uXXXX (\UXXXXXXXX above U+FFFF), a
// byte that is not UTF-8 as \uFFFD. For `config`, whose output is meant to be saved as a configuration
// (a Windows path is full of backslashes; a DN may hold quotes).
[[nodiscard]] std::string TomlBasicString(std::string_view value);

}  // namespace ctim::service
