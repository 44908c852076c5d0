// agent::ReplicaSource over ldap/: the domain controllers Entra Connect reads ([ldap] sync_source_urls), each
// asked for the written objects BY objectGUID (OpenAdDirectory's batched OR filters from the domain root),
// with the attributes a write run sets and whenChanged. A new connection per look, so a DC that was down
// answers at the next pass; a DC that cannot be reached or bound is a look with its error, never a failed
// pass (doc/replication.md).
#pragma once

#include <string>
#include <vector>

#include "agent/verify/replica_check.h"
#include "ldap/options.h"

namespace ctim::agent::adapters {

struct SyncSourceDc {
  std::string host;              // how messages name it: the URL's host ("dc2.contoso.com")
  ldap::ConnectOptions options;  // same credentials and TLS settings as [ldap] url
};

class AdReplicaSource final : public ReplicaSource {
 public:
  explicit AdReplicaSource(std::vector<SyncSourceDc> dcs) : dcs_(std::move(dcs)) {}
  std::vector<ReplicaLook> Observe(std::span<const Guid> object_guids, std::stop_token stop) override;

 private:
  std::vector<SyncSourceDc> dcs_;
};

// An LDAP GeneralizedTime as AD writes it ("20261207144807.0Z"), to an instant; nullopt for anything else.
[[nodiscard]] std::optional<TimePoint> ParseGeneralizedTime(std::string_view text);

}  // namespace ctim::agent::adapters
