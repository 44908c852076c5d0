// The [cloud] section of the agent's configuration as sync/ needs it. The service layer maps TOML to this
// struct; sync/ never reads files other than the certificate, key and CA named here.
//   [cloud]
//   preset = "worldwide"            # worldwide | gcc | gcchigh | dod | china
//   tenant_id = "..."  client_id = "..."
//   certificate_file = "...pem"  private_key_file = "...pem"  assertion = "PS256"   # PS256 | RS256
//   login_url / graph_url / exo_url = "https://..."   # override the preset's roots one by one
//   ca_file = "...pem"              # trust this CA bundle instead of the system store
//   client_secret_file = "..."      # discouraged alternative to the certificate
//   timeout_seconds = 30            # -> limits.request_timeout
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "common/secret.h"
#include "sync/client_certificate.h"
#include "sync/graph_throttle.h"
#include "sync/graph_types.h"
#include "sync/retry.h"

namespace ctim::sync {

struct CloudLimits {
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};     // one HTTP exchange
  std::chrono::milliseconds call_deadline{std::chrono::minutes(5)};        // one request with its retries
  std::chrono::milliseconds operation_deadline{std::chrono::minutes(30)};  // one client method, all pages
  int max_pages = 10000;                                                   // per listing
  RetryPolicy retry;
  PacingPolicy graph_pacing;  // the pause before a Graph request once Graph reports >= 80% of its budget used
  UserLookupPath user_lookup = UserLookupPath::kGetByIds;
};

struct CloudConfig {
  std::string preset = "worldwide";
  std::string tenant_id;  // GUID or onmicrosoft.com domain
  std::string client_id;  // the app registration's application (client) id
  std::filesystem::path certificate_file;
  std::filesystem::path private_key_file;  // empty: the key is in certificate_file
  // Windows, instead of the files: the certificate in LocalMachine\My with this SHA-1 thumbprint, its key
  // used inside its key storage provider (ClientCertificate::FromSystemStore).
  std::string certificate_thumbprint;
  AssertionMode assertion = AssertionMode::kPs256;
  // Discouraged (a warning says so); used only when no certificate_file is set. The file holds the
  // secret's value on its first line; client_secret is the same value given in memory.
  std::filesystem::path client_secret_file;
  Secret client_secret;
  // Overrides of the preset, each on its own; empty keeps the preset's value.
  std::string login_url;
  std::string graph_url;
  std::string exo_url;
  std::string graph_scope;        // empty: <graph_url>/.default
  std::string exo_scope;          // empty: <exo_url>/.default
  std::filesystem::path ca_file;  // empty: the system trust store
  CloudLimits limits;
};

}  // namespace ctim::sync
