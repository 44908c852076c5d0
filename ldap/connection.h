// A bound session to one directory server (Active Directory / Samba AD) and the operations ctim-agent
// needs: paged search, reads by DN / <GUID=...> / <SID=...>, per-value modify (one at a time or
// pipelined), add, delete, rootDSE and WhoAmI.
//
// Only plain values cross this header; the libldap/SASL implementation lives in ldap/openldap/.
// Not thread-safe: use one Connection per thread. Entries returned are plain values and outlive the
// Connection. Every call is bounded by ConnectOptions::operation_timeout. Errors are values whose
// message names the operation and the object and carries the server's text; see ldap/ldap_error.h.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ldap/entry.h"
#include "ldap/options.h"

namespace ctim::ldap {

enum class TlsMode { kNone, kLdaps, kStartTls };

std::string_view TlsModeName(TlsMode mode);  // "none", "ldaps", "StartTLS"

// What the session ended up using, for logs and `doctor`.
struct SessionInfo {
  std::string url;
  std::string host;
  int port = 0;
  TlsMode tls = TlsMode::kNone;
  std::string tls_version;  // e.g. "TLSv1.3"; empty without TLS
  std::string tls_cipher;   // e.g. "AES-256-GCM"
  BindMethod bind = BindMethod::kAnonymous;
  std::string bind_name;  // simple: the bind DN; GSSAPI: the SASL user name (svc-ctim@LAB.EXAMPLE)
  unsigned sasl_ssf = 0;  // SASL security strength factor: 0 = none, >= 56 sign+seal
};

// The identity the server sees for this session.
struct BoundIdentity {
  std::string authz_id;  // RFC 4532 form: "u:LAB\\svc-ctim" or "dn:CN=svc-ctim,CN=Users,..." ("" = anonymous)
  std::string source;    // "whoami" (RFC 4532 extended op) or "rootDSE tokenGroups" (servers without it)
};

// How a search uses the paged-results control (RFC 2696).
enum class Paging {
  // Every request carries the control (page_size entries per page; page_size 0 = no control at all).
  kAlways,
  // The search is sent without the control and its entries are handed over in chunks of page_size as
  // they arrive. Only when the server stops it at one of its own limits (AD's MaxPageSize: an unpaged
  // search ends with sizeLimitExceeded after 1,000 entries; adminLimitExceeded; timeLimitExceeded) does
  // the search start again with the control, skipping every entry (by DN) already handed over. A server
  // without such a limit answers in one pass: Samba 4.17 builds each page by reading every entry a
  // second time, so a paged search of 20,000 users costs it ~3x an unpaged one (lab measurement, see
  // tests/lab/README.md).
  kWhenLimited,
};

struct SearchRequest {
  std::string base;
  Scope scope = Scope::kSubtree;
  std::string filter = "(objectClass=*)";  // REQUIRES: values escaped with ldap/escape.h
  std::vector<std::string> attributes;     // empty = all user attributes
  int page_size = 1000;                    // RFC 2696 paged results; 0 = no paging control (kAlways)
  Paging paging = Paging::kAlways;
  int size_limit = 0;                      // stop after this many entries (0 = all); not an error
  // AD returns at most MaxValRange (1500) values of a large multi-valued attribute, as
  // "member;range=0-1499". When true, the remaining ranges are read and merged under "member".
  bool follow_ranges = true;
};

// Called once per page with that page's entries (the callee may move them out); with Paging::kWhenLimited
// once per chunk of page_size entries. Returning an error stops the search; that error is returned from
// SearchPages.
using PageVisitor = std::function<Status(std::vector<Entry>& page)>;

struct WriteOptions {
  // AD permissive modify (1.2.840.113556.1.4.1413): adding a value that exists or deleting one that
  // does not is not an error.
  bool permissive_modify = false;
};

struct DeleteOptions {
  bool tree = false;  // AD tree delete (1.2.840.113556.1.4.805): the entry and everything below it
};

struct ModifyRequest {
  std::string dn;
  std::vector<Mod> mods;
};

// The outcome of one pipelined modify.
struct ModifyOutcome {
  std::size_t index = 0;   // position of the request in the span given to ModifyPipelined
  int result_code = 0;     // LDAP result code (ldap/ldap_error.h rc::), 0 = success
  std::string diagnostic;  // the server's text
  std::string matched_dn;
  Status status;  // success, or the mapped Error (message names the DN)
};

struct PipelineOptions {
  std::size_t window = 64;  // modifies in flight at once on the one connection
  WriteOptions write;
  std::stop_token stop;  // when requested: send no more, collect the ones in flight
};

// Called once per request, in completion order (not request order).
using ModifyCallback = std::function<void(const ModifyRequest& request, ModifyOutcome&& outcome)>;

// The step of Connection::Open that failed (for `doctor`'s table).
enum class OpenStage { kOptions, kConnect, kTls, kBind, kDone };

class Connection {
 public:
  // Validates the options (no I/O on failure), connects (TCP + TLS for ldaps://), runs StartTLS if
  // asked, binds, and returns the bound session. The error names the step that failed; so does
  // *stage when given (kDone on success).
  static Result<Connection> Open(const ConnectOptions& options, OpenStage* stage = nullptr);

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();  // unbinds

  [[nodiscard]] const SessionInfo& Info() const;

  // Who the server thinks we are: the RFC 4532 WhoAmI extended operation, or, on servers without it
  // (Samba 4.17), the first SID of the rootDSE's tokenGroups resolved to a DN.
  Result<BoundIdentity> WhoAmI();

  // The rootDSE (base "", scope base). attributes empty = the server's default set.
  Result<Entry> ReadRootDse(const std::vector<std::string>& attributes = {});

  // One entry by DN; "<GUID=xxxxxxxx-...>" and "<SID=S-1-5-...>" bases work on AD. kNotFound if absent.
  Result<Entry> Read(std::string_view dn, const std::vector<std::string>& attributes);

  // All entries of a (paged) search, in server order.
  Result<std::vector<Entry>> Search(const SearchRequest& request);
  // The same, page by page, holding one page at a time.
  Status SearchPages(const SearchRequest& request, const PageVisitor& visit);

  Status Modify(std::string_view dn, const std::vector<Mod>& mods, const WriteOptions& options = {});

  // Sends the modifies keeping up to options.window in flight on this connection and reports every
  // request exactly once through on_result. Returns an error only when the connection fails (timeout,
  // server down); then every request not yet answered is reported with that error (kUnavailable:
  // "outcome unknown" for the ones in flight, "not sent" for the rest).
  Status ModifyPipelined(const std::vector<ModifyRequest>& requests, const PipelineOptions& options,
                         const ModifyCallback& on_result);

  Status Add(std::string_view dn, const Attributes& attributes);
  Status Delete(std::string_view dn, const DeleteOptions& options = {});

  struct Impl;  // defined by the implementation (ldap/openldap/session.h)

 private:
  explicit Connection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ctim::ldap
