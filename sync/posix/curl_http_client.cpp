// HttpClient on libcurl. libcurl's types stay in this file: CurlEasy/CurlSlist/CurlShare adopt each
// handle on the line that creates it, and curl_global_init runs once per process.
#include <curl/curl.h>

#include <array>
#include <cctype>
#include <mutex>
#include <vector>

#include "common/ascii.h"
#include "common/c_free.h"
#include "common/wipe.h"
#include "sync/http_client.h"

namespace ctim::sync {
namespace {

using CurlEasy = std::unique_ptr<CURL, CFree<&curl_easy_cleanup>>;
// Header lists hold "Authorization: Bearer ..." (and whatever else a caller sends): every line is zeroed
// before the list is freed, so no token stays behind in freed memory.
void WipeAndFreeSlist(curl_slist* list) noexcept {
  for (curl_slist* node = list; node != nullptr; node = node->next) {
    if (node->data == nullptr) continue;
    volatile char* p = node->data;
    for (std::size_t i = 0; node->data[i] != '\0'; ++i) p[i] = 0;
  }
  curl_slist_free_all(list);
}
using CurlSlist = std::unique_ptr<curl_slist, CFree<&WipeAndFreeSlist>>;
using CurlShare = std::unique_ptr<CURLSH, CFree<&curl_share_cleanup>>;

// curl_global_init is not thread-safe and must precede every other call: a function-local static runs it
// exactly once. It is never undone, so handles that outlive main() stay valid.
CURLcode GlobalInit() {
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  return rc;
}

// The share object lets pooled easy handles use one connection cache, DNS cache and TLS session cache.
// libcurl asks for a lock per data kind; one mutex per kind.
struct ShareLocks {
  std::array<std::mutex, CURL_LOCK_DATA_LAST> mutexes;
};

void LockShare(CURL*, curl_lock_data data, curl_lock_access, void* user) {
  static_cast<ShareLocks*>(user)->mutexes[static_cast<std::size_t>(data)].lock();
}
void UnlockShare(CURL*, curl_lock_data data, void* user) {
  static_cast<ShareLocks*>(user)->mutexes[static_cast<std::size_t>(data)].unlock();
}

struct Transfer {
  HttpResponse response;
  std::size_t max_bytes = 0;
  bool too_large = false;
  std::stop_token stop;
};

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (t->response.body.size() + n > t->max_bytes) {
    t->too_large = true;
    return 0;  // makes curl fail the transfer with CURLE_WRITE_ERROR
  }
  // A body may carry a secret (the token endpoint's reply): no copy is left in a freed buffer.
  AppendWiping(t->response.body, std::string_view(data, n));
  return n;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  const std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    t->response.headers.clear();  // a new response block (after 100-continue or a proxy CONNECT)
    return n;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name = LowerAscii(Trim(line.substr(0, colon)));
  t->response.headers.push_back({std::move(name), std::string(Trim(line.substr(colon + 1)))});
  return n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<Transfer*>(user)->stop.stop_requested() ? 1 : 0;  // non-zero aborts the transfer
}

Error TransferError(CURLcode rc, const char* detail, const HttpRequest& request,
                    std::chrono::milliseconds timeout, const Transfer& transfer) {
  const std::string what = std::string(HttpMethodName(request.method)) + " " + UrlForLog(request.url);
  const std::string why = detail[0] != '\0' ? std::string(detail) : std::string(curl_easy_strerror(rc));
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      return {Errc::kUnavailable,
              what + ": timed out after " + std::to_string(timeout.count()) + " ms (" + why + ")",
              "check the network path to the cloud, or raise the request timeout"};
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return {Errc::kUnavailable, what + ": " + why, "check DNS, proxy and firewall rules towards the cloud"};
    case CURLE_ABORTED_BY_CALLBACK:
      return {Errc::kUnavailable, what + ": stopped", {}};
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
      return {Errc::kInvalidInput, what + ": TLS certificate not trusted (" + why + ")",
              "for a private cloud or the emulator set ca_file to its CA bundle; otherwise something on the "
              "path intercepts TLS"};
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return {Errc::kInvalidInput, what + ": " + why, "cloud URLs must be https://"};
    case CURLE_FILESIZE_EXCEEDED:  // Content-Length announced more than the cap: nothing was read
    case CURLE_WRITE_ERROR:
      if (rc == CURLE_FILESIZE_EXCEEDED || transfer.too_large) {
        return {Errc::kInvalidInput,
                what + ": response body larger than the limit of " + std::to_string(transfer.max_bytes) +
                    " bytes; refused, not truncated",
                "no Microsoft Graph or Exchange Online page is this large: check that the URL points at the "
                "service and that no proxy or captive portal answers instead"};
      }
      return {Errc::kInternal, what + ": " + why, {}};
    default:
      return {Errc::kInternal, what + ": " + why, {}};
  }
}

class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient(HttpOptions options, CurlShare share, std::unique_ptr<ShareLocks> locks)
      : options_(std::move(options)), locks_(std::move(locks)), share_(std::move(share)) {}

  ~CurlHttpClient() override {
    // Easy handles detach from the share before the share is cleaned up.
    std::lock_guard lock(pool_mutex_);
    idle_.clear();
  }

  Result<HttpResponse> Send(const HttpRequest& request, std::stop_token stop) override {
    CurlEasy easy = Acquire();
    if (!easy) return Fail(Errc::kInternal, "curl_easy_init failed (out of memory?)");
    auto result = Perform(easy.get(), request, std::move(stop));
    Release(std::move(easy));
    return result;
  }

 private:
  CurlEasy Acquire() {
    {
      std::lock_guard lock(pool_mutex_);
      if (!idle_.empty()) {
        CurlEasy easy = std::move(idle_.back());
        idle_.pop_back();
        return easy;
      }
    }
    return CurlEasy(curl_easy_init());
  }

  void Release(CurlEasy easy) {
    std::lock_guard lock(pool_mutex_);
    constexpr std::size_t kMaxIdle = 8;
    if (idle_.size() < kMaxIdle) idle_.push_back(std::move(easy));
  }

  Result<HttpResponse> Perform(CURL* h, const HttpRequest& request, std::stop_token stop) {
    // Reset clears options from the previous request but keeps live connections and caches.
    curl_easy_reset(h);
    Transfer transfer;
    transfer.max_bytes = options_.max_response_bytes;
    transfer.stop = std::move(stop);
    std::array<char, CURL_ERROR_SIZE> error_buffer{};

    const auto timeout =
        request.timeout ? std::min(*request.timeout, options_.total_timeout) : options_.total_timeout;
    CurlSlist headers;
    for (const HttpHeader& header : request.headers) {
      const Secret line(header.name + ": " + header.value);  // headers are never logged; wiped like the body
      if (!Append(headers, line.Reveal().c_str())) return Fail(Errc::kInternal, "curl_slist_append failed");
    }
    if (!request.bearer_token.empty()) {
      std::string text;
      text.reserve(request.bearer_token.Reveal().size() + 32);  // one buffer: no unwiped reallocation
      text.append("Authorization: Bearer ").append(request.bearer_token.Reveal());
      const Secret line(std::move(text));
      if (!Append(headers, line.Reveal().c_str())) return Fail(Errc::kInternal, "curl_slist_append failed");
    }
    // No "Expect: 100-continue" round trip before POST bodies.
    if (!Append(headers, "Expect:")) return Fail(Errc::kInternal, "curl_slist_append failed");

    CURLcode rc = CURLE_OK;
    auto set = [&rc](CURLcode r) {
      if (rc == CURLE_OK) rc = r;
    };
    set(curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer.data()));
    set(curl_easy_setopt(h, CURLOPT_URL, request.url.c_str()));
    set(curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https"));
    set(curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L));
    set(curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L));
    set(curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L));
    set(curl_easy_setopt(h, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2)));
    if (!options_.ca_file.empty()) set(curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str()));
    set(curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L));
    set(curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count())));
    set(curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count())));
    set(curl_easy_setopt(h, CURLOPT_SHARE, share_.get()));
    set(curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str()));
    set(curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""));
    // Refuses at once a body whose Content-Length is over the cap; OnBody bounds the rest (chunked, or
    // decompressed beyond what was announced).
    set(curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(transfer.max_bytes)));
    set(curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get()));
    set(curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody));
    set(curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer));
    set(curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader));
    set(curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer));
    set(curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &OnProgress));
    set(curl_easy_setopt(h, CURLOPT_XFERINFODATA, &transfer));
    set(curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L));
    if (request.method == HttpMethod::kPost) {
      set(curl_easy_setopt(h, CURLOPT_POST, 1L));
      // POSTFIELDS (not COPYPOSTFIELDS): curl reads the caller's buffer, so no unwiped copy is made.
      set(curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.Reveal().data()));
      set(curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                           static_cast<curl_off_t>(request.body.Reveal().size())));
    } else {
      set(curl_easy_setopt(h, CURLOPT_HTTPGET, 1L));
    }
    if (rc != CURLE_OK) {
      return Fail(Errc::kInternal, std::string("curl option rejected: ") + curl_easy_strerror(rc));
    }

    const auto start = std::chrono::steady_clock::now();
    rc = curl_easy_perform(h);
    transfer.response.elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    // The handle keeps pointers to this stack frame's buffers: drop them before it goes back to the pool.
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
    if (rc != CURLE_OK)
      return std::unexpected(TransferError(rc, error_buffer.data(), request, timeout, transfer));

    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    transfer.response.status = static_cast<int>(status);
    return std::move(transfer.response);
  }

  static bool Append(CurlSlist& list, const char* line) {
    curl_slist* grown = curl_slist_append(list.get(), line);
    if (grown == nullptr) return false;
    (void)list.release();  // curl_slist_append returned the same list, now longer (or a new head)
    list.reset(grown);
    return true;
  }

  const HttpOptions options_;
  std::unique_ptr<ShareLocks> locks_;  // outlives share_ (declared first, destroyed last)
  CurlShare share_;
  std::mutex pool_mutex_;
  std::vector<CurlEasy> idle_;  // destroyed before share_
};

}  // namespace

Result<std::unique_ptr<HttpClient>> NewHttpClient(const HttpOptions& options) {
  if (const CURLcode rc = GlobalInit(); rc != CURLE_OK) {
    return Fail(Errc::kInternal, std::string("curl_global_init: ") + curl_easy_strerror(rc));
  }
  if (!options.ca_file.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(options.ca_file, ec)) {
      return Fail(Errc::kInvalidInput,
                  "cloud ca_file " + options.ca_file.string() + " is not a readable file",
                  "point ca_file at the PEM bundle of the CA that signed the cloud endpoint's certificate");
    }
  }
  auto locks = std::make_unique<ShareLocks>();
  CurlShare share(curl_share_init());
  if (!share) return Fail(Errc::kInternal, "curl_share_init failed");
  CURLSHcode rc = curl_share_setopt(share.get(), CURLSHOPT_LOCKFUNC, &LockShare);
  if (rc == CURLSHE_OK) rc = curl_share_setopt(share.get(), CURLSHOPT_UNLOCKFUNC, &UnlockShare);
  if (rc == CURLSHE_OK) rc = curl_share_setopt(share.get(), CURLSHOPT_USERDATA, locks.get());
  for (curl_lock_data data : {CURL_LOCK_DATA_DNS, CURL_LOCK_DATA_SSL_SESSION, CURL_LOCK_DATA_CONNECT}) {
    if (rc == CURLSHE_OK) rc = curl_share_setopt(share.get(), CURLSHOPT_SHARE, data);
  }
  if (rc != CURLSHE_OK) return Fail(Errc::kInternal, std::string("curl share: ") + curl_share_strerror(rc));
  return std::unique_ptr<HttpClient>(new CurlHttpClient(options, std::move(share), std::move(locks)));
}

}  // namespace ctim::sync
