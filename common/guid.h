// A GUID as Active Directory stores it (objectGUID, msExchMailboxGuid, msExchArchiveGUID,
// ms-DS-ConsistencyGuid): 16 bytes in Windows layout, Data1/Data2/Data3 little-endian, Data4 as written
// (MS-DTYP 2.3.4; the same bytes as .NET Guid.ToByteArray()). Text form is the usual 8-4-4-4-12.
//   "1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8"  <->  c7 59 c0 1e 96 83 0b 4d af 4e d6 bd 4c 12 a8 d8
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ctim {

class Guid {
 public:
  Guid() = default;  // the all-zero GUID

  // Text as written by Windows tools: 8-4-4-4-12 hex, any case, optionally in braces.
  // Returns nullopt for anything else (no other forms: a CTIM file is machine-written).
  static std::optional<Guid> Parse(std::string_view text);
  // The 16 bytes of an AD attribute value, in AD (Windows) order. nullopt unless exactly 16 bytes.
  static std::optional<Guid> FromAdBytes(std::span<const std::uint8_t> bytes);
  static std::optional<Guid> FromAdBytes(std::string_view bytes);

  // Lower-case 8-4-4-4-12 without braces.
  [[nodiscard]] std::string ToString() const;
  // The 16 bytes in AD order, as a binary std::string (an LDAP value).
  [[nodiscard]] std::string AdBytes() const;
  [[nodiscard]] const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }
  [[nodiscard]] bool IsZero() const;

  friend bool operator==(const Guid&, const Guid&) = default;
  friend auto operator<=>(const Guid&, const Guid&) = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};  // AD order
};

}  // namespace ctim
