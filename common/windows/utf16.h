// UTF-8 <-> UTF-16 at the Windows API edge. Everything else in the agent keeps UTF-8 std::string; the W
// functions of the Win32 API take and give UTF-16. Invalid UTF-8 becomes U+FFFD (MultiByteToWideChar's
// rule), an unpaired surrogate in UTF-16 likewise. Header-only so each layer's windows/ folder can use it
// without a Windows-only source in ctim_common.
#pragma once

#include <windows.h>

#include <string>
#include <string_view>

namespace ctim::windows {

[[nodiscard]] inline std::wstring Utf16(std::string_view utf8) {
  if (utf8.empty()) return {};
  const int n = MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(n > 0 ? n : 0), L'\0');
  if (n > 0) MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), out.data(), n);
  return out;
}

[[nodiscard]] inline std::string Utf8(std::wstring_view utf16) {
  if (utf16.empty()) return {};
  const int n = WideCharToMultiByte(CP_UTF8, 0, utf16.data(), static_cast<int>(utf16.size()), nullptr, 0,
                                    nullptr, nullptr);
  std::string out(static_cast<std::size_t>(n > 0 ? n : 0), '\0');
  if (n > 0) {
    WideCharToMultiByte(CP_UTF8, 0, utf16.data(), static_cast<int>(utf16.size()), out.data(), n, nullptr,
                        nullptr);
  }
  return out;
}

// "text of the system message (code N)" for a Win32 error or an HRESULT/NTSTATUS-style code; the code
// alone when the system has no text for it (or a module's own code range, such as WinHTTP's 12xxx).
[[nodiscard]] inline std::string SystemMessage(unsigned long code, HMODULE module = nullptr) {
  wchar_t* buffer = nullptr;
  const DWORD flags = FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_IGNORE_INSERTS |
                      (module != nullptr ? FORMAT_MESSAGE_FROM_HMODULE : FORMAT_MESSAGE_FROM_SYSTEM);
  const DWORD n = FormatMessageW(flags, module, code, 0, reinterpret_cast<wchar_t*>(&buffer), 0, nullptr);
  std::string text;
  if (n > 0 && buffer != nullptr) {
    text = Utf8(std::wstring_view(buffer, n));
    while (!text.empty() &&
           (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '.')) {
      text.pop_back();
    }
  }
  if (buffer != nullptr) LocalFree(buffer);
  return text.empty() ? "code " + std::to_string(code) : text + " (code " + std::to_string(code) + ")";
}

}  // namespace ctim::windows
