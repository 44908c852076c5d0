#include "ldap/options.h"

#include <fmt/format.h>

#include <charconv>

namespace ctim::ldap {
namespace {

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const char c = (s[i] >= 'A' && s[i] <= 'Z') ? static_cast<char>(s[i] + 32) : s[i];
    if (c != prefix[i]) return false;
  }
  return true;
}

Status Invalid(std::string message, std::string hint) {
  return Fail(Errc::kInvalidInput, std::move(message), std::move(hint));
}

}  // namespace

std::string_view BindMethodName(BindMethod method) {
  switch (method) {
    case BindMethod::kAnonymous:
      return "anonymous";
    case BindMethod::kSimple:
      return "simple";
    case BindMethod::kGssapi:
      return "GSSAPI";
  }
  return "unknown";
}

Result<LdapUrl> ParseLdapUrl(std::string_view url) {
  constexpr std::string_view kHint = "write the URL as ldap://host[:port] or ldaps://host[:port]";
  LdapUrl out;
  std::string_view rest;
  if (StartsWithNoCase(url, "ldaps://")) {
    out.ldaps = true;
    out.port = 636;
    rest = url.substr(8);
  } else if (StartsWithNoCase(url, "ldap://")) {
    rest = url.substr(7);
  } else {
    return Fail(Errc::kInvalidInput, fmt::format("ldap URL \"{}\": scheme must be ldap:// or ldaps://", url),
                std::string(kHint));
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find_first_of("/?, \t") != std::string_view::npos) {
    return Fail(Errc::kInvalidInput,
                fmt::format("ldap URL \"{}\": only one server and no DN/filter part are accepted", url),
                std::string(kHint));
  }
  std::string_view host = rest;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {  // [IPv6]:port
    const auto close = rest.find(']');
    if (close == std::string_view::npos) {
      return Fail(Errc::kInvalidInput, fmt::format("ldap URL \"{}\": unclosed '[' in host", url),
                  std::string(kHint));
    }
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return Fail(Errc::kInvalidInput, fmt::format("ldap URL \"{}\": junk after ']'", url),
                    std::string(kHint));
      }
      port = after.substr(1);
    }
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) {
    return Fail(Errc::kInvalidInput, fmt::format("ldap URL \"{}\": no host", url), std::string(kHint));
  }
  if (!port.empty() || (rest.size() > host.size() && rest.back() == ':')) {
    int value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
      return Fail(Errc::kInvalidInput, fmt::format("ldap URL \"{}\": port \"{}\" is not 1-65535", url, port),
                  std::string(kHint));
    }
    out.port = value;
  }
  out.host = std::string(host);
  return out;
}

Status ValidateConnectOptions(const ConnectOptions& options) {
  auto url = ParseLdapUrl(options.url);
  if (!url) return std::unexpected(std::move(url.error()));
  const bool tls = url->ldaps || options.start_tls;
  if (url->ldaps && options.start_tls) {
    return Invalid(
        fmt::format("ldap {}: StartTLS requested on an ldaps:// URL, which is TLS already", options.url),
        "use either ldaps://host (port 636) or ldap://host with StartTLS, not both");
  }
  switch (options.bind) {
    case BindMethod::kAnonymous:
      break;
    case BindMethod::kSimple:
      if (!tls) {
        return Invalid(
            fmt::format(
                "ldap bind to {} as {} (simple): refused, a simple bind over plain ldap:// would send the "
                "password in clear text",
                options.url, options.bind_dn),
            "use ldaps:// or StartTLS for a simple bind, or bind with GSSAPI (Kerberos)");
      }
      if (options.bind_dn.empty()) {
        return Invalid(fmt::format("ldap bind to {} (simple): no bind DN given", options.url),
                       "set the bind DN (or user@domain) of the service account");
      }
      if (options.password.empty()) {
        return Invalid(
            fmt::format("ldap bind to {} as {} (simple): empty password", options.url, options.bind_dn),
            "an empty password would be an unauthenticated bind (RFC 4513 5.1.2); give the password");
      }
      break;
    case BindMethod::kGssapi:
      if (tls) {
        return Invalid(
            fmt::format(
                "ldap bind to {} (GSSAPI): refused, GSSAPI inside TLS (ldaps:// or StartTLS) is rejected by "
                "Active Directory and Samba (\"Sign or Seal are not allowed if TLS is used\")",
                options.url),
            "use ldap://host (port 389) without StartTLS for GSSAPI: Kerberos signs and seals the session "
            "itself");
      }
      if (!options.keytab.empty() && !options.ccache.empty()) {
        return Invalid(
            fmt::format("ldap bind to {} (GSSAPI): both a keytab and a credential cache given", options.url),
            "give either the client keytab or the credential cache, not both");
      }
      if (!options.bind_dn.empty() || !options.password.empty()) {
        return Invalid(
            fmt::format("ldap bind to {} (GSSAPI): a bind DN or password was given", options.url),
            "GSSAPI takes its identity from the keytab or ticket cache; remove the bind DN and password");
      }
      break;
  }
  if (options.network_timeout.count() <= 0 || options.operation_timeout.count() <= 0) {
    return Invalid(
        fmt::format("ldap {}: timeouts must be positive (network {} ms, operation {} ms)", options.url,
                    options.network_timeout.count(), options.operation_timeout.count()),
        "set both timeouts to a positive number of milliseconds");
  }
  return {};
}

std::string Describe(const ConnectOptions& options) {
  std::string text = options.url;
  if (options.start_tls) text += " (StartTLS)";
  switch (options.bind) {
    case BindMethod::kAnonymous:
      return text + " (anonymous)";
    case BindMethod::kSimple:
      return fmt::format("{} as {} (simple)", text, options.bind_dn);
    case BindMethod::kGssapi:
      if (!options.principal.empty()) text += " as " + options.principal;
      if (!options.keytab.empty()) return fmt::format("{} (GSSAPI, keytab {})", text, options.keytab);
      if (!options.ccache.empty()) return fmt::format("{} (GSSAPI, ccache {})", text, options.ccache);
      return text + " (GSSAPI)";
  }
  return text;
}

}  // namespace ctim::ldap
