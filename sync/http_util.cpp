// The portable parts of http_client.h: header lookup and URL helpers.
#include <cctype>

#include "common/ascii.h"
#include "sync/http_client.h"

namespace ctim::sync {
namespace {

// Splits "scheme://authority/rest" at the authority.
struct UrlParts {
  std::string_view scheme;
  std::string_view authority;  // may include userinfo@
  std::string_view path;       // from the first '/', '?' or '#' after the authority
};

UrlParts Split(std::string_view url) {
  UrlParts parts;
  const std::size_t colon = url.find("://");
  if (colon == std::string_view::npos) {
    parts.path = url;
    return parts;
  }
  parts.scheme = url.substr(0, colon);
  const std::string_view rest = url.substr(colon + 3);
  const std::size_t end = rest.find_first_of("/?#");
  parts.authority = rest.substr(0, end);
  parts.path = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  return parts;
}

std::string_view WithoutUserinfo(std::string_view authority) {
  const std::size_t at = authority.rfind('@');
  return at == std::string_view::npos ? authority : authority.substr(at + 1);
}

}  // namespace

std::string_view HttpMethodName(HttpMethod method) {
  switch (method) {
    case HttpMethod::kGet:
      return "GET";
    case HttpMethod::kPost:
      return "POST";
  }
  return "?";
}

std::optional<std::string_view> HttpResponse::Header(std::string_view name) const {
  for (const HttpHeader& h : headers) {
    if (EqualsAscii(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::string UrlForLog(std::string_view url) {
  const UrlParts parts = Split(url);
  std::string_view path = parts.path.substr(0, parts.path.find_first_of("?#"));
  std::string out;
  if (!parts.scheme.empty()) {
    out.append(parts.scheme).append("://").append(WithoutUserinfo(parts.authority));
  }
  out.append(path);
  return out;
}

std::string UrlOrigin(std::string_view url) {
  const UrlParts parts = Split(url);
  std::string out;
  out.append(parts.scheme).append("://").append(WithoutUserinfo(parts.authority));
  out = LowerAscii(out);
  // An explicit default port names the same origin.
  constexpr std::string_view kDefaultPort = ":443";
  if (out.starts_with("https://") && out.ends_with(kDefaultPort))
    out.resize(out.size() - kDefaultPort.size());
  return out;
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4U]);
      out.push_back(kHex[c & 15U]);
    }
  }
  return out;
}

}  // namespace ctim::sync
