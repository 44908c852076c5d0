// HttpClient on WinHTTP (doc/windows.md, "HTTPS"). WinHTTP brings what Windows administrators expect: the
// machine's proxy settings and the Windows certificate store. Its handles stay in this file.
//
// The guarantees of sync/http_client.h, and how WinHTTP gives them:
//   TLS verified    WinHTTP checks chain, name and dates unless a SECURITY_FLAG_IGNORE_* flag is set; none
//                   ever is. Trust is the Windows store only, so HttpOptions::ca_file is refused.
//   https only      the URL's scheme must be https; every request carries WINHTTP_FLAG_SECURE.
//   TLS 1.2+        WINHTTP_OPTION_SECURE_PROTOCOLS (1.2 and 1.3, or 1.2 where 1.3 is unknown).
//   no redirects    WINHTTP_OPTION_REDIRECT_POLICY_NEVER: a 3xx comes back as the response.
//   timeouts        resolve/connect = connect_timeout; send/receive = what is left of the total, set again
//                   before every read, and the total is checked between reads.
//   32 MiB cap      a Content-Length above it is refused before the body is read; otherwise reading stops
//                   at the cap. No Accept-Encoding is sent, so the body arrives as it is counted.
//   stop            a stop request closes the request handle, which ends a blocking WinHTTP call at once.
#include <atomic>
#include <mutex>
#include <vector>

#include "common/ascii.h"
#include "common/windows/utf16.h"
#include "sync/http_client.h"
#include "sync/windows/handles.h"

namespace ctim::sync {
namespace {

using ctim::windows::Utf16;
using ctim::windows::Utf8;
using windows::InternetHandle;

// WinHTTP's own error texts live in winhttp.dll's message table.
std::string WinHttpMessage(DWORD code) {
  return ctim::windows::SystemMessage(code, GetModuleHandleW(L"winhttp.dll"));
}

std::string What(const HttpRequest& request) {
  return std::string(HttpMethodName(request.method)) + " " + UrlForLog(request.url);
}

// The same kinds and hints as the libcurl client (sync/posix/curl_http_client.cpp), so callers and
// operators see one behaviour on both systems.
Error TransferError(DWORD code, const HttpRequest& request, std::chrono::milliseconds timeout, bool stopped) {
  const std::string what = What(request);
  if (stopped) return {Errc::kUnavailable, what + ": stopped", {}};
  const std::string why = WinHttpMessage(code);
  switch (code) {
    case ERROR_WINHTTP_TIMEOUT:
      return {Errc::kUnavailable,
              what + ": timed out after " + std::to_string(timeout.count()) + " ms (" + why + ")",
              "check the network path to the cloud, or raise the request timeout"};
    case ERROR_WINHTTP_NAME_NOT_RESOLVED:
    case ERROR_WINHTTP_CANNOT_CONNECT:
    case ERROR_WINHTTP_CONNECTION_ERROR:
    case ERROR_WINHTTP_INVALID_SERVER_RESPONSE:
    case ERROR_WINHTTP_OPERATION_CANCELLED:
    case ERROR_WINHTTP_RESEND_REQUEST:
    case ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR:
    case ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT:
    case ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT:
      return {Errc::kUnavailable, what + ": " + why, "check DNS, proxy and firewall rules towards the cloud"};
    // Windows reports an untrusted or misnamed server as 12175 (SECURE_FAILURE) or one of the specific
    // codes; Wine reports it as 12157 (SECURE_CHANNEL_ERROR), which on Windows also covers a failed
    // handshake (no common TLS version). Both are a configuration matter, never retried.
    case ERROR_WINHTTP_SECURE_FAILURE:
    case ERROR_WINHTTP_SECURE_CHANNEL_ERROR:
    case ERROR_WINHTTP_SECURE_CERT_CN_INVALID:
    case ERROR_WINHTTP_SECURE_CERT_DATE_INVALID:
    case ERROR_WINHTTP_SECURE_INVALID_CA:
    case ERROR_WINHTTP_SECURE_CERT_REVOKED:
    case ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE:
    case ERROR_WINHTTP_SECURE_INVALID_CERT:
      return {Errc::kInvalidInput, what + ": TLS certificate not trusted (" + why + ")",
              "the server's certificate must chain to a CA in the Windows store (Local Computer > Trusted "
              "Root Certification Authorities) and name the host; otherwise something on the path "
              "intercepts TLS"};
    case ERROR_WINHTTP_UNRECOGNIZED_SCHEME:
    case ERROR_WINHTTP_INVALID_URL:
      return {Errc::kInvalidInput, what + ": " + why, "cloud URLs must be https://"};
    default:
      return {Errc::kInternal, what + ": " + why, {}};
  }
}

Error TooLarge(const HttpRequest& request, std::size_t max_bytes) {
  return {Errc::kInvalidInput,
          What(request) + ": response body larger than the limit of " + std::to_string(max_bytes) +
              " bytes; refused, not truncated",
          "no Microsoft Graph or Exchange Online page is this large: check that the URL points at the "
          "service and that no proxy or captive portal answers instead"};
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// WINHTTP_QUERY_RAW_HEADERS_CRLF: the status line, then "Name: value" lines.
std::vector<HttpHeader> ParseRawHeaders(std::string_view raw) {
  std::vector<HttpHeader> headers;
  std::size_t start = 0;
  while (start < raw.size()) {
    std::size_t end = raw.find('\n', start);
    if (end == std::string_view::npos) end = raw.size();
    const std::string_view line = raw.substr(start, end - start);
    start = end + 1;
    if (line.starts_with("HTTP/")) {
      headers.clear();
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    headers.push_back({LowerAscii(Trim(line.substr(0, colon))), std::string(Trim(line.substr(colon + 1)))});
  }
  return headers;
}

// A UTF-16 copy of header text that may hold a bearer token: zeroed before it is freed.
class WipedWide {
 public:
  explicit WipedWide(std::wstring text) : text_(std::move(text)) {}
  WipedWide(const WipedWide&) = delete;
  WipedWide& operator=(const WipedWide&) = delete;
  ~WipedWide() {
    volatile wchar_t* p = text_.data();
    for (std::size_t i = 0; i < text_.capacity(); ++i) p[i] = 0;
  }
  [[nodiscard]] const std::wstring& get() const { return text_; }

 private:
  std::wstring text_;
};

int ClampMs(std::chrono::milliseconds ms) {
  return static_cast<int>(std::clamp<std::int64_t>(ms.count(), 1, 0x7FFFFFFF));
}

class WinHttpClient final : public HttpClient {
 public:
  WinHttpClient(HttpOptions options, InternetHandle session)
      : options_(std::move(options)), session_(std::move(session)) {}

  Result<HttpResponse> Send(const HttpRequest& request, std::stop_token stop) override {
    const auto timeout =
        request.timeout ? std::min(*request.timeout, options_.total_timeout) : options_.total_timeout;
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + timeout;

    const std::wstring url = Utf16(request.url);
    URL_COMPONENTS parts{};
    parts.dwStructSize = sizeof(parts);
    parts.dwHostNameLength = static_cast<DWORD>(-1);
    parts.dwUrlPathLength = static_cast<DWORD>(-1);
    parts.dwExtraInfoLength = static_cast<DWORD>(-1);
    if (!WinHttpCrackUrl(url.c_str(), static_cast<DWORD>(url.size()), 0, &parts)) {
      return std::unexpected(TransferError(GetLastError(), request, timeout, false));
    }
    if (parts.nScheme != INTERNET_SCHEME_HTTPS) {
      return Fail(Errc::kInvalidInput, What(request) + ": not an https:// URL",
                  "cloud URLs must be https://");
    }
    const std::wstring host(parts.lpszHostName, parts.dwHostNameLength);
    std::wstring path(parts.lpszUrlPath, parts.dwUrlPathLength);
    path.append(parts.lpszExtraInfo, parts.dwExtraInfoLength);
    if (path.empty()) path = L"/";

    InternetHandle connect(WinHttpConnect(session_.get(), host.c_str(), parts.nPort, 0));
    if (!connect) return std::unexpected(TransferError(GetLastError(), request, timeout, false));
    const wchar_t* verb = request.method == HttpMethod::kPost ? L"POST" : L"GET";
    HINTERNET raw_request = WinHttpOpenRequest(connect.get(), verb, path.c_str(), nullptr, WINHTTP_NO_REFERER,
                                               WINHTTP_DEFAULT_ACCEPT_TYPES, WINHTTP_FLAG_SECURE);
    if (raw_request == nullptr)
      return std::unexpected(TransferError(GetLastError(), request, timeout, false));

    // The request handle is closed exactly once: by a stop request (which ends a blocking call in another
    // thread) or at the end of this function, whichever comes first.
    std::atomic<bool> closed{false};
    auto close_request = [&closed, raw_request] {
      if (!closed.exchange(true)) WinHttpCloseHandle(raw_request);
    };
    auto result = [&]() -> Result<HttpResponse> {
      std::stop_callback on_stop(stop, close_request);
      auto exchanged = Exchange(raw_request, request, stop, timeout, deadline);
      if (exchanged) {
        exchanged->elapsed =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
      }
      return exchanged;
    }();
    close_request();
    return result;
  }

 private:
  Result<HttpResponse> Exchange(HINTERNET h, const HttpRequest& request, const std::stop_token& stop,
                                std::chrono::milliseconds timeout,
                                std::chrono::steady_clock::time_point deadline) const {
    auto failed = [&](DWORD code) {
      return std::unexpected(TransferError(code, request, timeout, stop.stop_requested()));
    };
    if (stop.stop_requested()) return failed(ERROR_WINHTTP_OPERATION_CANCELLED);

    DWORD redirect = WINHTTP_OPTION_REDIRECT_POLICY_NEVER;
    DWORD no_cookies = WINHTTP_DISABLE_COOKIES;
    if (!WinHttpSetOption(h, WINHTTP_OPTION_REDIRECT_POLICY, &redirect, sizeof(redirect)) ||
        !WinHttpSetOption(h, WINHTTP_OPTION_DISABLE_FEATURE, &no_cookies, sizeof(no_cookies))) {
      return failed(GetLastError());
    }
    const int connect_ms = ClampMs(options_.connect_timeout);
    if (!WinHttpSetTimeouts(h, connect_ms, connect_ms, ClampMs(timeout), ClampMs(timeout))) {
      return failed(GetLastError());
    }

    std::wstring header_text;
    for (const HttpHeader& header : request.headers) {
      header_text += Utf16(header.name + ": " + header.value);
      header_text += L"\r\n";
    }
    if (!request.bearer_token.empty()) {
      const Secret line("Authorization: Bearer " + request.bearer_token.Reveal());
      header_text += Utf16(line.Reveal());
      header_text += L"\r\n";
    }
    const WipedWide headers(std::move(header_text));
    if (!headers.get().empty() &&
        !WinHttpAddRequestHeaders(h, headers.get().c_str(), static_cast<DWORD>(headers.get().size()),
                                  WINHTTP_ADDREQ_FLAG_ADD | WINHTTP_ADDREQ_FLAG_REPLACE)) {
      return failed(GetLastError());
    }

    // The body is sent from the caller's Secret; WinHTTP makes no copy that outlives the call.
    const std::string& body = request.body.Reveal();
    const bool post = request.method == HttpMethod::kPost;
    void* body_data = post && !body.empty() ? const_cast<char*>(body.data()) : WINHTTP_NO_REQUEST_DATA;
    const auto body_size = static_cast<DWORD>(post ? body.size() : 0);
    if (!WinHttpSendRequest(h, WINHTTP_NO_ADDITIONAL_HEADERS, 0, body_data, body_size, body_size, 0) ||
        !WinHttpReceiveResponse(h, nullptr)) {
      return failed(GetLastError());
    }

    HttpResponse response;
    DWORD status = 0;
    DWORD size = sizeof(status);
    if (!WinHttpQueryHeaders(h, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER,
                             WINHTTP_HEADER_NAME_BY_INDEX, &status, &size, WINHTTP_NO_HEADER_INDEX)) {
      return failed(GetLastError());
    }
    response.status = static_cast<int>(status);
    DWORD raw_size = 0;
    WinHttpQueryHeaders(h, WINHTTP_QUERY_RAW_HEADERS_CRLF, WINHTTP_HEADER_NAME_BY_INDEX, nullptr, &raw_size,
                        WINHTTP_NO_HEADER_INDEX);
    if (raw_size > 0) {
      std::wstring raw(raw_size / sizeof(wchar_t), L'\0');
      if (!WinHttpQueryHeaders(h, WINHTTP_QUERY_RAW_HEADERS_CRLF, WINHTTP_HEADER_NAME_BY_INDEX, raw.data(),
                               &raw_size, WINHTTP_NO_HEADER_INDEX)) {
        return failed(GetLastError());
      }
      raw.resize(raw_size / sizeof(wchar_t));
      response.headers = ParseRawHeaders(Utf8(raw));
    }
    const std::size_t max_bytes = options_.max_response_bytes;
    if (const auto length = response.Header("content-length")) {
      try {
        if (std::stoull(std::string(*length)) > max_bytes)
          return std::unexpected(TooLarge(request, max_bytes));
      } catch (const std::exception&) {
        return Fail(Errc::kUnavailable,
                    What(request) + ": malformed Content-Length \"" + std::string(*length) + "\"");
      }
    }

    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return failed(ERROR_WINHTTP_TIMEOUT);
      DWORD left_ms = static_cast<DWORD>(ClampMs(left));
      if (!WinHttpSetOption(h, WINHTTP_OPTION_RECEIVE_TIMEOUT, &left_ms, sizeof(left_ms))) {
        return failed(GetLastError());
      }
      DWORD available = 0;
      if (!WinHttpQueryDataAvailable(h, &available)) return failed(GetLastError());
      if (available == 0) break;
      if (response.body.size() + available > max_bytes) return std::unexpected(TooLarge(request, max_bytes));
      const std::size_t at = response.body.size();
      response.body.resize(at + available);
      DWORD read = 0;
      if (!WinHttpReadData(h, response.body.data() + at, available, &read)) return failed(GetLastError());
      response.body.resize(at + read);
      if (read == 0) break;
    }
    return response;
  }

  const HttpOptions options_;
  InternetHandle session_;  // thread-safe: WinHTTP serializes use of a session and pools its connections
};

}  // namespace

Result<std::unique_ptr<HttpClient>> NewHttpClient(const HttpOptions& options) {
  if (!options.ca_file.empty()) {
    return Fail(Errc::kInvalidInput,
                "cloud ca_file " + options.ca_file.string() +
                    " is not used on Windows: WinHTTP trusts the Windows certificate store only",
                "import that CA into Local Computer > Trusted Root Certification Authorities (certutil "
                "-addstore Root FILE) and remove ca_file from [cloud] (doc/windows.md)");
  }
  const std::wstring agent = Utf16(options.user_agent);
  // The system's proxy (Windows 8.1 and later: per-user settings, WPAD, then the machine's); the WinHTTP
  // default proxy (netsh winhttp set proxy) where the automatic kind is unknown.
  InternetHandle session(WinHttpOpen(agent.c_str(), WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY,
                                     WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0));
  if (!session) {
    session.reset(WinHttpOpen(agent.c_str(), WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, WINHTTP_NO_PROXY_NAME,
                              WINHTTP_NO_PROXY_BYPASS, 0));
  }
  if (!session) return Fail(Errc::kInternal, "WinHttpOpen: " + WinHttpMessage(GetLastError()));
  DWORD protocols = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2 | WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_3;
  if (!WinHttpSetOption(session.get(), WINHTTP_OPTION_SECURE_PROTOCOLS, &protocols, sizeof(protocols))) {
    protocols = WINHTTP_FLAG_SECURE_PROTOCOL_TLS1_2;
    if (!WinHttpSetOption(session.get(), WINHTTP_OPTION_SECURE_PROTOCOLS, &protocols, sizeof(protocols))) {
      return Fail(Errc::kInternal, "WinHTTP refuses TLS 1.2: " + WinHttpMessage(GetLastError()),
                  "enable TLS 1.2 for WinHTTP (Windows 10 and Server 2016 have it on)");
    }
  }
  return std::unique_ptr<HttpClient>(new WinHttpClient(options, std::move(session)));
}

}  // namespace ctim::sync
