// `write_bench --fake-dc`: the agent's own write path in process against tests/bench/fake_directory.h, for
// the CPU and memory the agent itself spends per row (no DC, no lab). See write_bench.cpp's header comment.
#pragma once

#include <vector>

namespace ctim::bench {

// Measures each size in its own forked child; prints the figures. 0 when every size wrote and confirmed all
// its rows, 1 otherwise, 2 when the benchmark could not run.
int RunFakeDc(const std::vector<int>& sizes);

}  // namespace ctim::bench
