// Per-value modifies with binary values and AD permissive modify; add/delete; the errors a writer meets.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "ldap/connection.h"
#include "ldap/escape.h"
#include "ldap_lab.h"

namespace ctim::ldap {
namespace {

using namespace std::string_literals;

class LdapModify : public lab::LabTest {
 protected:
  void SetUp() override {
    LabTest::SetUp();
    if (HasFatalFailure()) return;
    user_ = "CN=mod user," + ou();
    ASSERT_OK(lab::AddUser(admin(), user_, lab::UniqueName("m").substr(0, 20)));
  }
  Values Proxies() {
    auto e = admin().Read(user_, {"proxyAddresses"});
    if (!e) ADD_FAILURE() << e.error().ToString();
    const Values* v = e ? e->Find("proxyAddresses") : nullptr;
    Values out = v != nullptr ? *v : Values{};
    std::sort(out.begin(), out.end());
    return out;
  }
  std::string user_;
};

TEST_F(LdapModify, BinaryGuidRoundTripWithZeroAndFfBytes) {
  const std::string guid = "\x00\xff\x10\x80\x7f\x00\x01\xfe\xff\x00\x20\x30\x0a\x0d\x00\xff"s;
  ASSERT_EQ(guid.size(), 16u);
  ASSERT_OK(admin().Modify(user_, {Mod{Mod::kReplace, "msExchMailboxGuid", {guid}}}));
  auto back = admin().Read(user_, {"msExchMailboxGuid"});
  ASSERT_OK(back);
  EXPECT_EQ(back->First("msExchMailboxGuid"), guid);
  // And found again by a binary filter.
  SearchRequest req;
  req.base = ou();
  req.filter = "(msExchMailboxGuid=" + EscapeFilterBytes(guid) + ")";
  req.attributes = {"1.1"};
  auto found = admin().Search(req);
  ASSERT_OK(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().dn, user_);
}

TEST_F(LdapModify, WrongLengthGuidIsInvalidInput) {
  const Status st = admin().Modify(user_, {Mod{Mod::kReplace, "msExchMailboxGuid", {"\x00\x01\x02"s}}});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::kInvalidInput) << st.error().ToString();
  EXPECT_NE(st.error().message.find("(21)"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find(user_), std::string::npos) << st.error().message;
}

TEST_F(LdapModify, PerValueProxyAddressesWithAndWithoutPermissiveModify) {
  const std::string primary = "SMTP:alice@contoso.example";
  const std::string x500 =
      "X500:/o=First Organization/ou=Exchange Administrative Group "
      "(FYDIBOHF23SPDLT)/cn=Recipients/cn=alice1a2b3c";
  ASSERT_OK(admin().Modify(user_, {Mod{Mod::kAdd, "proxyAddresses", {primary, x500}}}));
  EXPECT_EQ(Proxies(), (Values{primary, x500}));

  // Adding a value that is there: an error without permissive modify, a no-op with it.
  const Status dup = admin().Modify(user_, {Mod{Mod::kAdd, "proxyAddresses", {x500}}});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::kConflict) << dup.error().ToString();
  EXPECT_NE(dup.error().message.find("(20)"), std::string::npos) << dup.error().message;
  WriteOptions permissive;
  permissive.permissive_modify = true;
  const std::string smtp2 = "smtp:alice@contoso.mail.onmicrosoft.example";
  EXPECT_OK(admin().Modify(user_, {Mod{Mod::kAdd, "proxyAddresses", {x500, smtp2}}}, permissive));
  EXPECT_EQ(Proxies(), (Values{primary, x500, smtp2}));

  // Deleting a value that is not there: an error without, a no-op with.
  const std::string absent = "smtp:nobody@contoso.example";
  const Status gone = admin().Modify(user_, {Mod{Mod::kDelete, "proxyAddresses", {absent}}});
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, Errc::kConflict) << gone.error().ToString();
  EXPECT_NE(gone.error().message.find("(16)"), std::string::npos) << gone.error().message;
  EXPECT_OK(admin().Modify(user_, {Mod{Mod::kDelete, "proxyAddresses", {absent, smtp2}}}, permissive));
  EXPECT_EQ(Proxies(), (Values{primary, x500}));

  // Several mods in one request apply together.
  EXPECT_OK(admin().Modify(
      user_, {Mod{Mod::kDelete, "proxyAddresses", {primary}},
              Mod{Mod::kAdd, "proxyAddresses", {"SMTP:alice@fabrikam.example"}},
              Mod{Mod::kReplace, "targetAddress", {"SMTP:alice@contoso.mail.onmicrosoft.example"}}}));
  EXPECT_EQ(Proxies(), (Values{"SMTP:alice@fabrikam.example", x500}));

  // Delete the whole attribute (no values).
  EXPECT_OK(admin().Modify(user_, {Mod{Mod::kDelete, "proxyAddresses", {}}}));
  EXPECT_TRUE(Proxies().empty());
}

TEST_F(LdapModify, SingleValuedSecondValueIsConflict) {
  ASSERT_OK(admin().Modify(user_, {Mod{Mod::kReplace, "targetAddress", {"SMTP:a@x.example"}}}));
  const Status st = admin().Modify(user_, {Mod{Mod::kAdd, "targetAddress", {"SMTP:b@x.example"}}});
  ASSERT_FALSE(st);
  EXPECT_TRUE(st.error().code == Errc::kConflict || st.error().code == Errc::kInvalidInput)
      << st.error().ToString();
}

TEST_F(LdapModify, UnknownAttributeIsInvalidInput) {
  const Status st = admin().Modify(user_, {Mod{Mod::kReplace, "msExchNoSuchAttribute", {"x"}}});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::kInvalidInput) << st.error().ToString();
}

TEST_F(LdapModify, MissingEntryIsNotFound) {
  const Status st = admin().Modify("CN=nobody," + ou(), {Mod{Mod::kReplace, "description", {"x"}}});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::kNotFound) << st.error().ToString();
}

TEST_F(LdapModify, LeastPrivilegeAccountIsDeniedOutsideItsOu) {
  // svc-ctim may write users below OU=CTIM only; this scratch OU is elsewhere.
  auto svc = Connection::Open(lab::SvcKeytab(lab_));
  ASSERT_OK(svc);
  const Status st = svc->Modify(user_, {Mod{Mod::kReplace, "description", {"not allowed"}}});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::kPermissionDenied) << st.error().ToString();
  EXPECT_NE(st.error().message.find("Insufficient access (50)"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().hint.find("target OU"), std::string::npos) << st.error().hint;
}

TEST_F(LdapModify, AddExistingAndDeleteNonLeafAreConflicts) {
  const Status again = lab::AddUser(admin(), user_, "other-sam");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::kConflict) << again.error().ToString();
  const Status non_leaf = admin().Delete(ou());
  ASSERT_FALSE(non_leaf);
  EXPECT_EQ(non_leaf.error().code, Errc::kConflict) << non_leaf.error().ToString();
  EXPECT_OK(admin().Delete(user_));
  auto gone = admin().Read(user_, {"cn"});
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, Errc::kNotFound);
}

}  // namespace
}  // namespace ctim::ldap
