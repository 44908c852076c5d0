// Fresh random identifiers for the wire: the assertion's jti and EXO's client-request-id.
#pragma once

#include <string>

namespace ctim::sync {

// A version-4 GUID in lower-case 8-4-4-4-12 text, from the system's CSPRNG.
[[nodiscard]] std::string NewGuidText();

}  // namespace ctim::sync
