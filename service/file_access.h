// Who may read the files the agent reads secrets from or writes its journal to (doc/secret-files.md):
// ownership and mode bits on POSIX (service/posix/file_access.cpp), the file's DACL on Windows
// (service/windows/file_access.cpp, doc/windows.md).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace ctim::service {

// Refuses a secret file (keytab, private key, password file, client secret) that its group or others may
// read or write, or that belongs to a user other than the one this process runs as (or root); on Windows,
// one whose DACL lets Everyone, Users or Authenticated Users read it. `what` names the setting
// ("[ldap] keytab"). The hint gives the exact chmod/chown (icacls) to run. A path that cannot
// be examined at all (missing, a folder without search rights) passes: the reader that opens it next
// says why in its own words.
Status CheckSecretFile(const std::string& path, std::string_view what);

// "owned by alice (uid 1000), group adm, mode 0644; this process runs as ctim-agent (uid 999)", or ""
// when the path cannot be examined: for an error about a file this process cannot open or write.
std::string DescribeAccess(const std::string& path);

// Refuses, before SQLite is asked, a journal this process could not write: the journal file or one of
// its -wal, -shm and .lock files exists and this user may not read and write it, or none exists and the
// folder does not let this user create them. The message says who owns what, with which mode.
Status CheckJournalWritable(const std::string& path);

// POSIX: sets the process umask to 077, so every file the agent creates (the journal and its -wal, -shm and
// .lock files) is readable and writable by its own user only. Windows: nothing; new files inherit the
// ACL of %ProgramData%\ctim-agent, which the installer limits (packaging/windows/).
void MakeNewFilesPrivate();

}  // namespace ctim::service
