// Connection::Open for Wldap32: session (ldap_sslinitW for ldaps://, ldap_initW otherwise), options (v3,
// no referrals, A-record lookup of the host only, sign + seal for Negotiate, the CA file's certificate
// check), connect, StartTLS, bind, and what the session ended up using. doc/windows.md.
#include <fmt/format.h>

// clang-format off
#include <windows.h>
#include <schannel.h>
// clang-format on

#include <chrono>
#include <memory>

#include "ldap/windows/server_certificate.h"
#include "ldap/windows/session.h"

namespace ctim::ldap {

// Implemented in bind.cpp.
Status BindSession(Connection::Impl& s);

namespace {

using windows::Log;

Status SetOption(LDAP* ld, int option, const void* value, std::string_view name, const std::string& url) {
  if (const ULONG rc = ldap_set_optionW(ld, option, value); rc != LDAP_SUCCESS) {
    return Fail(Errc::kInternal, fmt::format("ldap connect {}: Wldap32 refused option {} ({}, 0x{:x})", url,
                                             name, ResultCodeName(windows::ToRc(rc)), rc));
  }
  return {};
}

Status ConfigureSession(const Connection::Impl& s) {
  LDAP* ld = s.get();
  const std::string& url = s.options.url;
  const ULONG version = LDAP_VERSION3;
  Status st = SetOption(ld, LDAP_OPT_PROTOCOL_VERSION, &version, "protocol version", url);
  // AD returns referrals for other naming contexts; following them would bind elsewhere unasked.
  if (st) st = SetOption(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF, "referrals", url);
  if (!st) return st;
  // The URL names one DC: look up its A record only, not the SRV records of a domain of that name.
  if (const ULONG rc = ldap_set_optionW(ld, LDAP_OPT_AREC_EXCLUSIVE, LDAP_OPT_ON); rc != LDAP_SUCCESS) {
    Log().debug("ldap connect {}: LDAP_OPT_AREC_EXCLUSIVE not supported here (0x{:x})", url, rc);
  }
  if (s.options.bind == BindMethod::kGssapi) {
    // AD refuses unsigned binds on ldap://. Wldap32 signs and seals a Negotiate session only when these are
    // on, so a Wldap32 that refuses them would write in the clear: never go on without them.
    st = SetOption(ld, LDAP_OPT_SIGN, LDAP_OPT_ON, "LDAP_OPT_SIGN (signing)", url);
    if (st) st = SetOption(ld, LDAP_OPT_ENCRYPT, LDAP_OPT_ON, "LDAP_OPT_ENCRYPT (sealing)", url);
    if (!st) {
      st.error().code = Errc::kUnavailable;
      st.error().hint = "this Wldap32 cannot sign and seal a Negotiate bind; use ldaps:// with a simple bind";
    }
  }
  return st;
}

void FillTlsInfo(Connection::Impl& s) {
  s.info.tls = s.url.ldaps ? TlsMode::kLdaps : s.options.start_tls ? TlsMode::kStartTls : TlsMode::kNone;
  if (s.info.tls == TlsMode::kNone) return;
  SecPkgContext_ConnectionInfo tls{};
  if (ldap_get_optionW(s.get(), LDAP_OPT_SSL_INFO, &tls) != LDAP_SUCCESS) return;  // Wine: not supported
  if ((tls.dwProtocol & SP_PROT_TLS1_3_CLIENT) != 0) {
    s.info.tls_version = "TLSv1.3";
  } else if ((tls.dwProtocol & SP_PROT_TLS1_2_CLIENT) != 0) {
    s.info.tls_version = "TLSv1.2";
  } else if (tls.dwProtocol != 0) {
    s.info.tls_version = fmt::format("SChannel protocol 0x{:x}", tls.dwProtocol);
  }
  if (tls.aiCipher != 0)
    s.info.tls_cipher = fmt::format("ALG_ID 0x{:x} ({} bits)", tls.aiCipher, tls.dwCipherStrength);
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
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->url = *ParseLdapUrl(options.url);
  impl->info.url = options.url;
  impl->info.host = impl->url.host;
  impl->info.port = impl->url.port;
  impl->info.bind = options.bind;
  if (impl->UsesTls() && !options.ca_file.empty()) {
    auto check = windows::ServerCertificateCheck::FromPemFile(options.ca_file, impl->url.host);
    if (!check)
      return std::unexpected(std::move(check.error()).With(fmt::format("ldap connect {}", options.url)));
    impl->certificate_check = std::move(*check);
  }

  stage = OpenStage::kConnect;
  std::wstring host = windows::Wide(impl->url.host);
  const ULONG port = static_cast<ULONG>(impl->url.port);
  impl->ld.reset(impl->url.ldaps ? ldap_sslinitW(host.data(), port, 1) : ldap_initW(host.data(), port));
  if (!impl->ld) {
    return std::unexpected(impl->CallError(Operation::kConnect, options.url, LdapGetLastError()));
  }
  if (Status st = ConfigureSession(*impl); !st) return std::unexpected(std::move(st.error()));
  if (impl->certificate_check) {
    if (const ULONG rc = impl->certificate_check->Install(impl->get()); rc != LDAP_SUCCESS) {
      // Wine 8 answers LDAP_NOT_SUPPORTED. Going on would trust whatever the store trusts (under Wine:
      // anything), not the CA file that was asked for.
      return Fail(
          Errc::kUnavailable,
          fmt::format("ldap connect {}: this Wldap32 cannot check the DC's certificate against CA file {} "
                      "(LDAP_OPT_SERVER_CERTIFICATE: {}, 0x{:x})",
                      options.url, options.ca_file, ResultCodeName(windows::ToRc(rc)), rc),
          "leave ca_file empty and put the CA into the machine's Trusted Root store instead");
    }
  }

  // Connect now (TCP, and the TLS handshake for ldaps://) so a failure is reported as a connect failure,
  // not as a bind failure.
  l_timeval network = windows::ToTimeval(options.network_timeout);
  if (const ULONG rc = ldap_connect(impl->get(), &network); rc != LDAP_SUCCESS) {
    Error e = impl->CallError(Operation::kConnect, options.url, rc);
    if (impl->certificate_check && !impl->certificate_check->LastRefusal().empty()) {
      stage = OpenStage::kTls;
      e.message += "; certificate refused: " + impl->certificate_check->LastRefusal();
    }
    return std::unexpected(std::move(e));
  }
  if (options.start_tls) {
    stage = OpenStage::kTls;
    ULONG server_rc = LDAP_SUCCESS;
    LDAPMessage* raw = nullptr;
    const ULONG rc = ldap_start_tls_sW(impl->get(), &server_rc, &raw, nullptr, nullptr);
    const windows::LdapMessage result(raw);
    if (rc != LDAP_SUCCESS || server_rc != LDAP_SUCCESS) {
      Error e = impl->CallError(Operation::kStartTls, options.url, rc != LDAP_SUCCESS ? rc : server_rc);
      if (impl->certificate_check && !impl->certificate_check->LastRefusal().empty()) {
        e.message += "; certificate refused: " + impl->certificate_check->LastRefusal();
      }
      return std::unexpected(std::move(e));
    }
  }
  FillTlsInfo(*impl);

  stage = OpenStage::kBind;
  if (Status bound = BindSession(*impl); !bound) return std::unexpected(std::move(bound.error()));
  impl->options.password = Secret();  // not needed after the bind
  stage = OpenStage::kDone;

  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  Log().debug("ldap connected {} tls={} {} bind={} as {} ssf={} in {} ms", options.url,
              TlsModeName(impl->info.tls), impl->info.tls_version, BindMethodName(options.bind),
              impl->info.bind_name, impl->info.sasl_ssf, ms.count());
  return Connection(std::move(impl));
}

}  // namespace ctim::ldap
