// Pipelined modifies: up to `window` ModifyRequests in flight on one connection. A synchronous client
// waits one round trip (and the DC's commit) per modify; keeping a window full lets the DC work
// while the next requests are already on the wire.
#include <fmt/format.h>

#include <chrono>
#include <unordered_map>

#include "ldap/openldap/session.h"

namespace ctim::ldap {
namespace {

using openldap::Log;
using Clock = std::chrono::steady_clock;

ModifyOutcome Outcome(std::size_t index, int code, std::string diagnostic, std::string matched,
                      Status status) {
  ModifyOutcome o;
  o.index = index;
  o.result_code = code;
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
  openldap::WriteControls controls(options.write);
  std::unordered_map<int, std::size_t> in_flight;  // msgid -> request index
  in_flight.reserve(window * 2);
  std::size_t next = 0;
  std::size_t failed = 0;

  // Reports every request not yet answered with the connection's error, and returns that error.
  const auto abort_all = [&](int code, const Error& error) -> Status {
    for (const auto& [msgid, index] : in_flight) {
      ldap_abandon_ext(ld, msgid, nullptr, nullptr);
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
    return std::unexpected(error);
  };

  while (next < requests.size() || !in_flight.empty()) {
    // Fill the window.
    while (next < requests.size() && in_flight.size() < window && !options.stop.stop_requested()) {
      const ModifyRequest& req = requests[next];
      openldap::ModArray array(req.mods);
      int msgid = 0;
      const int rc = ldap_modify_ext(ld, req.dn.c_str(), array.get(), controls.get(), nullptr, &msgid);
      if (rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR || rc == LDAP_TIMEOUT) {
        return abort_all(rc, s.CallError(Operation::kModify, req.dn, rc));
      }
      if (rc != LDAP_SUCCESS) {  // this request could not be encoded or sent: its own failure
        ++failed;
        on_result(req,
                  Outcome(next, rc, {}, {}, std::unexpected(s.CallError(Operation::kModify, req.dn, rc))));
      } else {
        in_flight.emplace(msgid, next);
      }
      ++next;
    }
    if (in_flight.empty()) {
      if (options.stop.stop_requested()) break;
      continue;
    }
    // Collect one result.
    timeval timeout = s.OperationTimeout();
    LDAPMessage* raw = nullptr;
    const int type = ldap_result(ld, LDAP_RES_ANY, LDAP_MSG_ONE, &timeout, &raw);
    const openldap::LdapMessage msg(raw);
    if (type == 0)
      return abort_all(LDAP_TIMEOUT, s.CallError(Operation::kModify, "(pipeline)", LDAP_TIMEOUT));
    if (type < 0) {
      int code = LDAP_SERVER_DOWN;
      ldap_get_option(ld, LDAP_OPT_RESULT_CODE, &code);
      return abort_all(code, s.CallError(Operation::kModify, "(pipeline)", code));
    }
    const auto it = in_flight.find(ldap_msgid(msg.get()));
    if (type != LDAP_RES_MODIFY || it == in_flight.end()) continue;  // not one of ours (e.g. a notice)
    const std::size_t index = it->second;
    in_flight.erase(it);
    const ModifyRequest& req = requests[index];
    openldap::ParsedResult result;
    if (const int rc = openldap::ParseResult(ld, msg.get(), result); rc != LDAP_SUCCESS) {
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
              Outcome(next, rc::kOther, {}, {},
                      Fail(Errc::kUnavailable,
                           fmt::format("ldap modify {}: not sent, stop requested", requests[next].dn))));
  }
  const std::chrono::duration<double, std::milli> ms = Clock::now() - started;
  Log().debug("ldap pipelined modify: {} requests, window {}, {} failed, in {:.1f} ms", requests.size(), window,
              failed, ms.count());
  return {};
}

}  // namespace ctim::ldap
