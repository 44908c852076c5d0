#include "sync/token_response.h"

#include <algorithm>
#include <charconv>

#include "common/wipe.h"
#include "sync/json_fields.h"

namespace ctim::sync {
namespace {

std::string FirstLine(std::string_view text) {
  const std::size_t end = text.find_first_of("\r\n");
  return std::string(text.substr(0, end));
}

std::string CertificateText(const CredentialFacts& facts, SysTime now) {
  std::string text = "the certificate (thumbprint " + facts.thumbprint;
  if (facts.certificate_not_after) {
    const bool expired = *facts.certificate_not_after < now;
    text += expired ? ", EXPIRED " : ", valid until ";
    text += FormatUtcIso8601(*facts.certificate_not_after);
  }
  return text + ")";
}

std::optional<std::int64_t> ExpiresIn(const Json& body) {
  if (auto n = IntMember(body, "expires_in")) return n;
  if (auto s = StringMember(body, "expires_in")) {  // the v1 endpoint sent numbers as strings
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec == std::errc() && end == s->data() + s->size()) return v;
  }
  return std::nullopt;
}

}  // namespace

Secret TokenRequestBody(std::string_view client_id, std::string_view scope, const Secret& assertion,
                        const Secret& client_secret) {
  // The credential is encoded into a Secret and appended to a buffer reserved once, so neither a temporary
  // nor a buffer left behind by reallocation keeps a copy of it unwiped.
  const Secret credential(PercentEncode(!assertion.empty() ? assertion.Reveal() : client_secret.Reveal()));
  const std::string head = "client_id=" + PercentEncode(client_id) + "&scope=" + PercentEncode(scope);
  const std::string kind = !assertion.empty()
                               ? "&client_assertion_type=" +
                                     PercentEncode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") +
                                     "&client_assertion="
                               : std::string("&client_secret=");
  constexpr std::string_view kTail = "&grant_type=client_credentials";
  std::string body;
  body.reserve(head.size() + kind.size() + credential.Reveal().size() + kTail.size());
  body.append(head).append(kind).append(credential.Reveal()).append(kTail);
  return Secret(std::move(body));
}

std::optional<long> AadstsCode(std::string_view body) {
  const auto parsed = ParseJson(body);
  if (parsed) {
    if (const Json* codes = Member(*parsed, "error_codes");
        codes != nullptr && codes->is_array() && !codes->empty() && (*codes)[0].is_number_integer()) {
      return (*codes)[0].get<long>();
    }
  }
  const std::string description = parsed ? StringMember(*parsed, "error_description").value_or("") : "";
  const std::string_view text = description.empty() ? body : std::string_view(description);
  const std::size_t pos = text.find("AADSTS");
  if (pos == std::string_view::npos) return std::nullopt;
  long code = 0;
  const char* first = text.data() + pos + 6;
  const auto [end, ec] = std::from_chars(first, text.data() + text.size(), code);
  if (ec != std::errc() || end == first) return std::nullopt;
  return code;
}

std::string AadstsHint(long code, const CredentialFacts& facts, SysTime now) {
  switch (code) {
    case 700027:  // Client assertion failed signature validation / key not found
      return CertificateText(facts, now) + " is not registered on app " + facts.client_id +
             " or has expired: upload its public certificate under Certificates & secrets of the app "
             "registration";
    case 700024:  // Client assertion is not within its valid time range
      return "the client assertion's time window was refused: check this machine's clock (NTP)";
    case 700016:  // Application not found in the directory
      return "app " + facts.client_id + " is not found in tenant " + facts.tenant_id +
             ": check client_id and tenant_id, and that the app is consented in this tenant";
    case 90002:   // Tenant not found
    case 900023:  // Specified tenant identifier is neither a valid DNS name nor a valid external domain
      return "tenant " + facts.tenant_id + " is unknown to " + facts.token_url +
             ": check tenant_id and the cloud preset (GCC High/DoD/21Vianet tenants live on other login "
             "hosts)";
    case 7000215:  // Invalid client secret provided
      return "the client secret is wrong: give the secret's value, not its ID (better: use a certificate)";
    case 7000222:  // The provided client secret keys are expired
      return "the client secret has expired: create a certificate credential for the app instead";
    case 70011:  // The provided value for the input parameter 'scope' is not valid
      return "the scope was refused: check the cloud preset and the graph_url/exo_url overrides";
    case 500011:  // The resource principal was not found in the tenant
      return "the resource (Graph or Exchange Online) is not available in this tenant or cloud: check the "
             "preset, and that the tenant has Exchange Online";
    case 7000112:  // Application is disabled
      return "app " + facts.client_id + " is disabled in the tenant: enable its enterprise application";
    case 53003:  // Blocked by Conditional Access
      return "a Conditional Access policy for workload identities blocks this app: exclude it or allow this "
             "network location";
    case 50012:  // Authentication failed / invalid client assertion audience
      return "the client assertion was refused: check login_url and tenant_id (the assertion's audience is "
             "the "
             "token URL " +
             facts.token_url + ")";
    default:
      return {};
  }
}

namespace {

// The access_token member moved out of the parsed document into a Secret, and the document's copy
// zeroed, so the token is not left in memory the Json frees. Empty when absent or not a string.
Secret TakeAccessToken(Json& body) {
  if (!body.is_object()) return Secret();
  const auto it = body.find("access_token");
  if (it == body.end() || !it->is_string()) return Secret();
  std::string& text = it->get_ref<std::string&>();
  Secret token(std::move(text));
  WipeString(text);  // a short (in-place) string was copied, not moved: zero what stayed
  return token;
}

}  // namespace

Result<AccessToken> ParseTokenResponse(const HttpResponse& response, SysTime now,
                                       const CredentialFacts& facts) {
  auto body = ParseJson(response.body);
  if (response.status == 200) {
    Secret token = body ? TakeAccessToken(*body) : Secret();
    const auto type = body ? StringMember(*body, "token_type") : std::nullopt;
    const auto expires_in = body ? ExpiresIn(*body) : std::nullopt;
    if (token.empty() || !expires_in || *expires_in <= 0) {
      return Fail(Errc::kInternal, "token endpoint " + facts.token_url +
                                       " replied 200 without access_token/expires_in (request-id " +
                                       std::string(response.Header("x-ms-request-id").value_or("-")) + ")");
    }
    if (type && *type != "Bearer" && *type != "bearer") {
      return Fail(Errc::kInternal, "token endpoint returned token_type \"" + *type + "\", expected Bearer");
    }
    // Entra access tokens live at most a day; a larger expires_in (cloud_parse_fuzz found one that
    // overflowed the time point) is shortened to a day: the token is then only refreshed sooner.
    constexpr std::int64_t kMaxLifetimeSeconds = 24 * 60 * 60;
    return AccessToken{std::move(token),
                       now + std::chrono::seconds(std::min(*expires_in, kMaxLifetimeSeconds))};
  }

  std::string message = "token request to " + facts.token_url + ": HTTP " + std::to_string(response.status);
  if (response.status >= 300 && response.status < 400) {
    return Fail(Errc::kInvalidInput,
                message + " redirect to " + UrlForLog(response.Header("location").value_or("?")),
                "redirects are not followed: set login_url to the authority's final address");
  }
  if (body) {
    if (auto error = StringMember(*body, "error")) message += " " + *error;
    if (auto description = StringMember(*body, "error_description"))
      message += ": " + FirstLine(*description);
    const auto trace = StringMember(*body, "trace_id");
    const auto correlation = StringMember(*body, "correlation_id");
    if (trace && correlation) {
      message += " (trace " + *trace + ", correlation " + *correlation + ")";
    } else if (trace || correlation) {
      message += trace ? " (trace " + *trace + ")" : " (correlation " + *correlation + ")";
    }
  }
  if (response.status == 429 || response.status >= 500) {
    return Fail(Errc::kUnavailable, message,
                "the identity platform is unavailable or throttling; try again later");
  }
  const auto code = AadstsCode(response.body);
  std::string hint = code ? AadstsHint(*code, facts, now) : std::string();
  if (hint.empty()) hint = "check tenant_id, client_id and the app's certificate registration";
  return Fail(Errc::kUnauthenticated, std::move(message), std::move(hint));
}

std::optional<Secret> TokenCache::Get(std::string_view scope, SysTime now) const {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(scope);
  if (it == entries_.end() || now >= it->second.refresh_at) return std::nullopt;
  return it->second.value;
}

void TokenCache::Put(std::string_view scope, AccessToken token, SysTime issued_at) {
  const auto lifetime = token.expires_at - issued_at;
  const auto margin = std::min<SysTime::duration>(std::chrono::minutes(5), lifetime / 2);
  std::lock_guard lock(mutex_);
  entries_.insert_or_assign(std::string(scope), Entry{std::move(token.value), token.expires_at - margin});
}

void TokenCache::Invalidate(std::string_view scope) {
  std::lock_guard lock(mutex_);
  if (const auto it = entries_.find(scope); it != entries_.end()) entries_.erase(it);
}

}  // namespace ctim::sync
