#include "agent/plan/matcher.h"

#include <gtest/gtest.h>

#include "agent_test_util.h"
#include "common/base64.h"

namespace ctim::agent {
namespace {

using testing::G;
using testing::MailUser;
using testing::Row;

const Guid kExchangeGuid = G("1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8");
const Guid kAliceObj = G("aaaaaaaa-0000-4000-8000-00000000000a");
const Guid kBobObj = G("bbbbbbbb-0000-4000-8000-00000000000b");
const Guid kAliceTarget = G("0a0b0c0d-0000-4000-8000-000000000001");
const Guid kBobTarget = G("0a0b0c0d-0000-4000-8000-000000000002");

struct Fixture {
  std::vector<DirectoryObject> objects;
  MatchOptions options;

  MatchResult Match(const SourceIdentity& row, const CloudView& cloud = {}) {
    index = std::make_unique<CandidateIndex>(objects, options);
    return Matcher(*index, options).Match(row, cloud);
  }
  std::string DnOf(const MatchResult& m) const {
    return m.object ? index->objects()[*m.object].dn : "(none)";
  }

  std::unique_ptr<CandidateIndex> index;
};

DirectoryObject Bare(std::string_view alias, Guid guid) {
  DirectoryObject o = MailUser(alias, guid, G("00000000-0000-4000-8000-000000000000"));
  o.attributes.erase("msDS-ExternalDirectoryObjectId");
  return o;
}

TEST(Matcher, ExternalDirectoryObjectIdWithUserPrefix) {
  Fixture f;
  f.objects = {MailUser("alice", kAliceObj, kAliceTarget), MailUser("bob", kBobObj, kBobTarget)};
  const MatchResult m = f.Match(Row(2, "bob", kExchangeGuid, kBobTarget));
  ASSERT_TRUE(m.object) << m.findings.front().ToString();
  EXPECT_EQ(f.DnOf(m), "CN=bob,OU=Staff,DC=lab,DC=example");
  EXPECT_EQ(m.decided_by, MatchKey::kExternalDirectoryObjectId);
}

TEST(Matcher, ExternalDirectoryObjectIdBareGuidAndAnyCase) {
  Fixture f;
  DirectoryObject bob = MailUser("bob", kBobObj, kBobTarget);
  bob.attributes["msds-externaldirectoryobjectid"] = {"0A0B0C0D-0000-4000-8000-000000000002"};
  f.objects = {bob};
  EXPECT_TRUE(f.Match(Row(2, "bob", kExchangeGuid, kBobTarget)).object);
}

TEST(Matcher, TargetAddressIsCaseInsensitive) {
  Fixture f;
  DirectoryObject bob = Bare("bob", kBobObj);
  bob.attributes["targetAddress"] = {"smtp:BOB@Fabrikam.Example"};
  f.objects = {Bare("alice", kAliceObj), bob};
  const MatchResult m = f.Match(Row(2, "bob", kExchangeGuid, kBobTarget));
  ASSERT_TRUE(m.object);
  EXPECT_EQ(m.decided_by, MatchKey::kTargetAddress);
}

TEST(Matcher, UpnAndMailOnlyWhenOptedIn) {
  Fixture f;
  DirectoryObject bob = Bare("bob", kBobObj);
  bob.attributes["userPrincipalName"] = {"bob@fabrikam.example"};
  f.objects = {bob};
  const SourceIdentity row = Row(2, "bob", kExchangeGuid, kBobTarget);
  EXPECT_FALSE(f.Match(row).object);  // default chain: no UPN, no mail
  f.options.chain.push_back(MatchKey::kUserPrincipalName);
  const MatchResult m = f.Match(row);
  ASSERT_TRUE(m.object);
  EXPECT_EQ(m.decided_by, MatchKey::kUserPrincipalName);

  Fixture g;
  DirectoryObject carol = Bare("carol", kAliceObj);
  carol.attributes["mail"] = {"Carol@Fabrikam.example"};
  g.objects = {carol};
  g.options.chain = {MatchKey::kMail};
  EXPECT_TRUE(g.Match(Row(3, "carol", kExchangeGuid, kAliceTarget)).object);
}

TEST(Matcher, RefusesZeroMatchesListingEveryKeyTried) {
  Fixture f;
  f.objects = {MailUser("alice", kAliceObj, kAliceTarget)};
  const MatchResult m = f.Match(Row(7, "zed", kExchangeGuid, G("0a0b0c0d-0000-4000-8000-0000000000ff")));
  ASSERT_FALSE(m.object);
  ASSERT_EQ(m.findings.size(), 1u);
  const Finding& r = m.findings[0];
  EXPECT_EQ(r.rule, Rule::kR2Match);
  EXPECT_EQ(r.severity, Severity::kRefusal);
  EXPECT_NE(
      r.message.find("msDS-ExternalDirectoryObjectId=User_0a0b0c0d-0000-4000-8000-0000000000ff: nothing"),
      std::string::npos)
      << r.message;
  EXPECT_NE(r.message.find("targetAddress=SMTP:zed@fabrikam.example: nothing"), std::string::npos)
      << r.message;
  EXPECT_NE(r.message.find("not consulted (no cloud resolver configured)"), std::string::npos) << r.message;
  EXPECT_FALSE(r.hint.empty());
}

TEST(Matcher, RefusesTwoObjectsOnOneKeyNamingBoth) {
  Fixture f;
  DirectoryObject a = Bare("bob", kAliceObj);
  DirectoryObject b = Bare("bob-old", kBobObj);
  a.attributes["targetAddress"] = {"SMTP:bob@fabrikam.example"};
  b.attributes["targetAddress"] = {"SMTP:bob@fabrikam.example"};
  f.objects = {a, b};
  const MatchResult m = f.Match(Row(2, "bob", kExchangeGuid, kBobTarget));
  ASSERT_FALSE(m.object);
  ASSERT_EQ(m.findings.size(), 1u);
  EXPECT_NE(m.findings[0].message.find("2 AD objects match"), std::string::npos);
  EXPECT_NE(m.findings[0].message.find("CN=bob,OU=Staff"), std::string::npos);
  EXPECT_NE(m.findings[0].message.find("CN=bob-old,OU=Staff"), std::string::npos);
}

// Found on the lab with the cloud emulator: a row whose target id is unknown still matched by targetAddress
// an object whose msDS-ExternalDirectoryObjectId names another cloud user.
TEST(Matcher, ObjectSyncedToAnotherCloudUserIsRefused) {
  Fixture f;
  DirectoryObject bob = MailUser("bob", kBobObj, kBobTarget);
  bob.attributes["targetAddress"] = {"SMTP:bob@fabrikam.example"};
  f.objects = {bob};
  const Guid unknown = G("0a0b0c0d-0000-4000-8000-0000000000ee");
  MatchResult m = f.Match(Row(2, "bob", kExchangeGuid, unknown));
  ASSERT_FALSE(m.object);
  ASSERT_FALSE(m.findings.empty());
  EXPECT_EQ(m.findings[0].rule, Rule::kR2Match);
  EXPECT_NE(m.findings[0].message.find("syncs to cloud user User_" + kBobTarget.ToString()),
            std::string::npos)
      << m.findings[0].message;
  EXPECT_TRUE(f.Match(Row(2, "bob", kExchangeGuid, kBobTarget)).object);
}

TEST(Matcher, DisagreeingKeysAreRefusedUnlessConfiguredOtherwise) {
  Fixture f;
  DirectoryObject bob = MailUser("bob", kBobObj, kBobTarget);
  DirectoryObject stale = Bare("bob-contact", kAliceObj);
  stale.attributes["targetAddress"] = {"SMTP:bob@fabrikam.example"};
  f.objects = {bob, stale};
  const SourceIdentity row = Row(2, "bob", kExchangeGuid, kBobTarget);
  MatchResult m = f.Match(row);
  ASSERT_FALSE(m.object);
  EXPECT_NE(m.findings[0].message.find("disagree"), std::string::npos);

  // The chain's order decides when agreement is not required.
  f.options.require_agreement = false;
  m = f.Match(row);
  ASSERT_TRUE(m.object);
  EXPECT_EQ(f.DnOf(m), "CN=bob,OU=Staff,DC=lab,DC=example");
  f.options.chain = {MatchKey::kTargetAddress, MatchKey::kExternalDirectoryObjectId};
  m = f.Match(row);
  ASSERT_TRUE(m.object);
  EXPECT_EQ(f.DnOf(m), "CN=bob-contact,OU=Staff,DC=lab,DC=example");
}

TEST(Matcher, CloudAnchorMatchesConsistencyGuidInAdByteOrder) {
  // onPremisesImmutableId is base64 of the 16 AD-order bytes (doc/facts.md §2.3).
  Fixture f;
  DirectoryObject bob = Bare("bob", kBobObj);
  bob.attributes["mS-DS-ConsistencyGuid"] = {kExchangeGuid.AdBytes()};  // c7 59 c0 1e ...
  f.objects = {bob, Bare("alice", kAliceObj)};
  CloudIdentity cloud;
  cloud.on_premises_sync_enabled = true;
  cloud.immutable_id = "x1nAHpaDC02vTta9TBKo2A==";
  const MatchResult m = f.Match(Row(2, "nobody", kExchangeGuid, kBobTarget),
                                CloudView{CloudView::State::kResolved, &cloud, {}});
  ASSERT_TRUE(m.object) << m.findings.front().ToString();
  EXPECT_EQ(f.DnOf(m), "CN=bob,OU=Staff,DC=lab,DC=example");
  EXPECT_EQ(m.decided_by, MatchKey::kCloudAnchor);
}

TEST(Matcher, CloudAnchorFallsBackToObjectGuid) {
  Fixture f;
  f.objects = {Bare("bob", kBobObj), Bare("alice", kAliceObj)};
  CloudIdentity cloud;
  cloud.on_premises_sync_enabled = true;
  cloud.immutable_id = Base64Encode(kAliceObj.AdBytes());
  const MatchResult m = f.Match(Row(2, "nobody", kExchangeGuid, kAliceTarget),
                                CloudView{CloudView::State::kResolved, &cloud, {}});
  ASSERT_TRUE(m.object);
  EXPECT_EQ(f.DnOf(m), "CN=alice,OU=Staff,DC=lab,DC=example");
}

TEST(Matcher, CloudAnchorUsesTheConfiguredAttribute) {
  Fixture f;
  DirectoryObject bob = Bare("bob", kBobObj);
  bob.attributes["employeeID"] = {"E-1234"};
  f.objects = {bob};
  f.options.anchor_attribute = "employeeID";
  CloudIdentity cloud;
  cloud.on_premises_sync_enabled = true;
  cloud.immutable_id = "E-1234";
  EXPECT_TRUE(
      f.Match(Row(2, "nobody", kExchangeGuid, kBobTarget), CloudView{CloudView::State::kResolved, &cloud, {}})
          .object);
  EXPECT_EQ(attr::CandidateAttributes("employeeID").back(), "employeeID");
}

TEST(Matcher, CloudSecurityIdentifier) {
  Fixture f;
  DirectoryObject bob = Bare("bob", kBobObj);
  bob.object_sid = "S-1-5-21-1-2-3-1105";
  f.objects = {bob};
  CloudIdentity cloud;
  cloud.on_premises_sync_enabled = true;
  cloud.security_identifier = "S-1-5-21-1-2-3-1105";
  const MatchResult m = f.Match(Row(2, "nobody", kExchangeGuid, kBobTarget),
                                CloudView{CloudView::State::kResolved, &cloud, {}});
  ASSERT_TRUE(m.object);
  EXPECT_EQ(m.decided_by, MatchKey::kCloudSecurityIdentifier);
}

TEST(Matcher, CloudOnlyAndUnknownUsersAreRefused) {
  Fixture f;
  f.objects = {MailUser("bob", kBobObj, kBobTarget)};
  CloudIdentity cloud_only;
  cloud_only.on_premises_sync_enabled = false;
  MatchResult m = f.Match(Row(2, "bob", kExchangeGuid, kBobTarget),
                          CloudView{CloudView::State::kResolved, &cloud_only, {}});
  ASSERT_FALSE(m.object);
  EXPECT_NE(m.findings[0].message.find("cloud-only"), std::string::npos);
  EXPECT_NE(m.findings[0].hint.find("New-CtimWriteRequest"), std::string::npos);

  m = f.Match(Row(2, "bob", kExchangeGuid, kBobTarget), CloudView{CloudView::State::kResolved, nullptr, {}});
  ASSERT_FALSE(m.object);
  EXPECT_NE(m.findings[0].message.find("no user"), std::string::npos);
}

TEST(Matcher, AUserManagedInTheCloudIsRefusedWithTheCloudWriteRequestAsTheFix) {
  Fixture f;
  f.objects = {MailUser("bob", kBobObj, kBobTarget)};
  CloudIdentity cloud;
  cloud.on_premises_sync_enabled = true;
  cloud.cloud_managed = true;
  MatchResult m =
      f.Match(Row(2, "bob", kExchangeGuid, kBobTarget), CloudView{CloudView::State::kResolved, &cloud, {}});
  ASSERT_FALSE(m.object);
  ASSERT_EQ(m.findings.size(), 1U);
  EXPECT_EQ(m.findings[0].rule, Rule::kR2Match);
  EXPECT_NE(m.findings[0].message.find("isCloudManaged"), std::string::npos);
  EXPECT_NE(m.findings[0].message.find("blocks updates from on-premises AD"), std::string::npos);
  EXPECT_NE(m.findings[0].hint.find("New-CtimWriteRequest"), std::string::npos);

  // Not managed in the cloud, or not known (the read failed): matched as before.
  for (std::optional<bool> flag : {std::optional<bool>(false), std::optional<bool>()}) {
    cloud.cloud_managed = flag;
    m = f.Match(Row(2, "bob", kExchangeGuid, kBobTarget), CloudView{CloudView::State::kResolved, &cloud, {}});
    EXPECT_TRUE(m.object);
  }
}

TEST(Matcher, UnavailableCloudIsSaidAndOfflineKeysStillWork) {
  Fixture f;
  f.objects = {MailUser("bob", kBobObj, kBobTarget)};
  const MatchResult m = f.Match(Row(2, "bob", kExchangeGuid, kBobTarget),
                                CloudView{CloudView::State::kUnavailable, nullptr, "graph: 503"});
  ASSERT_TRUE(m.object);
  EXPECT_NE(m.DescribeTried(*f.index).find("cloud unavailable: graph: 503"), std::string::npos);
}

TEST(Matcher, TheMatchDescriptionNamesTheMatchedObjectOnceAndGroupsKeysSkippedAlike) {
  Fixture f;
  DirectoryObject bob = MailUser("bob", kBobObj, kBobTarget);
  bob.attributes["targetAddress"] = {"SMTP:bob@fabrikam.example"};
  f.objects = {MailUser("alice", kAliceObj, kAliceTarget), bob};
  const MatchResult m = f.Match(Row(2, "bob", kExchangeGuid, kBobTarget));
  ASSERT_TRUE(m.object);
  const std::string detail = m.DescribeTried(*f.index, m.object);
  EXPECT_EQ(detail,
            "msDS-ExternalDirectoryObjectId=User_" + kBobTarget.ToString() +
                ": the matched object; cloud-anchor, cloud-sid: not consulted (no cloud resolver configured); "
                "targetAddress=SMTP:bob@fabrikam.example: the matched object");
  // Without the matched object (a refusal's message) every key names what it found.
  const std::string full = m.DescribeTried(*f.index);
  EXPECT_NE(full.find(": CN=bob,OU=Staff,DC=lab,DC=example; cloud-anchor, cloud-sid: not consulted"),
            std::string::npos)
      << full;
  // A key that found another object than the matched one still names it.
  MatchResult other = m;
  other.tried.back().objects = {0};
  EXPECT_NE(other.DescribeTried(*f.index, m.object).find("SMTP:bob@fabrikam.example: CN=alice,"),
            std::string::npos)
      << other.DescribeTried(*f.index, m.object);
}

TEST(Matcher, DistinguishedNameIsOnlyACrossCheck) {
  Fixture f;
  f.objects = {MailUser("bob", kBobObj, kBobTarget)};
  CloudIdentity cloud;
  cloud.on_premises_sync_enabled = true;
  cloud.distinguished_name = "CN=bob,OU=Old,DC=lab,DC=example";
  const MatchResult m =
      f.Match(Row(2, "bob", kExchangeGuid, kBobTarget), CloudView{CloudView::State::kResolved, &cloud, {}});
  ASSERT_TRUE(m.object);
  ASSERT_EQ(m.findings.size(), 1u);
  EXPECT_EQ(m.findings[0].severity, Severity::kWarning);
}

TEST(Matcher, UnmappedRowIsSkippedNotRefused) {
  Fixture f;
  f.objects = {MailUser("bob", kBobObj, kBobTarget)};
  SourceIdentity row = Row(2, "bob", kExchangeGuid, kBobTarget);
  row.target_object_id.reset();
  const MatchResult m = f.Match(row);
  EXPECT_TRUE(m.unmapped);
  EXPECT_FALSE(m.object);
  EXPECT_FALSE(HasRefusal(m.findings));
}

TEST(MatchKey, ConfigNamesRoundTrip) {
  for (MatchKey k :
       {MatchKey::kExternalDirectoryObjectId, MatchKey::kCloudAnchor, MatchKey::kCloudSecurityIdentifier,
        MatchKey::kTargetAddress, MatchKey::kUserPrincipalName, MatchKey::kMail}) {
    EXPECT_EQ(ParseMatchKey(MatchKeyName(k)), k);
  }
  EXPECT_FALSE(ParseMatchKey("guess"));
}

TEST(MatchOptions, FromConfig) {
  auto defaults = MatchOptionsFromConfig({}, "", false, false);
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->chain, MatchOptions{}.chain);
  EXPECT_EQ(defaults->anchor_attribute, "mS-DS-ConsistencyGuid");
  const std::vector<std::string> order = {"target-address", "external-id"};
  auto custom = MatchOptionsFromConfig(order, "employeeID", true, false);
  ASSERT_TRUE(custom);
  EXPECT_EQ(custom->chain,
            (std::vector<MatchKey>{MatchKey::kTargetAddress, MatchKey::kExternalDirectoryObjectId,
                                   MatchKey::kUserPrincipalName}));
  EXPECT_EQ(custom->anchor_attribute, "employeeID");
  const std::vector<std::string> bad = {"sAMAccountName"};
  auto error = MatchOptionsFromConfig(bad, "", false, false);
  ASSERT_FALSE(error);
  EXPECT_NE(error.error().message.find("sAMAccountName"), std::string::npos);
  EXPECT_NE(error.error().hint.find("external-id"), std::string::npos);
}

TEST(KeyTable, FindsEveryValueUnderAKeyAndNothingUnderAPrefixOrAnotherKind) {
  KeyTable t;
  t.Insert(1, "bob@x", 7);
  t.Insert(1, "bob@x", 3);
  t.Insert(1, "bob@x", 7);  // repeated: kept once
  t.Insert(1, "bob@xy", 4);
  t.Insert(2, "bob@x", 9);
  t.Insert(1, std::string("\0a", 2), 5);    // binary keys (GUID bytes) compare byte-exact
  EXPECT_TRUE(t.Find(1, "bob@x").empty());  // nothing before Seal()
  t.Seal();
  EXPECT_EQ(t.Find(1, "bob@x"), (std::vector<std::size_t>{3, 7}));
  EXPECT_EQ(t.Find(2, "bob@x"), (std::vector<std::size_t>{9}));
  EXPECT_EQ(t.Find(1, "bob@xy"), (std::vector<std::size_t>{4}));
  EXPECT_TRUE(t.Find(1, "bob@").empty());
  EXPECT_TRUE(t.Find(3, "bob@x").empty());
  EXPECT_EQ(t.Find(1, std::string("\0a", 2)), (std::vector<std::size_t>{5}));
  EXPECT_FALSE(t.Contains(1, std::string("\0b", 2)));
  EXPECT_EQ(t.size(), 5u);
}

TEST(CandidateIndex, StreamingKeepsOnlyObjectsARowCanFindAndMatchesTheSame) {
  // The OU holds alice, bob and carol; the file has rows for bob (by external id) and for carol (by
  // targetAddress only). alice is dropped while the search streams; a second object with bob's targetAddress
  // is kept (a row looks that key up), so the disagreement it causes is still found.
  MatchOptions options;
  DirectoryObject alice = MailUser("alice", kAliceObj, kAliceTarget);
  DirectoryObject bob = MailUser("bob", kBobObj, kBobTarget);
  DirectoryObject carol = Bare("carol", G("cccccccc-0000-4000-8000-00000000000c"));
  carol.attributes["targetAddress"] = {"SMTP:carol@fabrikam.example"};
  DirectoryObject stale = Bare("stale", G("dddddddd-0000-4000-8000-00000000000d"));
  stale.attributes["targetAddress"] = {"SMTP:bob@fabrikam.example"};
  const std::vector<SourceIdentity> rows = {
      Row(2, "bob", kExchangeGuid, kBobTarget),
      Row(3, "carol", G("2ec059c7-8396-4d0b-af4e-d6bd4c12a8d8"), G("0a0b0c0d-0000-4000-8000-00000000000c"))};
  const std::vector<CloudView> views(rows.size());
  CandidateIndex streamed(options, Matcher::WantedKeys(rows, views, options));
  EXPECT_FALSE(streamed.Add(DirectoryObject(alice)));
  EXPECT_TRUE(streamed.Add(DirectoryObject(bob)));
  EXPECT_TRUE(streamed.Add(DirectoryObject(carol)));
  EXPECT_TRUE(streamed.Add(DirectoryObject(stale)));
  streamed.Seal();
  EXPECT_EQ(streamed.objects().size(), 3u);
  EXPECT_EQ(streamed.dropped(), 1u);

  const CandidateIndex whole({alice, bob, carol, stale}, options);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const MatchResult a = Matcher(streamed, options).Match(rows[i], views[i]);
    const MatchResult b = Matcher(whole, options).Match(rows[i], views[i]);
    ASSERT_EQ(a.object.has_value(), b.object.has_value()) << rows[i].Label();
    if (a.object) {
      EXPECT_EQ(streamed.objects()[*a.object].dn, whole.objects()[*b.object].dn);
    }
    ASSERT_EQ(a.findings.size(), b.findings.size());
    for (std::size_t f = 0; f < a.findings.size(); ++f)
      EXPECT_EQ(a.findings[f].message, b.findings[f].message);
  }
  // bob's keys disagree (the stale object carries his targetAddress): refused either way.
  EXPECT_FALSE(Matcher(streamed, options).Match(rows[0], views[0]).object);
  EXPECT_TRUE(Matcher(streamed, options).Match(rows[1], views[1]).object);
}

TEST(TextFold, FoldsAsciiAndCommonLetters) {
  EXPECT_TRUE(EqualsFolded("X500:/o=Contoso/cn=MÜLLER", "x500:/O=contoso/CN=müller"));
  EXPECT_TRUE(EqualsFolded("ÀÉÎÕÜ", "àéîõü"));
  EXPECT_TRUE(EqualsFolded("ΑΒΓ ДЖЯ", "αβγ джя"));
  EXPECT_FALSE(EqualsFolded("cn=a", "cn=b"));
  EXPECT_FALSE(EqualsFolded(std::string("\xff\xfe", 2), std::string("\xdf\xde", 2)));  // invalid UTF-8: exact
  EXPECT_TRUE(EqualsAscii("proxyAddresses", "PROXYADDRESSES"));
}

}  // namespace
}  // namespace ctim::agent
