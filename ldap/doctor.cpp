// The doctor checks, written against the public Connection API only (so they serve any implementation).
#include "ldap/doctor.h"

#include <fmt/format.h>

#include "ldap/escape.h"
#include "ldap/host_addresses.h"

namespace ctim::ldap {
namespace {

Check Row(std::string name, Check::State state, std::string detail, std::string hint = {}) {
  return Check{std::move(name), state, std::move(detail), std::move(hint)};
}

Check FromError(std::string name, const Error& e) {
  return Row(std::move(name), Check::kFail, e.message, e.hint);
}

Check Resolve(const LdapUrl& url) {
  auto addresses = HostAddresses(url.host);
  if (!addresses) {
    return Row("resolve", Check::kFail, addresses.error().message,
               "check the DC's name (DNS or hosts file), or give its address");
  }
  return Row("resolve", Check::kPass, fmt::format("{} -> {}", url.host, *addresses));
}

// Which Kerberos principal bound, and why that one (Open() already checked a configured one).
Check PrincipalRow(const ConnectOptions& options, const SessionInfo& info) {
  const std::string used = info.bind_name.empty() ? std::string("(unknown)") : info.bind_name;
  if (!options.principal.empty()) {
    return Row("principal", Check::kPass,
               fmt::format("{} as configured; the server's identity matches it", used));
  }
  if (!options.keytab.empty()) {
    return Row("principal", Check::kPass,
               fmt::format("{}: none configured, so the first principal of keytab {}", used, options.keytab));
  }
  return Row(
      "principal", Check::kPass,
      fmt::format("{}: none configured, so the principal of the credential cache {}", used,
                  options.ccache.empty() ? std::string("(KRB5CCNAME or the default)") : options.ccache));
}

void SkipRest(std::vector<Check>& rows, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names)
    rows.push_back(Row(std::string(n), Check::kSkip, "not checked: an earlier step failed"));
}

}  // namespace

std::string_view CheckStateName(Check::State state) {
  switch (state) {
    case Check::kPass:
      return "PASS";
    case Check::kFail:
      return "FAIL";
    case Check::kSkip:
      return "SKIP";
  }
  return "?";
}

bool AllPassed(const std::vector<Check>& checks) {
  for (const Check& c : checks) {
    if (c.state == Check::kFail) return false;
  }
  return true;
}

ConnectionChecks CheckConnection(const ConnectOptions& options) {
  ConnectionChecks out;
  std::vector<Check>& rows = out.checks;
  if (Status valid = ValidateConnectOptions(options); !valid) {
    rows.push_back(FromError("options", valid.error()));
    SkipRest(rows, {"resolve", "connect", "tls", "bind", "identity"});
    return out;
  }
  const LdapUrl url = *ParseLdapUrl(options.url);
  rows.push_back(Resolve(url));
  if (rows.back().state == Check::kFail) {
    SkipRest(rows, {"connect", "tls", "bind", "identity"});
    return out;
  }
  OpenStage stage = OpenStage::kOptions;
  auto conn = Connection::Open(options, &stage);
  const std::string endpoint = fmt::format("{}:{}", url.host, url.port);
  const bool tls_wanted = url.ldaps || options.start_tls;
  if (!conn) {
    switch (stage) {
      case OpenStage::kOptions:
        rows.push_back(FromError("connect", conn.error()));
        SkipRest(rows, {"tls", "bind", "identity"});
        break;
      case OpenStage::kConnect:
        rows.push_back(FromError("connect", conn.error()));
        SkipRest(rows, {"tls", "bind", "identity"});
        break;
      case OpenStage::kTls:
        rows.push_back(Row("connect", Check::kPass, endpoint));
        rows.push_back(FromError("tls", conn.error()));
        SkipRest(rows, {"bind", "identity"});
        break;
      case OpenStage::kBind:
      case OpenStage::kDone:
        rows.push_back(Row("connect", Check::kPass, endpoint));
        rows.push_back(Row("tls", Check::kPass, tls_wanted ? "certificate verified" : "not used"));
        rows.push_back(FromError("bind", conn.error()));
        SkipRest(rows, {"identity"});
        break;
    }
    return out;
  }
  const SessionInfo& info = conn->Info();
  rows.push_back(Row("connect", Check::kPass, endpoint));
  if (info.tls == TlsMode::kNone) {
    rows.push_back(Row("tls", Check::kPass,
                       info.sasl_ssf > 0
                           ? fmt::format("not used: GSSAPI signs and seals (SASL SSF {})", info.sasl_ssf)
                           : std::string("not used")));
  } else {
    rows.push_back(Row(
        "tls", Check::kPass,
        fmt::format("{} {} {}, certificate verified against {}", TlsModeName(info.tls), info.tls_version,
                    info.tls_cipher, options.ca_file.empty() ? "the system trust store" : options.ca_file)));
  }
  std::string bind = fmt::format("{} as {}", BindMethodName(info.bind),
                                 info.bind_name.empty() ? "(anonymous)" : info.bind_name);
  if (info.sasl_ssf > 0) bind += fmt::format(", SASL SSF {}", info.sasl_ssf);
  rows.push_back(Row("bind", Check::kPass, std::move(bind)));
  auto who = conn->WhoAmI();
  if (!who) {
    rows.push_back(FromError("identity", who.error()));
  } else {
    rows.push_back(
        Row("identity", Check::kPass,
            fmt::format("{} (from {})", who->authz_id.empty() ? "anonymous" : who->authz_id, who->source)));
  }
  if (info.bind == BindMethod::kGssapi) rows.push_back(PrincipalRow(options, info));
  out.connection = std::move(*conn);
  return out;
}

std::vector<Check> CheckSchemaAttributes(Connection& conn, const std::vector<std::string>& attributes) {
  std::vector<Check> rows;
  auto root = conn.ReadRootDse({"schemaNamingContext"});
  const std::string schema_nc = root ? std::string(root->First("schemaNamingContext")) : std::string();
  if (!root || schema_nc.empty()) {
    const std::string why = root ? "the rootDSE has no schemaNamingContext" : root.error().message;
    for (const std::string& a : attributes) rows.push_back(Row("schema: " + a, Check::kFail, why));
    return rows;
  }
  std::string filter = "(&(objectClass=attributeSchema)(|";
  for (const std::string& a : attributes) filter += FilterEquals("lDAPDisplayName", a);
  filter += "))";
  SearchRequest req;
  req.base = schema_nc;
  req.scope = Scope::kOneLevel;
  req.filter = filter;
  req.attributes = {"lDAPDisplayName", "attributeSyntax", "isSingleValued", "attributeID"};
  auto found = conn.Search(req);
  if (!found) {
    for (const std::string& a : attributes) rows.push_back(FromError("schema: " + a, found.error()));
    return rows;
  }
  for (const std::string& a : attributes) {
    const Entry* hit = nullptr;
    for (const Entry& e : *found) {
      const std::string_view name = e.First("lDAPDisplayName");
      if (!CaseInsensitiveLess{}(name, a) && !CaseInsensitiveLess{}(a, name)) hit = &e;
    }
    if (hit == nullptr) {
      rows.push_back(Row("schema: " + a, Check::kFail,
                         fmt::format("no attributeSchema with lDAPDisplayName {} in {}", a, schema_nc),
                         "extend the forest's schema with this attribute (it is not defined here)"));
    } else {
      rows.push_back(
          Row("schema: " + a, Check::kPass,
              fmt::format("{} syntax {}, {}", hit->First("attributeID"), hit->First("attributeSyntax"),
                          hit->First("isSingleValued") == "TRUE" ? "single-valued" : "multi-valued")));
    }
  }
  return rows;
}

std::vector<Check> CheckWritableAttributes(Connection& conn, std::string_view base_dn,
                                           std::string_view object_filter,
                                           const std::vector<std::string>& attributes) {
  std::vector<Check> rows;
  SearchRequest req;
  req.base = std::string(base_dn);
  req.filter = std::string(object_filter);
  req.attributes = {"1.1"};
  req.size_limit = 1;
  req.page_size = 0;
  auto found = conn.Search(req);
  const auto fail_all = [&](const std::string& why, const std::string& hint) {
    for (const std::string& a : attributes)
      rows.push_back(Row("write: " + a, Check::kSkip, "not checked: " + why));
    rows.insert(rows.begin(), Row("object", Check::kFail, why, hint));
    return rows;
  };
  if (!found) return fail_all(found.error().message, found.error().hint);
  if (found->empty()) {
    return fail_all(fmt::format("no object matching {} under {}", object_filter, base_dn),
                    "check the base DN, or create one object there to check the rights on");
  }
  const std::string dn = found->front().dn;
  auto entry = conn.Read(dn, {"allowedAttributesEffective"});
  if (!entry) return fail_all(entry.error().message, entry.error().hint);
  rows.push_back(Row("object", Check::kPass, dn));
  const Values none;
  const Values* found_values = entry->Find("allowedAttributesEffective");
  const Values& allowed = found_values != nullptr ? *found_values : none;
  for (const std::string& a : attributes) {
    bool ok = false;
    for (const std::string& v : allowed) {
      if (!CaseInsensitiveLess{}(v, a) && !CaseInsensitiveLess{}(a, v)) ok = true;
    }
    if (ok) {
      rows.push_back(Row("write: " + a, Check::kPass, fmt::format("writable on {}", dn)));
    } else {
      rows.push_back(Row(
          "write: " + a, Check::kFail, fmt::format("{} is not in allowedAttributesEffective of {}", a, dn),
          fmt::format("grant the bound account Write Property on {} for these objects under {}, and "
                      "make sure the schema allows it on their class",
                      a, base_dn)));
    }
  }
  return rows;
}

}  // namespace ctim::ldap
