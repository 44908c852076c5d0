// Pipelined modifies: up to `window` ModifyRequests in flight on one connection. A synchronous client
// waits one round trip (and the DC's commit) per modify; keeping a window full lets the DC work
// while the next requests are already on the wire. Wldap32 sends each asynchronous request at once and keeps
// the answers by message id, so the window works as with libldap (ldap/openldap/pipeline.cpp).
#include <fmt/format.h>

#include <chrono>
#include <deque>
#include <unordered_map>

#include "ldap/windows/session.h"

namespace ctim::ldap {
namespace {

using windows::Log;
using Clock = std::chrono::steady_clock;

ModifyOutcome Outcome(std::size_t index, ULONG code, std::string diagnostic, std::string matched,
                      Status status) {
  ModifyOutcome o;
  o.index = index;
  o.result_code = windows::ToRc(code);
  o.diagnostic = std::move(diagnostic);
  o.matched_dn = std::move(matched);
  o.status = std::move(status);
  return o;
}

}  // namespace

Status Connection::ModifyPipelined(const std::vector<ModifyRequest>& requests, const PipelineOptions& options,
                                   const ModifyCallback& on_result) {
  const Impl& s = *impl_;
  LDAP* ld = s.get();
  const auto started = Clock::now();
  const std::size_t window = options.window == 0 ? 1 : options.window;
  windows::WriteControls controls(options.write);
  std::unordered_map<ULONG, std::size_t> in_flight;  // msgid -> request index
  in_flight.reserve(window * 2);
  std::deque<ULONG> sent_order;  // msgids of in_flight, oldest first
  std::size_t next = 0;
  std::size_t failed = 0;

  // Reports every request not yet answered with the connection's error, and returns that error.
  const auto abort_all = [&](ULONG code, const Error& error) -> Status {
    for (const auto& [msgid, index] : in_flight) {
      ldap_abandon(ld, msgid);
      Error e = error;
      e.message = fmt::format("ldap modify {}: outcome unknown, the connection failed: {}",
                              requests[index].dn, error.message);
      e.hint = "re-read the entry to see whether the change was applied; " + error.hint;
      on_result(requests[index], Outcome(index, code, {}, {}, std::unexpected(std::move(e))));
    }
    for (; next < requests.size(); ++next) {
      Error e = error;
      e.message = fmt::format("ldap modify {}: not sent, the connection failed: {}", requests[next].dn,
                              error.message);
      on_result(requests[next], Outcome(next, code, {}, {}, std::unexpected(std::move(e))));
    }
    in_flight.clear();
    sent_order.clear();
    return std::unexpected(error);
  };

  while (next < requests.size() || !in_flight.empty()) {
    // Fill the window.
    while (next < requests.size() && in_flight.size() < window && !options.stop.stop_requested()) {
      const ModifyRequest& req = requests[next];
      windows::ModArray array(req.mods);
      std::wstring wide_dn = windows::Wide(req.dn);
      ULONG msgid = 0;
      const ULONG rc = ldap_modify_extW(ld, wide_dn.data(), array.get(), controls.get(), nullptr, &msgid);
      if (rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR || rc == LDAP_TIMEOUT) {
        return abort_all(rc, s.CallError(Operation::kModify, req.dn, rc));
      }
      if (rc != LDAP_SUCCESS) {  // this request could not be encoded or sent: its own failure
        ++failed;
        on_result(req,
                  Outcome(next, rc, {}, {}, std::unexpected(s.CallError(Operation::kModify, req.dn, rc))));
      } else {
        in_flight.emplace(msgid, next);
        sent_order.push_back(msgid);
      }
      ++next;
    }
    if (in_flight.empty()) {
      if (options.stop.stop_requested()) break;
      continue;
    }
    // Collect one result: the oldest request's. Wine 8's ldap_result fails at once for LDAP_RES_ANY, so each
    // wait names its message id; the answers to the later requests queue up inside Wldap32 meanwhile, and a
    // DC answers modifies on one connection in the order it received them.
    const ULONG waiting_for = sent_order.front();
    l_timeval timeout = s.OperationTimeout();
    LDAPMessage* raw = nullptr;
    const ULONG type = ldap_result(ld, waiting_for, LDAP_MSG_ALL, &timeout, &raw);
    const windows::LdapMessage msg(raw);
    if (type == 0)
      return abort_all(LDAP_TIMEOUT, s.CallError(Operation::kModify, "(pipeline)", LDAP_TIMEOUT));
    if (type == windows::kResultError || !msg) {
      const ULONG code = windows::LastError(ld);
      return abort_all(code, s.CallError(Operation::kModify, "(pipeline)", code));
    }
    sent_order.pop_front();
    const auto it = in_flight.find(waiting_for);
    const std::size_t index = it->second;
    in_flight.erase(it);
    const ModifyRequest& req = requests[index];
    windows::ParsedResult result;
    if (const ULONG rc = windows::ParseResult(ld, msg.get(), result); rc != LDAP_SUCCESS) {
      ++failed;
      on_result(req,
                Outcome(index, rc, {}, {}, std::unexpected(s.CallError(Operation::kModify, req.dn, rc))));
      continue;
    }
    if (result.code == LDAP_SUCCESS) {
      on_result(req, Outcome(index, 0, std::move(result.diagnostic), std::move(result.matched_dn), {}));
    } else {
      ++failed;
      Error e = s.ResultError(Operation::kModify, req.dn, result.code, result.diagnostic, result.matched_dn);
      on_result(req, Outcome(index, result.code, std::move(result.diagnostic), std::move(result.matched_dn),
                             std::unexpected(std::move(e))));
    }
  }
  // Stopped before the end: the rest was never sent.
  for (; next < requests.size(); ++next) {
    on_result(requests[next],
              Outcome(next, LDAP_OTHER, {}, {},
                      Fail(Errc::kUnavailable,
                           fmt::format("ldap modify {}: not sent, stop requested", requests[next].dn))));
  }
  const std::chrono::duration<double, std::milli> ms = Clock::now() - started;
  Log().debug("ldap pipelined modify: {} requests, window {}, {} failed, in {:.1f} ms", requests.size(),
              window, failed, ms.count());
  return {};
}

}  // namespace ctim::ldap
