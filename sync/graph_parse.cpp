#include "sync/graph_parse.h"

namespace ctim::sync {
namespace {

std::optional<SysTime> TimeMember(const Json& value, std::string_view key) {
  const auto text = StringMember(value, key);
  return text ? ParseUtcIso8601(*text) : std::nullopt;
}

Error NotJson(std::string_view what, std::string_view body) {
  return {Errc::kInternal,
          "graph " + std::string(what) + ": reply is not the expected JSON (" + std::to_string(body.size()) +
              " bytes)",
          "a proxy may have answered instead of Microsoft Graph; check graph_url"};
}

}  // namespace

std::string_view GraphUserSelect() {
  return "id,userPrincipalName,mail,proxyAddresses,assignedLicenses,onPremisesSyncEnabled,"
         "onPremisesImmutableId,onPremisesSecurityIdentifier,onPremisesDistinguishedName,"
         "onPremisesLastSyncDateTime,onPremisesProvisioningErrors,serviceProvisioningErrors";
}

CloudUser ParseCloudUser(const Json& user) {
  CloudUser out;
  out.id = StringMember(user, "id").value_or("");
  out.user_principal_name = StringMember(user, "userPrincipalName").value_or("");
  out.mail = StringMember(user, "mail").value_or("");
  out.on_premises_sync_enabled = BoolMember(user, "onPremisesSyncEnabled");
  out.on_premises_immutable_id = StringMember(user, "onPremisesImmutableId").value_or("");
  out.on_premises_security_identifier = StringMember(user, "onPremisesSecurityIdentifier").value_or("");
  out.on_premises_distinguished_name = StringMember(user, "onPremisesDistinguishedName").value_or("");
  out.on_premises_last_sync = TimeMember(user, "onPremisesLastSyncDateTime");
  out.proxy_addresses = StringArrayMember(user, "proxyAddresses");
  if (const Json* licenses = Member(user, "assignedLicenses"); licenses != nullptr && licenses->is_array()) {
    for (const Json& license : *licenses) {
      if (auto sku = StringMember(license, "skuId")) out.assigned_license_sku_ids.push_back(*sku);
    }
  }
  if (const Json* errors = Member(user, "onPremisesProvisioningErrors");
      errors != nullptr && errors->is_array()) {
    for (const Json& e : *errors) {
      out.provisioning_errors.push_back(
          {StringMember(e, "category").value_or(""), StringMember(e, "propertyCausingError").value_or(""),
           StringMember(e, "value").value_or(""), StringMember(e, "occurredDateTime").value_or("")});
    }
  }
  if (const Json* errors = Member(user, "serviceProvisioningErrors");
      errors != nullptr && errors->is_array()) {
    for (const Json& e : *errors) {
      out.service_provisioning_errors.push_back(
          {StringMember(e, "serviceInstance").value_or(""), StringMember(e, "errorDetail").value_or(""),
           BoolMember(e, "isResolved").value_or(false), StringMember(e, "createdDateTime").value_or("")});
    }
  }
  return out;
}

Result<UserPage> ParseUserPage(std::string_view body) {
  const auto parsed = ParseJson(body);
  const Json* value = parsed ? Member(*parsed, "value") : nullptr;
  if (value == nullptr || !value->is_array()) return std::unexpected(NotJson("users page", body));
  UserPage page;
  page.users.reserve(value->size());
  for (const Json& user : *value) page.users.push_back(ParseCloudUser(user));
  page.next_link = StringMember(*parsed, "@odata.nextLink").value_or("");
  return page;
}

Result<CloudUser> ParseUserBody(std::string_view body) {
  const auto parsed = ParseJson(body);
  if (!parsed || !parsed->is_object() || !StringMember(*parsed, "id"))
    return std::unexpected(NotJson("user", body));
  return ParseCloudUser(*parsed);
}

Result<OrganizationSync> ParseOrganization(std::string_view body) {
  const auto parsed = ParseJson(body);
  const Json* value = parsed ? Member(*parsed, "value") : nullptr;
  if (value == nullptr || !value->is_array()) return std::unexpected(NotJson("organization", body));
  if (value->empty()) {
    return Fail(Errc::kPermissionDenied, "graph GET /organization returned no organization",
                "grant the app Organization.Read.All (application) and admin-consent it");
  }
  const Json& org = (*value)[0];
  return OrganizationSync{StringMember(org, "id").value_or(""), BoolMember(org, "onPremisesSyncEnabled"),
                          TimeMember(org, "onPremisesLastSyncDateTime")};
}

Error GraphError(const HttpResponse& response, std::string_view what) {
  const auto parsed = ParseJson(response.body);
  const Json* error = parsed ? Member(*parsed, "error") : nullptr;
  std::string code = error != nullptr ? StringMember(*error, "code").value_or("") : "";
  std::string text = error != nullptr ? StringMember(*error, "message").value_or("") : "";
  std::string request_id(response.Header("request-id").value_or(""));
  if (request_id.empty() && error != nullptr) {
    const Json* inner = Member(*error, "innerError");
    if (inner == nullptr) inner = Member(*error, "innererror");
    if (inner != nullptr) request_id = StringMember(*inner, "request-id").value_or("");
  }

  std::string message = std::string(what) + ": " + std::to_string(response.status);
  if (!code.empty()) message += " " + code;
  if (!text.empty()) message += ": " + text;
  if (!request_id.empty()) message += " (request-id " + request_id + ")";

  const int s = response.status;
  if (s >= 300 && s < 400) {
    return {Errc::kInvalidInput,
            message + ", redirect to " + UrlForLog(response.Header("location").value_or("?")),
            "redirects are not followed: set graph_url to the service's final address"};
  }
  if (s == 400)
    return {Errc::kInvalidInput, message,
            "the request was refused as malformed; report it with the request-id"};
  if (s == 401) {
    return {
        Errc::kUnauthenticated, message,
        "the Graph token was refused: check that the token authority and graph_url belong to the same cloud"};
  }
  if (s == 403) {
    return {
        Errc::kPermissionDenied, message,
        "grant the app the Microsoft Graph application permissions User.Read.All (or Directory.Read.All) and "
        "Organization.Read.All, then admin-consent them"};
  }
  if (s == 404) return {Errc::kNotFound, message, {}};
  if (s == 429 || s >= 500)
    return {Errc::kUnavailable, message, "Microsoft Graph is throttling or unavailable; try again later"};
  return {Errc::kInternal, message, {}};
}

std::string ODataQuote(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

}  // namespace ctim::sync
