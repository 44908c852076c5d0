// Paged search over several pages, scopes, hostile filter and DN values, reads by DN / <GUID=...> /
// <SID=...>, ranged attribute retrieval.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "common/guid.h"
#include "ldap/connection.h"
#include "ldap/escape.h"
#include "ldap/sid.h"
#include "ldap_lab.h"

namespace ctim::ldap {
namespace {

class LdapSearch : public lab::LabTest {
 protected:
  // n contacts cn=c<i> directly under the scratch OU.
  void AddContacts(int n) {
    for (int i = 0; i < n; ++i) {
      Attributes attrs;
      attrs["objectClass"] = {"contact"};
      attrs["description"] = {fmt::format("contact {}", i)};
      ASSERT_OK(admin().Add(fmt::format("CN=c{:03},{}", i, ou()), attrs));
    }
  }
};

TEST_F(LdapSearch, PagedSearchVisitsMoreThanTwoPages) {
  constexpr int kEntries = 25;
  AddContacts(kEntries);
  SearchRequest req;
  req.base = ou();
  req.scope = Scope::kOneLevel;
  req.filter = "(objectClass=contact)";
  req.attributes = {"cn", "description"};
  req.page_size = 10;
  int pages = 0;
  std::size_t largest_page = 0;
  std::set<std::string> seen;
  ASSERT_OK(admin().SearchPages(req, [&](std::vector<Entry>& page) -> Status {
    ++pages;
    largest_page = std::max(largest_page, page.size());
    for (const Entry& e : page) seen.insert(std::string(e.First("cn")));
    return {};
  }));
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(largest_page, 10u);
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(kEntries));
  EXPECT_EQ(*seen.begin(), "c000");
  EXPECT_EQ(*seen.rbegin(), "c024");

  auto all = admin().Search(req);
  ASSERT_OK(all);
  EXPECT_EQ(all->size(), static_cast<std::size_t>(kEntries));
}

TEST_F(LdapSearch, VisitorErrorStopsTheSearch) {
  AddContacts(12);
  SearchRequest req;
  req.base = ou();
  req.filter = "(objectClass=contact)";
  req.page_size = 5;
  int pages = 0;
  const Status st = admin().SearchPages(req, [&](std::vector<Entry>&) -> Status {
    ++pages;
    return Fail(Errc::kInternal, "stop here");
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, "stop here");
  EXPECT_EQ(pages, 1);
  // The connection is still usable after the cancelled paged search.
  EXPECT_OK(admin().Read(ou(), {"ou"}));
}

TEST_F(LdapSearch, Scopes) {
  AddContacts(3);
  SearchRequest req;
  req.base = ou();
  req.attributes = {"1.1"};
  req.scope = Scope::kBase;
  auto base = admin().Search(req);
  ASSERT_OK(base);
  EXPECT_EQ(base->size(), 1u);
  req.scope = Scope::kOneLevel;
  auto one = admin().Search(req);
  ASSERT_OK(one);
  EXPECT_EQ(one->size(), 3u);
  req.scope = Scope::kSubtree;
  auto sub = admin().Search(req);
  ASSERT_OK(sub);
  EXPECT_EQ(sub->size(), 4u);
}

TEST_F(LdapSearch, SizeLimitIsNotAnError) {
  AddContacts(5);
  SearchRequest req;
  req.base = ou();
  req.filter = "(objectClass=contact)";
  req.size_limit = 2;
  req.page_size = 0;
  auto found = admin().Search(req);
  ASSERT_OK(found);
  EXPECT_EQ(found->size(), 2u);
}

TEST_F(LdapSearch, HostileValuesInDnAndFilter) {
  // Everything RFC 4514/4515 treat specially, plus NUL-free control bytes AD accepts in a CN.
  const std::string hostile[] = {
      "a*b(c)d\\e",
      ",+\"<>;=",
      "#leading hash",
      " leading and trailing ",
      "Lu\xc4\x8di\xc4\x87 \xe6\x97\xa5",
      "x)(cn=*",
      "semi;colon",
      "back\\slash",
      "*",
  };
  for (const std::string& value : hostile) {
    const std::string dn = Rdn("CN", value) + "," + ou();
    Attributes attrs;
    attrs["objectClass"] = {"contact"};
    attrs["description"] = {value};
    ASSERT_OK(admin().Add(dn, attrs));
  }
  for (const std::string& value : hostile) {
    SearchRequest req;
    req.base = ou();
    req.filter = "(&(objectClass=contact)" + FilterEquals("description", value) + ")";
    req.attributes = {"description", "cn"};
    auto found = admin().Search(req);
    ASSERT_OK(found);
    ASSERT_EQ(found->size(), 1u) << "filter " << req.filter;
    EXPECT_EQ(found->front().First("description"), value);
    EXPECT_EQ(found->front().First("cn"), value);
    auto read = admin().Read(Rdn("CN", value) + "," + ou(), {"description"});
    ASSERT_OK(read);
    EXPECT_EQ(read->First("description"), value);
  }
}

TEST_F(LdapSearch, ReadByGuidAndSidBase) {
  const std::string dn = "CN=u1," + ou();
  ASSERT_OK(lab::AddUser(admin(), dn, lab::UniqueName("u").substr(0, 20)));
  auto entry = admin().Read(dn, {"objectGUID", "objectSid"});
  ASSERT_OK(entry);
  const auto guid = Guid::FromAdBytes(entry->First("objectGUID"));
  ASSERT_TRUE(guid);
  auto by_guid = admin().Read("<GUID=" + guid->ToString() + ">", {"objectGUID", "cn"});
  ASSERT_OK(by_guid);
  EXPECT_EQ(by_guid->dn, dn);
  EXPECT_EQ(by_guid->First("objectGUID"), entry->First("objectGUID"));
  const auto sid = SidToString(entry->First("objectSid"));
  ASSERT_TRUE(sid);
  auto by_sid = admin().Read("<SID=" + *sid + ">", {"cn"});
  ASSERT_OK(by_sid);
  EXPECT_EQ(by_sid->dn, dn);
}

TEST_F(LdapSearch, MissingEntryIsNotFound) {
  auto missing = admin().Read("CN=nobody," + ou(), {"cn"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::kNotFound) << missing.error().ToString();
  EXPECT_NE(missing.error().message.find("No such object (32)"), std::string::npos)
      << missing.error().message;
  auto unknown_guid = admin().Read("<GUID=00000000-0000-0000-0000-00000000abcd>", {"cn"});
  ASSERT_FALSE(unknown_guid);
  EXPECT_EQ(unknown_guid.error().code, Errc::kNotFound) << unknown_guid.error().ToString();
}

TEST_F(LdapSearch, BadFilterIsInvalidInput) {
  SearchRequest req;
  req.base = ou();
  req.filter = "(cn=a(b)";
  auto found = admin().Search(req);
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, Errc::kInvalidInput) << found.error().ToString();
}

TEST_F(LdapSearch, RangedAttributeIsReadToTheEnd) {
  constexpr int kMembers = 25;
  AddContacts(kMembers);
  Attributes group;
  group["objectClass"] = {"group"};
  group["sAMAccountName"] = {lab::UniqueName("g").substr(0, 20)};
  for (int i = 0; i < kMembers; ++i) group["member"].push_back(fmt::format("CN=c{:03},{}", i, ou()));
  const std::string dn = "CN=big group," + ou();
  ASSERT_OK(admin().Add(dn, group));
  // Ask for the first 10 values only, as AD does past MaxValRange: the layer fetches the rest.
  auto entry = admin().Read(dn, {"member;range=0-9"});
  ASSERT_OK(entry);
  const Values* members = entry->Find("member");
  ASSERT_NE(members, nullptr) << "attributes returned: " << entry->attrs.size();
  EXPECT_EQ(members->size(), static_cast<std::size_t>(kMembers));
  EXPECT_EQ(std::set<std::string>(members->begin(), members->end()).size(),
            static_cast<std::size_t>(kMembers));
}

}  // namespace
}  // namespace ctim::ldap
