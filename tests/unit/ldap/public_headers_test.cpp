// The public headers of ldap/ carry no libldap, lber, SASL, OpenSSL, MIT krb5 or Wldap32 type, so either
// implementation sits behind the same API (README.md, Layout). Only ldap/openldap/ and ldap/windows/ may
// include them (and only ldap/krb5/ MIT krb5's).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

TEST(LdapPublicHeaders, ContainNoLibraryTypes) {
  const std::filesystem::path dir = std::filesystem::path(CTIM_SOURCE_DIR) / "ldap";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  const char* forbidden[] = {"<ldap.h>",
                             "<lber.h>",
                             "<sasl/",
                             "<openssl/",
                             "LDAP*",
                             "LDAPMessage",
                             "BerElement",
                             "berval",
                             "LDAPControl",
                             "sasl_conn_t",
                             "sasl_interact_t",
                             "sasl_ssf_t",
                             "X509",
                             "#include \"ldap/openldap/",
                             "<krb5",  // MIT krb5 is POSIX-only: ldap/krb5/ keeps it
                             "#include \"ldap/krb5/",
                             "<winldap.h>",
                             "<winber.h>",
                             "LDAPControlW",
                             "LDAPModW",
                             "#include \"ldap/windows/"};
  int headers = 0;
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    if (file.path().extension() != ".h") continue;
    ++headers;
    std::ifstream in(file.path());
    std::stringstream text;
    text << in.rdbuf();
    for (const char* word : forbidden) {
      EXPECT_EQ(text.str().find(word), std::string::npos) << file.path() << " mentions " << word;
    }
  }
  EXPECT_GE(headers, 5);
}

}  // namespace
