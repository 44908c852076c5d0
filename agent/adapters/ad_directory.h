// agent::Directory over ldap/: the agent's view of Active Directory.
//   - LoadCandidates: one search per base DN for user objects, with the attributes asked for (paged when
//     the DC requires it, AdDirectoryOptions::paging);
//   - ReadByGuids: batched OR filters on objectGUID from the domain root (or one <GUID=...> read each);
//   - FindProxyOwners: batched OR filters on proxyAddresses against the Global Catalog (base "", the
//     whole forest); without a GC, a subtree search of the DC's own domain (and a warning: other domains
//     of the forest are not checked);
//   - ApplyModifies: Connection::ModifyPipelined with the configured window, every modify addressed as
//     <GUID=...> (ad_entry.h ToLdapModify), result codes mapped per the contract in agent/model/directory.h.
// Two connections: one to the DC (opened by OpenAdDirectory, so a bad bind fails at once) and one to the
// GC (opened on a thread of its own while LoadCandidates searches, or by the first FindProxyOwners; a
// failure to open it is reported by FindProxyOwners). Not thread-safe. No reconnect: after a lost connection every
// call fails with kUnavailable and the writer ends the run (the journal says what is unknown).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "agent/model/directory.h"
#include "common/result.h"
#include "ldap/connection.h"
#include "ldap/options.h"

namespace ctim::agent::adapters {

enum class GuidReadMode {
  kOrFilter,  // (|(objectGUID=\xx..)(objectGUID=...)...) subtree searches from the domain root
  kBaseRead,  // one "<GUID=...>" base read per object
};

struct AdDirectoryOptions {
  ldap::ConnectOptions dc;
  // The Global Catalog (e.g. ldap://dc1.contoso.com:3268, same credentials). nullopt: X500 uniqueness is
  // checked with a subtree search of the DC's domain only.
  std::optional<ldap::ConnectOptions> gc;
  int page_size = 1000;     // AD MaxPageSize default
  // Every search of the adapter (candidates, re-reads, proxy owners). kWhenLimited: unpaged unless the DC
  // stops the search at its MaxPageSize; measured on the lab DC (Samba 4.17, 20,000 users, GSSAPI): the
  // candidate search 2.5 s paged vs 0.8 s unpaged.
  ldap::Paging paging = ldap::Paging::kWhenLimited;
  std::size_t window = 64;  // pipelined modifies in flight
  std::size_t proxy_values_per_filter = 64;
  std::size_t guids_per_filter = 50;
  // Measured on the lab (tests/bench/write_bench --read-modes, 2,000 objects, GSSAPI, unpaged): OR filters
  // of 50, 100 or 200 objectGUIDs 0.13 s with 18 attributes and 0.07-0.08 s with the 6 written ones; one
  // <GUID=...> base read each 0.44-0.48 s (a round trip per object). With the paged-results control the OR
  // filters took 0.24-0.37 s, 50 the fastest. So OR filters of 50 are the default.
  GuidReadMode guid_reads = GuidReadMode::kOrFilter;
  // Which objects are candidates. MailUsers are user objects; computers (also objectClass user) are not.
  std::string candidate_filter = "(&(objectCategory=person)(objectClass=user))";
};

// Connects and binds to the DC and reads its rootDSE (the domain root for re-reads). Errors are the
// ldap/ layer's: kUnavailable (unreachable), kUnauthenticated (bind refused), kInvalidInput (options).
[[nodiscard]] Result<std::unique_ptr<Directory>> OpenAdDirectory(AdDirectoryOptions options);

}  // namespace ctim::agent::adapters
