// Non-throwing reads of nlohmann::json values from the cloud. nlohmann throws on a type mismatch
// (value(), get<>()) and on invalid UTF-8 when dumping; these helpers check types first and dump with
// replacement, so no exception leaves sync/. Every parser in sync/ goes through them.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ctim::sync {

using Json = nlohmann::json;

// The parsed document, or nullopt when `text` is not JSON.
[[nodiscard]] std::optional<Json> ParseJson(std::string_view text);
// Compact JSON; invalid UTF-8 in strings becomes U+FFFD instead of throwing.
[[nodiscard]] std::string DumpJson(const Json& value);

// The member `key` of an object, or nullptr when `value` is not an object or has no such member.
[[nodiscard]] const Json* Member(const Json& value, std::string_view key);
// The member as a string / bool / integer; nullopt when absent, null or of another type.
[[nodiscard]] std::optional<std::string> StringMember(const Json& value, std::string_view key);
[[nodiscard]] std::optional<bool> BoolMember(const Json& value, std::string_view key);
[[nodiscard]] std::optional<std::int64_t> IntMember(const Json& value, std::string_view key);
// The string elements of an array member (other elements skipped); empty when absent.
[[nodiscard]] std::vector<std::string> StringArrayMember(const Json& value, std::string_view key);

}  // namespace ctim::sync
