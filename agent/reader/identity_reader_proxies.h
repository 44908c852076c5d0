// The multi-valued EmailAddresses field: splitting it into proxy items and checking each item.
//
// How a value is split (INFERRED, doc/facts.md §1.2; the separator is ReaderOptions::proxy_separator):
//   1. A value whose first non-space character is '[' is a JSON array of strings (when
//      ReaderOptions::accept_json_array): each string is one item, nothing is split.
//   2. Otherwise the separator splits the value ONLY where the text right after it, after optional spaces,
//      is a known proxy type (ReaderOptions::proxy_types, any case) followed by ':'. Every other separator
//      is part of the current item. So "X400:c=US;a= ;p=Org;o=Exch;s=Smith;g=Jo;;SMTP:jo@x.com" gives
//      "X400:c=US;a= ;p=Org;o=Exch;s=Smith;g=Jo;" and "SMTP:jo@x.com": X400 components are "k=v", never
//      "type:", so they are never cut. Spaces before an item are dropped; nothing else is changed.
//   3. Where the text after a separator looks like "<word>:" but <word> is not a known type, the value is
//      refused (kUnknownProxyType) instead of guessed at, except inside an X400 item, whose "k=v;" and
//      "dda:k=v;" components are data.
//   Limit: a value that itself contains "<separator><known type>:" (e.g. an X500 holding ";smtp:") would
//   be split there; such a file must use the JSON array form.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "agent/reader/identity_reader_fields.h"
#include "agent/reader/reader_options.h"

namespace ctim::agent {

// Splits `value` into `items` (cleared first). Fails for a malformed JSON array and for rule 3.
// REQUIRES: value is valid UTF-8.
FieldCheck SplitEmailAddresses(std::string_view value, const ReaderOptions& options,
                               std::vector<std::string>& items);

// Checks one item: "type:value" with a known type and a non-empty value, no control characters, at most
// max_proxy_chars UTF-16 code units; an SMTP item holds an SMTP address, an X500 item starts with
// x500_prefix. `number` is the 1-based item number used in the message.
FieldCheck CheckProxyItem(std::string_view item, std::size_t number, const ReaderOptions& options);

// True when the item's type is X500 (any case).
[[nodiscard]] bool IsX500Item(std::string_view item);

}  // namespace ctim::agent
