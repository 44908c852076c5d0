#include "agent/plan/planner.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "agent/plan/elc_flags.h"
#include "agent_test_util.h"

namespace ctim::agent {
namespace {

using testing::G;
using testing::Hex;
using testing::MailUser;
using testing::Row;

// The ExchangeGuid of doc/facts.md §2.3 and its AD bytes.
const Guid kExchangeGuid = G("1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8");
const Guid kArchiveGuid = G("ec6e49fa-3933-4fc8-bdb4-eb3a32e1b1b3");
const Guid kObject = G("6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b");
const Guid kTarget = G("0a0b0c0d-0000-4000-8000-000000000001");

class PlannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source = Row(2, "alice", kExchangeGuid, kTarget);
    object = MailUser("alice", kObject, kTarget);
    CheckOwners();
  }
  // Records a Global Catalog answer where nobody else holds the values to add.
  void CheckOwners(std::vector<ProxyOwner> others = {}) {
    owners = ProxyOwners();
    const auto missing = MissingX500s(source, object);
    owners.Record(std::set<std::string>(missing.begin(), missing.end()), others);
  }
  ObjectPlan Plan(const CloudIdentity* cloud = nullptr) { return PlanObject(source, object, options, owners, cloud); }
  static const AttributeChange* Change(const ObjectPlan& p, std::string_view attribute) {
    for (const auto& c : p.change_set.changes) {
      if (c.attribute == attribute) return &c;
    }
    return nullptr;
  }
  static std::vector<const Finding*> With(const ObjectPlan& p, Rule rule, Severity severity) {
    std::vector<const Finding*> out;
    for (const auto& f : p.findings) {
      if (f.rule == rule && f.severity == severity) out.push_back(&f);
    }
    return out;
  }

  SourceIdentity source;
  DirectoryObject object;
  PlanOptions options;
  ProxyOwners owners;
};

TEST_F(PlannerTest, FreshMailUserGetsEveryValue) {
  source.archive_guid = kArchiveGuid;
  CheckOwners();
  const ObjectPlan p = Plan();
  ASSERT_FALSE(p.refused()) << p.findings.front().ToString();
  const AttributeChange* guid = Change(p, attr::kMailboxGuid);
  ASSERT_NE(guid, nullptr);
  EXPECT_EQ(guid->kind, ChangeKind::kSet);
  const AttributeChange* archive = Change(p, attr::kArchiveGuid);
  ASSERT_NE(archive, nullptr);
  EXPECT_EQ(archive->after, std::vector<std::string>{kArchiveGuid.AdBytes()});
  const auto proxies = std::count_if(p.change_set.changes.begin(), p.change_set.changes.end(),
                                     [](const AttributeChange& c) { return c.attribute == attr::kProxyAddresses; });
  EXPECT_EQ(proxies, 2);  // X500:<LegacyExchangeDN> and the file's X500
  const AttributeChange* target = Change(p, attr::kTargetAddress);
  ASSERT_NE(target, nullptr);
  EXPECT_EQ(target->after, std::vector<std::string>{"SMTP:alice@fabrikam.example"});
  EXPECT_EQ(Change(p, attr::kElcMailboxFlags), nullptr);  // the row asks for no hold bits
}

TEST_F(PlannerTest, MailboxGuidIsWrittenInAdByteOrder) {
  const ObjectPlan p = Plan();
  const AttributeChange* guid = Change(p, attr::kMailboxGuid);
  ASSERT_NE(guid, nullptr);
  ASSERT_EQ(guid->after.size(), 1u);
  EXPECT_EQ(Hex(guid->after[0]), "c7 59 c0 1e 96 83 0b 4d af 4e d6 bd 4c 12 a8 d8");
  EXPECT_EQ(DisplayValue(attr::kMailboxGuid, guid->after[0]), "1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8");
}

TEST_F(PlannerTest, AlreadyWrittenObjectPlansNoChange) {
  object.attributes["msExchMailboxGuid"] = {kExchangeGuid.AdBytes()};
  object.attributes["targetAddress"] = {"SMTP:alice@fabrikam.example"};
  for (const std::string& v : DesiredX500s(source)) object.attributes["proxyAddresses"].push_back(v);
  CheckOwners();
  const ObjectPlan p = Plan();
  EXPECT_FALSE(p.refused());
  EXPECT_TRUE(p.change_set.empty());
}

TEST_F(PlannerTest, ProxyComparisonIsCaseInsensitive) {
  // The object already holds the LegacyExchangeDN X500 with another case of both type and value: no add,
  // which matters because Samba (unlike AD) would accept the case-variant duplicate.
  std::string variant = "x500:" + source.legacy_exchange_dn;
  std::transform(variant.begin(), variant.end(), variant.begin(), [](unsigned char c) { return std::tolower(c); });
  object.attributes["proxyAddresses"].push_back(variant);
  CheckOwners();
  const ObjectPlan p = Plan();
  for (const auto& c : p.change_set.changes) {
    if (c.attribute != attr::kProxyAddresses) continue;
    EXPECT_NE(FoldCase(c.after[0]), FoldCase(variant)) << "a case-variant duplicate was planned";
  }
  EXPECT_EQ(MissingX500s(source, object).size(), 1u);
}

TEST_F(PlannerTest, KeepsX500sEntraConnectWroteBack) {
  const auto before = object.Values(attr::kProxyAddresses);
  const std::vector<std::string> existing(before.begin(), before.end());
  const ObjectPlan p = Plan();
  const ModifyRequest request = ToModifyRequest(p.change_set);
  for (const Modification& m : request.mods) {
    if (m.attribute == attr::kProxyAddresses) {
      EXPECT_EQ(m.op, ModOp::kAdd) << "a proxy would be removed";
    }
  }
  // Per-value adds only: every existing value is untouched, the new ones come on top.
  for (const auto& c : p.change_set.changes) {
    if (c.attribute == attr::kProxyAddresses) {
      EXPECT_EQ(c.kind, ChangeKind::kAddValues);
      EXPECT_TRUE(c.before.empty());
    }
  }
}

TEST_F(PlannerTest, CopiesX500ValuesByteExact) {
  // The doc's own example differs only in a hyphen and a space: never reformat.
  source.x500_proxies = {"X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/"
                         "cn=d11ec1a2b3c4d5e6f7a8b9c0d1e2f1f9-Lara",
                         "x500:/o=First Organization/ou=Exchange Administrative Group(FYDI)/cn=Recipients/cn=lara"};
  CheckOwners();
  const ObjectPlan p = Plan();
  std::vector<std::string> added;
  for (const auto& c : p.change_set.changes) {
    if (c.attribute == attr::kProxyAddresses) added.push_back(c.after[0]);
  }
  ASSERT_EQ(added.size(), 3u);
  EXPECT_EQ(added[0], "X500:" + source.legacy_exchange_dn);
  EXPECT_EQ(added[1], source.x500_proxies[0]);
  EXPECT_EQ(added[2], source.x500_proxies[1]);
}

TEST_F(PlannerTest, NeverWritesSourceSmtpProxiesOrRecipientTypes) {
  source.hold.litigation_hold = true;
  source.archive_guid = kArchiveGuid;
  CheckOwners();
  const ObjectPlan p = Plan();
  for (const auto& c : p.change_set.changes) {
    for (std::string_view forbidden : {attr::kRecipientTypeDetails, attr::kRemoteRecipientType,
                                       attr::kRecipientDisplayType, attr::kHomeMdb, attr::kMail}) {
      EXPECT_NE(c.attribute, forbidden);
    }
    if (c.attribute != attr::kProxyAddresses) continue;  // targetAddress is SMTP:<source> by design
    for (const auto& v : c.after) EXPECT_TRUE(StartsWithAscii(v, "X500:")) << v;
  }
  EXPECT_EQ(With(p, Rule::kInfo, Severity::kNote).size(), 1u);  // "2 non-X500 source address(es) ... not written"
}

// --- R1 ---
TEST_F(PlannerTest, R1RefusesMalformedRows) {
  struct Case {
    const char* name;
    std::function<void(SourceIdentity&)> spoil;
  };
  const std::vector<Case> cases = {
      {"zero ExchangeGuid", [](SourceIdentity& s) { s.exchange_guid = Guid(); }},
      {"LegacyExchangeDN without /o=", [](SourceIdentity& s) { s.legacy_exchange_dn = "cn=Recipients/cn=x"; }},
      {"empty LegacyExchangeDN", [](SourceIdentity& s) { s.legacy_exchange_dn.clear(); }},
      {"non-X500 item", [](SourceIdentity& s) { s.x500_proxies.push_back("SIP:alice@fabrikam.example"); }},
      {"X500 too long", [](SourceIdentity& s) { s.x500_proxies.push_back("X500:/o=" + std::string(1200, 'a')); }},
      {"no primary SMTP", [](SourceIdentity& s) { s.primary_smtp = "alice"; }},
  };
  for (const Case& c : cases) {
    SetUp();
    c.spoil(source);
    CheckOwners();
    const ObjectPlan p = Plan();
    EXPECT_TRUE(p.refused()) << c.name;
    EXPECT_FALSE(With(p, Rule::kR1RowSyntax, Severity::kRefusal).empty()) << c.name;
    EXPECT_TRUE(p.change_set.empty()) << c.name;
  }
}

TEST_F(PlannerTest, R1CountsCharactersNotBytes) {
  // proxyAddresses' limit is 1123 characters: "X500:/o=" (8) + 1115 two-byte letters is 1123 characters.
  std::string value = "X500:/o=";
  for (int i = 0; i < 1115; ++i) value += "\xc3\xa9";  // é
  source.x500_proxies = {value};
  CheckOwners();
  EXPECT_TRUE(With(Plan(), Rule::kR1RowSyntax, Severity::kRefusal).empty());
  source.x500_proxies = {value + "x"};
  CheckOwners();
  EXPECT_EQ(With(Plan(), Rule::kR1RowSyntax, Severity::kRefusal).size(), 1u);
}

// --- R3 ---
TEST_F(PlannerTest, R3RefusesWhatIsNotAMailUser) {
  struct Case {
    const char* name;
    std::function<void(DirectoryObject&)> make;
    const char* says;
  };
  const std::vector<Case> cases = {
      {"not mail-enabled", [](DirectoryObject& o) { o.attributes.erase("msExchRecipientTypeDetails"); },
       "not mail-enabled"},
      {"UserMailbox", [](DirectoryObject& o) { o.attributes["msExchRecipientTypeDetails"] = {"1"}; }, "UserMailbox"},
      {"RemoteUserMailbox",
       [](DirectoryObject& o) { o.attributes["msExchRecipientTypeDetails"] = {"2147483648"}; }, "RemoteUserMailbox"},
      {"remote recipient type", [](DirectoryObject& o) { o.attributes["msExchRemoteRecipientType"] = {"4"}; },
       "Migrated"},
      {"shared remote", [](DirectoryObject& o) { o.attributes["msExchRemoteRecipientType"] = {"96"}; },
       "SharedMailbox"},
      {"homeMDB", [](DirectoryObject& o) { o.attributes["homeMDB"] = {"CN=DB01,CN=Databases,..."}; },
       "on-premises mailbox"},
  };
  for (const Case& c : cases) {
    SetUp();
    c.make(object);
    const ObjectPlan p = Plan();
    const auto r3 = With(p, Rule::kR3NotMailUser, Severity::kRefusal);
    ASSERT_EQ(r3.size(), 1u) << c.name;
    EXPECT_NE(r3[0]->message.find(c.says), std::string::npos) << c.name << ": " << r3[0]->message;
    EXPECT_FALSE(r3[0]->hint.empty());
    EXPECT_TRUE(p.change_set.empty()) << c.name;
  }
}

// --- R4 / R5 ---
TEST_F(PlannerTest, R4RefusesStaleMailboxGuidAndSaysWhatToDo) {
  const Guid stale = G("11111111-2222-3333-4444-555555555555");
  object.attributes["msExchMailboxGuid"] = {stale.AdBytes()};
  const ObjectPlan p = Plan();
  const auto r4 = With(p, Rule::kR4MailboxGuid, Severity::kRefusal);
  ASSERT_EQ(r4.size(), 1u);
  EXPECT_NE(r4[0]->message.find(stale.ToString()), std::string::npos);
  EXPECT_NE(r4[0]->message.find(kExchangeGuid.ToString()), std::string::npos);
  EXPECT_NE(r4[0]->hint.find("--overwrite-guid"), std::string::npos);
  EXPECT_TRUE(p.change_set.empty());
}

TEST_F(PlannerTest, R4OverwriteGuidIsACompareAndSwap) {
  const Guid stale = G("11111111-2222-3333-4444-555555555555");
  object.attributes["msExchMailboxGuid"] = {stale.AdBytes()};
  options.overwrite_guid = true;
  const ObjectPlan p = Plan();
  ASSERT_FALSE(p.refused());
  const AttributeChange* c = Change(p, attr::kMailboxGuid);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, ChangeKind::kReplace);
  EXPECT_EQ(c->before, std::vector<std::string>{stale.AdBytes()});
  EXPECT_EQ(c->after, std::vector<std::string>{kExchangeGuid.AdBytes()});
  EXPECT_EQ(With(p, Rule::kR4MailboxGuid, Severity::kWarning).size(), 1u);
  // On the wire: delete the old value and add the new one in the same modify.
  const ModifyRequest request = ToModifyRequest(p.change_set);
  ASSERT_GE(request.mods.size(), 2u);
  EXPECT_EQ(request.mods[0].op, ModOp::kDelete);
  EXPECT_EQ(request.mods[0].values, std::vector<std::string>{stale.AdBytes()});
  EXPECT_EQ(request.mods[1].op, ModOp::kAdd);
  EXPECT_EQ(request.mods[1].values, std::vector<std::string>{kExchangeGuid.AdBytes()});
}

TEST_F(PlannerTest, R5RefusesADifferentArchiveGuid) {
  source.archive_guid = kArchiveGuid;
  object.attributes["msExchArchiveGUID"] = {G("99999999-2222-3333-4444-555555555555").AdBytes()};
  CheckOwners();
  const ObjectPlan p = Plan();
  EXPECT_EQ(With(p, Rule::kR5ArchiveGuid, Severity::kRefusal).size(), 1u);
  EXPECT_TRUE(p.change_set.empty());
}

TEST_F(PlannerTest, R5WarnsWhenTargetHasArchiveAndSourceNone) {
  object.attributes["msExchArchiveGUID"] = {kArchiveGuid.AdBytes()};
  const ObjectPlan p = Plan();
  EXPECT_FALSE(p.refused());
  EXPECT_EQ(With(p, Rule::kR5ArchiveGuid, Severity::kWarning).size(), 1u);
  EXPECT_EQ(Change(p, attr::kArchiveGuid), nullptr);  // never removed
}

// --- R6 ---
TEST_F(PlannerTest, R6RefusesAnX500HeldByAnotherObjectInTheForest) {
  const std::string value = "X500:" + source.legacy_exchange_dn;
  CheckOwners({ProxyOwner{value, "CN=alice-old,OU=Leavers,DC=emea,DC=lab,DC=example", G("abababab-0000-4000-8000-0000000000ab")}});
  const ObjectPlan p = Plan();
  const auto r6 = With(p, Rule::kR6ProxyElsewhere, Severity::kRefusal);
  ASSERT_EQ(r6.size(), 1u);
  EXPECT_NE(r6[0]->message.find("CN=alice-old,OU=Leavers"), std::string::npos);
  EXPECT_TRUE(p.change_set.empty());
}

// A mailbox moved many times carries many X500s: past 16 (or 1,024 comparisons against the object's
// proxies) the sets take over from the linear scans, with the same answers.
TEST_F(PlannerTest, ManyX500sDedupeAndCompareAsAFewDo) {
  for (const std::size_t n : {3u, 40u}) {
    SourceIdentity s = source;
    s.x500_proxies.clear();
    for (std::size_t i = 0; i < n; ++i) s.x500_proxies.push_back("X500:/o=Old/cn=Recipients/cn=u" + std::to_string(i));
    s.x500_proxies.push_back("x500:/O=OLD/cn=recipients/CN=U1");  // a case variant of u1: the same proxy
    const std::vector<std::string> desired = DesiredX500s(s);
    ASSERT_EQ(desired.size(), n + 1) << n;  // the LegacyExchangeDN's X500 and u0..u(n-1), once each
    EXPECT_EQ(desired[2], "X500:/o=Old/cn=Recipients/cn=u1") << n;  // the first spelling is kept
    DirectoryObject o = object;
    auto& proxies = o.attributes["proxyAddresses"];
    for (std::size_t i = 0; i < 60; ++i) proxies.push_back("smtp:alias" + std::to_string(i) + "@fabrikam.example");
    proxies.push_back("X500:/O=OLD/CN=RECIPIENTS/CN=U0");  // already there, in another case
    const std::vector<std::string> missing = MissingX500s(s, o);
    EXPECT_EQ(missing.size(), n) << n;
    EXPECT_EQ(std::count(missing.begin(), missing.end(), "X500:/o=Old/cn=Recipients/cn=u0"), 0) << n;
  }
}

TEST_F(PlannerTest, R6IgnoresTheObjectItself) {
  const std::string value = "X500:" + source.legacy_exchange_dn;
  CheckOwners({ProxyOwner{value, object.dn, object.object_guid}});
  EXPECT_TRUE(With(Plan(), Rule::kR6ProxyElsewhere, Severity::kRefusal).empty());
}

TEST_F(PlannerTest, R6RefusesWhenTheForestWasNotAsked) {
  owners = ProxyOwners();
  EXPECT_FALSE(With(Plan(), Rule::kR6ProxyElsewhere, Severity::kRefusal).empty());
}

// --- R7 ---
TEST_F(PlannerTest, R7RefusesTargetAddressPointingElsewhere) {
  object.attributes["targetAddress"] = {"SMTP:alice@contoso.mail.onmicrosoft.com"};
  const ObjectPlan p = Plan();
  const auto r7 = With(p, Rule::kR7TargetAddress, Severity::kRefusal);
  ASSERT_EQ(r7.size(), 1u);
  EXPECT_NE(r7[0]->message.find("SMTP:alice@contoso.mail.onmicrosoft.com"), std::string::npos);
  EXPECT_NE(r7[0]->message.find("SMTP:alice@fabrikam.example"), std::string::npos);
}

TEST_F(PlannerTest, R7AcceptsAnyCaseAndTheSourceSecondaryAddresses) {
  for (const char* value : {"smtp:ALICE@Fabrikam.Example", "SMTP:alice@fab.example", "smtp:ALICE@FAB.EXAMPLE"}) {
    object.attributes["targetAddress"] = {value};
    const ObjectPlan p = Plan();
    EXPECT_TRUE(With(p, Rule::kR7TargetAddress, Severity::kRefusal).empty()) << value;
    EXPECT_EQ(Change(p, attr::kTargetAddress), nullptr) << value;  // never rewritten
  }
  object.attributes["targetAddress"] = {"smtp:ALICE@Fabrikam.Example"};
  EXPECT_TRUE(With(Plan(), Rule::kR7TargetAddress, Severity::kWarning).empty());  // the primary
  object.attributes["targetAddress"] = {"SMTP:Alice@FAB.example"};
  const ObjectPlan secondary = Plan();
  const auto warned = With(secondary, Rule::kR7TargetAddress, Severity::kWarning);
  ASSERT_EQ(warned.size(), 1u);  // a secondary: accepted, but Microsoft's validator wants the primary
  EXPECT_NE(warned[0]->message.find("secondary"), std::string::npos);
}

TEST_F(PlannerTest, R7RefusesANonSmtpProxyOfTheSource) {
  source.other_proxies.push_back("SIP:alice@fabrikam.example");
  object.attributes["targetAddress"] = {"SIP:alice@fabrikam.example"};
  EXPECT_EQ(With(Plan(), Rule::kR7TargetAddress, Severity::kRefusal).size(), 1u);
}

// --- R8 ---
TEST_F(PlannerTest, R8ReadinessWarnings) {
  options.target_delivery_domain = "contoso.mail.onmicrosoft.com";
  EXPECT_TRUE(With(Plan(), Rule::kR8Readiness, Severity::kWarning).empty());

  object.attributes["proxyAddresses"] = {"smtp:alice@contoso.example"};  // no primary, no delivery proxy
  CheckOwners();
  auto p = Plan();
  EXPECT_EQ(With(p, Rule::kR8Readiness, Severity::kWarning).size(), 2u);
  EXPECT_FALSE(p.refused());  // warnings, not refusals

  object.attributes["proxyAddresses"] = {"SMTP:alice@fabrikam.example", "smtp:a@contoso.mail.onmicrosoft.com"};
  CheckOwners();
  p = Plan();
  const auto w = With(p, Rule::kR8Readiness, Severity::kWarning);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0]->message.find("source domain"), std::string::npos);

  object.attributes["proxyAddresses"] = {"SMTP:alice@other.example", "smtp:a@contoso.mail.onmicrosoft.com"};
  options.target_domains = {"contoso.example"};
  CheckOwners();
  EXPECT_EQ(With(Plan(), Rule::kR8Readiness, Severity::kWarning).size(), 1u);
}

// --- R9 ---
TEST_F(PlannerTest, R9RefusesWhenTheCloudShowsAMailbox) {
  CloudIdentity licensed;
  licensed.on_premises_sync_enabled = true;
  licensed.exchange_license_assigned = true;
  CloudIdentity mailbox;
  mailbox.on_premises_sync_enabled = true;
  mailbox.recipient_type_details = "UserMailbox";
  CloudIdentity previous;
  previous.on_premises_sync_enabled = true;
  previous.recipient_type_details = "MailUser";
  previous.previous_recipient_type_details = "UserMailbox";
  for (const CloudIdentity* c : {&licensed, &mailbox, &previous}) {
    const ObjectPlan p = Plan(c);
    EXPECT_EQ(With(p, Rule::kR9CloudMailbox, Severity::kRefusal).size(), 1u);
  }
  CloudIdentity clean;
  clean.on_premises_sync_enabled = true;
  clean.recipient_type_details = "MailUser";
  clean.exchange_license_assigned = false;
  EXPECT_FALSE(Plan(&clean).refused());
}

// --- R10 and the ELC bit arithmetic ---
TEST(ElcFlags, BitArithmeticNeverClearsBits) {
  struct Case {
    std::optional<std::int64_t> current;
    HoldRequest hold;
    std::optional<std::int64_t> expected;  // nullopt: no change
  };
  auto lh = [] { HoldRequest h; h.litigation_hold = true; return h; };
  auto sir = [] { HoldRequest h; h.single_item_recovery = true; return h; };
  auto both = [] { HoldRequest h; h.litigation_hold = true; h.single_item_recovery = true; return h; };
  auto flags = [](std::int64_t v) { HoldRequest h; h.elc_flags = v; return h; };
  auto off = [] { HoldRequest h; h.litigation_hold = false; h.single_item_recovery = false; return h; };
  const std::vector<Case> cases = {
      {std::nullopt, lh(), 8},   {std::nullopt, both(), 24}, {2, lh(), 10},    {2, sir(), 18},
      {130, lh(), 138},          {130, sir(), 146},          {130, both(), 154}, {10, lh(), std::nullopt},
      {154, both(), std::nullopt}, {8, off(), std::nullopt}, {130, flags(2 | 8 | 16 | 1024), 154},
      {1024, flags(16), 1040},
  };
  for (const Case& c : cases) {
    SourceIdentity s = Row(2, "bob", kExchangeGuid, kTarget);
    s.hold = c.hold;
    DirectoryObject o = MailUser("bob", kObject, kTarget);
    if (c.current) o.attributes["msExchELCMailboxFlags"] = {std::to_string(*c.current)};
    ProxyOwners owners;
    const auto missing = MissingX500s(s, o);
    owners.Record({missing.begin(), missing.end()}, {});
    const ObjectPlan p = PlanObject(s, o, PlanOptions{}, owners, nullptr);
    const std::string label = "current " + (c.current ? std::to_string(*c.current) : "absent");
    const AttributeChange* change = nullptr;
    for (const auto& ch : p.change_set.changes) {
      if (ch.attribute == attr::kElcMailboxFlags) change = &ch;
    }
    if (!c.expected) {
      EXPECT_EQ(change, nullptr) << label;
      continue;
    }
    ASSERT_NE(change, nullptr) << label;
    EXPECT_EQ(change->after, std::vector<std::string>{std::to_string(*c.expected)}) << label;
    if (c.current) {
      EXPECT_EQ(change->kind, ChangeKind::kReplace) << label;  // compare-and-swap on the old value
      EXPECT_EQ(change->before, std::vector<std::string>{std::to_string(*c.current)}) << label;
      EXPECT_EQ(*c.expected & *c.current, *c.current) << label << ": a bit was cleared";
    } else {
      EXPECT_EQ(change->kind, ChangeKind::kSet) << label;
    }
    bool warned = false;
    for (const auto& f : p.findings) warned |= f.rule == Rule::kR10Hold && f.severity == Severity::kWarning;
    EXPECT_TRUE(warned) << label << ": holds must be warned about loudly";
  }
}

TEST_F(PlannerTest, R10RefusesANonIntegerElcValue) {
  source.hold.litigation_hold = true;
  object.attributes["msExchELCMailboxFlags"] = {"abc"};
  EXPECT_EQ(With(Plan(), Rule::kR10Hold, Severity::kRefusal).size(), 1u);
}

TEST_F(PlannerTest, NoHoldRequestedNoElcChangeNoWarning) {
  object.attributes["msExchELCMailboxFlags"] = {"130"};
  const ObjectPlan p = Plan();
  EXPECT_EQ(Change(p, attr::kElcMailboxFlags), nullptr);
  EXPECT_TRUE(With(p, Rule::kR10Hold, Severity::kWarning).empty());
}

TEST(ChangeSet, ModifyRequestMergesProxyAddsAndKeepsSwapOrder) {
  ChangeSet cs;
  cs.dn = "CN=x";
  cs.changes = {{"proxyAddresses", ChangeKind::kAddValues, {}, {"X500:/o=a"}},
                {"proxyAddresses", ChangeKind::kAddValues, {}, {"X500:/o=b"}},
                {"msExchELCMailboxFlags", ChangeKind::kReplace, {"2"}, {"10"}},
                {"targetAddress", ChangeKind::kSet, {}, {"SMTP:a@b"}}};
  const ModifyRequest r = ToModifyRequest(cs);
  ASSERT_EQ(r.mods.size(), 4u);
  EXPECT_EQ(r.mods[0].values, (std::vector<std::string>{"X500:/o=a", "X500:/o=b"}));
  EXPECT_EQ(r.mods[1].op, ModOp::kDelete);
  EXPECT_EQ(r.mods[1].values, std::vector<std::string>{"2"});
  EXPECT_EQ(r.mods[2].op, ModOp::kAdd);
  EXPECT_EQ(r.mods[2].values, std::vector<std::string>{"10"});
  EXPECT_EQ(r.mods[3].op, ModOp::kAdd);
  EXPECT_EQ(r.mods[3].attribute, "targetAddress");
}

}  // namespace
}  // namespace ctim::agent
