// agent::Progress (what the writer and rollback report) drawn as a service::ProgressBar on stderr.
#pragma once

#include <string>

#include "agent/progress.h"
#include "service/progress_bar.h"

namespace ctim::service {

// `bar` must outlive the adapter. The bar draws only when it was created enabled (a terminal).
class BarProgress final : public agent::Progress {
 public:
  explicit BarProgress(ProgressBar& bar) : bar_(bar) {}
  void Start(std::size_t total, std::string_view label) override { bar_.Start(total, std::string(label)); }
  void Advance(std::size_t n) override { bar_.Advance(n); }
  void Finish() override { bar_.Finish(); }

 private:
  ProgressBar& bar_;
};

}  // namespace ctim::service
