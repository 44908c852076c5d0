// [ldap] settings -> ldap::ConnectOptions, for the DC and for the Global Catalog. The one place that reads
// the password file (into a ctim::Secret) and turns timeouts into durations.
#pragma once

#include <string_view>
#include <vector>

#include "common/result.h"
#include "ldap/options.h"
#include "service/config.h"

namespace ctim::service {

// Options to reach the domain controller ([ldap] url).
Result<ldap::ConnectOptions> DcConnectOptions(const LdapSettings& settings);
// Options to reach each DC Entra Connect reads ([ldap] sync_source_urls), same credentials, in order. Empty
// when none are configured.
Result<std::vector<ldap::ConnectOptions>> SyncSourceConnectOptions(const LdapSettings& settings);
// Options to reach the Global Catalog ([ldap] gc_url), same credentials. kNotFound when gc_url is empty.
Result<ldap::ConnectOptions> GcConnectOptions(const LdapSettings& settings);

}  // namespace ctim::service
