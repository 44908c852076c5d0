#include "service/directory_setup.h"

#include <spdlog/spdlog.h>

#include "service/ldap_setup.h"

namespace ctim::service {
namespace {

std::shared_ptr<spdlog::logger> Log() {
  auto logger = spdlog::get("service");
  return logger ? logger : spdlog::default_logger();
}

}  // namespace

Result<agent::adapters::AdDirectoryOptions> ToDirectoryOptions(const Config& config) {
  const LdapSettings& l = config.ldap;
  agent::adapters::AdDirectoryOptions options;
  auto dc = DcConnectOptions(l);
  if (!dc) return std::unexpected(std::move(dc.error()).With("url " + l.url));
  options.dc = std::move(*dc);
  if (!l.gc_url.empty()) {
    auto gc = GcConnectOptions(l);
    if (!gc) return std::unexpected(std::move(gc.error()).With("gc_url " + l.gc_url));
    options.gc = std::move(*gc);
  }
  options.page_size = l.page_size;
  options.paging = l.paging == "always" ? ldap::Paging::kAlways : ldap::Paging::kWhenLimited;
  options.window = static_cast<std::size_t>(l.window);
  return options;
}

Result<std::unique_ptr<agent::Directory>> OpenDirectory(const Config& config) {
  auto options = ToDirectoryOptions(config);
  if (!options) return std::unexpected(std::move(options.error()));
  Log()->debug("connecting to {}", ldap::Describe(options->dc));
  return agent::adapters::OpenAdDirectory(std::move(*options));
}

}  // namespace ctim::service
