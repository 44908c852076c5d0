#include "agent/inbox/layout.h"

namespace ctim::agent::inbox {

Layout Layout::ForInbox(const std::filesystem::path& inbox) {
  const std::filesystem::path state = inbox.parent_path();
  return {inbox, state / "processed", state / "failed", state / "outbox", state / "serve.lock"};
}

Status Layout::Create() const {
  for (const std::filesystem::path& dir : {inbox, processed, failed, outbox}) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return Fail(Errc::kUnavailable, "cannot create " + dir.string() + ": " + ec.message(),
                  "create it for the service account, or set [service] inbox to a writable place");
    }
  }
  return {};
}

std::string Layout::StoredName(std::int64_t id, const std::string& name) {
  return std::to_string(id) + "-" + name;
}

}  // namespace ctim::agent::inbox
