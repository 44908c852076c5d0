#include "ldap/ldap_error.h"

#include <gtest/gtest.h>

namespace ctim::ldap {
namespace {

Failure Make(Operation op, int code, std::string diagnostic = {},
             std::string target = "CN=Bob,OU=Staff,DC=x") {
  Failure f;
  f.op = op;
  f.target = std::move(target);
  f.code = code;
  f.diagnostic = std::move(diagnostic);
  return f;
}

TEST(MapFailure, CodeToErrcTable) {
  struct Row {
    Operation op;
    int code;
    Errc want;
  };
  const Row rows[] = {
      {Operation::kBind, 49, Errc::kUnauthenticated},  {Operation::kBind, 48, Errc::kUnauthenticated},
      {Operation::kBind, 8, Errc::kUnauthenticated},   {Operation::kBind, 13, Errc::kUnauthenticated},
      {Operation::kBind, 7, Errc::kUnauthenticated},   {Operation::kBind, 53, Errc::kUnauthenticated},
      {Operation::kBind, -2, Errc::kUnauthenticated},  {Operation::kModify, 50, Errc::kPermissionDenied},
      {Operation::kModify, 20, Errc::kConflict},       {Operation::kAdd, 68, Errc::kConflict},
      {Operation::kModify, 16, Errc::kConflict},       {Operation::kDelete, 66, Errc::kConflict},
      {Operation::kRead, 32, Errc::kNotFound},         {Operation::kSearch, 10, Errc::kNotFound},
      {Operation::kModify, 21, Errc::kInvalidInput},   {Operation::kModify, 19, Errc::kInvalidInput},
      {Operation::kModify, 17, Errc::kInvalidInput},   {Operation::kModify, 65, Errc::kInvalidInput},
      {Operation::kModify, 34, Errc::kInvalidInput},   {Operation::kModify, 53, Errc::kInvalidInput},
      {Operation::kModify, 12, Errc::kInvalidInput},   {Operation::kSearch, 4, Errc::kInvalidInput},
      {Operation::kSearch, -7, Errc::kInvalidInput},   {Operation::kConnect, -1, Errc::kUnavailable},
      {Operation::kStartTls, -11, Errc::kUnavailable}, {Operation::kSearch, -5, Errc::kUnavailable},
      {Operation::kSearch, 3, Errc::kUnavailable},     {Operation::kModify, 51, Errc::kUnavailable},
      {Operation::kModify, 52, Errc::kUnavailable},    {Operation::kModify, -2, Errc::kInternal},
      {Operation::kModify, 80, Errc::kInternal},       {Operation::kModify, 1, Errc::kInternal},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(MapFailure(Make(r.op, r.code)).code, r.want)
        << OperationName(r.op) << " code " << r.code << " -> "
        << ErrcName(MapFailure(Make(r.op, r.code)).code);
  }
}

TEST(MapFailure, MessageShapeNamesOperationTargetCodeAndServerText) {
  const Error e =
      MapFailure(Make(Operation::kModify, 50,
                      "00002098: SecErr: DSID-03150F94, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0"));
  EXPECT_EQ(e.message,
            "ldap modify CN=Bob,OU=Staff,DC=x: Insufficient access (50): 00002098: SecErr: DSID-03150F94, "
            "problem 4003 "
            "(INSUFF_ACCESS_RIGHTS), data 0");
  EXPECT_NE(e.hint.find("grant"), std::string::npos) << e.hint;
  EXPECT_NE(e.hint.find("target OU"), std::string::npos) << e.hint;
  EXPECT_EQ(e.ToString(), e.message + " \u2014 " + e.hint);
}

TEST(MapFailure, AdBindDataCodesAreDecodedInTheHint) {
  struct Row {
    const char* data;
    const char* meaning;
  };
  const Row rows[] = {{"52e", "bad password"},       {"52E", "bad password"},
                      {"775", "account locked out"}, {"532", "password expired"},
                      {"533", "account disabled"},   {"525", "user not found"},
                      {"701", "account expired"},    {"773", "password must be changed"}};
  for (const Row& r : rows) {
    const std::string diag =
        std::string("80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data ") +
        r.data + ", v4563";
    const Error e = MapFailure(Make(Operation::kBind, 49, diag, "ldaps://dc1 as CN=svc (simple)"));
    EXPECT_EQ(e.code, Errc::kUnauthenticated);
    EXPECT_EQ(e.hint.rfind(r.meaning, 0), 0u) << r.data << ": " << e.hint;
    EXPECT_NE(e.message.find("Invalid credentials (49)"), std::string::npos) << e.message;
    EXPECT_EQ(AdBindDataMeaning(diag), r.meaning);
  }
  EXPECT_EQ(MapFailure(Make(Operation::kBind, 49, "no data here")).hint, "check the bind name and password");
  EXPECT_EQ(AdBindDataMeaning("data 999"), "");
}

TEST(MapFailure, StrongAuthRequiredSaysHowToGetIt) {
  const Error e =
      MapFailure(Make(Operation::kBind, 8, "BindSimple: Transport encryption required.", "ldap://dc1"));
  EXPECT_EQ(e.code, Errc::kUnauthenticated);
  EXPECT_EQ(e.hint, "use ldaps:// or StartTLS, or GSSAPI with sign+seal");
  EXPECT_EQ(e.message,
            "ldap bind ldap://dc1: Strong(er) authentication required (8): BindSimple: Transport encryption "
            "required.");
}

TEST(MapFailure, GssapiInsideTlsRefusalExplained) {
  const Error e =
      MapFailure(Make(Operation::kBind, 53, "Sign or Seal are not allowed if TLS is used", "ldaps://dc1"));
  EXPECT_EQ(e.code, Errc::kUnauthenticated);
  EXPECT_NE(e.hint.find("GSSAPI"), std::string::npos) << e.hint;
}

TEST(MapFailure, ServerDownHintDependsOnTls) {
  Failure f = Make(Operation::kConnect, -1, "", "ldaps://dc1.lab.example");
  f.tls = true;
  f.tls_reason =
      "TLS certificate of dc1.lab.example:636 (subject /CN=dc1, issuer /CN=Lab CA) is not trusted by CA "
      "file /etc/ssl/certs/ca-certificates.crt: unable to get local issuer certificate";
  const Error tls = MapFailure(f);
  EXPECT_EQ(tls.code, Errc::kUnavailable);
  EXPECT_NE(tls.message.find("Can't contact LDAP server (-1): TLS certificate"), std::string::npos)
      << tls.message;
  EXPECT_NE(tls.hint.find("CA"), std::string::npos) << tls.hint;

  const Error plain = MapFailure(Make(Operation::kConnect, -1, "", "ldap://dc1"));
  EXPECT_EQ(plain.code, Errc::kUnavailable);
  EXPECT_NE(plain.hint.find("reachable"), std::string::npos) << plain.hint;
  EXPECT_EQ(plain.hint.find("CA"), std::string::npos) << plain.hint;
}

TEST(MapFailure, KerberosHints) {
  const Error spn =
      MapFailure(Make(Operation::kBind, -2,
                      "SASL(-1): generic failure: GSSAPI Error: Unspecified GSS failure.  Minor code may "
                      "provide more information (Server not found in Kerberos database)",
                      "ldap://dc1 (GSSAPI)"));
  EXPECT_EQ(spn.code, Errc::kUnauthenticated);
  EXPECT_NE(spn.hint.find("SPN"), std::string::npos) << spn.hint;
  const Error nocreds =
      MapFailure(Make(Operation::kBind, -2, "SASL(-1): ... (No Kerberos credentials available)"));
  EXPECT_NE(nocreds.hint.find("keytab"), std::string::npos) << nocreds.hint;
}

TEST(MapFailure, NoSuchObjectNamesTheMatchedPart) {
  Failure f = Make(Operation::kRead, 32, "0000208D: NameErr: DSID-03100213, problem 2001 (NO_OBJECT)");
  f.matched_dn = "OU=Staff,DC=x";
  const Error e = MapFailure(f);
  EXPECT_EQ(e.code, Errc::kNotFound);
  EXPECT_NE(e.message.find("(matched OU=Staff,DC=x)"), std::string::npos) << e.message;
  EXPECT_NE(e.hint.find("OU=Staff,DC=x"), std::string::npos) << e.hint;
}

TEST(MapFailure, PermissiveModifyIsSuggestedForValueConflicts) {
  EXPECT_NE(MapFailure(Make(Operation::kModify, 20)).hint.find("permissive"), std::string::npos);
  EXPECT_NE(MapFailure(Make(Operation::kModify, 16)).hint.find("permissive"), std::string::npos);
}

TEST(MapFailure, SambaUnknownAttributeIsInvalidInputNotConflict) {
  const Error e =
      MapFailure(Make(Operation::kModify, 16,
                      "acl_modify: attribute 'msExchFoo' on entry 'CN=Bob' was not found in the schema!"));
  EXPECT_EQ(e.code, Errc::kInvalidInput);
  EXPECT_NE(e.hint.find("schema"), std::string::npos) << e.hint;
  EXPECT_EQ(MapFailure(Make(Operation::kModify, 17)).code, Errc::kInvalidInput);
}

TEST(ResultCodeName, KnownAndUnknown) {
  EXPECT_EQ(ResultCodeName(50), "Insufficient access");
  EXPECT_EQ(ResultCodeName(-1), "Can't contact LDAP server");
  EXPECT_EQ(ResultCodeName(4242), "Unknown result code");
}

}  // namespace
}  // namespace ctim::ldap
