// The benchmark's in-process directory keeps the Directory contract the AD adapter keeps
// (agent/model/directory.h): generated users, all-or-nothing modifies with compare-and-swap conflicts,
// re-reads showing what was written, proxy owners from the current state.
#include "fake_directory.h"

#include <gtest/gtest.h>

#include "agent/model/attributes.h"

namespace ctim::bench {
namespace {

namespace attr = agent::attr;
using agent::ModifyRequest;
using agent::ModOp;

const std::vector<std::string> kAttributes = attr::CandidateAttributes("mS-DS-ConsistencyGuid");

ModifyRequest Request(std::size_t i, std::vector<agent::Modification> mods) {
  return {FakeDirectory::DnOf(i), FakeDirectory::ObjectGuidOf(i), std::move(mods)};
}

agent::DirectoryObject Read(FakeDirectory& dir, std::size_t i) {
  const Guid guid = FakeDirectory::ObjectGuidOf(i);
  auto read = dir.ReadByGuids(std::span(&guid, 1), kAttributes);
  EXPECT_TRUE(read.has_value());
  EXPECT_TRUE((*read)[0].has_value());
  return *(*read)[0];
}

TEST(FakeDirectory, LoadsUsersShapedLikeTheLabsSeededUsers) {
  auto dir = FakeDirectory::Create(3);
  ASSERT_TRUE(dir.has_value());
  std::vector<agent::DirectoryObject> seen;
  const std::vector<std::string> bases = {"ou=ctim,dc=lab,dc=example", "OU=Other,DC=lab,DC=example"};
  ASSERT_TRUE((*dir)->LoadCandidates(bases, kAttributes, [&](agent::DirectoryObject&& o) -> Status {
    seen.push_back(std::move(o));
    return {};
  }));
  ASSERT_EQ(seen.size(), 3u);
  const agent::DirectoryObject& u2 = seen[1];
  EXPECT_EQ(u2.dn, "CN=CTIM User 00002,OU=CTIM,DC=lab,DC=example");
  EXPECT_EQ(u2.object_guid, FakeDirectory::ObjectGuidOf(2));
  EXPECT_EQ(*u2.Single(attr::kTargetAddress), "SMTP:user00002@source.example");
  EXPECT_EQ(*u2.Single(attr::kRecipientTypeDetails), "128");
  EXPECT_EQ(u2.Values(attr::kProxyAddresses).size(), 2u);
  EXPECT_TRUE(u2.Single(attr::kExternalDirectoryObjectId)->starts_with("User_"));
  EXPECT_FALSE(u2.Has(attr::kMailboxGuid));
  EXPECT_FALSE(u2.object_sid.empty());
}

TEST(FakeDirectory, ModifiesAreAllOrNothingCompareAndSwap) {
  auto created = FakeDirectory::Create(5);
  ASSERT_TRUE(created.has_value());
  FakeDirectory& dir = **created;
  const std::string mailbox = Guid::Parse("1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8")->AdBytes();
  const std::string x500 = "X500:/o=Org/ou=Group/cn=Recipients/cn=u1";
  std::vector<ModifyRequest> requests = {
      Request(1, {{ModOp::kAdd, std::string(attr::kMailboxGuid), {mailbox}},
                  {ModOp::kAdd, std::string(attr::kProxyAddresses), {x500}}}),
      // A proxy value the object already holds (another case): attributeOrValueExists.
      Request(2, {{ModOp::kAdd, std::string(attr::kMailboxGuid), {mailbox}},
                  {ModOp::kAdd, std::string(attr::kProxyAddresses), {"smtp:USER00002@target.example"}}}),
      // A delete of a value that is not there: noSuchAttribute.
      Request(3, {{ModOp::kDelete, std::string(attr::kTargetAddress), {"SMTP:someone@else.example"}},
                  {ModOp::kAdd, std::string(attr::kTargetAddress), {"SMTP:x@y.example"}}}),
      // A second value on a single-valued attribute.
      Request(4, {{ModOp::kAdd, std::string(attr::kTargetAddress), {"SMTP:x@y.example"}}}),
      {"CN=gone", Guid::Parse("00000000-0000-4000-8000-000000000001").value(), {}},
  };
  requests.back().mods = {{ModOp::kAdd, std::string(attr::kMailboxGuid), {mailbox}}};
  const std::vector<Status> statuses = dir.ApplyModifies(requests);
  ASSERT_EQ(statuses.size(), 5u);
  EXPECT_TRUE(statuses[0]);
  ASSERT_FALSE(statuses[1]);
  EXPECT_EQ(statuses[1].error().code, Errc::kConflict);
  ASSERT_FALSE(statuses[2]);
  EXPECT_EQ(statuses[2].error().code, Errc::kConflict);
  ASSERT_FALSE(statuses[3]);
  EXPECT_EQ(statuses[3].error().code, Errc::kConflict);
  ASSERT_FALSE(statuses[4]);
  EXPECT_EQ(statuses[4].error().code, Errc::kNotFound);

  const agent::DirectoryObject u1 = Read(dir, 1);
  EXPECT_EQ(*u1.Single(attr::kMailboxGuid), mailbox);
  EXPECT_EQ(u1.Values(attr::kProxyAddresses).size(), 3u);
  EXPECT_FALSE(Read(dir, 2).Has(attr::kMailboxGuid));  // nothing of a refused modify applied
  EXPECT_EQ(*Read(dir, 3).Single(attr::kTargetAddress), "SMTP:user00003@source.example");

  // Adding the same again conflicts; a compare-and-swap replace of the right old value succeeds.
  EXPECT_EQ(dir.ApplyModifies(
                   std::vector{Request(1, {{ModOp::kAdd, std::string(attr::kMailboxGuid), {mailbox}}})})[0]
                .error()
                .code,
            Errc::kConflict);
  const std::string other = Guid::Parse("2ec059c7-8396-4d0b-af4e-d6bd4c12a8d8")->AdBytes();
  EXPECT_TRUE(dir.ApplyModifies(
      std::vector{Request(1, {{ModOp::kDelete, std::string(attr::kMailboxGuid), {mailbox}},
                              {ModOp::kAdd, std::string(attr::kMailboxGuid), {other}}})})[0]);
  EXPECT_EQ(*Read(dir, 1).Single(attr::kMailboxGuid), other);

  // Proxy owners: a written X500 (any case) and a generated SMTP proxy.
  auto owners = dir.FindProxyOwners(
      {"x500:/O=ORG/ou=Group/cn=Recipients/cn=u1", "SMTP:user00004@target.example", "X500:/o=nobody"});
  ASSERT_TRUE(owners.has_value());
  ASSERT_EQ(owners->size(), 2u);
  for (const agent::ProxyOwner& o : *owners) {
    if (o.object_guid == FakeDirectory::ObjectGuidOf(1)) {
      EXPECT_EQ(o.value, x500);
    } else {
      EXPECT_EQ(o.object_guid, FakeDirectory::ObjectGuidOf(4));
      EXPECT_EQ(o.value, "SMTP:user00004@target.example");
    }
  }
}

}  // namespace
}  // namespace ctim::bench
