// Property: any valid identity, written out as CSV (any column order, line ends, BOM, UTF-8 or UTF-16,
// ';'-separated or JSON EmailAddresses, unknown extra columns) and read back, is identical.
// Random but seeded: a failure names the seed and the row and reproduces.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "reader_test_util.h"

namespace ctim::agent {
namespace {

using Rng = std::mt19937_64;

struct Expected {
  SourceIdentity id;
  std::vector<std::string> cells;  // by canonical column name order of kColumns
  std::string notes;               // the unknown extra column
};

const std::vector<std::string> kColumns = {"SourceExternalDirectoryObjectId",
                                           "SourceUserPrincipalName",
                                           "PrimarySmtpAddress",
                                           "ExchangeGuid",
                                           "ArchiveGuid",
                                           "LegacyExchangeDN",
                                           "EmailAddresses",
                                           "TargetExternalDirectoryObjectId",
                                           "MigrationStatus",
                                           "LitigationHoldEnabled",
                                           "SingleItemRecoveryEnabled",
                                           "ElcMailboxFlags",
                                           "Notes"};

std::size_t Pick(Rng& rng, std::size_t n) {
  return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
}
bool Coin(Rng& rng, int one_in = 2) { return Pick(rng, static_cast<std::size_t>(one_in)) == 0; }

// Pieces that stress the CSV and the splitter: delimiters, quotes, ';' (but never ':' unless `colon`), and
// multi-byte UTF-8 of every length.
std::string Text(Rng& rng, std::size_t max_pieces, bool colon) {
  static const std::vector<std::string> pieces = {"a",
                                                  "Z",
                                                  "0",
                                                  " ",
                                                  ",",
                                                  "\"",
                                                  "\"\"",
                                                  ";",
                                                  "/",
                                                  "=",
                                                  "-",
                                                  "(",
                                                  ")",
                                                  "'",
                                                  "\xC3\xBC",
                                                  "\xE2\x82\xAC",
                                                  "\xF0\x9F\x98\x80",
                                                  "\xE6\x97\xA5\xE6\x9C\xAC",
                                                  "Smith, John",
                                                  ";P=x"};
  std::string out;
  const std::size_t n = 1 + Pick(rng, max_pieces);
  for (std::size_t i = 0; i < n; ++i) out += pieces[Pick(rng, pieces.size())];
  if (colon && Coin(rng, 3)) out += ";smtp:not-split";
  return out;
}

std::string RandomGuidText(Rng& rng, Guid& guid) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  do {
    text.clear();
    for (int i = 0; i < 32; ++i) {
      if (i == 8 || i == 12 || i == 16 || i == 20) text.push_back('-');
      text.push_back(kHex[Pick(rng, 16)]);
    }
    guid = *Guid::Parse(text);
  } while (guid.IsZero());
  if (Coin(rng))
    std::transform(text.begin(), text.end(), text.begin(),
                   [](char c) { return c >= 'a' && c <= 'f' ? static_cast<char>(c - 32) : c; });
  if (Coin(rng, 4)) text = "{" + text + "}";
  return text;
}

std::string LocalPart(Rng& rng) {
  static const std::vector<std::string> pieces = {"a",    "b", "Z",        "9",   "o'neil",
                                                  "+tag", "_", "\xC3\xBC", "x.y", "!#$%&*=?^`{|}~"};
  std::string out;
  const std::size_t n = 1 + Pick(rng, 4);
  for (std::size_t i = 0; i < n; ++i) out += pieces[Pick(rng, pieces.size())];
  return out;
}

std::string Address(Rng& rng) {
  static const std::vector<std::string> domains = {"fabrikam.com", "m\xC3\xBCller.example.de", "x-1.co",
                                                   "contoso.mail.onmicrosoft.com"};
  return LocalPart(rng) + "@" + domains[Pick(rng, domains.size())];
}

Expected Generate(Rng& rng, int n, bool json) {
  Expected e;
  SourceIdentity& id = e.id;
  e.cells.resize(kColumns.size());
  Guid g;
  e.cells[0] = RandomGuidText(rng, g);
  id.source_object_id = e.cells[0];
  e.cells[1] = Coin(rng, 5) ? "" : Address(rng);
  id.source_upn = e.cells[1];
  e.cells[2] = Address(rng);
  id.primary_smtp = e.cells[2];
  e.cells[3] = RandomGuidText(rng, id.exchange_guid);
  switch (Pick(rng, 3)) {
    case 0:
      e.cells[4] = "";
      break;
    case 1:
      e.cells[4] = "00000000-0000-0000-0000-000000000000";
      break;
    default:
      e.cells[4] = RandomGuidText(rng, g);
      id.archive_guid = g;
  }
  e.cells[5] = (Coin(rng) ? "/o=" : "/O=") + Text(rng, 12, false) + "/cn=Recipients/cn=" + std::to_string(n);
  id.legacy_exchange_dn = e.cells[5];

  std::vector<std::string> items;
  const std::size_t count = Pick(rng, 6);
  for (std::size_t k = 0; k < count; ++k) {
    std::string item;
    switch (Pick(rng, 4)) {
      case 0:
      case 1:
        item = std::string(Coin(rng) ? "X500:/o=" : "x500:/O=") + Text(rng, 10, json) +
               "/cn=" + std::to_string(n) + "-" + std::to_string(k);
        id.x500_proxies.push_back(item);
        break;
      case 2:
        item = (Coin(rng) ? "SMTP:" : "smtp:") + Address(rng);
        id.other_proxies.push_back(item);
        break;
      default:
        item = "X400:c=US;a= ;p=" + Text(rng, 3, false) + ";o=Exchange;s=" + Text(rng, 3, false) + ";g=G;";
        id.other_proxies.push_back(item);
    }
    items.push_back(item);
  }
  if (json) {
    e.cells[6] = nlohmann::json(items).dump(Coin(rng) ? -1 : 2);
  } else {
    for (std::size_t k = 0; k < items.size(); ++k)
      e.cells[6] += (k ? (Coin(rng) ? ";" : "; ") : "") + items[k];
  }
  if (!Coin(rng, 5)) {
    e.cells[7] = RandomGuidText(rng, g);
    id.target_object_id = g;
  }
  static const std::vector<std::string> statuses = {"Mapped", "Completed", "", "CompletedWithWarnings",
                                                    "free \"text\",\r\nover lines \xE2\x82\xAC"};
  e.cells[8] = statuses[Pick(rng, statuses.size())];
  id.migration_status = e.cells[8];
  static const std::vector<std::string> bools = {"", "True", "False", "TRUE"};
  e.cells[9] = bools[Pick(rng, bools.size())];
  if (!e.cells[9].empty()) id.hold.litigation_hold = e.cells[9] != "False";
  e.cells[10] = bools[Pick(rng, bools.size())];
  if (!e.cells[10].empty()) id.hold.single_item_recovery = e.cells[10] != "False";
  if (Coin(rng)) {
    const auto flags = static_cast<std::int64_t>(Pick(rng, 1 << 20));
    e.cells[11] = std::to_string(flags);
    id.hold.elc_flags = flags;
  }
  e.cells[12] = Text(rng, 6, true) + (Coin(rng) ? "\n" : "\r\n") + Text(rng, 3, true);
  return e;
}

std::string ToUtf16(const std::string& utf8, bool little) {
  std::string out = little ? "\xFF\xFE" : "\xFE\xFF";
  const auto put = [&](unsigned unit) {
    const char lo = static_cast<char>(unit & 0xFF);
    const char hi = static_cast<char>(unit >> 8);
    out.push_back(little ? lo : hi);
    out.push_back(little ? hi : lo);
  };
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    unsigned cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3Fu);
    i += n;
    if (cp >= 0x10000) {
      put(0xD800 + ((cp - 0x10000) >> 10));
      put(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      put(cp);
    }
  }
  return out;
}

void ExpectSame(const SourceIdentity& got, const SourceIdentity& want, const std::string& where) {
  EXPECT_EQ(got.source_object_id, want.source_object_id) << where;
  EXPECT_EQ(got.source_upn, want.source_upn) << where;
  EXPECT_EQ(got.primary_smtp, want.primary_smtp) << where;
  EXPECT_EQ(got.exchange_guid, want.exchange_guid) << where;
  EXPECT_EQ(got.archive_guid, want.archive_guid) << where;
  EXPECT_EQ(got.legacy_exchange_dn, want.legacy_exchange_dn) << where;
  EXPECT_EQ(got.x500_proxies, want.x500_proxies) << where;
  EXPECT_EQ(got.other_proxies, want.other_proxies) << where;
  EXPECT_EQ(got.target_object_id, want.target_object_id) << where;
  EXPECT_EQ(got.migration_status, want.migration_status) << where;
  EXPECT_EQ(got.hold.litigation_hold, want.hold.litigation_hold) << where;
  EXPECT_EQ(got.hold.single_item_recovery, want.hold.single_item_recovery) << where;
  EXPECT_EQ(got.hold.elc_flags, want.hold.elc_flags) << where;
}

TEST(IdentityReaderProperty, WrittenAndReadBackIsIdentical) {
  constexpr std::uint64_t kSeed = 20240611;
  constexpr int kFiles = 40;
  constexpr int kRowsPerFile = 60;
  Rng rng(kSeed);
  for (int file = 0; file < kFiles; ++file) {
    const bool json = Coin(rng, 3);
    std::vector<std::size_t> order(kColumns.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    const std::string line_end = Coin(rng) ? "\r\n" : "\n";

    std::vector<std::string> header;
    for (const std::size_t i : order) header.push_back(kColumns[i]);
    std::string text = testing::CsvLine(header, line_end);
    std::vector<Expected> expected;
    for (int r = 0; r < kRowsPerFile; ++r) {
      expected.push_back(Generate(rng, file * 1000 + r, json));
      std::vector<std::string> cells;
      for (const std::size_t i : order) cells.push_back(expected.back().cells[i]);
      text += testing::CsvLine(cells, line_end);
    }
    if (Coin(rng)) text.resize(text.size() - line_end.size());  // no final line end
    switch (Pick(rng, 4)) {
      case 0:
        text = "\xEF\xBB\xBF" + text;
        break;
      case 1:
        text = ToUtf16(text, true);
        break;
      case 2:
        text = ToUtf16(text, false);
        break;
      default:
        break;
    }
    const std::size_t chunk = Coin(rng) ? 0 : 1 + Pick(rng, 17);

    const std::string where_file = "seed " + std::to_string(kSeed) + " file " + std::to_string(file);
    const auto all = testing::ReadText(text, {}, chunk);
    ASSERT_FALSE(all.open_error) << where_file << ": " << all.open_error->message;
    ASSERT_TRUE(all.errors.empty()) << where_file << ": " << all.ErrorLines()[0];
    ASSERT_EQ(all.rows.size(), expected.size()) << where_file;
    ASSERT_EQ(all.warnings.size(), 1u) << where_file;  // the Notes column
    for (std::size_t r = 0; r < expected.size(); ++r) {
      ExpectSame(all.rows[r], expected[r].id, where_file + " row " + std::to_string(r + 2));
      EXPECT_EQ(all.rows[r].row, r + 2);
    }
  }
}

}  // namespace
}  // namespace ctim::agent
