#include "service/command.h"

#include <array>

namespace ctim::service {

std::span<const CommandSpec> Commands() {
  static constexpr std::array kCommands = {
      CommandSpec{"config", "validate the configuration, print the settings and the commands it supports",
                  &RunConfig},
      CommandSpec{"doctor", "check the DC, TLS, bind, schema, write rights, GC and journal before a run", &RunDoctor},
      CommandSpec{"check", "check a CTIM identities file: every row validated, nothing changed", &RunCheck},
      CommandSpec{"plan", "dry run: per user, what write would change and every refusal", &RunPlan},
      CommandSpec{"write", "write the plan into AD, journaled and re-read; prints the run id", &RunWrite},
      CommandSpec{"rollback", "restore what a write run changed to the values before", &RunRollback},
      CommandSpec{"runs", "list the write and rollback runs in the journal", &RunRuns},
      CommandSpec{"show", "what one run did, per user, with every outcome", &RunShow},
      CommandSpec{"report", "one self-contained HTML file about a run: refusals, users, the verify curve", &RunReport},
      CommandSpec{"verify", "poll Graph and Exchange Online until what a run wrote has arrived", &RunVerify},
      CommandSpec{"serve", "run as a service: take files from the inbox, write by policy, verify every run",
                  &RunServe, true},
      CommandSpec{"status", "every file of serve's inbox: its state, users done/pending/wrong, what it waits for",
                  &RunStatus},
      CommandSpec{"approve", "let serve write an inbox file it holds for approval", &RunApprove},
  };
  return kCommands;
}

}  // namespace ctim::service
