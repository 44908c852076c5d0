#include "service/progress_bar.h"

#include <gtest/gtest.h>

namespace ctim::service {
namespace {

TEST(ProgressBar, RendersFractionCountAndRate) {
  EXPECT_EQ(ProgressBar::Render("write", 0, 4, 0.0, 4), "write [....] 0/4   0% 0/s");
  EXPECT_EQ(ProgressBar::Render("write", 2, 4, 12.4, 4), "write [##..] 2/4  50% 12/s");
  EXPECT_EQ(ProgressBar::Render("write", 4, 4, 1000.0, 4), "write [####] 4/4 100% 1000/s");
}

TEST(ProgressBar, NeverOverflowsWhenDoneExceedsTotalOrTotalIsZero) {
  EXPECT_EQ(ProgressBar::Render("v", 9, 4, 1.0, 4), "v [####] 9/4 100% 1/s");
  EXPECT_EQ(ProgressBar::Render("v", 0, 0, 0.0, 4), "v [####] 0/0 100% 0/s");
}

}  // namespace
}  // namespace ctim::service
