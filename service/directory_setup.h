// The AD connection from the configuration: [ldap] -> ldap::ConnectOptions for the DC and the Global
// Catalog (service/ldap_setup.h, the one place that reads the password file) -> agent::Directory
// (agent/adapters/ad_directory.h).
#pragma once

#include <memory>

#include "agent/adapters/ad_directory.h"
#include "agent/model/directory.h"
#include "agent/verify/replica_check.h"
#include "common/result.h"
#include "service/config.h"

namespace ctim::service {

// DC + GC (when gc_url is set) + page size and pipeline window. kInvalidInput for the configuration.
[[nodiscard]] Result<agent::adapters::AdDirectoryOptions> ToDirectoryOptions(const Config& config);

// Connects and binds to the DC. kUnavailable / kUnauthenticated from the ldap/ layer; kInvalidInput for
// the configuration.
[[nodiscard]] Result<std::unique_ptr<agent::Directory>> OpenDirectory(const Config& config);

// The DCs Entra Connect reads ([ldap] sync_source_urls) for `verify` (agent/verify/replica_check.h); nullptr
// when none are configured. Nothing is connected here: each verify pass connects anew. kInvalidInput for the
// configuration.
[[nodiscard]] Result<std::unique_ptr<agent::ReplicaSource>> MakeReplicaSource(const Config& config);

}  // namespace ctim::service
