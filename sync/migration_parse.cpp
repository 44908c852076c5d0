#include "sync/migration_parse.h"

#include "sync/json_fields.h"

namespace ctim::sync {
namespace {

Error NotJson(std::string_view what, std::string_view body) {
  return {Errc::kInternal,
          "graph " + std::string(what) + ": reply is not the expected JSON (" + std::to_string(body.size()) +
              " bytes)",
          "a proxy may have answered instead of Microsoft Graph; check graph_url"};
}

MigrationTask ParseTask(const Json& task) {
  MigrationTask out;
  out.id = StringMember(task, "id").value_or("");
  out.task_type = StringMember(task, "taskType").value_or("");
  out.last_updated = StringMember(task, "lastUpdatedDateTime").value_or("");
  const Json* statuses = Member(task, "currentStatus");
  if (statuses == nullptr || !statuses->is_array()) return out;
  for (const Json& s : *statuses) {
    MigrationServiceStatus status{StringMember(s, "service").value_or(""),
                                  StringMember(s, "status").value_or(""),
                                  StringMember(s, "message").value_or(""),
                                  {}};
    if (const Json* errors = Member(s, "errors"); errors != nullptr && errors->is_array()) {
      for (const Json& e : *errors) {
        status.errors.push_back(
            {StringMember(e, "code").value_or(""), StringMember(e, "message").value_or("")});
      }
    }
    out.current_status.push_back(std::move(status));
  }
  return out;
}

}  // namespace

std::string MigrationJobBody(const MigrationJobRequest& request) {
  // INFERRED values of jobType, resourceType and workloads (doc/migration-validation.md).
  Json body = {{"displayName", request.display_name},
               {"jobType", "validation"},
               {"resourceType", "users"},
               {"resources", request.resources},
               {"workloads", Json::array({"exchangeOnline"})},
               {"sourceTenantId", request.source_tenant_id},
               {"targetTenantId", request.target_tenant_id}};
  if (!request.complete_after.empty()) body["completeAfterDateTime"] = request.complete_after;
  return DumpJson(body);
}

Result<MigrationJob> ParseMigrationJob(std::string_view body) {
  const auto parsed = ParseJson(body);
  if (!parsed || !parsed->is_object() || !StringMember(*parsed, "id")) {
    return std::unexpected(NotJson("crossTenantMigrationJob", body));
  }
  const Json& job = *parsed;
  return MigrationJob{StringMember(job, "id").value_or(""),
                      StringMember(job, "displayName").value_or(""),
                      StringMember(job, "status").value_or(""),
                      StringMember(job, "message").value_or(""),
                      StringMember(job, "createdDateTime").value_or(""),
                      std::nullopt};
}

Result<MigrationTaskPage> ParseMigrationTaskPage(std::string_view body) {
  const auto parsed = ParseJson(body);
  const Json* value = parsed ? Member(*parsed, "value") : nullptr;
  if (value == nullptr || !value->is_array())
    return std::unexpected(NotJson("crossTenantMigrationTask page", body));
  MigrationTaskPage page;
  page.tasks.reserve(value->size());
  for (const Json& task : *value) page.tasks.push_back(ParseTask(task));
  page.next_link = StringMember(*parsed, "@odata.nextLink").value_or("");
  return page;
}

}  // namespace ctim::sync
