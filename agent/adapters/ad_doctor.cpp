#include "agent/adapters/ad_doctor.h"

#include <fmt/format.h>

#include "agent/model/attributes.h"
#include "ldap/escape.h"

namespace ctim::agent {
namespace {

using ldap::Check;

Check Row(std::string name, Check::State state, std::string detail, std::string hint = {}) {
  return Check{std::move(name), state, std::move(detail), std::move(hint)};
}

Check FromError(std::string name, const Error& error) {
  return Row(std::move(name), Check::kFail, error.message, error.hint);
}

void Append(std::vector<Check>& out, std::vector<Check> more) {
  for (Check& c : more) out.push_back(std::move(c));
}

}  // namespace

std::vector<Check> CheckDomainController(const ldap::ConnectOptions& dc,
                                         std::span<const std::string> base_dns) {
  std::vector<Check> checks;
  ldap::ConnectionChecks session = ldap::CheckConnection(dc);
  Append(checks, std::move(session.checks));
  if (!session.connection) return checks;
  ldap::Connection& conn = *session.connection;
  std::vector<Check> schema = ldap::CheckSchemaAttributes(conn, attr::RequiredSchemaAttributes());
  for (Check& c : schema) {
    // The Exchange attributes come with Exchange's schema extension, not with AD itself.
    if (c.state == Check::kFail &&
        (c.name.starts_with("schema: msExch") || c.name == "schema: targetAddress")) {
      c.hint =
          "extend the schema with Exchange Server setup (Setup.exe /PrepareSchema "
          "/IAcceptExchangeServerLicenseTerms_DiagnosticDataOFF), then let it replicate";
    }
  }
  Append(checks, std::move(schema));
  for (const std::string& base : base_dns) {
    auto entry = conn.Read(base, {"1.1"});
    if (!entry) {
      checks.push_back(FromError("base " + base, entry.error()));
      continue;
    }
    checks.push_back(Row("base " + base, Check::kPass, "exists"));
    Append(checks, ldap::CheckWritableAttributes(conn, base, "(&(objectCategory=person)(objectClass=user))",
                                                 attr::WrittenAttributes()));
  }
  return checks;
}

Check CheckSyncSource(const Result<ldap::ConnectOptions>& dc, const std::string& url) {
  const auto parsed = ldap::ParseLdapUrl(url);
  const std::string name = "sync source " + (parsed ? parsed->host : url);
  if (!dc) return FromError(name, dc.error());
  ldap::ConnectionChecks session = ldap::CheckConnection(*dc);
  for (const Check& c : session.checks) {
    if (c.state == Check::kFail) return Row(name, Check::kFail, c.name + ": " + c.detail, c.hint);
  }
  if (!session.connection) return Row(name, Check::kFail, "no session", "");
  auto root = session.connection->ReadRootDse({"dnsHostName", "defaultNamingContext"});
  if (!root) return FromError(name, root.error());
  const ldap::SessionInfo& info = session.connection->Info();
  return Row(name, Check::kPass,
             fmt::format("{}: bound as {} ({}); DC {} of {}; verify waits until it holds what was written",
                         url, info.bind_name.empty() ? std::string("?") : info.bind_name,
                         info.tls != ldap::TlsMode::kNone ? std::string(ldap::TlsModeName(info.tls))
                                                          : fmt::format("SASL SSF {}", info.sasl_ssf),
                         root->First("dnsHostName"), root->First("defaultNamingContext")));
}

Check CheckGlobalCatalog(const Result<ldap::ConnectOptions>& gc, const std::string& gc_url) {
  if (!gc) return FromError("global catalog", gc.error());
  ldap::ConnectionChecks session = ldap::CheckConnection(*gc);
  for (const Check& c : session.checks) {
    if (c.state == Check::kFail) return Row("global catalog", Check::kFail, c.name + ": " + c.detail, c.hint);
  }
  if (!session.connection) return Row("global catalog", Check::kFail, "no session", "");
  ldap::SearchRequest probe;
  probe.base = "";
  probe.scope = ldap::Scope::kSubtree;
  probe.filter = "(proxyAddresses=" + ldap::EscapeFilterValue("X500:/o=ctim-agent-doctor-probe") + ")";
  probe.attributes = {"1.1"};
  probe.page_size = 0;
  auto found = session.connection->Search(probe);
  if (!found) return FromError("global catalog", found.error());
  return Row("global catalog", Check::kPass,
             fmt::format("{}: forest-wide proxyAddresses search answers", gc_url));
}

}  // namespace ctim::agent
