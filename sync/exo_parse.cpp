#include "sync/exo_parse.h"

#include "sync/retry.h"

namespace ctim::sync {
namespace {

// A GUID property: unset when absent, null or all-zero; an error when it is text that is not a GUID.
Result<std::optional<Guid>> GuidMember(const Json& value, std::string_view key) {
  const Json* m = Member(value, key);
  if (m == nullptr || m->is_null()) return std::optional<Guid>();
  const auto text = m->is_string() ? std::optional<std::string>(m->get<std::string>()) : std::nullopt;
  const auto guid = text ? Guid::Parse(*text) : std::nullopt;
  if (!guid) {
    return Fail(Errc::kInternal,
                "EXO returned " + std::string(key) + " = " + DumpJson(*m).substr(0, 80) + ", not a GUID");
  }
  if (guid->IsZero()) return std::optional<Guid>();
  return std::optional<Guid>(*guid);
}

std::string Collapse(std::string text) {
  for (char& c : text) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return text;
}

}  // namespace

std::string_view MailUserSelect() {
  return "Identity,ExternalDirectoryObjectId,ExchangeGuid,ArchiveGuid,EmailAddresses,ExternalEmailAddress,"
         "PrimarySmtpAddress,RecipientTypeDetails,IsDirSynced,WhenChanged";
}

Result<MailUser> ParseMailUser(const Json& value) {
  MailUser user;
  user.identity = StringMember(value, "Identity").value_or(StringMember(value, "Name").value_or(""));
  user.external_directory_object_id = StringMember(value, "ExternalDirectoryObjectId").value_or("");
  const std::string label =
      user.external_directory_object_id.empty() ? user.identity : user.external_directory_object_id;
  auto exchange = GuidMember(value, "ExchangeGuid");
  if (!exchange) return std::unexpected(std::move(exchange.error()).With("mail user " + label));
  auto archive = GuidMember(value, "ArchiveGuid");
  if (!archive) return std::unexpected(std::move(archive.error()).With("mail user " + label));
  user.exchange_guid = *exchange;
  user.archive_guid = *archive;
  user.email_addresses = StringArrayMember(value, "EmailAddresses");
  user.external_email_address = StringMember(value, "ExternalEmailAddress").value_or("");
  user.primary_smtp_address = StringMember(value, "PrimarySmtpAddress").value_or("");
  user.recipient_type_details = StringMember(value, "RecipientTypeDetails").value_or("");
  user.is_dir_synced = BoolMember(value, "IsDirSynced").value_or(false);
  user.when_changed = StringMember(value, "WhenChanged").value_or("");
  return user;
}

Result<MailUserPage> ParseMailUserPage(std::string_view body) {
  const auto parsed = ParseJson(body);
  const Json* value = parsed ? Member(*parsed, "value") : nullptr;
  if (value == nullptr || !value->is_array()) {
    return Fail(Errc::kInternal,
                "EXO InvokeCommand reply has no \"value\" array (" + std::to_string(body.size()) + " bytes)",
                "a proxy may have answered instead of Exchange Online; check exo_url");
  }
  MailUserPage page;
  page.users.reserve(value->size());
  for (const Json& v : *value) {
    auto user = ParseMailUser(v);
    if (!user) return std::unexpected(std::move(user.error()));
    page.users.push_back(std::move(*user));
  }
  page.next_link = StringMember(*parsed, "@odata.nextLink").value_or("");
  if (const Json* warnings = Member(*parsed, "@adminapi.warnings");
      warnings != nullptr && warnings->is_array()) {
    for (const Json& w : *warnings)
      page.warnings.push_back(w.is_string() ? w.get<std::string>() : DumpJson(w));
  }
  return page;
}

std::string InvokeCommandBody(std::string_view cmdlet, const Json& parameters) {
  return DumpJson(Json{{"CmdletInput", {{"CmdletName", cmdlet}, {"Parameters", parameters}}}});
}

bool IsExoNotFound(const HttpResponse& response) {
  if (response.status == 404) return true;
  if (response.status < 400) return false;
  const std::string_view body = response.body;
  return body.find("ManagementObjectNotFoundException") != std::string_view::npos ||
         body.find("couldn't be found") != std::string_view::npos ||
         body.find("could not be found") != std::string_view::npos;
}

bool IsExoAmbiguous(const HttpResponse& response) {
  return response.status >= 400 &&
         response.body.find("ManagementObjectAmbiguousException") != std::string::npos;
}

Error ExoError(const HttpResponse& response, std::string_view what) {
  const auto parsed = ParseJson(response.body);
  const Json* error = parsed ? Member(*parsed, "error") : nullptr;
  std::string message = std::string(what) + ": " + std::to_string(response.status);
  if (error != nullptr) {
    if (auto code = StringMember(*error, "code")) message += " " + *code;
    if (auto text = StringMember(*error, "message")) message += ": " + Collapse(*text);
    // EXO often repeats its message in details[] and innererror: add each text only once.
    const Json* details = Member(*error, "details");
    if (details != nullptr && details->is_array() && !details->empty()) {
      if (auto detail = StringMember((*details)[0], "message");
          detail && message.find(Collapse(*detail)) == std::string::npos) {
        message += " (" + Collapse(*detail) + ")";
      }
    }
    const Json* inner = Member(*error, "innererror");
    const Json* exception = inner != nullptr ? Member(*inner, "internalException") : nullptr;
    if (exception != nullptr) {
      if (auto text = StringMember(*exception, "message");
          text && message.find(Collapse(*text)) == std::string::npos) {
        message += " [" + Collapse(*text) + "]";
      }
    }
  } else if (!response.body.empty() && response.body.size() < 300 && !parsed) {
    message += ": " + Collapse(response.body);  // EXO sometimes answers a bare text body
  }
  if (auto id = response.Header("request-id")) message += " (request-id " + std::string(*id) + ")";

  const int s = response.status;
  if (IsExoNotFound(response)) return {Errc::kNotFound, message, {}};
  if (IsExoAmbiguous(response))
    return {Errc::kAmbiguous, message, "use the ExternalDirectoryObjectId as identity"};
  if (s == 429 || s >= 500 || IsExoConcurrencyLimit(response.body)) {
    return {Errc::kUnavailable, message, "Exchange Online is throttling or unavailable; try again later"};
  }
  if (s >= 300 && s < 400) {
    return {Errc::kInvalidInput,
            message + ", redirect to " + UrlForLog(response.Header("location").value_or("?")),
            "redirects are not followed: set exo_url to the service's final address"};
  }
  if (s == 400)
    return {Errc::kInvalidInput, message,
            "Exchange Online refused the cmdlet input; report it with the request-id"};
  if (s == 401) {
    return {Errc::kUnauthenticated, message,
            "the Exchange Online token was refused: grant the app Exchange.ManageAsApp (Office 365 Exchange "
            "Online) "
            "and admin-consent it; check exo_url belongs to the same cloud as the token authority"};
  }
  if (s == 403) {
    return {Errc::kPermissionDenied, message,
            "assign the app's service principal an Entra role that may read recipients (Global Reader or "
            "Exchange Recipient Administrator)"};
  }
  return {Errc::kInternal, message, {}};
}

}  // namespace ctim::sync
