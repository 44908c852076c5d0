// `ctim-agent status`: every file `serve` took from its inbox, from the journal (table inbox_files): its
// state, the users verified DONE / PENDING / WRONG, and what it waits for. Reads the journal only.
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "agent/inbox/inbox_store.h"
#include "service/cli.h"
#include "service/command.h"
#include "service/exit_codes.h"
#include "service/journal_setup.h"
#include "service/run_args.h"

namespace ctim::service {
namespace {

void PrintTable(const std::vector<agent::inbox::FileRecord>& files) {
  std::printf("%-4s %-18s %-28s %-5s %6s %7s %7s %5s  %s\n", "ID", "STATE", "FILE", "RUN", "ROWS", "DONE",
              "PENDING", "WRONG", "WAITS FOR / NOTE");
  for (const auto& f : files) {
    const std::string note = !f.waits_for.empty() ? f.waits_for : f.error;
    std::printf("%-4lld %-18s %-28s %-5s %6lld %7lld %7lld %5lld  %s\n", static_cast<long long>(f.id),
                std::string(agent::inbox::FileStateName(f.state)).c_str(), f.name.c_str(),
                f.run_id ? std::to_string(*f.run_id).c_str() : "-", static_cast<long long>(f.rows),
                static_cast<long long>(f.users_done), static_cast<long long>(f.users_pending),
                static_cast<long long>(f.users_wrong), note.c_str());
  }
  if (files.empty()) std::printf("(no file taken from the inbox yet)\n");
}

void PrintJson(const std::vector<agent::inbox::FileRecord>& files) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : files) {
    out.push_back(
        {{"id", f.id},
         {"name", f.name},
         {"stored_name", f.stored_name},
         {"sha256", f.sha256},
         {"state", std::string(agent::inbox::FileStateName(f.state))},
         {"received_at", f.received_at},
         {"updated_at", f.updated_at},
         {"run", f.run_id ? nlohmann::json(*f.run_id) : nlohmann::json(nullptr)},
         {"duplicate_of", f.duplicate_of ? nlohmann::json(*f.duplicate_of) : nlohmann::json(nullptr)},
         {"approved", f.approved},
         {"waits_for", f.waits_for},
         {"error", f.error},
         {"rows", f.rows},
         {"changes", f.changes},
         {"refused", f.refused},
         {"done", f.users_done},
         {"pending", f.users_pending},
         {"wrong", f.users_wrong}});
  }
  std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace

int RunStatus(const Invocation& invocation) {
  auto options =
      MakeOptions(invocation,
                  "Every file `serve` took from its inbox: state (received, checked, planned, "
                  "awaiting_approval, writing, written, verifying, done, failed, expired), the write run, "
                  "users DONE / PENDING / WRONG, and what it waits for. Reads only the journal.\n"
                  "Exit status: 0 listed, 2 bad option or no journal.");
  options.add_options("status")("format", "output: table or json",
                                cxxopts::value<std::string>()->default_value("table"), "FORMAT");
  AddJournalOption(options, "status");
  auto prepared = Prepare(options, invocation, ConfigNeed::kOptional);
  if (!prepared) return prepared.error();  // --help printed, or the error reported
  const cxxopts::ParseResult& parsed = prepared->parsed;
  Common& common = prepared->common;
  auto format = ReadTableOrJson(parsed);
  if (!format) return ReportError(invocation, format.error());
  auto path = JournalPath(parsed, common.config);
  if (!path) return ReportError(invocation, path.error());
  if (auto journal = OpenExistingJournal(*path); !journal) return ReportError(invocation, journal.error());
  auto store = agent::inbox::InboxStore::Open(*path);
  if (!store) return ReportError(invocation, store.error());
  auto files = store->List();
  if (!files) return ReportError(invocation, files.error());
  if (*format == agent::OutputFormat::kJson) {
    PrintJson(*files);
  } else {
    PrintTable(*files);
  }
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace ctim::service
