// What the planner may do and what it checks readiness against. Defaults are the safe choice.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ctim::agent {

struct PlanOptions {
  // --overwrite-guid: replace a DIFFERENT msExchMailboxGuid / msExchArchiveGUID (compare-and-swap) instead
  // of refusing the row (R4/R5). For one run; journaled like every change, so rollback restores the old GUID.
  bool overwrite_guid = false;
  // SMTP domains the target tenant owns (R8 readiness warning: primary SMTP not in one of them). Empty: only
  // "primary SMTP is in a SOURCE domain" is checked.
  std::vector<std::string> target_domains;
  // The target delivery domain, "<tenant>.mail.onmicrosoft.com" (R8 warning when no proxy is in it).
  // Empty: not checked, and the plan says so.
  std::string target_delivery_domain;
  // proxyAddresses rangeUpper (characters per value) [ADA3].
  std::size_t max_proxy_length = 1123;
};

}  // namespace ctim::agent
