// The client assertion's JWS algorithm names (sync/client_certificate.h); the same on every platform.
#include <cctype>
#include <string>

#include "sync/client_certificate.h"

namespace ctim::sync {

std::optional<AssertionMode> ParseAssertionMode(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "PS256") return AssertionMode::kPs256;
  if (upper == "RS256") return AssertionMode::kRs256;
  return std::nullopt;
}

std::string_view AssertionModeName(AssertionMode mode) {
  return mode == AssertionMode::kPs256 ? "PS256" : "RS256";
}

}  // namespace ctim::sync
