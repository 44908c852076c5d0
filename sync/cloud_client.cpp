#include "sync/cloud_client.h"

#include <cctype>
#include <fstream>

#include "sync/api_caller.h"
#include "sync/http_client.h"
#include "sync/resource_caller.h"
#include "sync/token_source.h"

namespace ctim::sync {
namespace {

Status ValidateClientId(std::string_view client_id) {
  bool ok = !client_id.empty() && client_id.size() <= 128;
  for (char c : client_id) ok = ok && c > ' ' && c != 0x7f;
  if (ok) return {};
  return Fail(Errc::kInvalidInput,
              "cloud client_id \"" + std::string(client_id) + "\" is empty or has spaces",
              "use the Application (client) ID of the app registration");
}

// The secret's value: the file's first line without trailing whitespace.
Result<Secret> ReadSecretFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return Fail(Errc::kInvalidInput, "cannot read cloud client_secret_file " + path.string(),
                "check the path and that the agent's account may read it");
  }
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())) != 0) line.pop_back();
  Secret secret(std::move(line));
  if (secret.empty())
    return Fail(Errc::kInvalidInput, "cloud client_secret_file " + path.string() + " is empty");
  return secret;
}

}  // namespace

struct CloudClient::Parts {
  CloudEndpoints endpoints;
  std::vector<std::string> warnings;
  CallCounters counters;
  std::unique_ptr<HttpClient> http;
  std::unique_ptr<ApiCaller> caller;
  std::unique_ptr<ClientCredentialsTokenSource> tokens;
  std::unique_ptr<ResourceCaller> graph_resource;
  std::unique_ptr<ResourceCaller> exo_resource;
  std::unique_ptr<GraphClient> graph;
  std::unique_ptr<ExoAdminClient> exo;
};

Result<CloudEndpoints> ResolveEndpoints(const CloudConfig& config) {
  auto endpoints = EndpointPreset(config.preset);
  if (!endpoints) return std::unexpected(std::move(endpoints.error()));
  if (!config.login_url.empty()) endpoints->login_url = config.login_url;
  if (!config.graph_url.empty()) endpoints->graph_url = config.graph_url;
  if (!config.exo_url.empty()) endpoints->exo_url = config.exo_url;
  endpoints->graph_scope = config.graph_scope;
  endpoints->exo_scope = config.exo_scope;
  return NormalizeEndpoints(std::move(*endpoints));
}

Result<std::unique_ptr<CloudClient>> CloudClient::Create(const CloudConfig& config) {
  auto parts = std::make_unique<Parts>();
  auto endpoints = ResolveEndpoints(config);
  if (!endpoints) return std::unexpected(std::move(endpoints.error()));
  parts->endpoints = std::move(*endpoints);
  if (auto ok = ValidateTenantId(config.tenant_id); !ok) return std::unexpected(std::move(ok.error()));
  if (auto ok = ValidateClientId(config.client_id); !ok) return std::unexpected(std::move(ok.error()));

  AppCredential credential;
  credential.tenant_id = config.tenant_id;
  credential.client_id = config.client_id;
  credential.token_url = TokenUrl(parts->endpoints, config.tenant_id);
  credential.assertion_mode = config.assertion;
  if (!config.certificate_file.empty() || !config.certificate_thumbprint.empty()) {
    auto certificate = config.certificate_thumbprint.empty()
                           ? ClientCertificate::Load(config.certificate_file, config.private_key_file)
                           : ClientCertificate::FromSystemStore(config.certificate_thumbprint);
    if (!certificate) return std::unexpected(std::move(certificate.error()).With("cloud certificate"));
    const auto now = std::chrono::system_clock::now();
    if (certificate->NotAfter() < now) {
      parts->warnings.push_back(
          "cloud certificate " + certificate->Thumbprint() + " expired on " +
          FormatUtcIso8601(certificate->NotAfter()) +
          ": Entra will refuse it (AADSTS700027); register a new certificate on the app");
    } else if (certificate->NotAfter() < now + std::chrono::days(30)) {
      parts->warnings.push_back("cloud certificate " + certificate->Thumbprint() + " expires on " +
                                FormatUtcIso8601(certificate->NotAfter()) +
                                "; register its successor on the app");
    }
    if (!config.client_secret.empty() || !config.client_secret_file.empty()) {
      parts->warnings.push_back("cloud client secret is ignored because a certificate is set; remove it");
    }
    credential.certificate = std::move(*certificate);
  } else if (!config.client_secret.empty() || !config.client_secret_file.empty()) {
    if (!config.client_secret_file.empty()) {
      auto secret = ReadSecretFile(config.client_secret_file);
      if (!secret) return std::unexpected(std::move(secret.error()));
      credential.client_secret = std::move(*secret);
    } else {
      credential.client_secret = config.client_secret;
    }
    parts->warnings.push_back("cloud app " + config.client_id +
                              " authenticates with a client secret; Microsoft recommends a certificate "
                              "(set certificate_file and private_key_file)");
  } else {
    return Fail(Errc::kInvalidInput, "cloud app " + config.client_id + " has no credential",
                "set certificate_file and private_key_file in [cloud] to the app's registered certificate");
  }

  HttpOptions http_options;
  http_options.ca_file = config.ca_file;
  http_options.connect_timeout = config.limits.connect_timeout;
  http_options.total_timeout = config.limits.request_timeout;
  auto http = NewHttpClient(http_options);
  if (!http) return std::unexpected(std::move(http.error()));
  parts->http = std::move(*http);

  Parts& p = *parts;
  p.caller = std::make_unique<ApiCaller>(*p.http, p.counters, config.limits.retry);
  p.tokens = std::make_unique<ClientCredentialsTokenSource>(*p.caller, std::move(credential));
  p.graph_resource =
      std::make_unique<ResourceCaller>(*p.caller, *p.tokens, Api::kGraph, GraphScope(p.endpoints));
  p.exo_resource = std::make_unique<ResourceCaller>(*p.caller, *p.tokens, Api::kExo, ExoScope(p.endpoints));
  p.graph = std::make_unique<GraphClient>(
      *p.graph_resource,
      GraphOptions{p.endpoints.graph_url, config.limits.call_deadline, config.limits.operation_deadline,
                   config.limits.max_pages, config.limits.retry, config.limits.graph_pacing,
                   config.limits.user_lookup});
  p.exo = std::make_unique<ExoAdminClient>(
      *p.exo_resource, ExoOptions{p.endpoints.exo_url, config.tenant_id, config.limits.call_deadline,
                                  config.limits.operation_deadline, config.limits.max_pages});
  return std::unique_ptr<CloudClient>(new CloudClient(std::move(parts)));
}

CloudClient::CloudClient(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
CloudClient::~CloudClient() = default;

GraphClient& CloudClient::graph() { return *parts_->graph; }
ExoAdminClient& CloudClient::exo() { return *parts_->exo; }
TokenSource& CloudClient::tokens() { return *parts_->tokens; }
CallCounts CloudClient::counts() const { return parts_->counters.Snapshot(); }
const CloudEndpoints& CloudClient::endpoints() const { return parts_->endpoints; }
const std::vector<std::string>& CloudClient::warnings() const { return parts_->warnings; }

}  // namespace ctim::sync
