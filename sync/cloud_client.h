// Everything sync/ offers, wired from one CloudConfig: the HTTPS client, the app's token source, the
// Graph client and the Exchange Online client, sharing one connection pool and one set of call counters.
// This is what agent/adapters/ holds.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "sync/call_counters.h"
#include "sync/cloud_config.h"
#include "sync/cloud_endpoints.h"
#include "sync/exo_client.h"
#include "sync/graph_client.h"

namespace ctim::sync {

// Resolves the preset and its overrides into validated endpoints (kInvalidInput naming the bad field).
[[nodiscard]] Result<CloudEndpoints> ResolveEndpoints(const CloudConfig& config);

// Thread-safe; not movable (the clients point at each other).
class CloudClient {
 public:
  // Validates the config, loads the certificate and key, prepares TLS. No network traffic yet.
  // kInvalidInput for any configuration problem, naming the field.
  static Result<std::unique_ptr<CloudClient>> Create(const CloudConfig& config);
  ~CloudClient();
  CloudClient(const CloudClient&) = delete;
  CloudClient& operator=(const CloudClient&) = delete;

  [[nodiscard]] GraphClient& graph();
  [[nodiscard]] ExoAdminClient& exo();
  [[nodiscard]] TokenSource& tokens();
  [[nodiscard]] CallCounts counts() const;
  [[nodiscard]] const CloudEndpoints& endpoints() const;
  // Things the operator should hear about once at start (client secret in use, certificate expiring soon).
  // sync/ does not log above debug: the service logs these as warnings.
  [[nodiscard]] const std::vector<std::string>& warnings() const;

 private:
  struct Parts;
  explicit CloudClient(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace ctim::sync
