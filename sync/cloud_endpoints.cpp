#include "sync/cloud_endpoints.h"

#include <array>
#include <cctype>

#include "common/ascii.h"
#include "common/guid.h"

namespace ctim::sync {
namespace {

struct Preset {
  std::string_view name;
  std::string_view login_url;
  std::string_view graph_url;
  std::string_view exo_url;
};

// doc/facts.md §3.2 [GNAT][SCUBA]. GCC uses the worldwide hosts. The 21Vianet EXO admin
// host (partner.outlook.cn) is INFERRED: this table is the only place that names it.
constexpr std::array<Preset, 5> kPresets = {{
    {"worldwide", "https://login.microsoftonline.com", "https://graph.microsoft.com",
     "https://outlook.office365.com"},
    {"gcc", "https://login.microsoftonline.com", "https://graph.microsoft.com",
     "https://outlook.office365.com"},
    {"gcchigh", "https://login.microsoftonline.us", "https://graph.microsoft.us",
     "https://outlook.office365.us"},
    {"dod", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us",
     "https://outlook-dod.office365.us"},
    {"china", "https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn",
     "https://partner.outlook.cn"},
}};

constexpr std::array<std::string_view, 5> kPresetNames = {"worldwide", "gcc", "gcchigh", "dod", "china"};

Result<std::string> NormalizeRoot(std::string_view field, std::string url) {
  constexpr std::string_view kScheme = "https://";
  if (url.size() <= kScheme.size() || !EqualsAscii(url.substr(0, kScheme.size()), kScheme)) {
    return Fail(Errc::kInvalidInput,
                "cloud " + std::string(field) + " \"" + url + "\" is not an https:// URL",
                "give the root as https://host[:port], e.g. https://graph.microsoft.com");
  }
  if (url.find_first_of("?# \t\r\n") != std::string::npos) {
    return Fail(Errc::kInvalidInput,
                "cloud " + std::string(field) + " \"" + url + "\" contains a query, fragment or space",
                "give only scheme, host, port and path");
  }
  while (url.size() > kScheme.size() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

std::span<const std::string_view> EndpointPresetNames() { return kPresetNames; }

Result<CloudEndpoints> EndpointPreset(std::string_view name) {
  for (const Preset& p : kPresets) {
    if (EqualsAscii(p.name, name)) {
      return CloudEndpoints{
          std::string(p.login_url), std::string(p.graph_url), std::string(p.exo_url), {}, {}};
    }
  }
  return Fail(Errc::kInvalidInput, "unknown cloud preset \"" + std::string(name) + "\"",
              "use one of worldwide, gcc, gcchigh, dod, china, or set login_url, graph_url and exo_url");
}

Result<CloudEndpoints> NormalizeEndpoints(CloudEndpoints endpoints) {
  for (auto [field, value] : {std::pair<std::string_view, std::string*>{"login_url", &endpoints.login_url},
                              {"graph_url", &endpoints.graph_url},
                              {"exo_url", &endpoints.exo_url}}) {
    auto normalized = NormalizeRoot(field, std::move(*value));
    if (!normalized) return std::unexpected(std::move(normalized.error()));
    *value = std::move(*normalized);
  }
  return endpoints;
}

std::string GraphScope(const CloudEndpoints& endpoints) {
  return endpoints.graph_scope.empty() ? endpoints.graph_url + "/.default" : endpoints.graph_scope;
}

std::string ExoScope(const CloudEndpoints& endpoints) {
  return endpoints.exo_scope.empty() ? endpoints.exo_url + "/.default" : endpoints.exo_scope;
}

std::string TokenUrl(const CloudEndpoints& endpoints, std::string_view tenant_id) {
  return endpoints.login_url + "/" + std::string(tenant_id) + "/oauth2/v2.0/token";
}

Status ValidateTenantId(std::string_view tenant_id) {
  if (Guid::Parse(tenant_id) && tenant_id.front() != '{') return {};
  bool ok = !tenant_id.empty() && tenant_id.size() <= 253 && tenant_id.front() != '.' &&
            tenant_id.back() != '.' && tenant_id.find("..") == std::string_view::npos;
  for (char c : tenant_id) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.');
  }
  if (ok) return {};
  return Fail(
      Errc::kInvalidInput,
      "cloud tenant_id \"" + std::string(tenant_id) + "\" is neither a GUID nor a domain name",
      "use the Directory (tenant) ID from the Entra admin center, or the tenant's onmicrosoft.com domain");
}

}  // namespace ctim::sync
