#include "agent/verify/verify_time.h"

#include <gtest/gtest.h>

#include "agent/verify/exchange_license.h"

namespace ctim::agent {
namespace {

using namespace std::chrono_literals;

TEST(VerifyTime, ParsesTheJournalAndGraphForms) {
  const auto graph = ParseUtcIso8601("2026-11-24T20:03:01Z");
  ASSERT_TRUE(graph);
  EXPECT_EQ(FormatUtcIso8601(*graph), "2026-11-24T20:03:01Z");
  const auto journal = ParseUtcIso8601("2026-11-24T20:03:01.789Z");
  ASSERT_TRUE(journal);
  EXPECT_EQ(*journal - *graph, 789ms);
  const auto seven = ParseUtcIso8601("2026-11-24T20:03:01.1234567Z");
  ASSERT_TRUE(seven);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::microseconds>(*seven - *graph), 123456us);
  EXPECT_EQ(ParseUtcIso8601("2026-11-24T22:03:01+02:00"), graph);
  EXPECT_EQ(ParseUtcIso8601("2026-11-24T18:03:01-02:00"), graph);
}

TEST(VerifyTime, RefusesEverythingElse) {
  for (const char* bad : {"", "2026-11-24", "2026-11-24T20:03:01", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                          "2026-11-24T24:00:00Z", "2026-11-24T20:03:01.Z", "2026-11-24T20:03:01Zjunk",
                          "2026-11-24T20:03:01+0200", "x026-11-24T20:03:01Z"}) {
    EXPECT_FALSE(ParseUtcIso8601(bad)) << bad;
  }
}

TEST(VerifyTime, FormatsWholeSecondsBeforeAndAfterTheEpoch) {
  EXPECT_EQ(FormatUtcIso8601(TimePoint{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtcIso8601(*ParseUtcIso8601("1969-12-31T23:59:59.500Z")), "1969-12-31T23:59:59Z");
}

TEST(ExchangeLicense, KnownSkusAnyCaseEmptyAndUnknown) {
  EXPECT_TRUE(IsExchangeMailboxSku("6fd2c87f-b296-42f0-b197-1e91e994b900"));  // E3, the emulator's
  EXPECT_TRUE(IsExchangeMailboxSku("4B9405B0-7788-4568-ADD1-99614E613B69"));  // Exchange Online Plan 1
  EXPECT_FALSE(IsExchangeMailboxSku("078d2b04-f1bd-4111-bbd4-b4b1b354cef4"));  // Entra ID P1: no mailbox
  EXPECT_EQ(HasExchangeLicense(std::vector<std::string>{}), std::optional<bool>(false));
  EXPECT_EQ(HasExchangeLicense(std::vector<std::string>{"078d2b04-f1bd-4111-bbd4-b4b1b354cef4",
                                                        "05e9a617-0261-4cee-bb44-138d3ef5d965"}),
            std::optional<bool>(true));
  EXPECT_EQ(HasExchangeLicense(std::vector<std::string>{"078d2b04-f1bd-4111-bbd4-b4b1b354cef4"}), std::nullopt);
}

}  // namespace
}  // namespace ctim::agent
