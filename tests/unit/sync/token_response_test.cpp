#include "sync/token_response.h"

#include <gtest/gtest.h>

#include "sync/json_fields.h"

namespace ctim::sync {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const SysTime kNow = std::chrono::sys_days(std::chrono::year(2025) / 1 / 2) + std::chrono::hours(3);

CredentialFacts Facts() {
  return {"11111111-2222-3333-4444-555555555555", "contoso.onmicrosoft.com",
          "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
          "0123456789ABCDEF0123456789ABCDEF01234567", kNow - std::chrono::hours(24)};
}

HttpResponse Reply(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// Splits a form body into name -> (still encoded) value.
std::map<std::string, std::string> Form(const std::string& body) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos <= body.size()) {
    const std::size_t amp = std::min(body.find('&', pos), body.size());
    const std::string pair = body.substr(pos, amp - pos);
    const std::size_t eq = pair.find('=');
    out[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
    pos = amp + 1;
  }
  return out;
}

TEST(TokenRequest, AssertionBodyHasTheRfc7523Fields) {
  const Secret body =
      TokenRequestBody("app-1", "https://graph.microsoft.com/.default", Secret("h.c.s"), Secret());
  const auto form = Form(body.Reveal());
  EXPECT_EQ(form.at("client_id"), "app-1");
  EXPECT_EQ(form.at("scope"), "https%3A%2F%2Fgraph.microsoft.com%2F.default");
  EXPECT_EQ(form.at("client_assertion_type"),
            "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer");
  EXPECT_EQ(form.at("client_assertion"), "h.c.s");
  EXPECT_EQ(form.at("grant_type"), "client_credentials");
  EXPECT_EQ(form.count("client_secret"), 0U);
  EXPECT_EQ(fmt::format("{}", body), "***");
}

TEST(TokenRequest, SecretBodyEncodesTheSecret) {
  const auto form = Form(TokenRequestBody("app-1", "s", Secret(), Secret("a+b/c=&d")).Reveal());
  EXPECT_EQ(form.at("client_secret"), "a%2Bb%2Fc%3D%26d");
  EXPECT_EQ(form.count("client_assertion"), 0U);
}

TEST(TokenResponse, SuccessGivesTokenAndExpiry) {
  auto t = ParseTokenResponse(
      Reply(200,
            R"({"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"eyJ0.x.y"})"),
      kNow, Facts());
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->value.Reveal(), "eyJ0.x.y");
  EXPECT_EQ(t->expires_at, kNow + seconds(3599));
  // The v1 endpoint's string numbers are accepted too.
  auto v1 = ParseTokenResponse(Reply(200, R"({"token_type":"Bearer","expires_in":"600","access_token":"t"})"),
                               kNow, Facts());
  ASSERT_TRUE(v1);
  EXPECT_EQ(v1->expires_at, kNow + seconds(600));
}

TEST(TokenResponse, SuccessWithoutTokenIsAnError) {
  for (std::string body : {"", "{}", R"({"access_token":"t"})", R"({"access_token":"","expires_in":5})",
                           R"({"access_token":"t","expires_in":-1})", "<html>proxy</html>"}) {
    auto t = ParseTokenResponse(Reply(200, body), kNow, Facts());
    ASSERT_FALSE(t) << body;
    EXPECT_EQ(t.error().code, Errc::kInternal) << body;
  }
}

TEST(TokenResponse, InvalidClientCarriesAadstsCodeIdsAndCertificateHint) {
  const std::string body =
      R"({"error":"invalid_client","error_description":"AADSTS700027: Client assertion failed signature validation.\r\nTrace ID: 0c4c\r\nCorrelation ID: 7f3e\r\nTimestamp: 2025-01-02 03:00:00Z","error_codes":[700027],"timestamp":"2025-01-02 03:00:00Z","trace_id":"0c4c","correlation_id":"7f3e"})";
  auto t = ParseTokenResponse(Reply(401, body), kNow, Facts());
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, Errc::kUnauthenticated);
  const std::string& m = t.error().message;
  EXPECT_NE(m.find("HTTP 401 invalid_client: AADSTS700027: Client assertion failed signature validation."),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("(trace 0c4c, correlation 7f3e)"), std::string::npos) << m;
  EXPECT_EQ(m.find("Timestamp"), std::string::npos) << "only the first description line: " << m;
  const std::string& h = t.error().hint;
  EXPECT_NE(h.find("0123456789ABCDEF0123456789ABCDEF01234567"), std::string::npos) << h;
  EXPECT_NE(h.find("EXPIRED"), std::string::npos) << h;
  EXPECT_NE(h.find("not registered"), std::string::npos) << h;
}

TEST(TokenResponse, HintPerAadstsCode) {
  struct Case {
    long code;
    std::string_view expect;
  };
  const Case cases[] = {{700024, "clock"},
                        {700016, "client_id"},
                        {90002, "preset"},
                        {7000215, "value, not its ID"},
                        {7000222, "expired"},
                        {500011, "preset"},
                        {53003, "Conditional Access"}};
  for (const Case& c : cases) {
    const std::string body = R"({"error":"invalid_request","error_description":"AADSTS)" +
                             std::to_string(c.code) + R"(: something."})";
    auto t = ParseTokenResponse(Reply(400, body), kNow, Facts());
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().code, Errc::kUnauthenticated) << c.code;
    EXPECT_EQ(AadstsCode(body), c.code);
    EXPECT_NE(t.error().hint.find(c.expect), std::string::npos) << c.code << ": " << t.error().hint;
  }
  EXPECT_FALSE(AadstsCode(R"({"error":"invalid_client"})"));
  EXPECT_TRUE(AadstsHint(1, Facts(), kNow).empty());
}

TEST(TokenResponse, ServerErrorsAreUnavailableAndRedirectsRefused) {
  auto t = ParseTokenResponse(Reply(503, "busy"), kNow, Facts());
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, Errc::kUnavailable);
  HttpResponse redirect = Reply(302, "");
  redirect.headers = {{"location", "https://login.example/other?code=secret"}};
  auto r = ParseTokenResponse(redirect, kNow, Facts());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInvalidInput);
  EXPECT_EQ(r.error().message.find("secret"), std::string::npos) << r.error().message;
}

TEST(TokenCache, ServesUntilFiveMinutesBeforeExpiry) {
  TokenCache cache;
  cache.Put("graph", {Secret("t1"), kNow + seconds(3599)}, kNow);
  EXPECT_EQ(cache.Get("graph", kNow)->Reveal(), "t1");
  EXPECT_TRUE(cache.Get("graph", kNow + seconds(3599) - minutes(5) - seconds(1)));
  EXPECT_FALSE(cache.Get("graph", kNow + seconds(3599) - minutes(5)));
  EXPECT_FALSE(cache.Get("exo", kNow));
  cache.Invalidate("graph");
  EXPECT_FALSE(cache.Get("graph", kNow));
}

TEST(TokenCache, ShortLivedTokensKeepHalfTheirLifetime) {
  TokenCache cache;
  cache.Put("exo", {Secret("t"), kNow + seconds(60)}, kNow);
  EXPECT_TRUE(cache.Get("exo", kNow + seconds(29)));
  EXPECT_FALSE(cache.Get("exo", kNow + seconds(30)));
}

TEST(TokenCache, ScopesAreSeparate) {
  TokenCache cache;
  cache.Put("https://graph.microsoft.com/.default", {Secret("g"), kNow + minutes(60)}, kNow);
  cache.Put("https://outlook.office365.com/.default", {Secret("e"), kNow + minutes(60)}, kNow);
  EXPECT_EQ(cache.Get("https://graph.microsoft.com/.default", kNow)->Reveal(), "g");
  EXPECT_EQ(cache.Get("https://outlook.office365.com/.default", kNow)->Reveal(), "e");
}

TEST(TokenResponse, AHugeExpiresInIsShortenedToADayNotOverflowed) {
  // Found by cloud_parse_fuzz: expires_in of 65731059689 s overflowed the time point (UBSan).
  const SysTime now = std::chrono::sys_days(std::chrono::year(2026) / 12 / 7);
  HttpResponse r;
  r.status = 200;
  r.body = R"({"token_type":"Bearer","expires_in":65731059689,"access_token":"eyJ0.x.y"})";
  auto t = ParseTokenResponse(r, now, CredentialFacts{});
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->expires_at, now + std::chrono::hours(24));
}

}  // namespace
}  // namespace ctim::sync
