#include "agent/report/html_report.h"

#include <gtest/gtest.h>

#include "agent/report/run_report_data.h"
#include "report_fixture.h"

namespace ctim::agent::report {
namespace {

using testing::ExpectGolden;
using testing::SampleIntents;
using testing::SamplePlan;
using testing::SampleRun;

RunReportData Sample() {
  const Plan plan = SamplePlan();
  RunReportData d;
  d.run = SampleRun();
  d.intents = SampleIntents(plan, 6);
  d.findings = RowFindingsOf(plan);
  d.findings.push_back({99, "row 99 (<script>alert(1)</script>@fabrikam.example)", "", "R2", "refused",
                        "two objects match: \"CN=a&b\" and 'CN=c'", "fix the row"});
  d.verifications.push_back({plan.rows[0].change_set.object_guid, plan.rows[0].target_object_id, 2,
                             VerifyStatus::kDone, "all 3 planned values are in Exchange Online",
                             "2026-12-06T07:00:00.000Z", ""});
  d.passes = {{"2026-12-05T22:30:00.000Z", 0, 6, 0, ""},
              {"2026-12-05T23:00:00.000Z", 2, 4, 0, "2026-12-05T22:45:00Z"},
              {"2026-12-05T23:30:00.000Z", 4, 1, 1, "2026-12-05T23:15:00Z"}};
  return d;
}

TEST(HtmlReport, MatchesTheGoldenFile) {
  ExpectGolden("report.html", FormatHtmlReport(Sample(), "2026-12-06T08:00:00.000Z"));
}

TEST(HtmlReport, EveryValueIsEscapedAndNothingIsLoaded) {
  const std::string html = FormatHtmlReport(Sample(), "2026-12-06T08:00:00.000Z");
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&quot;CN=a&amp;b&quot; and &#39;CN=c&#39;"), std::string::npos);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find(" href="), std::string::npos);
}

TEST(HtmlReport, EveryPassIsAPointPerSeriesAndEverySyncAMark) {
  const std::string html = FormatHtmlReport(Sample(), "2026-12-06T08:00:00.000Z");
  EXPECT_NE(html.find("data-series=\"done\" data-at=\"2026-12-05T23:30:00.000Z\" data-count=\"4\""),
            std::string::npos);
  EXPECT_NE(html.find("data-series=\"wrong\" data-at=\"2026-12-05T23:30:00.000Z\" data-count=\"1\""),
            std::string::npos);
  EXPECT_NE(html.find("data-series=\"pending\" data-at=\"2026-12-05T22:30:00.000Z\" data-count=\"6\""),
            std::string::npos);
  std::size_t circles = 0;
  for (auto at = html.find("<circle"); at != std::string::npos; at = html.find("<circle", at + 1)) ++circles;
  EXPECT_EQ(circles, 9u);
  EXPECT_NE(html.find("data-sync=\"2026-12-05T22:45:00Z\""), std::string::npos);
  EXPECT_NE(html.find("data-sync=\"2026-12-05T23:15:00Z\""), std::string::npos);
}

TEST(HtmlReport, EveryRefusalIsListedWithItsFix) {
  const std::string html = FormatHtmlReport(Sample(), "2026-12-06T08:00:00.000Z");
  EXPECT_NE(html.find("rerun with --overwrite-guid"), std::string::npos);
  EXPECT_NE(html.find("remove it from the other object, or fix the row"), std::string::npos);
}

TEST(HtmlReport, WithoutPassesItSaysHowToGetThem) {
  RunReportData d = Sample();
  d.passes.clear();
  const std::string html = FormatHtmlReport(d, "2026-12-06T08:00:00.000Z");
  EXPECT_NE(html.find("No verify pass is recorded for this run yet"), std::string::npos);
  EXPECT_EQ(html.find("<circle"), std::string::npos);
}

}  // namespace
}  // namespace ctim::agent::report
