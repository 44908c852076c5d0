// Checking the DC's TLS certificate against the CA file of ConnectOptions::ca_file, through Wldap32's
// server-certificate callback (LDAP_OPT_SERVER_CERTIFICATE). Without a CA file Wldap32 checks the chain and
// the name against the Windows trust store itself, and no callback is installed. Private to ldap/windows.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "ldap/windows/handles.h"

namespace ctim::ldap::windows {

// The CA certificates of one PEM file and the host name the DC's certificate must name. While installed on
// a session, the callback accepts the DC's certificate only if its chain ends at one of these CAs (and
// nowhere else) and the SSL policy check for the host passes.
class ServerCertificateCheck {
 public:
  // Reads the CA file; kInvalidInput names the file when it holds no readable certificate.
  static Result<std::unique_ptr<ServerCertificateCheck>> FromPemFile(const std::string& ca_file,
                                                                     const std::string& host);
  ServerCertificateCheck(const ServerCertificateCheck&) = delete;
  ServerCertificateCheck& operator=(const ServerCertificateCheck&) = delete;
  ~ServerCertificateCheck();  // uninstalls itself

  // Sets LDAP_OPT_SERVER_CERTIFICATE on ld. Returns Wldap32's code (Wine 8: LDAP_NOT_SUPPORTED).
  ULONG Install(LDAP* ld);
  // Why the last check refused the certificate ("" when it accepted or never ran).
  [[nodiscard]] std::string LastRefusal() const;

  struct State;

 private:
  explicit ServerCertificateCheck(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace ctim::ldap::windows
