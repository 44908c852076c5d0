// The CTIM reader's options from the config ([agent] email_separator), for plan, write, verify --file and
// the service.
#pragma once

#include "agent/reader/reader_options.h"
#include "common/result.h"
#include "service/config.h"

namespace ctim::service {

[[nodiscard]] Result<agent::ReaderOptions> ReaderOptionsFrom(const Config& config);

}  // namespace ctim::service
