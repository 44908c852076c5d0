// A check of a TOML text before toml++ parses it. TOML 1.0 allows characters outside ASCII only inside
// quoted strings and comments (toml.io/en/v1.0.0: bare keys are A-Za-z0-9_-, values outside strings are
// numbers, booleans and dates). toml++ 3.3 (Debian 12) reaches undefined behaviour on such a character right
// after a bare key, so the configuration reader refuses it here first, with its line.
#pragma once

#include <string_view>

#include "common/result.h"

namespace ctim::service {

// Fails when a byte outside ASCII stands outside a quoted string or a comment; the error names
// origin:line:column and says where such characters may go.
Status CheckTomlCharacters(std::string_view text, std::string_view origin);

}  // namespace ctim::service
