// What `doctor` asks the directory, knowing what the agent needs of it: the schema has every attribute the
// agent reads and writes (an Exchange attribute missing means Exchange's schema extension was not run), the
// bound account may write them under each base DN (allowedAttributesEffective: nothing is changed), and the
// Global Catalog answers a forest-wide proxyAddresses search (where refusal R6 looks). Over ldap/: an
// adapter. The connection options come from the service's configuration.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "ldap/doctor.h"
#include "ldap/options.h"

namespace ctim::agent {

// Connects to the DC with `dc` and checks it: connection and bind rows, schema rows, one row per base DN
// and its writable attributes.
[[nodiscard]] std::vector<ldap::Check> CheckDomainController(const ldap::ConnectOptions& dc,
                                                             std::span<const std::string> base_dns);

// One row for the Global Catalog: `gc` is its connection options, or why there are none; `gc_url` names it.
[[nodiscard]] ldap::Check CheckGlobalCatalog(const Result<ldap::ConnectOptions>& gc,
                                             const std::string& gc_url);

// One row for a DC Entra Connect reads ([ldap] sync_source_urls): reachable and bindable with the agent's
// settings, and which domain it serves. `dc` is its connection options, or why there are none.
[[nodiscard]] ldap::Check CheckSyncSource(const Result<ldap::ConnectOptions>& dc, const std::string& url);

}  // namespace ctim::agent
