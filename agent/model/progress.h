// How long-running agent work (write, re-read, rollback) reports progress. service/ implements it as a
// terminal bar (only when stderr is a terminal); NullProgress reports nothing. Called from the thread that
// runs the work; implementations need not be thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace ctim::agent {

class Progress {
 public:
  virtual ~Progress() = default;
  // A new phase of `total` units (objects), e.g. Start(2000, "writing").
  virtual void Start(std::size_t total, std::string_view label) = 0;
  virtual void Advance(std::size_t n) = 0;
  // The phase ended (completely or not); the next call, if any, is Start.
  virtual void Finish() = 0;
};

class NullProgress final : public Progress {
 public:
  void Start(std::size_t, std::string_view) override {}
  void Advance(std::size_t) override {}
  void Finish() override {}
};

}  // namespace ctim::agent
