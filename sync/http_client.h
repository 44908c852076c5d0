// HTTPS as plain values. HttpClient is the seam between the cloud clients and the platform's HTTP stack:
// sync/posix/curl_http_client.cpp implements it with libcurl, sync/windows/winhttp_client.cpp with WinHTTP,
// each behind the same NewHttpClient(). No library type appears here.
//
// Security defaults that no option turns off: TLS peer and host verification always on (trust either the
// system store or ca_file; on Windows the Windows store only, and ca_file is refused), https:// only,
// TLS 1.2 or newer, redirects never followed (a 3xx comes back as a response for the caller to judge), a
// connect and a total timeout on every call.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/secret.h"

namespace ctim::sync {

enum class HttpMethod { kGet, kPost };
[[nodiscard]] std::string_view HttpMethodName(HttpMethod method);

struct HttpHeader {
  std::string name;
  std::string value;
};

struct HttpRequest {
  HttpMethod method = HttpMethod::kGet;
  std::string url;                  // absolute https:// URL, already percent-encoded
  std::vector<HttpHeader> headers;  // never logged
  Secret bearer_token;              // sent as "Authorization: Bearer ..." when set; never logged
  Secret body;  // POST body; never logged, wiped when dropped (the token request carries the credential)
  // Total time for this exchange; the client's default when unset, never more than it.
  std::optional<std::chrono::milliseconds> timeout;
};

struct HttpResponse {
  int status = 0;
  std::vector<HttpHeader> headers;  // names lower-cased, in arrival order
  std::string body;
  std::chrono::milliseconds elapsed{0};

  // First header with this (case-insensitive) name, or nullopt.
  [[nodiscard]] std::optional<std::string_view> Header(std::string_view name) const;
};

inline constexpr std::size_t kMaxResponseBytes = std::size_t{32} << 20U;  // 32 MiB

struct HttpOptions {
  std::filesystem::path ca_file;  // PEM bundle to trust instead of the system store (private cloud, emulator)
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds total_timeout{std::chrono::seconds(60)};
  std::string user_agent = "ctim-agent";
  // A larger body (after decompression) fails the call instead of exhausting memory or being truncated:
  // no Graph or Exchange Online page comes near 32 MiB (doc/cloud-api.md), so a bigger one is not theirs.
  std::size_t max_response_bytes = kMaxResponseBytes;
};

// Thread-safe: concurrent Send() calls are allowed and reuse pooled connections.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // One exchange, no retries. Any HTTP status is a response; an error means no usable response:
  //   kUnavailable      timeout, connection refused/reset, DNS failure (worth retrying)
  //   kInvalidInput     not https://, malformed URL, TLS certificate not trusted, a response body larger
  //                     than max_response_bytes (fix config; not retried)
  //   kInternal         anything else
  // A stop request aborts the transfer (kUnavailable, "stopped").
  virtual Result<HttpResponse> Send(const HttpRequest& request, std::stop_token stop) = 0;
};

[[nodiscard]] Result<std::unique_ptr<HttpClient>> NewHttpClient(const HttpOptions& options);

// "https://host:port/path" of a URL: no query, no fragment, no userinfo. The form that may be logged.
[[nodiscard]] std::string UrlForLog(std::string_view url);
// Scheme, host and port ("https://host:port"), lower-cased, for same-origin checks on server-given links.
[[nodiscard]] std::string UrlOrigin(std::string_view url);
// RFC 3986 percent-encoding of everything but unreserved characters (for query values and form bodies).
[[nodiscard]] std::string PercentEncode(std::string_view text);

}  // namespace ctim::sync
