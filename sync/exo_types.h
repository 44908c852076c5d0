// What ctim-agent reads from Exchange Online's Get-MailUser, as plain values (doc/facts.md §3.4).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/guid.h"

namespace ctim::sync {

struct MailUser {
  std::string identity;                      // Identity (or Name) as EXO reports it, for messages
  std::string external_directory_object_id;  // the Entra object id (= Graph user id)
  std::optional<Guid> exchange_guid;         // unset when absent or all-zero (not stamped)
  std::optional<Guid> archive_guid;          // unset when absent or all-zero (no archive)
  std::vector<std::string> email_addresses;  // "SMTP:a@b", "smtp:...", "X500:..."
  std::string external_email_address;        // "SMTP:source@fabrikam.com"
  std::string primary_smtp_address;
  std::string recipient_type_details;  // "MailUser"
  bool is_dir_synced = false;
  std::string when_changed;  // as EXO wrote it
  friend bool operator==(const MailUser&, const MailUser&) = default;
};

}  // namespace ctim::sync
