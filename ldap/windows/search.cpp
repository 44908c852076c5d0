// Paged search (RFC 2696) streamed page by page, base reads, rootDSE, and AD ranged attributes, over
// Wldap32 (the same behaviour as ldap/openldap/search.cpp).
#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <unordered_set>

#include "ldap/ranged_read.h"
#include "ldap/windows/session.h"

namespace ctim::ldap {
namespace {

using windows::Log;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxPages = 1'000'000;  // a bound, far above any directory we serve

ULONG ToLdapScope(Scope scope) {
  switch (scope) {
    case Scope::kBase:
      return LDAP_SCOPE_BASE;
    case Scope::kOneLevel:
      return LDAP_SCOPE_ONELEVEL;
    case Scope::kSubtree:
      return LDAP_SCOPE_SUBTREE;
  }
  return LDAP_SCOPE_BASE;
}

// A null-terminated UTF-16 list of the attribute names; null when empty (= all user attributes).
class AttributeList {
 public:
  explicit AttributeList(const std::vector<std::string>& names) {
    wide_.reserve(names.size());
    for (const std::string& n : names) list_.push_back(wide_.emplace_back(windows::Wide(n)).data());
    list_.push_back(nullptr);
  }
  wchar_t** get() { return list_.size() > 1 ? list_.data() : nullptr; }

 private:
  std::vector<std::wstring> wide_;
  std::vector<wchar_t*> list_;
};

// The server-side time limit of a search, in whole seconds (at least 1).
ULONG TimeLimitSeconds(const Connection::Impl& s) {
  return static_cast<ULONG>(std::max<long long>(1, (s.options.operation_timeout.count() + 999) / 1000));
}

// ldap_search_extW over the request's UTF-8 strings.
ULONG SendSearch(const Connection::Impl& s, const SearchRequest& req, LDAPControlW** server_controls,
                 ULONG size_limit, ULONG* msgid) {
  std::wstring base = windows::Wide(req.base);
  std::wstring filter = windows::Wide(req.filter);
  AttributeList attrs(req.attributes);
  return ldap_search_extW(s.get(), base.data(), ToLdapScope(req.scope), filter.data(), attrs.get(), 0,
                          server_controls, nullptr, TimeLimitSeconds(s), size_limit, msgid);
}

struct PageResult {
  std::vector<Entry> entries;
  std::string cookie;  // empty: this was the last page
  std::size_t references = 0;
};

// Sends one search request (one page) and collects its entries, bounded by the operation timeout.
// page_size < 0: no paged-results control; 0: the control with size 0 (RFC 2696 cancel).
Result<PageResult> RunOnePage(const Connection::Impl& s, const SearchRequest& req, const std::string& cookie,
                              int page_size, Operation op, const std::string& target) {
  LDAP* ld = s.get();
  windows::LdapControl page_control;
  LDAPControlW* server_controls[2] = {nullptr, nullptr};
  if (page_size >= 0) {
    berval cookie_bv{static_cast<ULONG>(cookie.size()), const_cast<char*>(cookie.data())};
    LDAPControlW* raw = nullptr;
    const ULONG rc = ldap_create_page_controlW(ld, static_cast<ULONG>(page_size), &cookie_bv, FALSE, &raw);
    page_control.reset(raw);
    if (rc != LDAP_SUCCESS) return std::unexpected(s.CallError(op, target, rc));
    server_controls[0] = page_control.get();
  }
  ULONG msgid = 0;
  ULONG rc = SendSearch(s, req, page_size >= 0 ? server_controls : nullptr,
                        static_cast<ULONG>(req.size_limit), &msgid);
  if (rc != LDAP_SUCCESS) return std::unexpected(s.CallError(op, target, rc));

  PageResult page;
  const auto deadline = Clock::now() + s.options.operation_timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    l_timeval wait = windows::ToTimeval(std::max(left, std::chrono::milliseconds(1)));
    LDAPMessage* raw = nullptr;
    const ULONG type = ldap_result(ld, msgid, LDAP_MSG_ONE, &wait, &raw);
    const windows::LdapMessage msg(raw);
    if (type == 0 || left.count() <= 0) {
      ldap_abandon(ld, msgid);
      return std::unexpected(s.CallError(op, target, LDAP_TIMEOUT));
    }
    if (type == windows::kResultError || !msg) {
      return std::unexpected(s.CallError(op, target, windows::LastError(ld)));
    }
    if (type == LDAP_RES_SEARCH_ENTRY) {
      page.entries.push_back(windows::ToEntry(ld, msg.get()));
      // Samba ignores the request's sizeLimit: enforce it here.
      if (req.size_limit > 0 && page.entries.size() >= static_cast<std::size_t>(req.size_limit)) {
        ldap_abandon(ld, msgid);
        return page;  // no cookie: the search ends here
      }
      continue;
    }
    if (type == LDAP_RES_REFERRAL) {  // continuation into another naming context: not followed
      ++page.references;
      continue;
    }
    if (type != LDAP_RES_SEARCH_RESULT) continue;  // intermediate responses: none expected

    windows::ParsedResult result;
    if (rc = windows::ParseResult(ld, msg.get(), result); rc != LDAP_SUCCESS) {
      return std::unexpected(s.CallError(op, target, rc));
    }
    // A size limit the caller asked for is not an error: it got the first size_limit entries.
    if (result.code == LDAP_SIZELIMIT_EXCEEDED && req.size_limit > 0) return page;
    if (result.code != LDAP_SUCCESS) {
      return std::unexpected(
          s.ResultError(op, target, result.code, std::move(result.diagnostic), std::move(result.matched_dn)));
    }
    if (page_size > 0 && result.controls) {
      ULONG estimate = 0;
      berval* raw_cookie = nullptr;
      const ULONG parsed = ldap_parse_page_controlW(ld, result.controls.get(), &estimate, &raw_cookie);
      const windows::LdapBerval next(raw_cookie);
      if (parsed == LDAP_SUCCESS && next && next->bv_len > 0) page.cookie.assign(next->bv_val, next->bv_len);
    }
    return page;
  }
}

// Tells the server to drop the state of an unfinished paged search (RFC 2696: size 0 + cookie).
void CancelPagedSearch(const Connection::Impl& s, const SearchRequest& req, const std::string& cookie) {
  SearchRequest cancel = req;
  cancel.attributes = {"1.1"};
  (void)RunOnePage(s, cancel, cookie, 0, Operation::kSearch, "cancel");
}

Result<Entry> ReadBase(const Connection::Impl& s, std::string_view dn,
                       const std::vector<std::string>& attributes) {
  SearchRequest req;
  req.base = std::string(dn);
  req.scope = Scope::kBase;
  req.attributes = attributes;
  const std::string target(dn);
  auto page = RunOnePage(s, req, {}, -1, Operation::kRead, target);
  if (!page) return std::unexpected(std::move(page.error()));
  if (page->entries.empty()) {
    return Fail(Errc::kNotFound,
                fmt::format("ldap read {}: no such entry (or not visible to the bound account)", dn),
                "check the DN and the bound account's read access");
  }
  return std::move(page->entries.front());
}

// Completes the entry's ranged attributes with base reads on this session (ldap/ranged_read.h).
Status CompleteRanges(const Connection::Impl& s, Entry& entry) {
  return FollowRanges(entry, s.options.operation_timeout,
                      [&s](std::string_view dn, const std::vector<std::string>& attributes) {
                        return ReadBase(s, dn, attributes);
                      });
}

struct SearchStats {
  std::size_t pages = 0;
  std::size_t entries = 0;  // handed to the visitor
  std::size_t references = 0;
};

void LogSearch(const SearchRequest& request, const std::string& pages, const SearchStats& stats,
               Clock::time_point started) {
  const std::chrono::duration<double, std::milli> ms = Clock::now() - started;
  Log().debug("ldap search base={} filter={} pages={} entries={} references={} in {:.1f} ms", request.base,
              request.filter, pages, stats.entries, stats.references, ms.count());
}

// Completes the entries (ranged attributes) and hands them to the visitor.
Status Deliver(const Connection::Impl& s, const SearchRequest& request, std::vector<Entry>& entries,
               const PageVisitor& visit) {
  if (request.follow_ranges) {
    for (Entry& e : entries) {
      if (Status st = CompleteRanges(s, e); !st) return st;
    }
  }
  return visit(entries);
}

// The result codes with which a server ends a search at its own limit (not an error in the request).
bool IsServerLimit(ULONG code) {
  return code == LDAP_SIZELIMIT_EXCEEDED || code == LDAP_ADMIN_LIMIT_EXCEEDED ||
         code == LDAP_TIMELIMIT_EXCEEDED;
}

// Paging::kWhenLimited, first pass: one search without the paged-results control, its entries handed over
// in chunks of page_size as they arrive (their DNs noted in `delivered`). The wait for each answer is
// bounded by the operation timeout; the server gets the same time limit. Returns nullopt when the search
// completed, or the result code with which the server stopped it at its own limit.
Result<std::optional<int>> SearchUnpaged(const Connection::Impl& s, const SearchRequest& req,
                                         const std::string& target,
                                         std::unordered_set<std::string>& delivered, const PageVisitor& visit,
                                         SearchStats& stats) {
  LDAP* ld = s.get();
  const std::size_t chunk_size = req.page_size > 0 ? static_cast<std::size_t>(req.page_size) : 1000;
  ULONG msgid = 0;
  const ULONG sent = SendSearch(s, req, nullptr, static_cast<ULONG>(req.size_limit), &msgid);
  if (sent != LDAP_SUCCESS) return std::unexpected(s.CallError(Operation::kSearch, target, sent));
  ++stats.pages;
  std::vector<Entry> chunk;
  auto flush = [&]() -> Status {
    if (chunk.empty()) return {};
    stats.entries += chunk.size();
    Status st = Deliver(s, req, chunk, visit);
    chunk.clear();
    return st;
  };
  for (;;) {
    l_timeval wait = s.OperationTimeout();
    LDAPMessage* raw = nullptr;
    const ULONG type = ldap_result(ld, msgid, LDAP_MSG_ONE, &wait, &raw);
    const windows::LdapMessage msg(raw);
    if (type == 0) {
      ldap_abandon(ld, msgid);
      return std::unexpected(s.CallError(Operation::kSearch, target, LDAP_TIMEOUT));
    }
    if (type == windows::kResultError || !msg) {
      return std::unexpected(s.CallError(Operation::kSearch, target, windows::LastError(ld)));
    }
    if (type == LDAP_RES_SEARCH_ENTRY) {
      Entry entry = windows::ToEntry(ld, msg.get());
      delivered.insert(entry.dn);
      chunk.push_back(std::move(entry));
      const bool at_limit =
          req.size_limit > 0 && stats.entries + chunk.size() >= static_cast<std::size_t>(req.size_limit);
      if (at_limit) ldap_abandon(ld, msgid);  // Samba ignores the request's sizeLimit
      if (at_limit || chunk.size() >= chunk_size) {
        if (Status st = flush(); !st) {
          if (!at_limit) ldap_abandon(ld, msgid);
          return std::unexpected(std::move(st.error()));
        }
      }
      if (at_limit) return std::optional<int>{};
      continue;
    }
    if (type == LDAP_RES_REFERRAL) {
      ++stats.references;
      continue;
    }
    if (type != LDAP_RES_SEARCH_RESULT) continue;
    windows::ParsedResult result;
    if (const ULONG rc = windows::ParseResult(ld, msg.get(), result); rc != LDAP_SUCCESS) {
      return std::unexpected(s.CallError(Operation::kSearch, target, rc));
    }
    if (result.code != LDAP_SUCCESS && !IsServerLimit(result.code)) {
      return std::unexpected(s.ResultError(Operation::kSearch, target, result.code,
                                           std::move(result.diagnostic), std::move(result.matched_dn)));
    }
    if (Status st = flush(); !st) return std::unexpected(std::move(st.error()));
    const bool own_limit = result.code == LDAP_SIZELIMIT_EXCEEDED && req.size_limit > 0;
    if (result.code == LDAP_SUCCESS || own_limit) return std::optional<int>{};
    return std::optional<int>{windows::ToRc(result.code)};
  }
}

// Every page of a search with the paged-results control (or one request without it when page_size is 0),
// handing each page to the visitor without the entries whose DN is in `skip`.
Status SearchPaged(const Connection::Impl& s, const SearchRequest& request, const std::string& target,
                   const std::unordered_set<std::string>* skip, const PageVisitor& visit,
                   SearchStats& stats) {
  std::string cookie;
  for (;;) {
    SearchRequest this_page = request;
    // Skipped entries count against a server-side size limit, so with a skip list only the client counts.
    this_page.size_limit =
        request.size_limit > 0 && skip == nullptr ? request.size_limit - static_cast<int>(stats.entries) : 0;
    const int page_size = request.page_size > 0 ? request.page_size : (skip != nullptr ? 1000 : -1);
    auto page = RunOnePage(s, this_page, cookie, page_size, Operation::kSearch, target);
    if (!page) return std::unexpected(std::move(page.error()));
    if (skip != nullptr) {
      std::erase_if(page->entries, [skip](const Entry& e) { return skip->contains(e.dn); });
    }
    if (request.size_limit > 0) {
      const std::size_t room = static_cast<std::size_t>(request.size_limit) - stats.entries;
      if (page->entries.size() >= room) {
        page->entries.resize(room);
        if (!page->cookie.empty()) CancelPagedSearch(s, request, page->cookie);
        page->cookie.clear();
      }
    }
    ++stats.pages;
    stats.entries += page->entries.size();
    stats.references += page->references;
    cookie = std::move(page->cookie);
    if (Status st = Deliver(s, request, page->entries, visit); !st) {
      if (!cookie.empty()) CancelPagedSearch(s, request, cookie);
      return st;
    }
    if (cookie.empty()) return {};
    if (stats.pages >= kMaxPages) {
      CancelPagedSearch(s, request, cookie);
      return Fail(Errc::kInternal, fmt::format("ldap search {}: more than {} pages", target, kMaxPages));
    }
  }
}

}  // namespace

Status Connection::SearchPages(const SearchRequest& request, const PageVisitor& visit) {
  const Impl& s = *impl_;
  const auto started = Clock::now();
  const std::string target = fmt::format("{} {}", request.base, request.filter);
  if (request.page_size < 0) {
    return Fail(Errc::kInvalidInput,
                fmt::format("ldap search {}: page size {} is negative", target, request.page_size));
  }
  SearchStats stats;
  std::unordered_set<std::string> delivered;
  const std::unordered_set<std::string>* skip = nullptr;
  if (request.paging == Paging::kWhenLimited) {
    auto limited = SearchUnpaged(s, request, target, delivered, visit, stats);
    if (!limited) return std::unexpected(std::move(limited.error()));
    if (!*limited) {
      LogSearch(request, "none", stats, started);
      return {};
    }
    Log().debug(
        "ldap search base={} filter={}: the server stopped the unpaged search after {} entries ({}); "
        "continuing with the paged-results control",
        request.base, request.filter, stats.entries, ResultCodeName(**limited));
    skip = &delivered;
  }
  if (Status st = SearchPaged(s, request, target, skip, visit, stats); !st) return st;
  LogSearch(request, std::to_string(stats.pages), stats, started);
  return {};
}

Result<std::vector<Entry>> Connection::Search(const SearchRequest& request) {
  std::vector<Entry> all;
  Status st = SearchPages(request, [&all](std::vector<Entry>& page) -> Status {
    if (all.empty()) {
      all = std::move(page);
    } else {
      all.insert(all.end(), std::make_move_iterator(page.begin()), std::make_move_iterator(page.end()));
    }
    return {};
  });
  if (!st) return std::unexpected(std::move(st.error()));
  return all;
}

Result<Entry> Connection::Read(std::string_view dn, const std::vector<std::string>& attributes) {
  auto entry = ReadBase(*impl_, dn, attributes);
  if (!entry) return entry;
  if (Status st = CompleteRanges(*impl_, *entry); !st) return std::unexpected(std::move(st.error()));
  return entry;
}

Result<Entry> Connection::ReadRootDse(const std::vector<std::string>& attributes) {
  return ReadBase(*impl_, "", attributes);
}

}  // namespace ctim::ldap
