#include "service/reader_setup.h"

namespace ctim::service {

Result<agent::ReaderOptions> ReaderOptionsFrom(const Config& config) {
  agent::ReaderOptions reader;
  if (auto set = agent::ApplyReaderOption(reader, "email_addresses_separator", config.agent.email_separator);
      !set) {
    return Fail(Errc::kInvalidInput,
                config.source.string() + ": [agent] email_separator = \"" + config.agent.email_separator +
                    "\" is not a separator the reader knows",
                set.error().hint);
  }
  return reader;
}

}  // namespace ctim::service
