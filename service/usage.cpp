#include "service/usage.h"

#include <fmt/format.h>

#include "service/command.h"
#include "service/default_paths.h"

namespace ctim::service {

std::string Usage() {
  std::string text =
      "ctim-agent — write Cross-Tenant Identity Mapping values into on-premises AD and verify them in the "
      "cloud\n\nUsage: ctim-agent <command> [options]   (ctim-agent <command> --help for its options)\n\n"
      "Commands:\n";
  for (const CommandSpec& command : Commands()) {
    text += fmt::format("  {:<10} {}\n", command.name, command.summary);
  }
  text +=
      "\nConfiguration: --config FILE, else $CTIM_AGENT_CONFIG, else " + Defaults().config_file + "\n"
      "\nExit codes:\n"
      "  0  done: every row written/verified, or nothing to do\n"
      "  1  finished, but some rows need attention (refused, failed, pending or wrong)\n"
      "  2  bad command line, configuration or input file; nothing was changed\n"
      "  3  AD or the cloud unreachable, or credentials/permissions refused\n"
      "  4  internal error (a bug in ctim-agent)\n"
      "  5  interrupted (SIGINT/SIGTERM); the journal records how far it got\n";
  return text;
}

}  // namespace ctim::service
