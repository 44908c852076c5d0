// libFuzzer target for the LDAP texts the agent parses: [ldap] url (ldap/options.cpp ParseLdapUrl, then
// ValidateConnectOptions and Describe) and ranged attribute names (ldap/ranged_attribute.cpp). Asserts:
// no crash or sanitizer report; a parsed URL has a host and a port in 1..65535; a parsed range has
// low <= high; the next range request parses back and starts right after `high`. Built only by the
// 'fuzz' preset (the two files are compiled into this target: the fuzz build has no ldap layer).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ldap/options.h"
#include "ldap/ranged_attribute.h"

namespace {

void Require(bool ok, const char* what, const std::string& detail = {}) {
  if (ok) return;
  std::fprintf(stderr, "ldap_text_fuzz: invariant broken: %s %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  if (auto url = ctim::ldap::ParseLdapUrl(text)) {
    Require(!url->host.empty(), "a parsed URL has a host", text);
    Require(url->port >= 1 && url->port <= 65535, "a parsed URL has a port in range", text);
  } else {
    Require(!url.error().message.empty(), "a refused URL says why");
  }
  ctim::ldap::ConnectOptions options;
  options.url = text;
  options.bind = ctim::ldap::BindMethod::kGssapi;
  (void)ctim::ldap::ValidateConnectOptions(options);
  (void)ctim::ldap::Describe(options);

  if (auto range = ctim::ldap::ParseRangedAttribute(text)) {
    Require(!range->high || range->low <= *range->high, "low <= high", text);
    if (range->high && *range->high < SIZE_MAX - 1) {
      const std::string next = ctim::ldap::NextRangeRequest(*range);
      auto again = ctim::ldap::ParseRangedAttribute(next);
      Require(again.has_value(), "the next request parses", next);
      Require(again->low == *range->high + 1 && !again->high, "the next request starts after high", next);
    }
  }
  return 0;
}
