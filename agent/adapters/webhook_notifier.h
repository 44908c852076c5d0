// agent/inbox/notifier.h over an HTTPS incoming webhook (Teams and Slack accept the same body): each message
// is POSTed as {"text": "..."} with Content-Type application/json. Notify() only appends to a bounded queue
// (kMaxQueued; when full the oldest message is dropped and a warning logged); one worker thread sends, each
// message at most kAttempts times (10 s per attempt, 1 s then 2 s apart), then logs it as lost. A 2xx status
// is delivered; anything else is retried. The destructor stops the worker within one attempt.
// The URL is never logged whole (webhook URLs carry their secret in the path): only its scheme and host.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "agent/inbox/notifier.h"
#include "common/result.h"
#include "sync/http_client.h"

namespace ctim::agent {

class WebhookNotifier final : public inbox::Notifier {
 public:
  static constexpr std::size_t kMaxQueued = 64;
  static constexpr int kAttempts = 3;

  // kInvalidInput when `url` is not https://; the HTTP client's error otherwise.
  [[nodiscard]] static Result<std::unique_ptr<WebhookNotifier>> Create(const std::string& url,
                                                                       const std::string& ca_file);
  ~WebhookNotifier() override;
  void Notify(std::string text) override;

 private:
  WebhookNotifier(std::string url, std::unique_ptr<sync::HttpClient> http);
  void Run(std::stop_token stop);
  [[nodiscard]] bool Send(const std::string& text, std::stop_token stop);

  std::string url_;
  std::string host_;  // for log lines
  std::unique_ptr<sync::HttpClient> http_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::deque<std::string> queue_;
  std::jthread worker_;  // last: started after every other member exists, joined first
};

}  // namespace ctim::agent
