#include "sync/exo_client.h"

#include "sync/exo_parse.h"
#include "sync/random_id.h"

namespace ctim::sync {
namespace {

// The arbitration mailbox every tenant has; the module anchors app-only calls on it [CIPP][SCUBA].
constexpr std::string_view kAnchorMailbox = "APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@";

}  // namespace

ExoAdminClient::ExoAdminClient(ResourceCaller& resource, ExoOptions options)
    : resource_(resource), options_(std::move(options)) {}

Result<MailUser> ExoAdminClient::GetMailUser(std::string_view identity, std::stop_token stop) {
  const std::string what = "exo Get-MailUser " + std::string(identity);
  auto users = Invoke("Get-MailUser", InvokeCommandBody("Get-MailUser", Json{{"Identity", identity}}), what,
                      std::move(stop));
  if (!users) return std::unexpected(std::move(users.error()));
  if (users->empty()) return Fail(Errc::kNotFound, what + ": no mail user with this identity");
  if (users->size() > 1) {
    return Fail(Errc::kAmbiguous, what + ": " + std::to_string(users->size()) + " mail users match",
                "use the ExternalDirectoryObjectId as identity");
  }
  return std::move(users->front());
}

Result<std::vector<MailUser>> ExoAdminClient::ListDirSyncedMailUsers(std::stop_token stop) {
  // $true is PowerShell's literal inside the OPATH filter, not a JSON boolean.
  const Json parameters = {{"ResultSize", "Unlimited"}, {"Filter", "IsDirSynced -eq $true"}};
  return Invoke("Get-MailUser", InvokeCommandBody("Get-MailUser", parameters),
                "exo Get-MailUser -Filter IsDirSynced", std::move(stop));
}

Result<std::vector<MailUser>> ExoAdminClient::Invoke(std::string_view cmdlet, const std::string& body,
                                                     const std::string& what, std::stop_token stop) {
  const std::string first_url = options_.exo_url + "/adminapi/beta/" + options_.tenant_id +
                                "/InvokeCommand?$select=" + std::string(MailUserSelect());
  const std::string origin = UrlOrigin(options_.exo_url);
  const Deadline operation = DeadlineIn(options_.operation_deadline);

  std::vector<MailUser> users;
  std::string url = first_url;
  // Bounded by max_pages here and by `operation` inside every call.
  for (int page = 0; !url.empty(); ++page) {
    if (page >= options_.max_pages) {
      return Fail(Errc::kUnavailable, what + ": more than " + std::to_string(options_.max_pages) + " pages",
                  "raise max_pages");
    }
    if (UrlOrigin(url) != origin) {
      return Fail(Errc::kInternal,
                  what + ": next link leaves " + origin + "; not following it with the token");
    }
    HttpRequest request;
    request.method = HttpMethod::kPost;
    request.url = url;
    request.body = Secret(body);
    request.headers = {
        {"Content-Type", "application/json; charset=utf-8"},
        {"Accept", "application/json"},
        {"X-CmdletName", std::string(cmdlet)},
        {"X-ResponseFormat", "json"},
        {"Prefer", "odata.maxpagesize=1000"},
        {"X-AnchorMailbox", std::string(kAnchorMailbox) + options_.tenant_id},
        {"client-request-id", NewGuidText()},
    };
    auto response = resource_.Send(request, std::min(operation, DeadlineIn(options_.call_deadline)), stop);
    if (!response) return std::unexpected(std::move(response.error()).With(what));
    if (response->status != 200) return std::unexpected(ExoError(*response, what));
    auto parsed = ParseMailUserPage(response->body);
    if (!parsed) return std::unexpected(std::move(parsed.error()).With(what));
    std::move(parsed->users.begin(), parsed->users.end(), std::back_inserter(users));
    url = std::move(parsed->next_link);
  }
  return users;
}

}  // namespace ctim::sync
