#include "service/state_lock.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace ctim::service {
namespace {

TEST(StateLock, ASecondHolderIsRefusedWithTheFirstOnesPidAndTheLockFreesOnRelease) {
  std::string dir = (std::filesystem::temp_directory_path() / "ctim-lock-XXXXXX").string();
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::filesystem::path file = std::filesystem::path(dir) / "serve.lock";
  {
    auto first = StateLock::Acquire(file);
    ASSERT_TRUE(first) << first.error().ToString();
    // flock(2) locks belong to the open file description: a second open in this process conflicts too.
    auto second = StateLock::Acquire(file);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, Errc::kUnavailable);
    EXPECT_NE(second.error().message.find("another ctim-agent serve (pid " + std::to_string(getpid()) + ")"),
              std::string::npos)
        << second.error().message;
    EXPECT_NE(second.error().message.find(dir), std::string::npos);
  }
  EXPECT_TRUE(StateLock::Acquire(file));  // released with the first holder
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ctim::service
