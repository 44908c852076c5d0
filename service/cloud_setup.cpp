#include "service/cloud_setup.h"

#include "service/logging.h"
#include "service/file_access.h"

namespace ctim::service {

Result<sync::CloudConfig> ToCloudConfig(const Config& config) {
  const std::string origin = config.source.empty() ? "config" : config.source.string();
  const CloudSettings& c = config.cloud;
  if (!c.configured) {
    return Fail(Errc::kInvalidInput, origin + ": no [cloud] section",
                "add [cloud] with tenant_id, client_id, certificate_file and private_key_file (README.md, "
                "Configuration)");
  }
  // The same rule as `ctim-agent config` (service/config.h): one definition of a usable [cloud].
  if (Status valid = ValidateCloud(config); !valid) return std::unexpected(valid.error());
  const auto assertion = sync::ParseAssertionMode(c.assertion);
  if (!assertion) {
    return Fail(Errc::kInvalidInput, origin + ": [cloud] assertion = \"" + c.assertion + "\" is not supported",
                "use \"PS256\" or \"RS256\"");
  }
  if (Status safe = CheckSecretFile(c.private_key_file, "[cloud] private_key_file"); !safe) {
    return std::unexpected(safe.error());
  }
  if (Status safe = CheckSecretFile(c.client_secret_file, "[cloud] client_secret_file"); !safe) {
    return std::unexpected(safe.error());
  }
  sync::CloudConfig out;
  out.preset = c.preset;
  out.tenant_id = c.tenant_id;
  out.client_id = c.client_id;
  out.certificate_file = c.certificate_file;
  out.private_key_file = c.private_key_file;
  out.certificate_thumbprint = c.certificate_thumbprint;
  out.assertion = *assertion;
  out.client_secret_file = c.client_secret_file;
  out.login_url = c.login_url;
  out.graph_url = c.graph_url;
  out.exo_url = c.exo_url;
  out.ca_file = c.ca_file;
  out.limits.request_timeout = std::chrono::seconds(c.timeout_seconds);
  return out;
}

Result<std::unique_ptr<sync::CloudClient>> MakeCloudClient(const Config& config) {
  auto cloud_config = ToCloudConfig(config);
  if (!cloud_config) return std::unexpected(std::move(cloud_config.error()));
  auto client = sync::CloudClient::Create(*cloud_config);
  if (!client) return std::unexpected(std::move(client.error()));
  for (const std::string& warning : (*client)->warnings()) Logger("service")->warn("{}", warning);
  const sync::CloudEndpoints& e = (*client)->endpoints();
  Logger("service")->debug("cloud: tenant {}, app {}, login {}, graph {}, exo {}", cloud_config->tenant_id,
                           cloud_config->client_id, e.login_url, e.graph_url, e.exo_url);
  return client;
}

}  // namespace ctim::service
