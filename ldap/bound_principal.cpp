#include "ldap/bound_principal.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace ctim::ldap {
namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool SameText(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) { return Lower(x) == Lower(y); });
}

// The RDNs of a DN split on commas that are not escaped (RFC 4514 2.4); values stay escaped.
std::vector<std::string_view> Rdns(std::string_view dn) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i < dn.size(); ++i) {
    if (dn[i] == '\\') {
      ++i;
    } else if (dn[i] == ',') {
      parts.push_back(dn.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(dn.substr(start));
  return parts;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string DnsDomainOfDn(std::string_view dn) {
  std::string domain;
  for (std::string_view rdn : Rdns(dn)) {
    rdn = Trim(rdn);
    if (rdn.size() < 3 || !SameText(rdn.substr(0, 3), "dc=")) continue;
    if (!domain.empty()) domain += '.';
    domain += Trim(rdn.substr(3));
  }
  return domain;
}

bool PrincipalNamesAccount(std::string_view principal, const BoundAccount& account) {
  if (!account.user_principal_name.empty() && SameText(principal, account.user_principal_name)) return true;
  const std::size_t at = principal.rfind('@');
  const std::string_view name = principal.substr(0, at);
  if (name.empty() || !SameText(name, account.sam_account_name)) return false;
  if (account.dn.empty() || at == std::string_view::npos) return true;
  return SameText(principal.substr(at + 1), DnsDomainOfDn(account.dn));
}

Status CheckBoundPrincipal(Connection& conn, std::string_view principal) {
  auto who = conn.WhoAmI();
  if (!who) return std::unexpected(std::move(who.error()).With("checking the bound principal"));
  BoundAccount account;
  account.authz_id = who->authz_id;
  const std::string_view id = account.authz_id;
  if (id.starts_with("dn:")) {
    account.dn = std::string(id.substr(3));
    auto entry = conn.Read(account.dn, {"sAMAccountName", "userPrincipalName"});
    if (!entry) return std::unexpected(std::move(entry.error()).With("checking the bound principal"));
    account.sam_account_name = std::string(entry->First("sAMAccountName"));
    account.user_principal_name = std::string(entry->First("userPrincipalName"));
  } else if (id.starts_with("u:")) {
    const std::string_view user = id.substr(2);
    const std::size_t slash = user.find('\\');
    account.sam_account_name = std::string(slash == std::string_view::npos ? user : user.substr(slash + 1));
  }
  if (PrincipalNamesAccount(principal, account)) return {};
  const std::string seen = account.authz_id.empty() ? std::string("anonymous") : account.authz_id;
  return Fail(
      Errc::kUnauthenticated,
      fmt::format("ldap bind {}: the server sees this session as {} ({}, sAMAccountName \"{}\"), "
                  "not as the configured principal {}",
                  conn.Info().url, seen, who->source, account.sam_account_name, principal),
      fmt::format("the credentials used belong to another account: give a keytab (or credential cache) "
                  "holding {}, or configure the principal of the account that binds",
                  principal));
}

}  // namespace ctim::ldap
