// Connection::Open for libldap: options (v3, no referrals, timeouts, TLS demand + CA file, SASL
// NOCANON), TCP/TLS connect, StartTLS, bind, and what the session ended up using.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>

#include "ldap/bound_principal.h"
#include "ldap/openldap/session.h"

namespace ctim::ldap {

// Implemented in bind.cpp.
Status BindSession(Connection::Impl& s);

namespace {

using openldap::Log;

Status SetOption(LDAP* ld, int option, const void* value, std::string_view name, const std::string& url) {
  if (ldap_set_option(ld, option, value) != LDAP_OPT_SUCCESS) {
    return Fail(Errc::kInternal, fmt::format("ldap connect {}: libldap refused option {}", url, name));
  }
  return {};
}

Status ConfigureSession(const Connection::Impl& s) {
  LDAP* ld = s.get();
  const std::string& url = s.options.url;
  const int version = LDAP_VERSION3;
  const timeval network = openldap::ToTimeval(s.options.network_timeout);
  const timeval operation = s.OperationTimeout();
  Status st = SetOption(ld, LDAP_OPT_PROTOCOL_VERSION, &version, "protocol version", url);
  // AD returns referrals for other naming contexts; following them would bind elsewhere unasked.
  if (st) st = SetOption(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF, "referrals", url);
  if (st) st = SetOption(ld, LDAP_OPT_RESTART, LDAP_OPT_ON, "restart", url);
  if (st) st = SetOption(ld, LDAP_OPT_NETWORK_TIMEOUT, &network, "network timeout", url);
  // Default timeout of the synchronous calls libldap makes for us (SASL bind steps, StartTLS).
  if (st) st = SetOption(ld, LDAP_OPT_TIMEOUT, &operation, "timeout", url);
  // The GSSAPI service principal is ldap/<host as written in the URL>: no reverse DNS, and for a
  // loopback peer no gethostname() substitution.
  if (st) st = SetOption(ld, LDAP_OPT_X_SASL_NOCANON, LDAP_OPT_ON, "SASL nocanon", url);
  if (st && s.options.bind == BindMethod::kGssapi) {
    // AD refuses unsigned binds on ldap:// ("strong auth required"): insist on sign+seal ourselves.
    st = SetOption(ld, LDAP_OPT_X_SASL_SECPROPS, "minssf=56", "SASL secprops", url);
  }
  if (st && s.UsesTls()) {
    const int demand = LDAP_OPT_X_TLS_DEMAND;
    const int min_tls = LDAP_OPT_X_TLS_PROTOCOL_TLS1_2;
    const int client = 0;
    st = SetOption(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand, "TLS require cert", url);
    if (st) st = SetOption(ld, LDAP_OPT_X_TLS_PROTOCOL_MIN, &min_tls, "TLS minimum protocol", url);
    if (st && !s.options.ca_file.empty()) {
      st = SetOption(ld, LDAP_OPT_X_TLS_CACERTFILE, s.options.ca_file.c_str(), "TLS CA file", url);
    }
    // The options above live in a per-session TLS context only once it is (re)built.
    if (st) st = SetOption(ld, LDAP_OPT_X_TLS_NEWCTX, &client, "TLS new context", url);
  }
  return st;
}

Error TlsError(const Connection::Impl& s, Operation op, int code, OpenStage& stage) {
  const openldap::TlsDiagnosis diagnosis = openldap::DiagnoseTlsFailure(s.url, s.options);
  stage = (diagnosis.handshake || op == Operation::kStartTls) ? OpenStage::kTls : OpenStage::kConnect;
  Failure f;
  f.op = op;
  f.target = s.options.url;
  f.code = code;
  f.diagnostic = openldap::DiagnosticMessage(s.get());
  if (f.diagnostic == "(unknown error code)") f.diagnostic.clear();  // GnuTLS's text for a verify failure
  // No handshake at all on ldaps://: a transport problem (name, port, firewall), not a certificate one.
  f.tls = diagnosis.handshake || op == Operation::kStartTls;
  f.tls_reason = diagnosis.reason;
  return MapFailure(f);
}

void FillTlsInfo(Connection::Impl& s) {
  s.info.tls = s.url.ldaps ? TlsMode::kLdaps : s.options.start_tls ? TlsMode::kStartTls : TlsMode::kNone;
  if (s.info.tls == TlsMode::kNone) return;
  // libldap returns copies (LDAP_STRDUP) of the TLS library's strings.
  char* version = nullptr;
  char* cipher = nullptr;
  if (ldap_get_option(s.get(), LDAP_OPT_X_TLS_VERSION, &version) == LDAP_OPT_SUCCESS) {
    s.info.tls_version = openldap::TakeString(version);
  }
  if (ldap_get_option(s.get(), LDAP_OPT_X_TLS_CIPHER, &cipher) == LDAP_OPT_SUCCESS) {
    s.info.tls_cipher = openldap::TakeString(cipher);
  }
}

}  // namespace

std::string_view TlsModeName(TlsMode mode) {
  switch (mode) {
    case TlsMode::kNone:
      return "none";
    case TlsMode::kLdaps:
      return "ldaps";
    case TlsMode::kStartTls:
      return "StartTLS";
  }
  return "unknown";
}

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

const SessionInfo& Connection::Info() const { return impl_->info; }

Result<Connection> Connection::Open(const ConnectOptions& options, OpenStage* stage_out) {
  const auto started = std::chrono::steady_clock::now();
  OpenStage unused = OpenStage::kOptions;
  OpenStage& stage = stage_out != nullptr ? *stage_out : unused;
  stage = OpenStage::kOptions;
  if (Status valid = ValidateConnectOptions(options); !valid)
    return std::unexpected(std::move(valid.error()));
  if (!options.ca_file.empty() && ::access(options.ca_file.c_str(), R_OK) != 0) {
    return Fail(Errc::kInvalidInput,
                fmt::format("ldap connect {}: CA file {} is not readable", options.url, options.ca_file),
                "give the path of the PEM file with the CA certificate that issued the DC's certificate");
  }
  stage = OpenStage::kConnect;
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->url = *ParseLdapUrl(options.url);
  impl->info.url = options.url;
  impl->info.host = impl->url.host;
  impl->info.port = impl->url.port;
  impl->info.bind = options.bind;

  LDAP* raw = nullptr;
  const int init_rc = ldap_initialize(&raw, options.url.c_str());
  impl->ld.reset(raw);
  if (init_rc != LDAP_SUCCESS || !impl->ld) {
    return std::unexpected(impl->CallError(Operation::kConnect, options.url, init_rc));
  }
  if (Status st = ConfigureSession(*impl); !st) return std::unexpected(std::move(st.error()));

  // Connect now (TCP, and the TLS handshake for ldaps://) so a failure is reported as a connect
  // failure, not as a bind failure.
  if (const int rc = ldap_connect(impl->get()); rc != LDAP_SUCCESS) {
    if (impl->url.ldaps) return std::unexpected(TlsError(*impl, Operation::kConnect, rc, stage));
    Error e = impl->CallError(Operation::kConnect, options.url, rc);
    if (options.start_tls) {  // StartTLS comes after the TCP connect: no TLS was involved yet
      Failure f{
          Operation::kConnect, options.url, rc, openldap::DiagnosticMessage(impl->get()), {}, false, {}};
      e = MapFailure(f);
    }
    return std::unexpected(std::move(e));
  }
  if (options.start_tls) {
    stage = OpenStage::kTls;
    if (const int rc = ldap_start_tls_s(impl->get(), nullptr, nullptr); rc != LDAP_SUCCESS) {
      if (rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR) {
        return std::unexpected(TlsError(*impl, Operation::kStartTls, rc, stage));
      }
      return std::unexpected(impl->CallError(Operation::kStartTls, options.url, rc));
    }
  }
  FillTlsInfo(*impl);

  stage = OpenStage::kBind;
  if (Status bound = BindSession(*impl); !bound) return std::unexpected(std::move(bound.error()));
  impl->options.password = Secret();  // not needed after the bind

  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  Log().debug("ldap connected {} tls={} {} bind={} as {} ssf={} in {} ms", options.url,
              TlsModeName(impl->info.tls), impl->info.tls_version, BindMethodName(options.bind),
              impl->info.bind_name, impl->info.sasl_ssf, ms.count());
  Connection conn(std::move(impl));
  // The server's view, not the SASL layer's: a credential cache holding another account's ticket is
  // caught here, still as a failure of the bind stage (doc/kerberos-principal.md).
  if (options.bind == BindMethod::kGssapi && !options.principal.empty()) {
    if (Status st = CheckBoundPrincipal(conn, options.principal); !st) {
      return std::unexpected(std::move(st.error()));
    }
  }
  stage = OpenStage::kDone;
  return conn;
}

}  // namespace ctim::ldap
