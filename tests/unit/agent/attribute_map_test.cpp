// agent/model/attribute_map.h: the sorted-vector map of one object's attributes behaves as the std::map it
// replaced (names case-insensitive, emplace keeps the first, operator[] inserts empty, erase by name).
#include "agent/model/attribute_map.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ctim::agent {
namespace {

TEST(AttributeMap, FindsNamesCaseInsensitivelyAndKeepsThemSorted) {
  AttributeMap m;
  EXPECT_TRUE(m.emplace("targetAddress", {"SMTP:a@b.example"}).second);
  EXPECT_TRUE(m.emplace("proxyAddresses", {"X500:/o=A", "smtp:a@b.example"}).second);
  EXPECT_TRUE(m.emplace("mail", {"a@b.example"}).second);
  ASSERT_EQ(m.size(), 3u);
  std::vector<std::string> names;
  for (const auto& [name, values] : m) names.emplace_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"mail", "proxyAddresses", "targetAddress"}));
  ASSERT_NE(m.find("PROXYADDRESSES"), m.end());
  EXPECT_EQ(m.find("proxyaddresses")->second.size(), 2u);
  EXPECT_EQ(m.find("proxy"), m.end());
  EXPECT_EQ(m.find("targetAddressX"), m.end());
  EXPECT_TRUE(m.contains("Mail"));
  EXPECT_FALSE(m.contains(""));
}

TEST(AttributeMap, EmplaceKeepsTheFirstAndOperatorBracketInsertsEmpty) {
  AttributeMap m;
  EXPECT_TRUE(m.emplace("mail", {"first@x"}).second);
  const auto again = m.emplace("MAIL", {"second@x"});
  EXPECT_FALSE(again.second);
  EXPECT_EQ(again.first->second, (AttributeValues{"first@x"}));
  EXPECT_TRUE(m["homeMDB"].empty());
  EXPECT_EQ(m.size(), 2u);
  m["HomeMdb"].push_back("CN=DB01");
  EXPECT_EQ(m.find("homemdb")->second, (AttributeValues{"CN=DB01"}));
  EXPECT_EQ(m.find("homemdb")->first, "homeMDB");  // the spelling first inserted
}

TEST(AttributeMap, EraseByNameAndCompare) {
  AttributeMap a;
  a["b"] = {"1"};
  a["a"] = {"2"};
  a["c"] = {"3"};
  AttributeMap b = a;
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.erase("B"), 1u);
  EXPECT_EQ(a.erase("b"), 0u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 2u);
  EXPECT_EQ(a.begin()->first, "a");
  EXPECT_EQ(a.erase("a") + a.erase("c"), 2u);
  EXPECT_TRUE(a.empty());
}

TEST(AttributeMap, NamesOutliveTheCallersStringAndOneSpellingIsStoredOnce) {
  AttributeMap a, b, c;
  {
    std::string name = "msDS-ExternalDirectoryObjectId";
    a.emplace(name, {"User_1"});
    b[name].push_back("User_2");
    name.assign(name.size(), 'x');  // what the maps hold must not be the caller's buffer
  }
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a.begin()->first, "msDS-ExternalDirectoryObjectId");
  EXPECT_EQ(a.begin()->first.data(), b.begin()->first.data()) << "one copy per spelling";
  c.emplace("msds-externaldirectoryobjectid", {"User_3"});
  EXPECT_EQ(c.begin()->first, "msds-externaldirectoryobjectid") << "each spelling kept as given";
  EXPECT_NE(c.begin()->first.data(), a.begin()->first.data());
  EXPECT_EQ(c.find("msDS-ExternalDirectoryObjectId")->second, (AttributeValues{"User_3"}));
}

}  // namespace
}  // namespace ctim::agent
