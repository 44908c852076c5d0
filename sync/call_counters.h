// How many requests the cloud clients sent, per API, for "calls made" in verify reports and benchmarks.
// Every HTTP attempt counts as a call (a retried request counts once per attempt, and once in `retries`).
// Thread-safe; counters only grow.
#pragma once

#include <atomic>
#include <cstdint>

namespace ctim::sync {

enum class Api { kToken, kGraph, kExo };

struct CallCounts {
  std::uint64_t token_calls = 0;
  std::uint64_t graph_calls = 0;  // Graph requests (a $batch of 20 sub-requests is one call)
  std::uint64_t exo_calls = 0;
  std::uint64_t retries = 0;    // attempts after the first, all APIs, incl. re-sent $batch items
  std::uint64_t throttled = 0;  // responses that were 429 or carried a throttling body, incl. batch items
  std::uint64_t graph_resource_units = 0;  // sum of Graph's x-ms-resource-unit, incl. $batch items
  std::uint64_t paced = 0;                 // pauses made because Graph reported >= 80% of its budget used
  std::uint64_t paced_ms = 0;              // their total length
  friend bool operator==(const CallCounts&, const CallCounts&) = default;
};

class CallCounters {
 public:
  void CountCall(Api api) {
    switch (api) {
      case Api::kToken:
        token_calls_.fetch_add(1, std::memory_order_relaxed);
        break;
      case Api::kGraph:
        graph_calls_.fetch_add(1, std::memory_order_relaxed);
        break;
      case Api::kExo:
        exo_calls_.fetch_add(1, std::memory_order_relaxed);
        break;
    }
  }
  void CountRetry() { retries_.fetch_add(1, std::memory_order_relaxed); }
  void CountThrottled() { throttled_.fetch_add(1, std::memory_order_relaxed); }
  void CountResourceUnits(std::uint64_t units) {
    resource_units_.fetch_add(units, std::memory_order_relaxed);
  }
  void CountPause(std::uint64_t ms) {
    paced_.fetch_add(1, std::memory_order_relaxed);
    paced_ms_.fetch_add(ms, std::memory_order_relaxed);
  }

  [[nodiscard]] CallCounts Snapshot() const {
    return {token_calls_.load(std::memory_order_relaxed), graph_calls_.load(std::memory_order_relaxed),
            exo_calls_.load(std::memory_order_relaxed),   retries_.load(std::memory_order_relaxed),
            throttled_.load(std::memory_order_relaxed),   resource_units_.load(std::memory_order_relaxed),
            paced_.load(std::memory_order_relaxed),       paced_ms_.load(std::memory_order_relaxed)};
  }

 private:
  std::atomic<std::uint64_t> token_calls_{0};
  std::atomic<std::uint64_t> graph_calls_{0};
  std::atomic<std::uint64_t> exo_calls_{0};
  std::atomic<std::uint64_t> retries_{0};
  std::atomic<std::uint64_t> throttled_{0};
  std::atomic<std::uint64_t> resource_units_{0};
  std::atomic<std::uint64_t> paced_{0};
  std::atomic<std::uint64_t> paced_ms_{0};
};

[[nodiscard]] constexpr const char* ApiName(Api api) {
  switch (api) {
    case Api::kToken:
      return "token";
    case Api::kGraph:
      return "graph";
    case Api::kExo:
      return "exo";
  }
  return "?";
}

}  // namespace ctim::sync
