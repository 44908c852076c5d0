// `ctim-agent approve FILE-ID`: lets `serve` write an inbox file it holds for approval (the id `status`
// lists). Only marks the file approved in the journal; the running serve writes it within a second or two
// (planned again from AD first). The other way to approve: drop "<name>.approve" into the inbox.
#include <charconv>
#include <cstdio>

#include "agent/inbox/inbox_store.h"
#include "service/cli.h"
#include "service/command.h"
#include "service/exit_codes.h"
#include "service/journal_setup.h"

namespace ctim::service {

int RunApprove(const Invocation& invocation) {
  constexpr std::string_view kUsage = "ctim-agent approve FILE-ID   (the ids ctim-agent status lists)";
  auto options =
      MakeOptions(invocation,
                  "Approve an inbox file that `serve` holds for approval (state awaiting_approval): the "
                  "service plans it again from AD and writes it. Rows refused for a different GUID "
                  "stay refused (ctim-agent write --overwrite-guid replaces those).\n"
                  "Exit status: 0 approved, 2 no such file, not awaiting approval, or no journal.");
  options.add_options("approve")("id", "the inbox file id", cxxopts::value<std::string>());
  options.parse_positional({"id"});
  options.positional_help("FILE-ID");
  AddJournalOption(options, "approve");
  auto prepared = Prepare(options, invocation, ConfigNeed::kOptional);
  if (!prepared) return prepared.error();  // --help printed, or the error reported
  const cxxopts::ParseResult& parsed = prepared->parsed;
  Common& common = prepared->common;
  if (parsed.count("id") == 0) {
    return ReportError(invocation, {Errc::kInvalidInput, "no file id given", std::string(kUsage)});
  }
  const std::string text = parsed["id"].as<std::string>();
  agent::inbox::FileId id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id < 1) {
    return ReportError(
        invocation, {Errc::kInvalidInput, "FILE-ID \"" + text + "\" is not a file id", std::string(kUsage)});
  }
  auto path = JournalPath(parsed, common.config);
  if (!path) return ReportError(invocation, path.error());
  if (auto journal = OpenExistingJournal(*path); !journal) return ReportError(invocation, journal.error());
  auto store = agent::inbox::InboxStore::Open(*path);
  if (!store) return ReportError(invocation, store.error());
  auto approved = store->Approve(id);
  if (!approved) return ReportError(invocation, approved.error());
  std::printf("inbox file %lld (%s) approved; the running serve writes it next\n", static_cast<long long>(id),
              approved->name.c_str());
  return kExitOk;
}

}  // namespace ctim::service
