// PowerShell is not packaged in Debian (no pwsh to parse the script here), so this test checks the output
// with a small grammar of the PowerShell subset the script uses (about_Quoting_Rules,
// about_Hash_Tables): comments, `$Var = 'x'`, and commands made of names, -Parameters, single-quoted strings,
// integers and @{Key=value,value} hash tables. In a single-quoted string PowerShell takes U+0027, U+2018,
// U+2019, U+201A and U+201B as quote characters, and two in a row as one literal quote.
#include "agent/report/powershell_plan.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "report_fixture.h"

namespace ctim::agent::report {
namespace {

using testing::ExpectGolden;
using testing::SamplePlan;

// Length in bytes of the quote character at s[i], 0 if none.
std::size_t QuoteAt(std::string_view s, std::size_t i) {
  if (s[i] == '\'') return 1;
  if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE2 &&
      static_cast<unsigned char>(s[i + 1]) == 0x80 && static_cast<unsigned char>(s[i + 2]) >= 0x98 &&
      static_cast<unsigned char>(s[i + 2]) <= 0x9B) {
    return 3;
  }
  return 0;
}

// One line of the subset; the string literals' values go to `strings`. nullopt + `error` when it does not
// parse.
struct Line {
  std::vector<std::string> words;    // command names and -Parameters, keys
  std::vector<std::string> strings;  // decoded single-quoted strings, in order
};

std::optional<Line> ParseLine(std::string_view s, std::string& error) {
  Line line;
  std::size_t i = 0;
  int braces = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == ' ') {
      ++i;
    } else if (const std::size_t q = QuoteAt(s, i); q > 0) {
      std::string value;
      i += q;
      bool closed = false;
      while (i < s.size()) {
        if (const std::size_t q2 = QuoteAt(s, i); q2 > 0) {
          if (i + q2 < s.size() && QuoteAt(s, i + q2) > 0) {
            const std::size_t q3 = QuoteAt(s, i + q2);
            value.append(s.substr(i + q2, q3));
            i += q2 + q3;
            continue;
          }
          i += q2;
          closed = true;
          break;
        }
        value.push_back(s[i++]);
      }
      if (!closed) {
        error = "unterminated string";
        return std::nullopt;
      }
      if (i < s.size() && s[i] != ' ' && s[i] != ',' && s[i] != '}') {
        error = "string followed by '" + std::string(1, s[i]) + "'";
        return std::nullopt;
      }
      line.strings.push_back(std::move(value));
    } else if (c == '@' && i + 1 < s.size() && s[i + 1] == '{') {
      ++braces;
      i += 2;
    } else if (c == '}' && braces > 0) {
      --braces;
      ++i;
    } else if ((c == ',' || c == '=') && (braces > 0 || c == '=')) {
      ++i;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '$') {
      std::size_t end = i;
      while (end < s.size() &&
             (std::isalnum(static_cast<unsigned char>(s[end])) || s[end] == '-' || s[end] == '$'))
        ++end;
      line.words.emplace_back(s.substr(i, end - i));
      i = end;
    } else {
      error = "unexpected '" + std::string(1, c) + "' at column " + std::to_string(i + 1);
      return std::nullopt;
    }
  }
  if (braces != 0) {
    error = "unbalanced @{ }";
    return std::nullopt;
  }
  return line;
}

// Every line of the script: a comment, or a line of the subset. Returns the command lines.
std::vector<Line> ParseScript(const std::string& script) {
  std::vector<Line> lines;
  std::size_t start = 0;
  int number = 0;
  while (start < script.size()) {
    const std::size_t end = script.find('\n', start);
    const std::string_view text(script.data() + start,
                                (end == std::string::npos ? script.size() : end) - start);
    ++number;
    start = end == std::string::npos ? script.size() : end + 1;
    if (text.empty() || text.front() == '#') continue;
    std::string error;
    auto line = ParseLine(text, error);
    EXPECT_TRUE(line.has_value()) << "line " << number << ": " << error << ": " << text;
    if (line) lines.push_back(std::move(*line));
  }
  return lines;
}

TEST(PsQuote, DoublesEveryQuoteCharacterPowerShellKnows) {
  EXPECT_EQ(PsQuote("plain"), "'plain'");
  EXPECT_EQ(PsQuote("O'Brien"), "'O''Brien'");
  EXPECT_EQ(PsQuote("a\u2018b\u2019c\u201Ad\u201Be"),
            "'a\u2018\u2018b\u2019\u2019c\u201A\u201Ad\u201B\u201Be'");
  EXPECT_EQ(PsQuote("\u201C not a single quote \u201D"), "'\u201C not a single quote \u201D'");
  EXPECT_EQ(PsQuote("$(Remove-Item C:\\)"), "'$(Remove-Item C:\\)'");  // no expansion in single quotes
}

TEST(PsQuote, TheGrammarReadsBackEveryValue) {
  for (std::string_view v : {"O'Brien", "\u2019; Remove-Item -Recurse C:\\ ; \u2018", "''", "\u201B\u201A",
                             "", "x\u2019", "\u2018x"}) {
    std::string error;
    const auto line = ParseLine("Set-X -P " + PsQuote(v), error);
    ASSERT_TRUE(line.has_value()) << v << ": " << error;
    ASSERT_EQ(line->strings.size(), 1u) << v;
    EXPECT_EQ(line->strings[0], v);
    EXPECT_EQ(line->words, (std::vector<std::string>{"Set-X", "-P"})) << v;
  }
}

TEST(PsQuote, TheGrammarRejectsAnUnquotedQuote) {
  std::string error;
  EXPECT_FALSE(ParseLine("Set-X -P 'O'Brien'", error).has_value());
  EXPECT_FALSE(ParseLine("Set-X -P 'a\u2019; Remove-Item x'", error).has_value());
}

TEST(PowerShellPlan, MatchesTheGoldenFileAndParses) {
  Plan plan = SamplePlan();
  // A value with every kind of quote, and an ELC change.
  plan.rows[1].change_set.changes[1].after = {"X500:/o=Fabrikam/cn=O'Brien\u2019; Remove-Item C:\\ \u2018"};
  plan.rows[2].change_set.changes.push_back(
      {std::string(attr::kElcMailboxFlags), ChangeKind::kReplace, {"130"}, {"154"}});
  const std::string script =
      FormatPowerShellPlan(plan, "/srv/ctim/identities.csv", "2026-12-06T08:00:00.000Z");
  ExpectGolden("plan.ps1", script);
  const auto lines = ParseScript(script);
  std::size_t mail_users = 0, ad_users = 0;
  for (const Line& l : lines) {
    if (l.words.empty()) continue;
    if (l.words[0] == "Set-MailUser") {
      ++mail_users;
      EXPECT_EQ(l.words, (std::vector<std::string>{"Set-MailUser", "-Identity", "-ExchangeGuid",
                                                   "-ExternalEmailAddress", "-EmailAddresses", "Add"}));
    }
    if (l.words[0] == "Set-ADUser") {
      ++ad_users;
      EXPECT_EQ(l.words, (std::vector<std::string>{"Set-ADUser", "-Identity", "-Replace",
                                                   "msExchELCMailboxFlags", "154"}));
    }
  }
  EXPECT_EQ(mail_users, 12u);  // the rows to change; refused, unmapped and unchanged rows are comments
  EXPECT_EQ(ad_users, 1u);
  bool found = false;
  for (const Line& l : lines) {
    for (const std::string& s : l.strings) found |= s == plan.rows[1].change_set.changes[1].after[0];
  }
  EXPECT_TRUE(found) << "the X500 with quotes does not read back";
}

}  // namespace
}  // namespace ctim::agent::report
