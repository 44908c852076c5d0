// RFC 4648 base64 (standard alphabet, padded) and base64url (no padding), for binary LDAP values,
// Entra onPremisesImmutableId and JWT segments.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ctim {

[[nodiscard]] std::string Base64Encode(std::string_view bytes);
// Strict: rejects characters outside the alphabet, bad padding and bad length.
[[nodiscard]] std::optional<std::string> Base64Decode(std::string_view text);
[[nodiscard]] std::string Base64UrlEncode(std::string_view bytes);
[[nodiscard]] std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace ctim
