#include "sync/exo_parse.h"

#include <gtest/gtest.h>

namespace ctim::sync {
namespace {

HttpResponse Reply(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = {{"request-id", "9d2b"}};
  return r;
}

TEST(ExoParse, PageOfMailUsersWithNextLink) {
  const std::string body =
      R"json({"@odata.context":"https://outlook.office365.com/adminapi/beta/t/$metadata#Collection(Exchange.GenericHashTable)",
    "value":[
      {"Identity":"bob","ExternalDirectoryObjectId":"6a1e0d4f-0000-4000-8000-000000000001",
       "ExchangeGuid":"1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8","ArchiveGuid":"00000000-0000-0000-0000-000000000000",
       "EmailAddresses":["SMTP:bob@contoso.com","X500:/o=ExchangeLabs/ou=x/cn=Recipients/cn=bob"],
       "ExternalEmailAddress":"SMTP:bob@fabrikam.com","PrimarySmtpAddress":"bob@contoso.com",
       "RecipientTypeDetails":"MailUser","IsDirSynced":true,"WhenChanged":"2025-03-14T12:00:00+00:00"},
      {"Identity":"amy","ExternalDirectoryObjectId":"6a1e0d4f-0000-4000-8000-000000000002",
       "ExchangeGuid":"{EC6E49FA-3933-4FC8-BDB4-EB3A32E1B1B3}","ArchiveGuid":"ec6e49fa-3933-4fc8-bdb4-eb3a32e1b1b4",
       "EmailAddresses":[],"IsDirSynced":false}
    ],
    "@odata.nextLink":"https://outlook.office365.com/adminapi/beta/t/InvokeCommand?$skiptoken=abc",
    "@adminapi.warnings":["The object has been modified recently."]})json";
  auto page = ParseMailUserPage(body);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->users.size(), 2U);
  const MailUser& bob = page->users[0];
  EXPECT_EQ(bob.identity, "bob");
  EXPECT_EQ(bob.external_directory_object_id, "6a1e0d4f-0000-4000-8000-000000000001");
  ASSERT_TRUE(bob.exchange_guid);
  EXPECT_EQ(bob.exchange_guid->ToString(), "1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8");
  EXPECT_FALSE(bob.archive_guid) << "all-zero ArchiveGuid means no archive";
  EXPECT_EQ(bob.email_addresses.size(), 2U);
  EXPECT_EQ(bob.external_email_address, "SMTP:bob@fabrikam.com");
  EXPECT_EQ(bob.primary_smtp_address, "bob@contoso.com");
  EXPECT_EQ(bob.recipient_type_details, "MailUser");
  EXPECT_TRUE(bob.is_dir_synced);
  EXPECT_EQ(bob.when_changed, "2025-03-14T12:00:00+00:00");
  const MailUser& amy = page->users[1];
  EXPECT_EQ(amy.exchange_guid->ToString(), "ec6e49fa-3933-4fc8-bdb4-eb3a32e1b1b3");
  EXPECT_EQ(amy.archive_guid->ToString(), "ec6e49fa-3933-4fc8-bdb4-eb3a32e1b1b4");
  EXPECT_FALSE(amy.is_dir_synced);
  EXPECT_EQ(page->next_link, "https://outlook.office365.com/adminapi/beta/t/InvokeCommand?$skiptoken=abc");
  EXPECT_EQ(page->warnings, std::vector<std::string>{"The object has been modified recently."});
}

TEST(ExoParse, MissingOrNullGuidsAreUnsetAndJunkGuidsAreErrors) {
  auto page = ParseMailUserPage(R"({"value":[{"ExternalDirectoryObjectId":"x","ExchangeGuid":null}]})");
  ASSERT_TRUE(page);
  EXPECT_FALSE(page->users[0].exchange_guid);
  EXPECT_FALSE(page->users[0].archive_guid);
  EXPECT_TRUE(page->next_link.empty());
  for (std::string_view bad :
       {R"({"value":[{"ExternalDirectoryObjectId":"x","ExchangeGuid":"1234"}]})",
        R"({"value":[{"ExternalDirectoryObjectId":"x","ArchiveGuid":{"Guid":"y"}}]})"}) {
    auto r = ParseMailUserPage(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::kInternal);
    EXPECT_NE(r.error().message.find("mail user x"), std::string::npos) << r.error().message;
  }
  EXPECT_FALSE(ParseMailUserPage("{}"));
  EXPECT_FALSE(ParseMailUserPage("not json"));
}

TEST(ExoParse, InvokeCommandBodyShape) {
  const auto body = ParseJson(InvokeCommandBody(
      "Get-MailUser", Json{{"ResultSize", "Unlimited"}, {"Filter", "IsDirSynced -eq $true"}}));
  ASSERT_TRUE(body);
  EXPECT_EQ(
      *body,
      Json::parse(
          R"({"CmdletInput":{"CmdletName":"Get-MailUser","Parameters":{"ResultSize":"Unlimited","Filter":"IsDirSynced -eq $true"}}})"));
}

TEST(ExoParse, ErrorShapeBecomesMessage) {
  const auto r = Reply(400, R"({"error":{"code":"BadRequest","message":"Cannot bind parameter 'Filter'.",
      "details":[{"message":"Invalid filter syntax.","target":"Filter"}],
      "innererror":{"message":"x","type":"y","internalException":{"message":"ParameterBindingException"}}}})");
  const Error e = ExoError(r, "exo Get-MailUser -Filter IsDirSynced");
  EXPECT_EQ(e.code, Errc::kInvalidInput);
  EXPECT_EQ(e.message,
            "exo Get-MailUser -Filter IsDirSynced: 400 BadRequest: Cannot bind parameter 'Filter'. "
            "(Invalid filter syntax.) [ParameterBindingException] (request-id 9d2b)");
}

TEST(ExoParse, RepeatedTextIsShownOnce) {
  const std::string text =
      "ExE1E7|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The "
      "operation couldn't be performed because object 'x' couldn't be found on 'EMU01'.";
  const auto r = Reply(
      404,
      R"({"error":{"code":"NotFound","message":")" + text + R"(","details":[{"message":")" + text +
          R"(","target":""}],"innererror":{"message":")" + text +
          R"(","internalException":{"message":"The operation couldn't be performed because object 'x' couldn't be found on 'EMU01'."}}}})");
  const Error e = ExoError(r, "exo Get-MailUser x");
  EXPECT_EQ(e.code, Errc::kNotFound);
  EXPECT_EQ(e.message, "exo Get-MailUser x: 404 NotFound: " + text + " (request-id 9d2b)");
}

TEST(ExoParse, ErrorCodesByStatusAndText) {
  struct Case {
    const char* name;
    int status;
    std::string body;
    Errc code;
  };
  const Case cases[] = {
      {"404", 404, "{}", Errc::kNotFound},
      {"object not found", 500,
       R"({"error":{"code":"InternalServerError","message":"Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be performed because object 'x' couldn't be found on 'BN1PR'."}})",
       Errc::kNotFound},
      {"concurrency", 400,
       R"({"error":{"code":"BadRequest","message":"You have reached the maximum number of concurrent requests per tenant."}})",
       Errc::kUnavailable},
      {"ambiguous", 400,
       R"({"error":{"code":"BadRequest","message":"ExAB12|Microsoft.Exchange.Configuration.Tasks.ManagementObjectAmbiguousException|The operation couldn't be performed because 'bob' matches multiple entries."}})",
       Errc::kAmbiguous},
      {"401", 401, "", Errc::kUnauthenticated},
      {"403", 403, R"({"error":{"code":"Forbidden","message":"Access denied"}})", Errc::kPermissionDenied},
      {"503", 503, "Service Unavailable", Errc::kUnavailable},
      {"409", 409, "{}", Errc::kInternal},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ExoError(Reply(c.status, c.body), "exo").code, c.code) << c.name;
  }
  EXPECT_NE(ExoError(Reply(403, "{}"), "exo").hint.find("Global Reader"), std::string::npos);
  EXPECT_NE(ExoError(Reply(503, "Service Unavailable"), "exo").message.find("Service Unavailable"),
            std::string::npos);
}

}  // namespace
}  // namespace ctim::sync
