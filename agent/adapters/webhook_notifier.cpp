#include "agent/adapters/webhook_notifier.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "common/stop.h"

namespace ctim::agent {
namespace {

std::shared_ptr<spdlog::logger> Log() {
  auto logger = spdlog::get("service");
  return logger ? logger : spdlog::default_logger();
}

}  // namespace

Result<std::unique_ptr<WebhookNotifier>> WebhookNotifier::Create(const std::string& url,
                                                                 const std::string& ca_file) {
  if (!url.starts_with("https://")) {
    return Fail(Errc::kInvalidInput, "[service] notify_url is not an https:// URL",
                "webhooks are sent over TLS only");
  }
  sync::HttpOptions options;
  options.ca_file = ca_file;
  options.connect_timeout = std::chrono::seconds(5);
  options.total_timeout = std::chrono::seconds(10);
  options.max_response_bytes = 1U << 20U;
  auto http = sync::NewHttpClient(options);
  if (!http) return std::unexpected(std::move(http.error()));
  return std::unique_ptr<WebhookNotifier>(new WebhookNotifier(url, std::move(*http)));
}

WebhookNotifier::WebhookNotifier(std::string url, std::unique_ptr<sync::HttpClient> http)
    : url_(std::move(url)), host_(sync::UrlOrigin(url_)), http_(std::move(http)) {
  worker_ = std::jthread([this](std::stop_token stop) { Run(stop); });
}

WebhookNotifier::~WebhookNotifier() {
  worker_.request_stop();
  wake_.notify_all();
}

void WebhookNotifier::Notify(std::string text) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= kMaxQueued) {
      Log()->warn("notify: {} messages waiting for {}; dropping the oldest", queue_.size(), host_);
      queue_.pop_front();
    }
    queue_.push_back(std::move(text));
  }
  wake_.notify_one();
}

void WebhookNotifier::Run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    std::string text;
    {
      std::unique_lock lock(mutex_);
      if (!wake_.wait(lock, stop, [this] { return !queue_.empty(); })) return;
      text = std::move(queue_.front());
      queue_.pop_front();
    }
    bool sent = false;
    for (int attempt = 1; attempt <= kAttempts && !sent && !stop.stop_requested(); ++attempt) {
      if (attempt > 1 && !SleepFor(stop, std::chrono::seconds(attempt - 1))) return;
      sent = Send(text, stop);
    }
    if (!sent && !stop.stop_requested()) {
      Log()->error("notify: {} did not take the message after {} attempts; it is lost: {}", host_, kAttempts,
                   text);
    }
  }
}

bool WebhookNotifier::Send(const std::string& text, std::stop_token stop) {
  sync::HttpRequest request;
  request.method = sync::HttpMethod::kPost;
  request.url = url_;
  request.headers.push_back({"Content-Type", "application/json"});
  request.body = Secret(
      nlohmann::json{{"text", text}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  auto response = http_->Send(request, stop);
  if (!response) {
    Log()->warn("notify: {}: {}", host_, response.error().ToString());
    return false;
  }
  if (response->status < 200 || response->status > 299) {
    Log()->warn("notify: {} answered HTTP {}", host_, response->status);
    return false;
  }
  return true;
}

}  // namespace ctim::agent
