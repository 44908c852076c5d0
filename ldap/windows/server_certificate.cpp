// The server-certificate callback of Wldap32 (LDAP_OPT_SERVER_CERTIFICATE): chain building with only the
// configured CAs as roots (CertCreateCertificateChainEngine with hExclusiveRoot), then the SSL policy
// check with the DC's host name (CertVerifyCertificateChainPolicy, CERT_CHAIN_POLICY_SSL). doc/windows.md.
#include "ldap/windows/server_certificate.h"

// clang-format off
#include <windows.h>
#include <wincrypt.h>
// clang-format on

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "ldap/windows/session.h"

namespace ctim::ldap::windows {
namespace {

void CloseStore(void* store) noexcept { CertCloseStore(store, 0); }
void FreeEngine(void* engine) noexcept {
  CertFreeCertificateChainEngine(static_cast<HCERTCHAINENGINE>(engine));
}
void FreeChain(const CERT_CHAIN_CONTEXT* chain) noexcept { CertFreeCertificateChain(chain); }

using CertStore = std::unique_ptr<void, CFree<&CloseStore>>;
using ChainEngine = std::unique_ptr<void, CFree<&FreeEngine>>;
using ChainContext = std::unique_ptr<const CERT_CHAIN_CONTEXT, CFree<&FreeChain>>;

}  // namespace

struct ServerCertificateCheck::State {
  std::wstring host;
  CertStore roots;
  ChainEngine engine;
  LDAP* installed_on = nullptr;
  mutable std::mutex mu;
  std::string last_refusal;

  // Empty when the certificate is accepted, else why not.
  std::string Check(const CERT_CONTEXT* cert) const;
};

namespace {

// Wldap32 calls the callback with the session handle only: find the check that belongs to it.
std::mutex registry_mu;
std::map<LDAP*, ServerCertificateCheck::State*>& Registry() {
  static std::map<LDAP*, ServerCertificateCheck::State*> registry;
  return registry;
}

// Declared as taking a PCCERT_CONTEXT, but Wldap32 passes a PCCERT_CONTEXT* whose context the callback must
// free before it returns (Microsoft Learn, VERIFYSERVERCERT).
BOOLEAN LDAPAPI VerifyServerCertificate(PLDAP ld, PCCERT_CONTEXT passed) {
  const auto* slot = reinterpret_cast<const CERT_CONTEXT* const*>(passed);
  const CERT_CONTEXT* cert = slot != nullptr ? *slot : nullptr;
  ServerCertificateCheck::State* state = nullptr;
  {
    const std::lock_guard lock(registry_mu);
    const auto it = Registry().find(ld);
    if (it != Registry().end()) state = it->second;
  }
  std::string refusal = "no certificate check is registered for this session";
  if (state != nullptr && cert != nullptr) refusal = state->Check(cert);
  if (state != nullptr) {
    const std::lock_guard lock(state->mu);
    state->last_refusal = refusal;
  }
  if (cert != nullptr) CertFreeCertificateContext(cert);
  return refusal.empty() ? TRUE : FALSE;
}

std::string ReadFile(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  ok = static_cast<bool>(in) || in.eof();
  return text.str();
}

}  // namespace

std::string ServerCertificateCheck::State::Check(const CERT_CONTEXT* cert) const {
  CERT_CHAIN_PARA para{};
  para.cbSize = sizeof para;
  const CERT_CHAIN_CONTEXT* raw = nullptr;
  if (!CertGetCertificateChain(static_cast<HCERTCHAINENGINE>(engine.get()), cert, nullptr, cert->hCertStore,
                               &para, 0, nullptr, &raw)) {
    return fmt::format("building the certificate chain failed (error {})", GetLastError());
  }
  const ChainContext chain(raw);
  SSL_EXTRA_CERT_CHAIN_POLICY_PARA ssl{};
  ssl.cbSize = sizeof ssl;
  ssl.dwAuthType = AUTHTYPE_SERVER;
  ssl.pwszServerName = const_cast<wchar_t*>(host.c_str());
  CERT_CHAIN_POLICY_PARA policy{};
  policy.cbSize = sizeof policy;
  policy.pvExtraPolicyPara = &ssl;
  CERT_CHAIN_POLICY_STATUS status{};
  status.cbSize = sizeof status;
  if (!CertVerifyCertificateChainPolicy(CERT_CHAIN_POLICY_SSL, chain.get(), &policy, &status)) {
    return fmt::format("the SSL policy check could not run (error {})", GetLastError());
  }
  if (status.dwError != 0) {
    switch (static_cast<HRESULT>(status.dwError)) {
      case CERT_E_UNTRUSTEDROOT:
      case CERT_E_CHAINING:
        return "the certificate was not issued by a CA of the CA file";
      case CERT_E_CN_NO_MATCH:
        return "the certificate does not name the host of the URL";
      case CERT_E_EXPIRED:
        return "the certificate (or one of its CAs) has expired or is not yet valid";
      default:
        return fmt::format("the certificate chain was refused (0x{:08x})",
                           static_cast<unsigned>(status.dwError));
    }
  }
  return {};
}

Result<std::unique_ptr<ServerCertificateCheck>> ServerCertificateCheck::FromPemFile(
    const std::string& ca_file, const std::string& host) {
  bool ok = false;
  const std::string pem = ReadFile(ca_file, ok);
  if (!ok || pem.empty()) {
    return Fail(Errc::kInvalidInput, fmt::format("CA file {} is not readable", ca_file),
                "give the path of the PEM file with the CA certificate that issued the DC's certificate");
  }
  auto state = std::make_unique<State>();
  state->host = Wide(host);
  state->roots.reset(CertOpenStore(CERT_STORE_PROV_MEMORY, 0, 0, 0, nullptr));
  if (!state->roots) return Fail(Errc::kInternal, "cannot open an in-memory certificate store");
  constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  int added = 0;
  for (std::size_t at = pem.find(kBegin); at != std::string::npos; at = pem.find(kBegin, at + 1)) {
    const std::size_t end = pem.find(kEnd, at);
    if (end == std::string::npos) break;
    const std::string block = pem.substr(at, end + kEnd.size() - at);
    DWORD size = 0;
    if (!CryptStringToBinaryA(block.c_str(), static_cast<DWORD>(block.size()), CRYPT_STRING_BASE64HEADER,
                              nullptr, &size, nullptr, nullptr)) {
      continue;
    }
    std::string der(size, '\0');
    if (!CryptStringToBinaryA(block.c_str(), static_cast<DWORD>(block.size()), CRYPT_STRING_BASE64HEADER,
                              reinterpret_cast<BYTE*>(der.data()), &size, nullptr, nullptr)) {
      continue;
    }
    if (CertAddEncodedCertificateToStore(state->roots.get(), X509_ASN_ENCODING,
                                         reinterpret_cast<const BYTE*>(der.data()), size,
                                         CERT_STORE_ADD_REPLACE_EXISTING, nullptr)) {
      ++added;
    }
  }
  if (added == 0) {
    return Fail(Errc::kInvalidInput, fmt::format("CA file {} holds no PEM certificate", ca_file),
                "give the PEM file (-----BEGIN CERTIFICATE-----) of the CA that issued the DC's certificate");
  }
  CERT_CHAIN_ENGINE_CONFIG config{};
  config.cbSize = sizeof config;
  config.hExclusiveRoot = state->roots.get();  // only these CAs are trust anchors (Windows 7 and later)
  HCERTCHAINENGINE engine = nullptr;
  if (!CertCreateCertificateChainEngine(&config, &engine)) {
    // Wine 8 refuses a configuration with hExclusiveRoot (E_INVALIDARG); Windows 7 and later accept it.
    return Fail(
        Errc::kUnavailable,
        fmt::format("cannot limit the trusted CAs to CA file {} (CertCreateCertificateChainEngine: error "
                    "0x{:08x})",
                    ca_file, static_cast<unsigned>(GetLastError())),
        "leave ca_file empty and put the CA into the machine's Trusted Root store instead");
  }
  state->engine.reset(engine);
  return std::unique_ptr<ServerCertificateCheck>(new ServerCertificateCheck(std::move(state)));
}

ServerCertificateCheck::ServerCertificateCheck(std::unique_ptr<State> state) : state_(std::move(state)) {}

ServerCertificateCheck::~ServerCertificateCheck() {
  if (state_->installed_on != nullptr) {
    const std::lock_guard lock(registry_mu);
    Registry().erase(state_->installed_on);
  }
}

ULONG ServerCertificateCheck::Install(LDAP* ld) {
  {
    const std::lock_guard lock(registry_mu);
    Registry()[ld] = state_.get();
  }
  state_->installed_on = ld;
  // The option's value is the callback's address (Microsoft Learn, VERIFYSERVERCERT).
  VERIFYSERVERCERT* callback = &VerifyServerCertificate;
  return ldap_set_optionW(ld, LDAP_OPT_SERVER_CERTIFICATE, reinterpret_cast<const void*>(callback));
}

std::string ServerCertificateCheck::LastRefusal() const {
  const std::lock_guard lock(state_->mu);
  return state_->last_refusal;
}

}  // namespace ctim::ldap::windows
