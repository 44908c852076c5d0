#include "service/kerberos_env.h"

#include <fmt/format.h>

#include <functional>
#include <string_view>

namespace ctim::service {

std::string ConfigArgument(int argc, char** argv) {
  constexpr std::string_view kOption = "--config";
  std::string found;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == kOption && i + 1 < argc) {
      found = argv[++i];
    } else if (arg.starts_with(kOption) && arg.size() > kOption.size() && arg[kOption.size()] == '=') {
      found = std::string(arg.substr(kOption.size() + 1));
    }
  }
  return found;
}

std::vector<std::pair<std::string, std::string>> KerberosEnvironment(const LdapSettings& ldap) {
  std::vector<std::pair<std::string, std::string>> vars;
  if (ldap.bind != "gssapi") return vars;
  if (!ldap.krb5_config.empty()) vars.emplace_back("KRB5_CONFIG", ldap.krb5_config);
  if (!ldap.keytab.empty()) {
    vars.emplace_back("KRB5_CLIENT_KTNAME", ldap.keytab);
    vars.emplace_back("KRB5CCNAME",
                      fmt::format("MEMORY:ctim-ldap-{:x}", std::hash<std::string>{}(ldap.keytab)));
  }
  return vars;
}

}  // namespace ctim::service
