// The AD connection from the configuration: [ldap] (service::LdapSettings) -> ldap::ConnectOptions (DC and
// Global Catalog, same credentials) -> agent::Directory (agent/adapters/ad_directory.h). The simple-bind
// password is read from password_file into a ctim::Secret here and nowhere else.
#pragma once

#include <memory>
#include <string_view>

#include "agent/adapters/ad_directory.h"
#include "agent/directory.h"
#include "common/result.h"
#include "ldap/options.h"
#include "service/config.h"

namespace ctim::service {

// Connection options for `url` with the [ldap] credentials, TLS and timeouts. kInvalidInput naming the
// file and key when the password file cannot be read or is empty.
[[nodiscard]] Result<ldap::ConnectOptions> ToConnectOptions(const LdapSettings& ldap, std::string_view url);

// DC + GC (when gc_url is set) + page size and pipeline window.
[[nodiscard]] Result<agent::adapters::AdDirectoryOptions> ToDirectoryOptions(const Config& config);

// Connects and binds to the DC. kUnavailable / kUnauthenticated from the ldap/ layer; kInvalidInput for
// the configuration.
[[nodiscard]] Result<std::unique_ptr<agent::Directory>> OpenDirectory(const Config& config);

}  // namespace ctim::service
