// Why a TLS connection failed. libldap (GnuTLS) reports a failed certificate check only as "Can't
// contact LDAP server (-1)" / "Connect error (-11)". To tell the administrator what is wrong, connect a
// second time with verification off, take the peer certificate (only the handshake is made: no
// request, no bind, no credential), drop the connection, and check the certificate ourselves with
// OpenSSL against the same CA file and host name.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "ldap/openldap/session.h"

namespace ctim::ldap::openldap {
namespace {

using X509Ptr = std::unique_ptr<X509, CFree<&X509_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, CFree<&X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, CFree<&X509_STORE_CTX_free>>;
inline void FreeGeneralNames(GENERAL_NAMES* names) noexcept { GENERAL_NAMES_free(names); }
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, CFree<&FreeGeneralNames>>;

std::string NameText(const X509_NAME* name) {
  char buf[512];
  return X509_NAME_oneline(name, buf, sizeof buf) != nullptr ? std::string(buf) : std::string("?");
}

std::string SubjectAltNames(X509* cert) {
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return "none";
  std::string out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
    if (!out.empty()) out += ", ";
    if (gn->type == GEN_DNS) {
      const ASN1_STRING* s = gn->d.dNSName;
      out += "DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                  static_cast<std::size_t>(ASN1_STRING_length(s)));
    } else if (gn->type == GEN_IPADD && ASN1_STRING_length(gn->d.iPAddress) == 4) {
      const unsigned char* ip = ASN1_STRING_get0_data(gn->d.iPAddress);
      out += fmt::format("IP:{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3]);
    } else {
      out += "(other)";
    }
  }
  return out;
}

// The peer certificate of a handshake made without verification, or nullptr.
X509Ptr FetchPeerCertificate(const LdapUrl& url, const ConnectOptions& options) {
  LDAP* raw = nullptr;
  if (ldap_initialize(&raw, options.url.c_str()) != LDAP_SUCCESS) return nullptr;
  const LdapSession ld(raw);
  const int version = LDAP_VERSION3;
  const int never = LDAP_OPT_X_TLS_NEVER;
  const int client = 0;
  const timeval network = ToTimeval(options.network_timeout);
  const timeval operation = ToTimeval(options.operation_timeout);
  ldap_set_option(ld.get(), LDAP_OPT_PROTOCOL_VERSION, &version);
  ldap_set_option(ld.get(), LDAP_OPT_NETWORK_TIMEOUT, &network);
  ldap_set_option(ld.get(), LDAP_OPT_TIMEOUT, &operation);
  ldap_set_option(ld.get(), LDAP_OPT_X_TLS_REQUIRE_CERT, &never);
  if (ldap_set_option(ld.get(), LDAP_OPT_X_TLS_NEWCTX, &client) != LDAP_OPT_SUCCESS) return nullptr;
  if (ldap_connect(ld.get()) != LDAP_SUCCESS) return nullptr;
  if (!url.ldaps && ldap_start_tls_s(ld.get(), nullptr, nullptr) != LDAP_SUCCESS) return nullptr;
  OwnedBervalBytes der;
  if (ldap_get_option(ld.get(), LDAP_OPT_X_TLS_PEERCERT, der.get()) != LDAP_OPT_SUCCESS || der.empty())
    return nullptr;
  const auto* p = reinterpret_cast<const unsigned char*>(der.get()->bv_val);
  return X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(der.get()->bv_len)));
}

// "" if the chain verifies, else OpenSSL's reason.
std::string VerifyChain(X509* cert, const std::string& ca_file) {
  X509StorePtr store(X509_STORE_new());
  if (!store) return "cannot create a certificate store";
  const int loaded = ca_file.empty() ? X509_STORE_set_default_paths(store.get())
                                     : X509_STORE_load_file(store.get(), ca_file.c_str());
  ERR_clear_error();
  if (loaded != 1) return fmt::format("CA file {} holds no usable PEM certificate", ca_file);
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), cert, nullptr) != 1) return "cannot verify";
  if (X509_verify_cert(ctx.get()) == 1) return {};
  return X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
}

bool NamesHost(X509* cert, const std::string& host) {
  in6_addr scratch{};
  const bool is_ip =
      inet_pton(AF_INET, host.c_str(), &scratch) == 1 || inet_pton(AF_INET6, host.c_str(), &scratch) == 1;
  return is_ip ? X509_check_ip_asc(cert, host.c_str(), 0) == 1
               : X509_check_host(cert, host.c_str(), host.size(), 0, nullptr) == 1;
}

}  // namespace

TlsDiagnosis DiagnoseTlsFailure(const LdapUrl& url, const ConnectOptions& options) {
  const X509Ptr cert = FetchPeerCertificate(url, options);
  if (!cert) {
    if (url.ldaps) return {false, {}};  // nothing answers TLS there: a plain connect failure
    return {false, "no TLS handshake after StartTLS (does the server have a certificate?)"};
  }
  const std::string who =
      fmt::format("certificate of {}:{} (subject {}, issuer {})", url.host, url.port,
                  NameText(X509_get_subject_name(cert.get())), NameText(X509_get_issuer_name(cert.get())));
  const std::string trust = options.ca_file.empty() ? "the system trust store" : "CA file " + options.ca_file;
  if (const std::string why = VerifyChain(cert.get(), options.ca_file); !why.empty()) {
    return {true, fmt::format("TLS {} is not trusted by {}: {}", who, trust, why)};
  }
  if (!NamesHost(cert.get(), url.host)) {
    std::string text = fmt::format("TLS {} does not name the host \"{}\" (it names {})", who, url.host,
                                   SubjectAltNames(cert.get()));
    if (url.host == "localhost") text += "; libldap checks \"localhost\" as this machine's hostname";
    return {true, std::move(text)};
  }
  if (url.host == "localhost") {
    // libldap replaces "localhost" by gethostname() before checking the certificate's names.
    char self[256] = {};
    ::gethostname(self, sizeof self - 1);
    if (!NamesHost(cert.get(), self)) {
      return {true,
              fmt::format("TLS {}: libldap checks a certificate for \"localhost\" against this machine's "
                          "hostname \"{}\", which the certificate does not name (it names {})",
                          who, self, SubjectAltNames(cert.get()))};
    }
  }
  return {true, {}};  // the certificate is fine: the failure was something else
}

}  // namespace ctim::ldap::openldap
