// Does a Graph assignedLicenses list give the user an Exchange Online mailbox plan? (R9, and the verify
// check for a target licensed too early.) INFERRED: Graph's user object carries only skuIds; which plans a
// SKU contains is in the tenant's subscribedSkus, which the agent does not read. This file holds the one
// table of well-known SKUs that include an Exchange Online mailbox plan (EXCHANGE_S_STANDARD/ENTERPRISE/
// DESKLESS/ESSENTIALS), from Microsoft's "Product names and service plan identifiers for licensing".
// Change it here only.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ctim::agent {

// True when `sku_id` (any case) is a SKU known to include an Exchange Online mailbox plan.
[[nodiscard]] bool IsExchangeMailboxSku(std::string_view sku_id);

// true: at least one SKU includes Exchange Online; false: no license at all; nullopt: only SKUs this
// table does not know (they may or may not include Exchange Online).
[[nodiscard]] std::optional<bool> HasExchangeLicense(std::span<const std::string> sku_ids);

}  // namespace ctim::agent
