// The cloud client from the configuration: [cloud] (service::CloudSettings) -> sync::CloudConfig ->
// sync::CloudClient. The client's start-up warnings (client secret in use, certificate expired or expiring)
// are logged here, as warnings of the "service" logger: sync/ itself logs only at debug.
#pragma once

#include <memory>

#include "common/result.h"
#include "service/config.h"
#include "sync/cloud_client.h"
#include "sync/cloud_config.h"

namespace ctim::service {

// kInvalidInput naming the file and key when [cloud] is absent or a value is unusable.
[[nodiscard]] Result<sync::CloudConfig> ToCloudConfig(const Config& config);

// Loads the certificate and key, prepares TLS (no network traffic yet) and logs the warnings.
[[nodiscard]] Result<std::unique_ptr<sync::CloudClient>> MakeCloudClient(const Config& config);

}  // namespace ctim::service
