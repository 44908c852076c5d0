#include "sync/json_fields.h"

namespace ctim::sync {

std::optional<Json> ParseJson(std::string_view text) {
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

std::string DumpJson(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

const Json* Member(const Json& value, std::string_view key) {
  if (!value.is_object()) return nullptr;
  const auto it = value.find(key);
  return it == value.end() ? nullptr : &*it;
}

std::optional<std::string> StringMember(const Json& value, std::string_view key) {
  const Json* m = Member(value, key);
  if (m == nullptr || !m->is_string()) return std::nullopt;
  return m->get_ref<const std::string&>();
}

std::optional<bool> BoolMember(const Json& value, std::string_view key) {
  const Json* m = Member(value, key);
  if (m == nullptr || !m->is_boolean()) return std::nullopt;
  return m->get<bool>();
}

std::optional<std::int64_t> IntMember(const Json& value, std::string_view key) {
  const Json* m = Member(value, key);
  if (m == nullptr || !m->is_number_integer()) return std::nullopt;
  return m->get<std::int64_t>();
}

std::vector<std::string> StringArrayMember(const Json& value, std::string_view key) {
  std::vector<std::string> out;
  const Json* m = Member(value, key);
  if (m == nullptr || !m->is_array()) return out;
  for (const Json& element : *m) {
    if (element.is_string()) out.push_back(element.get_ref<const std::string&>());
  }
  return out;
}

}  // namespace ctim::sync
