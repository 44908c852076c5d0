#include "ldap/host_addresses.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>

#include <memory>

#include "common/c_free.h"

namespace ctim::ldap {
namespace {

using AddrInfo = std::unique_ptr<addrinfo, CFree<&freeaddrinfo>>;

}  // namespace

Result<std::string> HostAddresses(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &raw);
  const AddrInfo list(raw);
  if (rc != 0) return Fail(Errc::kUnavailable, fmt::format("{}: {}", host, gai_strerror(rc)));
  std::string addresses;
  for (const addrinfo* a = list.get(); a != nullptr; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* where =
        a->ai_family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
            : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
    if (inet_ntop(a->ai_family, where, text, sizeof text) == nullptr) continue;
    if (addresses.find(text) != std::string::npos) continue;
    if (!addresses.empty()) addresses += ", ";
    addresses += text;
  }
  return addresses;
}

}  // namespace ctim::ldap
