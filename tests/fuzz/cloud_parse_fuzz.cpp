// libFuzzer target for the parsers of cloud answers (sync/): Graph user pages, single users, the
// organization, cross-tenant migration jobs and their task pages, Graph and EXO error bodies, EXO mail-user
// pages, $batch replies, and token responses.
// Asserts, for any input: no crash or sanitizer report, every error has a message, and a parsed $batch
// item's header names are lower-case. Built only by the 'fuzz' preset; run by ctest for a bounded time.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sync/exo_parse.h"
#include "sync/graph_batch.h"
#include "sync/graph_parse.h"
#include "sync/migration_parse.h"
#include "sync/retry.h"
#include "sync/token_response.h"

namespace {

using namespace ctim::sync;

void Require(bool ok, const char* what, const std::string& detail = {}) {
  if (ok) return;
  std::fprintf(stderr, "cloud_parse_fuzz: invariant broken: %s %s\n", what, detail.c_str());
  std::abort();
}

template <class T>
void RequireMessage(const ctim::Result<T>& r, const char* what) {
  if (!r) Require(!r.error().message.empty(), what);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  RequireMessage(ParseUserPage(body), "a refused user page says why");
  RequireMessage(ParseUserBody(body), "a refused user says why");
  RequireMessage(ParseOrganization(body), "a refused organization says why");
  RequireMessage(ParseMailUserPage(body), "a refused mail-user page says why");
  RequireMessage(ParseMigrationJob(body), "a refused migration job says why");
  auto tasks = ParseMigrationTaskPage(body);
  RequireMessage(tasks, "a refused migration task page says why");
  if (tasks) {
    for (const MigrationTask& t : tasks->tasks) {
      for (const MigrationServiceStatus& s : t.current_status) (void)s.errors.size();
    }
  }

  auto batch = ParseBatchResponse(body);
  RequireMessage(batch, "a refused batch says why");
  if (batch) {
    for (const BatchResponseItem& item : *batch) {
      for (const HttpHeader& h : item.response.headers) {
        for (char c : h.name)
          Require(!std::isupper(static_cast<unsigned char>(c)), "header names lower-cased");
      }
      (void)ParseRetryAfter(item.response.Header("retry-after").value_or(""), SysTime{});
    }
  }

  // The same bytes as the body of answers with the statuses the clients judge.
  const int status = size > 0 ? 200 + data[0] % 400 : 500;
  HttpResponse response;
  response.status = status;
  response.body = body;
  Require(!GraphError(response, "graph GET /x").message.empty(), "a Graph error has a message");
  Require(!ExoError(response, "exo Get-MailUser x").message.empty(), "an EXO error has a message");
  (void)IsExoNotFound(response);
  (void)IsExoAmbiguous(response);
  (void)IsExoObjectLookupAnswer(body);
  (void)AadstsCode(body);
  const CredentialFacts facts{"app", "tenant", "https://login.example/t/oauth2/v2.0/token", "AB12", {}};
  for (int s : {200, status}) {
    response.status = s;
    auto token = ParseTokenResponse(response, SysTime{} + std::chrono::hours(24 * 365 * 50), facts);
    RequireMessage(token, "a refused token response says why");
    if (token) Require(!token->value.empty(), "a token is never empty");
  }
  return 0;
}
