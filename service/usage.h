// The top-level `ctim-agent --help` text: commands, exit codes, where the config comes from.
#pragma once

#include <string>

namespace ctim::service {

std::string Usage();

}  // namespace ctim::service
