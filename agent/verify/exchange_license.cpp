#include "agent/verify/exchange_license.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "common/ascii.h"

namespace ctim::agent {
namespace {

// skuId of SKUs that include an Exchange Online mailbox plan (INFERRED list, see the header).
constexpr std::array<std::string_view, 28> kExchangeMailboxSkus = {
    "6fd2c87f-b296-42f0-b197-1e91e994b900",  // ENTERPRISEPACK (Office 365 E3)
    "c7df2760-2c81-4ef7-b578-5b5392b571df",  // ENTERPRISEPREMIUM (Office 365 E5)
    "26d45bd9-adf1-46cd-a9e1-51e9a5524128",  // ENTERPRISEPREMIUM_NOPSTNCONF
    "1392051d-0cb9-4b7a-88d5-621fee5e8711",  // ENTERPRISEWITHSCAL (Office 365 E4)
    "18181a46-0d4e-45cd-891e-60aabd171b4e",  // STANDARDPACK (Office 365 E1)
    "6634e0ce-1a9f-428c-a498-f84ec7b8aa2e",  // STANDARDWOFFPACK (Office 365 E2)
    "189a915c-fe4f-4ffa-bde4-85b9628d07a0",  // DEVELOPERPACK
    "4b585984-651b-448a-9e53-3b10f069cf7f",  // DESKLESSPACK (Office 365 F3)
    "05e9a617-0261-4cee-bb44-138d3ef5d965",  // SPE_E3 (Microsoft 365 E3)
    "06ebc4ee-1bb5-47dd-8120-11324bc54e06",  // SPE_E5 (Microsoft 365 E5)
    "66b55226-6b4f-492c-910c-a3b7a3c9d993",  // SPE_F1 (Microsoft 365 F3)
    "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46",  // SPB (Microsoft 365 Business Premium)
    "3b555118-da6a-4418-894f-7df1e2096870",  // O365_BUSINESS_ESSENTIALS (Business Basic)
    "f245ecc8-75af-4f8e-b61f-27d8114de5f3",  // O365_BUSINESS_PREMIUM (Business Standard)
    "dab7782a-93b1-4074-8bb1-0e61318bea0b",  // SMB_BUSINESS_ESSENTIALS
    "ac5cef5d-921b-4f97-9ef3-c99076e5470f",  // SMB_BUSINESS_PREMIUM
    "04a7fb0d-32e0-4241-b4f5-3f7618cd1162",  // MIDSIZEPACK
    "bd09678e-b83c-4d3f-aaba-3dad4abd128b",  // LITEPACK
    "fc14ec4a-4169-49a4-a51e-2c852931814b",  // LITEPACK_P2
    "4b9405b0-7788-4568-add1-99614e613b69",  // EXCHANGESTANDARD (Exchange Online Plan 1)
    "19ec0d23-8335-4cbd-94ac-6050e30712fa",  // EXCHANGEENTERPRISE (Exchange Online Plan 2)
    "7fc0182e-d107-4556-8329-7caaa511197b",  // EXCHANGEESSENTIALS
    "e8f81a67-bd96-4074-b108-cf193eb9433b",  // EXCHANGE_S_ESSENTIALS
    "80b2d799-d2ba-4d2a-8842-fb0d0f3a4b82",  // EXCHANGEDESKLESS (Exchange Online Kiosk)
    "b107e5a3-3e60-4c0d-a184-a7e4395eb44c",  // ENTERPRISEPACK_USGOV_DOD
    "aea38a85-9bd5-4981-aa00-616b411205bf",  // ENTERPRISEPACK_USGOV_GCCHIGH
    "d61d61cc-f992-433f-a577-5bd016037eeb",  // SPE_E3_USGOV_DOD
    "ca9d1dd9-dfe9-4fef-b97c-9bc1ea3c3658",  // SPE_E3_USGOV_GCCHIGH
};

}  // namespace

bool IsExchangeMailboxSku(std::string_view sku_id) {
  return std::any_of(kExchangeMailboxSkus.begin(), kExchangeMailboxSkus.end(),
                     [&](std::string_view known) { return EqualsAscii(known, sku_id); });
}

std::optional<bool> HasExchangeLicense(std::span<const std::string> sku_ids) {
  if (sku_ids.empty()) return false;
  for (const std::string& sku : sku_ids) {
    if (IsExchangeMailboxSku(sku)) return true;
  }
  return std::nullopt;
}

}  // namespace ctim::agent
