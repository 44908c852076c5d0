// EmailAddresses: the splitting rule (identity_reader_proxies.h), the JSON array form, item checks.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/reader/identity_reader_proxies.h"
#include "reader_test_util.h"

namespace ctim::agent {
namespace {

using Items = std::vector<std::string>;
using testing::Col;
using testing::MakeCsv;
using testing::ReadText;
using testing::ValidRow;

struct SplitCase {
  const char* name;
  std::string value;
  Items items;
  char separator = ';';
};

TEST(EmailAddressesSplit, SplitsOnlyBeforeAKnownType) {
  const std::string x400 = "X400:c=US;a= ;p=First Organizati;o=Exchange;s=Smith;g=John;";
  const std::vector<SplitCase> cases = {
      {"two items", "SMTP:a@b.com;X500:/o=x", {"SMTP:a@b.com", "X500:/o=x"}},
      {"x400 first, keeps its own ';' and trailing ';'",
       x400 + ";SMTP:john@contoso.com",
       {x400, "SMTP:john@contoso.com"}},
      {"x400 last", "SMTP:john@contoso.com;" + x400, {"SMTP:john@contoso.com", x400}},
      {"x400 in the middle", "smtp:a@b.com;" + x400 + ";x500:/o=y", {"smtp:a@b.com", x400, "x500:/o=y"}},
      {"type match ignores case", "SMTP:a@b.com;sMtP:c@d.com", {"SMTP:a@b.com", "sMtP:c@d.com"}},
      {"spaces after the separator are dropped", "SMTP:a@b.com;  X500:/o=x", {"SMTP:a@b.com", "X500:/o=x"}},
      {"leading spaces dropped", "  SMTP:a@b.com", {"SMTP:a@b.com"}},
      {"dda component stays in the X400 item",
       "X400:c=US;a= ;p=Org;dda:RFC-822=jo(a)x.com;;SMTP:jo@x.com",
       {"X400:c=US;a= ;p=Org;dda:RFC-822=jo(a)x.com;", "SMTP:jo@x.com"}},
      {"';' followed by a non-type stays in the item", "X500:/o=a;b=c;d e:f", {"X500:/o=a;b=c;d e:f"}},
      {"';' in an X500 value",
       "X500:/o=Org/cn=Smith;John;SMTP:a@b.com",
       {"X500:/o=Org/cn=Smith;John", "SMTP:a@b.com"}},
      {"doubled separator stays in the first item",
       "SMTP:a@b.com;;X500:/o=x",
       {"SMTP:a@b.com;", "X500:/o=x"}},
      {"empty", "", {}},
      {"only spaces", "   ", {}},
      {"pipe separator", "SMTP:a@b.com|X500:/o=x;y", {"SMTP:a@b.com", "X500:/o=x;y"}, '|'},
      {"';' is data with the pipe separator", "SMTP:a@b.com;X500:/o=x", {"SMTP:a@b.com;X500:/o=x"}, '|'},
      {"JSON array",
       R"(["X500:/o=a;smtp:b@c.com", "SMTP:x@y.com"])",
       {"X500:/o=a;smtp:b@c.com", "SMTP:x@y.com"}},
      {"JSON array over lines",
       "[\r\n  \"SMTP:x@y.com\",\r\n  \"X500:/o=\\\"q\\\"\"\r\n]",
       {"SMTP:x@y.com", "X500:/o=\"q\""}},
      {"JSON empty array", " []", {}},
  };
  for (const SplitCase& c : cases) {
    ReaderOptions options;
    options.proxy_separator = c.separator;
    Items items;
    const FieldCheck bad = SplitEmailAddresses(c.value, options, items);
    EXPECT_FALSE(bad) << c.name << ": " << bad->text;
    EXPECT_EQ(items, c.items) << c.name;
  }
}

TEST(EmailAddressesSplit, UnknownTypeAfterASeparatorIsRefusedNotGuessed) {
  Items items;
  const FieldCheck bad = SplitEmailAddresses("SMTP:a@b.com;X500:/o=a;BOGUS:1", ReaderOptions{}, items);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->reason, Reason::kUnknownProxyType);
  EXPECT_EQ(
      bad->text,
      "item 2 \"X500:/o=a\" is followed by \";BOGUS:\", an address of unknown type \"BOGUS\"; add the type "
      "to the known proxy types, or write EmailAddresses as a JSON array");
}

TEST(EmailAddressesSplit, MalformedJsonIsRejected) {
  for (const std::string value : {"[\"SMTP:a@b.com\"", "[1, 2]", "[\"a\", {\"b\": 1}]"}) {
    Items items;
    const FieldCheck bad = SplitEmailAddresses(value, ReaderOptions{}, items);
    ASSERT_TRUE(bad) << value;
    EXPECT_EQ(bad->reason, Reason::kBadJsonArray) << value;
  }
}

TEST(EmailAddressesSplit, JsonCanBeTurnedOff) {
  ReaderOptions options;
  options.accept_json_array = false;
  Items items;
  EXPECT_FALSE(SplitEmailAddresses("[\"SMTP:a@b.com\"]", options, items));
  EXPECT_EQ(items, (Items{"[\"SMTP:a@b.com\"]"}));  // then rejected by the item check (not type:address)
}

TEST(EmailAddressesReader, X400WithSemicolonsIsKeptWholeAndX500sAreSeparated) {
  std::vector<std::string> row = ValidRow(1);
  row[Col("EmailAddresses")] =
      "SMTP:john@fabrikam.com;X400:c=US;a= ;p=Fabrikam;o=Exchange;s=Smith;g=John;;x500:/o=Old "
      "Org/cn=Recipients/cn=JS;"
      "X500:/o=Other/cn=a;b";
  const auto all = ReadText(MakeCsv({row}));
  ASSERT_TRUE(all.errors.empty()) << all.ErrorLines()[0];
  ASSERT_EQ(all.rows.size(), 1u);
  EXPECT_EQ(all.rows[0].other_proxies,
            (Items{"SMTP:john@fabrikam.com", "X400:c=US;a= ;p=Fabrikam;o=Exchange;s=Smith;g=John;"}));
  // Byte-exact: the lower-case "x500:" prefix is kept as written.
  EXPECT_EQ(all.rows[0].x500_proxies, (Items{"x500:/o=Old Org/cn=Recipients/cn=JS", "X500:/o=Other/cn=a;b"}));
}

TEST(EmailAddressesReader, JsonArrayForm) {
  std::vector<std::string> row = ValidRow(1);
  row[Col("EmailAddresses")] =
      R"(["SMTP:john@fabrikam.com","X500:/o=Org/cn=Recipients/cn=a;smtp:b","X400:c=US;a= ;"])";
  const auto all = ReadText(MakeCsv({row}));
  ASSERT_EQ(all.rows.size(), 1u);
  EXPECT_EQ(all.rows[0].x500_proxies, (Items{"X500:/o=Org/cn=Recipients/cn=a;smtp:b"}));
  EXPECT_EQ(all.rows[0].other_proxies, (Items{"SMTP:john@fabrikam.com", "X400:c=US;a= ;"}));
}

struct BadItem {
  const char* name;
  std::string value;
  Reason reason;
  std::string message;  // the problem's message, "" = reason only
};

TEST(EmailAddressesReader, BadItemsAreRejectedNamingTheItem) {
  const std::string x500_1123 = "X500:/" + std::string(1117, 'a');
  const std::vector<BadItem> cases = {
      {"no type", "john@fabrikam.com", Reason::kBadProxy,
       "column EmailAddresses: item 1 \"john@fabrikam.com\" is not type:address (e.g. X500:/o=… or "
       "smtp:name@domain)"},
      {"unknown type", "FAX:123;X500:/o=x;BOGUS:1", Reason::kBadProxy, ""},
      {"empty address", "SMTP:a@b.com;X500:", Reason::kBadProxy,
       "column EmailAddresses: item 2 \"X500:\" has an empty address"},
      {"x500 not a DN", "X500:o=Org", Reason::kBadProxy, ""},
      {"unknown type alone", "FOO:bar", Reason::kUnknownProxyType,
       "column EmailAddresses: item 1 \"FOO:bar\" has unknown address type \"FOO\" (known: SMTP, X500, X400, "
       "SIP, "
       "EUM, SPO, NOTES, GWISE, MS, CCMAIL, FAX, MSMAIL)"},
      {"bad smtp item", "smtp:not an address", Reason::kBadSmtp,
       "column EmailAddresses: item 1: \"not an address\" is not an SMTP address (no @; expected "
       "local@domain)"},
      {"trailing separator after SMTP", "SMTP:a@b.com;", Reason::kBadSmtp, ""},
      {"too long", x500_1123 + "a", Reason::kValueTooLong,
       // Quoted values are cut at 60 characters.
       "column EmailAddresses: item 1 \"X500:/" + std::string(54, 'a') +
           "\u2026\" is 1124 characters; AD allows at most 1123 per proxy address"},
      {"line break inside an item", "X500:/o=a\nb", Reason::kControlCharacter, ""},
      {"JSON element not a string", "[\"SMTP:a@b.com\", 5]", Reason::kBadJsonArray,
       "column EmailAddresses: JSON element 2 is not a string"},
  };
  for (const BadItem& c : cases) {
    std::vector<std::string> row = ValidRow(1);
    row[Col("EmailAddresses")] = c.value;
    const auto all = ReadText(MakeCsv({row}));
    ASSERT_EQ(all.errors.size(), 1u) << c.name;
    const RowProblem& p = all.errors[0].problems[0];
    if (std::string(c.name) == "unknown type") {
      EXPECT_EQ(p.reason, Reason::kUnknownProxyType);
      EXPECT_EQ(p.message,
                "column EmailAddresses: item 2 \"X500:/o=x\" is followed by \";BOGUS:\", an address of "
                "unknown type \"BOGUS\"; add the type to the known proxy types, or write EmailAddresses "
                "as a JSON array");
      continue;
    }
    EXPECT_EQ(p.reason, c.reason) << c.name << ": " << p.message;
    if (!c.message.empty()) {
      EXPECT_EQ(p.message, c.message) << c.name;
    }
  }
  // Exactly at the limit is fine.
  std::vector<std::string> row = ValidRow(1);
  row[Col("EmailAddresses")] = x500_1123;
  EXPECT_TRUE(ReadText(MakeCsv({row})).errors.empty());
}

TEST(EmailAddressesReader, NonAsciiLengthCountsUtf16Units) {
  // 1118 characters after "X500:" of which one is U+1F600 (two UTF-16 units): 5 + 1117 + 2 = 1124.
  std::vector<std::string> row = ValidRow(1);
  row[Col("EmailAddresses")] = "X500:/" + std::string(1116, 'a') + "\xF0\x9F\x98\x80";
  const auto all = ReadText(MakeCsv({row}));
  ASSERT_EQ(all.errors.size(), 1u);
  EXPECT_EQ(all.errors[0].problems[0].reason, Reason::kValueTooLong);
}

TEST(EmailAddressesReader, PipeSeparatorFromConfig) {
  ReaderOptions options;
  ASSERT_TRUE(ApplyReaderOption(options, "email_addresses_separator", "|"));
  std::vector<std::string> row = ValidRow(1);
  row[Col("EmailAddresses")] = "SMTP:a@fabrikam.com|X500:/o=a;b";
  const auto all = ReadText(MakeCsv({row}), options);
  ASSERT_EQ(all.rows.size(), 1u);
  EXPECT_EQ(all.rows[0].x500_proxies, (Items{"X500:/o=a;b"}));
}

}  // namespace
}  // namespace ctim::agent
