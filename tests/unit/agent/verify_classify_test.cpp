// The verify rule (agent/verify/verify_classify.h), case by case: sync evidence, value comparison, and every
// branch of Classify.
#include "agent/verify/verify_classify.h"

#include <gtest/gtest.h>

#include <functional>

#include "agent_test_util.h"

namespace ctim::agent {
namespace {

using namespace std::chrono_literals;
using testing::G;

const TimePoint kWrite = *ParseUtcIso8601("2026-01-10T12:00:00Z");
const Guid kTarget = G("7c1e3c2a-51d4-4d8e-8f63-2d8f0b6a1c11");
const Guid kExchange = G("1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8");
const Guid kArchive = G("ec6e49fa-3933-4fc8-bdb4-eb3a32e1b1b3");
const Guid kOther = G("00000000-1111-4222-8333-444444444444");
const std::string kLegacy = "X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=d11ec-Lara";
const std::string kExtra = "X500:/o=Fabrikam/ou=First Administrative Group/cn=Recipients/cn=Smith, Bob";

// ---- JudgeSync ----------------------------------------------------------------------------------------

struct SyncCase {
  const char* name;
  std::optional<TimePoint> first_after;
  std::optional<TimePoint> last;
  SyncEvidence expected;
};

TEST(VerifyJudgeSync, EveryCombinationOfWriteFirstSyncAndLastSync) {
  const SyncCase cases[] = {
      {"tenant never synced", std::nullopt, std::nullopt, SyncEvidence::kNotSynced},
      {"last sync before the write", std::nullopt, kWrite - 10min, SyncEvidence::kNotSynced},
      {"last sync exactly at the write", std::nullopt, kWrite, SyncEvidence::kNotSynced},
      {"one sync after the write, first seen = it", kWrite + 5min, kWrite + 5min, SyncEvidence::kSyncedOnce},
      {"one sync after the write, none seen before", std::nullopt, kWrite + 5min, SyncEvidence::kSyncedOnce},
      {"a later sync after the first one seen", kWrite + 5min, kWrite + 35min, SyncEvidence::kFullCycle},
      {"first seen is not after the write (ignored)", kWrite - 1min, kWrite + 35min, SyncEvidence::kSyncedOnce},
      {"last sync went back in time", kWrite + 35min, kWrite + 5min, SyncEvidence::kSyncedOnce},
  };
  for (const SyncCase& c : cases) {
    EXPECT_EQ(JudgeSync(kWrite, c.first_after, c.last), c.expected) << c.name;
  }
}

// ---- CompareValues ------------------------------------------------------------------------------------

Expectation Planned() {
  Expectation e;
  e.row = 2;
  e.label = "row 2 (Lara@fabrikam.com)";
  e.target_object_id = kTarget;
  e.exchange_guid = kExchange;
  e.archive_guid = kArchive;
  e.x500s = {kLegacy, kExtra};
  e.external_email = "SMTP:Lara@fabrikam.com";
  e.written_at = kWrite;
  return e;
}

MailUserState Arrived() {
  MailUserState m;
  m.exchange_guid = kExchange;
  m.archive_guid = kArchive;
  m.email_addresses = {"SMTP:lara@target.example", kLegacy, kExtra};
  m.external_email_address = "SMTP:Lara@fabrikam.com";
  m.recipient_type_details = "MailUser";
  return m;
}

TEST(VerifyCompareValues, AllArrivedInPlannedOrder) {
  const auto values = CompareValues(Planned(), Arrived());
  ASSERT_EQ(values.size(), 5u);
  EXPECT_EQ(values[0].name, "ExchangeGuid");
  EXPECT_EQ(values[1].name, "ArchiveGuid");
  EXPECT_EQ(values[2].name, "X500");
  EXPECT_EQ(values[3].name, "X500");
  EXPECT_EQ(values[4].name, "ExternalEmailAddress");
  for (const ValueCheck& v : values) EXPECT_EQ(v.state, ValueState::kArrived) << v.name << " " << v.planned;
}

TEST(VerifyCompareValues, X500AndAddressCompareCaseInsensitivelyAndThePrefixIsOptional) {
  MailUserState m = Arrived();
  m.email_addresses = {"x500:/O=EXCHANGELABS/OU=EXCHANGE ADMINISTRATIVE GROUP (FYDIBOHF23SPDLT)/CN=RECIPIENTS/CN=D11EC-LARA",
                       kExtra};
  m.external_email_address = "lara@FABRIKAM.com";
  for (const ValueCheck& v : CompareValues(Planned(), m)) EXPECT_EQ(v.state, ValueState::kArrived) << v.name;
}

TEST(VerifyCompareValues, MissingAndDifferentValuesAreToldApart) {
  MailUserState m = Arrived();
  m.exchange_guid.reset();           // missing
  m.archive_guid = kOther;           // different
  m.email_addresses = {kExtra};      // legacy X500 missing
  m.external_email_address = "SMTP:someone@else.example";  // different
  const auto values = CompareValues(Planned(), m);
  EXPECT_EQ(values[0].state, ValueState::kMissing);
  EXPECT_EQ(values[0].cloud, "");
  EXPECT_EQ(values[1].state, ValueState::kDifferent);
  EXPECT_EQ(values[1].cloud, kOther.ToString());
  EXPECT_EQ(values[2].state, ValueState::kMissing);
  EXPECT_EQ(values[3].state, ValueState::kArrived);
  EXPECT_EQ(values[4].state, ValueState::kDifferent);
}

TEST(VerifyCompareValues, OnlyPlannedValuesAreChecked) {
  Expectation e;
  e.target_object_id = kTarget;
  e.x500s = {kExtra};
  const auto values = CompareValues(e, MailUserState{});
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0].name, "X500");
  EXPECT_EQ(values[0].state, ValueState::kMissing);
}

// ---- Classify -----------------------------------------------------------------------------------------

CloudUserState Synced(std::optional<MailUserState> mail) {
  CloudUserState u;
  u.sync_enabled = true;
  u.exchange_license = false;
  u.mail_user = std::move(mail);
  return u;
}

struct ClassifyCase {
  const char* name;
  std::function<void(Expectation&, std::optional<CloudUserState>&)> shape;  // starts from Planned/Synced(Arrived)
  SyncEvidence evidence;
  VerifyStatus expected;
  const char* reason_has;  // a piece of the reason that must be there
  const char* hint_has;    // a piece of the hint ("" = not checked)
};

TEST(VerifyClassify, EveryBranch) {
  const std::vector<ClassifyCase> cases = {
      {"everything arrived", [](auto&, auto&) {}, SyncEvidence::kSyncedOnce, VerifyStatus::kDone,
       "all 5 planned values", ""},
      {"everything arrived, even before a sync was seen", [](auto&, auto&) {}, SyncEvidence::kNotSynced,
       VerifyStatus::kDone, "all 5", ""},
      {"unknown target id", [](auto&, auto& u) { u.reset(); }, SyncEvidence::kFullCycle, VerifyStatus::kWrong,
       "has no user", "TargetExternalDirectoryObjectId"},
      {"cloud-only user", [](auto&, auto& u) { u->sync_enabled = false; }, SyncEvidence::kFullCycle,
       VerifyStatus::kWrong, "not synced from AD", "New-CtimWriteRequest"},
      {"managed in the cloud, a value not arrived",
       [](auto&, auto& u) {
         u->cloud_managed = true;
         u->mail_user->exchange_guid.reset();
       },
       SyncEvidence::kNotSynced, VerifyStatus::kWrong, "isCloudManaged", "New-CtimWriteRequest"},
      {"managed in the cloud, no mail user",
       [](auto&, auto& u) {
         u->cloud_managed = true;
         u->mail_user.reset();
       },
       SyncEvidence::kNotSynced, VerifyStatus::kWrong, "managed in the cloud", "New-CtimWriteRequest"},
      {"managed in the cloud after everything arrived", [](auto&, auto& u) { u->cloud_managed = true; },
       SyncEvidence::kNotSynced, VerifyStatus::kDone, "all 5", ""},
      {"not managed in the cloud, a value not arrived yet",
       [](auto&, auto& u) {
         u->cloud_managed = false;
         u->mail_user->exchange_guid.reset();
       },
       SyncEvidence::kNotSynced, VerifyStatus::kPending, "", ""},
      {"conflict on a planned X500, holder known",
       [](auto&, auto& u) {
         u->mail_user->email_addresses = {kLegacy};
         u->provisioning_errors = {{"PropertyConflict", "ProxyAddress", kExtra, "2026-01-10T12:10:00Z",
                                    "carol@lab.example (CN=Carol,OU=CTIM,DC=lab,DC=example)"}};
       },
       SyncEvidence::kSyncedOnce, VerifyStatus::kWrong, "held by carol@lab.example",
       "remove it from carol@lab.example"},
      {"conflict on a planned X500, holder unknown, compared case-insensitively",
       [](auto&, auto& u) {
         u->provisioning_errors = {{"PropertyConflict", "ProxyAddress", "x500:/o=fabrikam/ou=first administrative "
                                    "group/cn=recipients/cn=smith, bob", "", ""}};
       },
       SyncEvidence::kNotSynced, VerifyStatus::kWrong, "PropertyConflict on ProxyAddress", "Get-Recipient"},
      {"licensed early: EXO shows a UserMailbox",
       [](auto&, auto& u) {
         u->mail_user->recipient_type_details = "UserMailbox";
         u->mail_user->exchange_guid = kOther;
       },
       SyncEvidence::kNotSynced, VerifyStatus::kWrong, "UserMailbox with ExchangeGuid 00000000-1111",
       "PermanentlyClearPreviousMailboxInfo"},
      {"licensed early: licensed and Get-MailUser does not return it",
       [](auto&, auto& u) {
         u->mail_user.reset();
         u->exchange_license = true;
       },
       SyncEvidence::kNotSynced, VerifyStatus::kWrong, "Exchange Online license",
       "PermanentlyClearPreviousMailboxInfo"},
      {"licensed early: licensed mail user with another ExchangeGuid",
       [](auto&, auto& u) {
         u->exchange_license = true;
         u->mail_user->exchange_guid = kOther;
       },
       SyncEvidence::kNotSynced, VerifyStatus::kWrong, "planned 1ec059c7",
       "PermanentlyClearPreviousMailboxInfo"},
      {"licensed mail user with every value is fine", [](auto&, auto& u) { u->exchange_license = true; },
       SyncEvidence::kSyncedOnce, VerifyStatus::kDone, "all 5", ""},
      {"no mail user yet", [](auto&, auto& u) { u->mail_user.reset(); }, SyncEvidence::kNotSynced,
       VerifyStatus::kPending, "no mail user", "Start-ADSyncSyncCycle"},
      {"no mail user after a full cycle is still pending (EXO lags)",
       [](auto&, auto& u) { u->mail_user.reset(); }, SyncEvidence::kFullCycle, VerifyStatus::kPending,
       "no mail user", "24 hours"},
      {"no mail user and an unrelated provisioning error",
       [](auto&, auto& u) {
         u->mail_user.reset();
         u->provisioning_errors = {{"PropertyConflict", "UserPrincipalName", "x@lab.example", "", ""}};
       },
       SyncEvidence::kNotSynced, VerifyStatus::kWrong, "UserPrincipalName", "resolve the reported conflict"},
      {"values missing and an unrelated provisioning error holds the export",
       [](auto&, auto& u) {
         u->mail_user->exchange_guid.reset();
         u->provisioning_errors = {{"PropertyConflict", "UserPrincipalName", "x@lab.example", "", ""}};
       },
       SyncEvidence::kSyncedOnce, VerifyStatus::kWrong, "not in Exchange Online: ExchangeGuid",
       "holds this object"},
      {"values missing and an Exchange provisioning error",
       [](auto&, auto& u) {
         u->mail_user->exchange_guid.reset();
         u->service_errors = {"exchange/namprd03: <ErrorDescription>duplicate</ErrorDescription>"};
       },
       SyncEvidence::kSyncedOnce, VerifyStatus::kWrong, "Exchange: exchange/namprd03", ""},
      {"all arrived despite an unrelated error: done, with a note",
       [](auto&, auto& u) {
         u->provisioning_errors = {{"PropertyConflict", "UserPrincipalName", "x@lab.example", "", ""}};
       },
       SyncEvidence::kSyncedOnce, VerifyStatus::kDone, "all 5", "unrelated"},
      {"missing values, not synced since the write",
       [](auto&, auto& u) { u->mail_user->exchange_guid.reset(); }, SyncEvidence::kNotSynced,
       VerifyStatus::kPending, "no directory sync has finished since the write", "Start-ADSyncSyncCycle"},
      {"missing values, synced once", [](auto&, auto& u) { u->mail_user->email_addresses = {}; },
       SyncEvidence::kSyncedOnce, VerifyStatus::kPending, "may have read AD before the write",
       "next sync cycle"},
      {"missing values after a full cycle stay pending",
       [](auto&, auto& u) { u->mail_user->email_addresses = {}; }, SyncEvidence::kFullCycle,
       VerifyStatus::kPending, "started after the write has finished", "sync scope"},
      {"Entra has the X500s, EXO not yet",
       [](auto&, auto& u) {
         u->proxy_addresses = {kLegacy, kExtra};
         u->mail_user->email_addresses = {};
       },
       SyncEvidence::kFullCycle, VerifyStatus::kPending, "Entra ID has the values", "24 hours"},
      {"a different value before a full cycle is pending",
       [](auto&, auto& u) { u->mail_user->archive_guid = kOther; }, SyncEvidence::kSyncedOnce,
       VerifyStatus::kPending, "still holds the previous value: ArchiveGuid is 00000000-1111",
       "WRONG if the value still differs"},
      {"a different value before any sync is pending",
       [](auto&, auto& u) { u->mail_user->archive_guid = kOther; }, SyncEvidence::kNotSynced,
       VerifyStatus::kPending, "ArchiveGuid is", ""},
      {"a different value after a full cycle is wrong",
       [](auto&, auto& u) { u->mail_user->external_email_address = "SMTP:other@fabrikam.com"; },
       SyncEvidence::kFullCycle, VerifyStatus::kWrong,
       "ExternalEmailAddress is SMTP:other@fabrikam.com (planned SMTP:Lara@fabrikam.com)", "who changed it"},
      {"different and missing after a full cycle is wrong",
       [](auto&, auto& u) {
         u->mail_user->exchange_guid = kOther;
         u->mail_user->email_addresses = {};
       },
       SyncEvidence::kFullCycle, VerifyStatus::kWrong, "ExchangeGuid is", ""},
      {"archive not planned: an archive in the cloud is not checked",
       [](auto& e, auto& u) {
         e.archive_guid.reset();
         u->mail_user->archive_guid = kOther;
       },
       SyncEvidence::kFullCycle, VerifyStatus::kDone, "all 4", ""},
  };
  for (const ClassifyCase& c : cases) {
    Expectation e = Planned();
    std::optional<CloudUserState> user = Synced(Arrived());
    c.shape(e, user);
    const Verdict v = Classify(e, user ? &*user : nullptr, c.evidence, kWrite + 5min);
    EXPECT_EQ(v.status, c.expected) << c.name << ": " << v.reason;
    EXPECT_NE(v.reason.find(c.reason_has), std::string::npos) << c.name << ": reason was: " << v.reason;
    EXPECT_NE(v.hint.find(c.hint_has), std::string::npos) << c.name << ": hint was: " << v.hint;
  }
}

TEST(VerifyClassify, PendingReasonShowsTheTenantsLastSync) {
  Expectation e = Planned();
  CloudUserState u = Synced(Arrived());
  u.mail_user->exchange_guid.reset();
  const Verdict v = Classify(e, &u, SyncEvidence::kNotSynced, *ParseUtcIso8601("2026-01-10T11:30:00Z"));
  EXPECT_NE(v.reason.find("tenant last sync 2026-01-10T11:30:00Z"), std::string::npos) << v.reason;
  const Verdict never = Classify(e, &u, SyncEvidence::kNotSynced, std::nullopt);
  EXPECT_NE(never.reason.find("the tenant never synced"), std::string::npos) << never.reason;
}

TEST(VerifyClassify, AFileWithoutWriteTimeCountsFromTheStartOfVerifyAndSaysSo) {
  Expectation e = Planned();
  e.written_at.reset();
  CloudUserState u = Synced(Arrived());
  u.mail_user->exchange_guid.reset();
  const Verdict missing = Classify(e, &u, SyncEvidence::kNotSynced, kWrite);
  EXPECT_EQ(missing.status, VerifyStatus::kPending);
  EXPECT_NE(missing.reason.find("not in Exchange Online after the last sync (tenant last sync"), std::string::npos)
      << missing.reason;
  EXPECT_NE(missing.hint.find("check the write"), std::string::npos) << missing.hint;
  u.mail_user->exchange_guid = G("00000000-1111-4222-8333-444444444444");
  const Verdict different = Classify(e, &u, SyncEvidence::kSyncedOnce, kWrite);
  EXPECT_EQ(different.status, VerifyStatus::kPending);
  EXPECT_NE(different.reason.find("may have read AD before verify started"), std::string::npos) << different.reason;
  const Verdict wrong = Classify(e, &u, SyncEvidence::kFullCycle, kWrite);
  EXPECT_EQ(wrong.status, VerifyStatus::kWrong);
  EXPECT_NE(wrong.reason.find("started after verify started"), std::string::npos) << wrong.reason;
}

TEST(VerifyClassify, WrongVerdictsCarryTheComparedValues) {
  Expectation e = Planned();
  CloudUserState u = Synced(Arrived());
  u.mail_user->exchange_guid = kOther;
  const Verdict v = Classify(e, &u, SyncEvidence::kFullCycle, kWrite + 1h);
  ASSERT_EQ(v.status, VerifyStatus::kWrong);
  ASSERT_FALSE(v.values.empty());
  EXPECT_EQ(v.values[0].name, "ExchangeGuid");
  EXPECT_EQ(v.values[0].state, ValueState::kDifferent);
  EXPECT_EQ(v.values[0].planned, kExchange.ToString());
  EXPECT_EQ(v.values[0].cloud, kOther.ToString());
}

}  // namespace
}  // namespace ctim::agent
