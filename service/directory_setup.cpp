#include "service/directory_setup.h"

#include <spdlog/spdlog.h>

#include "agent/adapters/ad_replica_source.h"
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

Result<std::unique_ptr<agent::ReplicaSource>> MakeReplicaSource(const Config& config) {
  if (config.ldap.sync_source_urls.empty()) return std::unique_ptr<agent::ReplicaSource>();
  auto options = SyncSourceConnectOptions(config.ldap);
  if (!options) return std::unexpected(std::move(options.error()));
  std::vector<agent::adapters::SyncSourceDc> dcs;
  for (ldap::ConnectOptions& o : *options) {
    auto url = ldap::ParseLdapUrl(o.url);
    if (!url) return std::unexpected(std::move(url.error()).With("[ldap] sync_source_urls"));
    dcs.push_back({url->host, std::move(o)});
  }
  return std::unique_ptr<agent::ReplicaSource>(
      std::make_unique<agent::adapters::AdReplicaSource>(std::move(dcs)));
}

}  // namespace ctim::service
