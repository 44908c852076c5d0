#include "common/stop.h"

#include <condition_variable>
#include <mutex>

namespace ctim {

bool SleepFor(std::stop_token stop, std::chrono::milliseconds d) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  cv.wait_for(lock, stop, d, [] { return false; });
  // wait_for returns the predicate's value, not whether a stop came: check explicitly.
  return !stop.stop_requested();
}

}  // namespace ctim
