// The process exit codes, documented in `ctim-agent --help` and README.md. A script (or a person on a
// migration weekend) can tell apart: all done, some rows need attention, bad input, unreachable, a bug.
#pragma once

namespace ctim::service {

enum ExitCode : int {
  kExitOk = 0,            // every row done (or nothing to do)
  kExitAttention = 1,     // the run completed, but some rows were refused, failed, pending or wrong
  kExitBadInput = 2,      // bad command line, config or input file: nothing was changed
  kExitUnavailable = 3,   // AD or the cloud unreachable, or credentials/permissions refused
  kExitInternal = 4,      // a bug in ctim-agent
  kExitInterrupted = 5,   // stopped by SIGINT/SIGTERM before finishing; the journal says where
  kExitMicrosoftRejected = 6,  // verify: every object DONE in our verdict, but Microsoft's migration validation
                               // rejected at least one (--with-migration-validation, doc/migration-validation.md)
};

}  // namespace ctim::service
