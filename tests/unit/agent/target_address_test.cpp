// The one targetAddress / ExternalEmailAddress rule (agent/model/target_address.h), and both of its users:
// the planner's R7 and verify's ExternalEmailAddress comparison.
#include "agent/model/target_address.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/verify/verify_classify.h"

namespace ctim::agent {
namespace {

const std::vector<std::string> kProxies = {"SMTP:alice@fabrikam.example", "smtp:alice@fab.example",
                                           "smtp:a.smith@Fabrikam.Example", "X500:/o=Fabrikam/cn=alice",
                                           "SIP:alice@fabrikam.example"};

TEST(TargetAddress, ThePrimaryInAnyCaseWithOrWithoutPrefix) {
  for (const char* t : {"SMTP:alice@fabrikam.example", "smtp:ALICE@Fabrikam.Example", "alice@FABRIKAM.example"}) {
    EXPECT_EQ(MatchTargetAddress(t, "alice@fabrikam.example", kProxies), TargetAddressMatch::kPrimary) << t;
  }
}

TEST(TargetAddress, AnySecondarySmtpAddressInAnyCase) {
  for (const char* t : {"SMTP:alice@fab.example", "smtp:A.SMITH@fabrikam.example", "ALICE@FAB.EXAMPLE"}) {
    EXPECT_EQ(MatchTargetAddress(t, "alice@fabrikam.example", kProxies), TargetAddressMatch::kSecondary) << t;
    EXPECT_TRUE(RoutesToSource(t, "SMTP:alice@fabrikam.example", kProxies)) << t;
  }
}

TEST(TargetAddress, TheTargetsOwnAddressAndNonSmtpItemsAreRefused) {
  for (const char* t : {"SMTP:alice@contoso.example", "SMTP:alice@contoso.mail.onmicrosoft.com",
                        "X500:/o=Fabrikam/cn=alice", "SIP:alice@fabrikam.example", "/o=Fabrikam/cn=alice", "",
                        "SMTP:"}) {
    EXPECT_EQ(MatchTargetAddress(t, "alice@fabrikam.example", kProxies), TargetAddressMatch::kNone) << t;
  }
  EXPECT_EQ(MatchTargetAddress("SMTP:x@y", "", {}), TargetAddressMatch::kNone);
}

TEST(TargetAddress, AnUppercaseSmtpItemIsThePrimary) {
  EXPECT_EQ(MatchTargetAddress("alice@fabrikam.example", "", kProxies), TargetAddressMatch::kPrimary);
}

Expectation Expected() {
  Expectation e;
  e.external_email = "SMTP:alice@fabrikam.example";
  e.source_proxies = kProxies;
  return e;
}

TEST(TargetAddress, VerifyAcceptsASecondaryAndRefusesTheTargetsOwnAddress) {
  MailUserState m;
  m.external_email_address = "SMTP:A.Smith@fabrikam.example";
  auto values = CompareValues(Expected(), m);
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0].state, ValueState::kArrived);

  m.external_email_address = "SMTP:alice@contoso.example";
  values = CompareValues(Expected(), m);
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0].state, ValueState::kDifferent);

  Expectation from_run = Expected();
  from_run.source_proxies.clear();  // a run knows only what it wrote
  m.external_email_address = "SMTP:alice@fab.example";
  EXPECT_EQ(CompareValues(from_run, m)[0].state, ValueState::kDifferent);
}

}  // namespace
}  // namespace ctim::agent
