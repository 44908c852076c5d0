// Where the cloud lives: the token authority, the Microsoft Graph root and the Exchange Online admin root.
// Every value is configuration. Named presets cover the public clouds (doc/facts.md §3.2); any field
// can be overridden on its own (private clouds, the test emulator).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ctim::sync {

struct CloudEndpoints {
  std::string login_url;    // token authority root, e.g. https://login.microsoftonline.com
  std::string graph_url;    // Graph root without version, e.g. https://graph.microsoft.com
  std::string exo_url;      // EXO admin root, e.g. https://outlook.office365.com
  std::string graph_scope;  // empty: <graph_url>/.default
  std::string exo_scope;    // empty: <exo_url>/.default

  friend bool operator==(const CloudEndpoints&, const CloudEndpoints&) = default;
};

// The preset names, in the order --help lists them: worldwide, gcc, gcchigh, dod, china.
[[nodiscard]] std::span<const std::string_view> EndpointPresetNames();
// kInvalidInput naming the known presets when `name` is not one of them (case-insensitive).
[[nodiscard]] Result<CloudEndpoints> EndpointPreset(std::string_view name);

// Checks every root is an absolute https:// URL without query or fragment and strips trailing slashes.
[[nodiscard]] Result<CloudEndpoints> NormalizeEndpoints(CloudEndpoints endpoints);

// The OAuth scope of each resource: the override if set, else <root>/.default.
[[nodiscard]] std::string GraphScope(const CloudEndpoints& endpoints);
[[nodiscard]] std::string ExoScope(const CloudEndpoints& endpoints);
// <login_url>/<tenant>/oauth2/v2.0/token; also the `aud` of the client assertion.
[[nodiscard]] std::string TokenUrl(const CloudEndpoints& endpoints, std::string_view tenant_id);

// A tenant id goes into URL paths and the EXO anchor mailbox: a GUID or a DNS name
// (contoso.onmicrosoft.com). kInvalidInput otherwise.
[[nodiscard]] Status ValidateTenantId(std::string_view tenant_id);

}  // namespace ctim::sync
