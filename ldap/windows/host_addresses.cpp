// Winsock's getaddrinfo (UTF-16: GetAddrInfoW). Winsock must be started in the process first (WSAStartup);
// each call starts and ends its own use of it.
#include "ldap/host_addresses.h"

// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
// clang-format on

#include <fmt/format.h>

#include <memory>

#include "common/c_free.h"
#include "ldap/windows/session.h"

namespace ctim::ldap {
namespace {

void FreeAddrInfo(ADDRINFOW* list) noexcept { FreeAddrInfoW(list); }
using AddrInfo = std::unique_ptr<ADDRINFOW, CFree<&FreeAddrInfo>>;

class Winsock {
 public:
  Winsock() {
    WSADATA data{};
    started_ = WSAStartup(MAKEWORD(2, 2), &data) == 0;
  }
  Winsock(const Winsock&) = delete;
  Winsock& operator=(const Winsock&) = delete;
  ~Winsock() {
    if (started_) WSACleanup();
  }
  [[nodiscard]] bool started() const { return started_; }

 private:
  bool started_ = false;
};

}  // namespace

Result<std::string> HostAddresses(const std::string& host) {
  const Winsock winsock;
  if (!winsock.started()) return Fail(Errc::kInternal, fmt::format("{}: Winsock did not start", host));
  ADDRINFOW hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  const std::wstring wide_host = windows::Wide(host);
  ADDRINFOW* raw = nullptr;
  const int rc = GetAddrInfoW(wide_host.c_str(), nullptr, &hints, &raw);
  const AddrInfo list(raw);
  if (rc != 0)
    return Fail(Errc::kUnavailable, fmt::format("{}: name lookup failed (Winsock error {})", host, rc));
  std::string addresses;
  for (const ADDRINFOW* a = list.get(); a != nullptr; a = a->ai_next) {
    wchar_t text[INET6_ADDRSTRLEN] = {};
    DWORD size = static_cast<DWORD>(std::size(text));
    if (WSAAddressToStringW(a->ai_addr, static_cast<DWORD>(a->ai_addrlen), nullptr, text, &size) != 0)
      continue;
    const std::string address = windows::Utf8(text);
    if (addresses.find(address) != std::string::npos) continue;
    if (!addresses.empty()) addresses += ", ";
    addresses += address;
  }
  return addresses;
}

}  // namespace ctim::ldap
