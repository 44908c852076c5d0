#include "ldap/bound_principal.h"

#include <gtest/gtest.h>

namespace ctim::ldap {
namespace {

TEST(DnsDomainOfDn, JoinsTheDcParts) {
  EXPECT_EQ(DnsDomainOfDn("CN=svc-ctim,CN=Users,DC=lab,DC=example"), "lab.example");
  EXPECT_EQ(DnsDomainOfDn("cn=a, ou=b, dc=Contoso, dc=COM"), "Contoso.COM");
  EXPECT_EQ(DnsDomainOfDn("CN=a\\,DC=x,OU=b,DC=c"), "c") << "an escaped comma does not split";
  EXPECT_EQ(DnsDomainOfDn("CN=a,OU=b"), "");
}

TEST(PrincipalNamesAccount, SamAccountNameAtTheDomainOfTheDn) {
  const BoundAccount svc{"dn:CN=svc-ctim,CN=Users,DC=lab,DC=example",
                         "CN=svc-ctim,CN=Users,DC=lab,DC=example", "svc-ctim", "svc-ctim@lab.example"};
  EXPECT_TRUE(PrincipalNamesAccount("svc-ctim@LAB.EXAMPLE", svc));
  EXPECT_TRUE(PrincipalNamesAccount("SVC-CTIM@lab.example", svc)) << "AD names are case-insensitive";
  EXPECT_TRUE(PrincipalNamesAccount("svc-ctim", svc)) << "no realm: the name alone";
  EXPECT_FALSE(PrincipalNamesAccount("Administrator@LAB.EXAMPLE", svc));
  EXPECT_FALSE(PrincipalNamesAccount("svc-ctim@OTHER.EXAMPLE", svc)) << "same name in another domain";
  EXPECT_FALSE(PrincipalNamesAccount("@LAB.EXAMPLE", svc));
  EXPECT_FALSE(PrincipalNamesAccount("", svc));
}

TEST(PrincipalNamesAccount, UserPrincipalNameAsAnEnterprisePrincipal) {
  const BoundAccount user{"dn:CN=Jo,OU=x,DC=corp,DC=local", "CN=Jo,OU=x,DC=corp,DC=local", "jo01",
                          "jo@contoso.com"};
  EXPECT_TRUE(PrincipalNamesAccount("jo@contoso.com", user));
  EXPECT_TRUE(PrincipalNamesAccount("jo01@CORP.LOCAL", user));
  EXPECT_FALSE(PrincipalNamesAccount("jo@CORP.LOCAL", user));
}

TEST(PrincipalNamesAccount, WhoAmIUserFormComparesTheName) {
  const BoundAccount ad{"u:CONTOSO\\svc-ctim", "", "svc-ctim", ""};
  EXPECT_TRUE(PrincipalNamesAccount("svc-ctim@CONTOSO.COM", ad));
  EXPECT_FALSE(PrincipalNamesAccount("svc-other@CONTOSO.COM", ad));
}

TEST(PrincipalNamesAccount, AnonymousNamesNoOne) {
  EXPECT_FALSE(PrincipalNamesAccount("svc-ctim@LAB.EXAMPLE", BoundAccount{}));
}

}  // namespace
}  // namespace ctim::ldap
