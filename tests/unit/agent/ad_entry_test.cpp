// The AD adapter's pure mapping: LDAP modify results onto the directory.h contract, and entries onto
// DirectoryObjects. (The adapter's I/O is tested against the Samba lab in tests/integration/core_*.)
#include "agent/adapters/ad_entry.h"

#include <gtest/gtest.h>

#include "agent/adapters/ad_replica_source.h"
#include "ldap/ldap_error.h"

namespace ctim::agent::adapters {
namespace {

ModifyRequest Request(std::vector<Modification> mods) {
  return ModifyRequest{"CN=Bob,OU=CTIM,DC=lab,DC=example", Guid(), std::move(mods)};
}

ldap::ModifyOutcome Failed(int code, std::string diagnostic, Errc layer_code = Errc::kInvalidInput) {
  ldap::ModifyOutcome o;
  o.result_code = code;
  o.diagnostic = diagnostic;
  o.status = Fail(layer_code, "ldap modify CN=Bob: " + diagnostic);
  return o;
}

TEST(AdEntry, ModifyStatusFollowsTheDirectoryContract) {
  const ModifyRequest set_target = Request({{ModOp::kAdd, "targetAddress", {"SMTP:bob@fabrikam.example"}}});
  const ModifyRequest add_proxy = Request({{ModOp::kAdd, "proxyAddresses", {"X500:/o=Org/cn=bob"}}});
  struct Case {
    const char* name;
    const ModifyRequest& request;
    int code;
    std::string diagnostic;
    Errc layer_code;
    Errc expected;
  } cases[] = {
      {"Samba: second value on a single-valued attribute", set_target, ldap::rc::kAttributeOrValueExists,
       "0000200D: SINGLE-VALUE attribute targetAddress on CN=Bob specified more than once", Errc::kConflict,
       Errc::kConflict},
      {"AD: 19 with ERROR_DS_SINGLE_VALUE_CONSTRAINT", set_target, ldap::rc::kConstraintViolation,
       "00002081: AtrErr: DSID-03151904, #1:\n\t0: 00002081: DSID-03151904, problem 1005 "
       "(CONSTRAINT_ATT_TYPE), data 0, "
       "Att 90290 (targetAddress)",
       Errc::kInvalidInput, Errc::kConflict},
      {"AD: 19 for a value out of range stays a real constraint", set_target, ldap::rc::kConstraintViolation,
       "00002082: AtrErr: DSID-03151904, #1: problem 1005 (CONSTRAINT_ATT_TYPE)", Errc::kInvalidInput,
       Errc::kInvalidInput},
      {"19 without a Win32 code on an add to a single-valued attribute", set_target,
       ldap::rc::kConstraintViolation, "attribute targetAddress: single-valued", Errc::kInvalidInput,
       Errc::kConflict},
      {"19 without a Win32 code on a multi-valued add", add_proxy, ldap::rc::kConstraintViolation, "too long",
       Errc::kInvalidInput, Errc::kInvalidInput},
      {"16 the old value is gone (compare-and-swap lost)", set_target, ldap::rc::kNoSuchAttribute, "",
       Errc::kConflict, Errc::kConflict},
      {"20 a proxy value exists", add_proxy, ldap::rc::kAttributeOrValueExists, "", Errc::kConflict,
       Errc::kConflict},
      {"32 no such object", add_proxy, ldap::rc::kNoSuchObject, "", Errc::kNotFound, Errc::kNotFound},
      {"no reply: outcome unknown", add_proxy, ldap::rc::kServerDown, "Can't contact LDAP server",
       Errc::kInternal, Errc::kUnavailable},
      {"timeout: outcome unknown", add_proxy, ldap::rc::kTimeout, "Timed out", Errc::kUnavailable,
       Errc::kUnavailable},
      {"50 insufficient access stays", add_proxy, ldap::rc::kInsufficientAccessRights, "",
       Errc::kPermissionDenied, Errc::kPermissionDenied},
  };
  for (const Case& c : cases) {
    const Status s = ModifyStatus(c.request, Failed(c.code, c.diagnostic, c.layer_code));
    ASSERT_FALSE(s) << c.name;
    EXPECT_EQ(s.error().code, c.expected) << c.name;
    EXPECT_NE(s.error().message.find("CN=Bob"), std::string::npos)
        << c.name << ": the message keeps the object";
  }
  ldap::ModifyOutcome ok;
  EXPECT_TRUE(ModifyStatus(set_target, ok));
}

TEST(AdEntry, EntryBecomesDirectoryObject) {
  const Guid guid = *Guid::Parse("1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8");
  ldap::Entry e;
  e.dn = "CN=Bob,OU=CTIM,DC=lab,DC=example";
  e.attrs["objectGUID"] = {guid.AdBytes()};
  // S-1-5-21-1-2-3-500
  e.attrs["objectSid"] = {
      std::string("\x01\x05\x00\x00\x00\x00\x00\x05\x15\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00"
                  "\x03\x00\x00\x00\xf4\x01\x00\x00",
                  28)};
  e.attrs["proxyAddresses"] = {"SMTP:bob@contoso.example", "X500:/o=Org/cn=bob"};
  auto o = ToDirectoryObject(std::move(e));
  ASSERT_TRUE(o) << o.error().ToString();
  EXPECT_EQ(o->dn, "CN=Bob,OU=CTIM,DC=lab,DC=example");
  EXPECT_EQ(o->object_guid, guid);
  EXPECT_EQ(o->object_sid, "S-1-5-21-1-2-3-500");
  EXPECT_EQ(o->Values("proxyaddresses").size(), 2u);
  EXPECT_FALSE(o->Has("objectGUID"));

  ldap::Entry no_guid;
  no_guid.dn = "CN=Ghost,DC=lab,DC=example";
  auto bad = ToDirectoryObject(std::move(no_guid));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::kInternal);
}

TEST(AdEntry, ModifyKeepsOrderAndOperations) {
  const ModifyRequest r = Request({{ModOp::kDelete, "msExchMailboxGuid", {"old"}},
                                   {ModOp::kAdd, "msExchMailboxGuid", {"new"}},
                                   {ModOp::kAdd, "proxyAddresses", {"a", "b"}}});
  const ldap::ModifyRequest m = ToLdapModify(r);
  EXPECT_EQ(m.dn, GuidDn(r.object_guid)) << "addressed by objectGUID, never by the planned DN";
  ASSERT_EQ(m.mods.size(), 3u);
  EXPECT_EQ(m.mods[0].op, ldap::Mod::kDelete);
  EXPECT_EQ(m.mods[1].op, ldap::Mod::kAdd);
  EXPECT_EQ(m.mods[2].values, (ldap::Values{"a", "b"}));
}

// A DN read at plan time may name another object by the time the modify goes out (the planned one was
// renamed or moved, another took its name): the modify must name the object by its GUID.
TEST(AdEntry, ModifyIsAddressedByObjectGuidNotByThePlannedDn) {
  const Guid guid = *Guid::Parse("1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8");
  const ModifyRequest request{"CN=Bob,OU=CTIM,DC=lab,DC=example",
                              guid,
                              {{ModOp::kAdd, "targetAddress", {"SMTP:bob@fabrikam.example"}}}};
  const ldap::ModifyRequest m = ToLdapModify(request);
  EXPECT_EQ(m.dn, "<GUID=1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8>");
  EXPECT_EQ(GuidDn(guid), m.dn);
  ASSERT_EQ(m.mods.size(), 1u);
  EXPECT_EQ(m.mods[0].values, (ldap::Values{"SMTP:bob@fabrikam.example"}));
}

// whenChanged as a sync-source DC returns it (agent/adapters/ad_replica_source.h).
TEST(AdReplicaSource, ParsesGeneralizedTimeAsAdWritesIt) {
  EXPECT_EQ(ParseGeneralizedTime("20261207144807.0Z"), ParseUtcIso8601("2026-12-07T14:48:07Z"));
  EXPECT_EQ(ParseGeneralizedTime("20261207144807Z"), ParseUtcIso8601("2026-12-07T14:48:07Z"));
  EXPECT_EQ(ParseGeneralizedTime("20261207144807.123Z"), ParseUtcIso8601("2026-12-07T14:48:07.123Z"));
  for (const char* bad : {"", "20261207144807", "20261207144807.0+0100", "2026120714480x.0Z",
                          "20261207144807.Z", "20261307144807.0Z", "2026-12-07T14:48:07Z"}) {
    EXPECT_FALSE(ParseGeneralizedTime(bad)) << bad;
  }
}

}  // namespace
}  // namespace ctim::agent::adapters
