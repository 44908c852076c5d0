// Events in the Windows Application log under the source "ctim-agent": the service's start, its stop and
// why, and a failure with its exit code. The text is ours (%1 of the one-line messages in messages.mc);
// the installer registers ctim-agent.exe as the source's EventMessageFile so Event Viewer shows it.
#pragma once

#include <string_view>

namespace ctim::service::windows {

enum class EventSeverity { kInfo, kWarning, kError };

// RegisterEventSourceW + ReportEventW. Returns whether ReportEventW succeeded; a failure is not an error
// of the service (the log file has the same line).
bool ReportEvent(EventSeverity severity, std::string_view text);

}  // namespace ctim::service::windows
