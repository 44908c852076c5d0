#include "ldap/krb5/keytab_credentials.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "ldap/krb5/handles.h"

namespace ctim::ldap::kerberos {
namespace {

bool SameName(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(x) == lower(y);
  });
}

Result<Context> NewContext(std::string_view what) {
  krb5_context raw = nullptr;
  if (const krb5_error_code rc = krb5_init_context(&raw); rc != 0) {
    return Fail(Errc::kInvalidInput,
                fmt::format("{}: cannot start Kerberos (krb5_init_context error {})", what, rc),
                "check the krb5.conf named by [ldap] krb5_config (or KRB5_CONFIG)");
  }
  return Context(raw);
}

Result<std::string> Unparse(krb5_context ctx, krb5_const_principal p) {
  char* raw = nullptr;
  if (const krb5_error_code rc = krb5_unparse_name(ctx, p, &raw); rc != 0) {
    return Fail(Errc::kInvalidInput, "cannot write a principal name: " + ErrorText(ctx, rc));
  }
  const UnparsedName name(raw, {ctx});
  return std::string(name.get());
}

// Each principal of the keytab once, with the first entry's principal as its spelling.
Result<std::vector<std::string>> ReadPrincipals(krb5_context ctx, krb5_keytab kt, const std::string& keytab) {
  std::vector<std::string> names;
  KeytabCursor cursor(ctx, kt);
  if (const krb5_error_code rc = cursor.Start(); rc != 0) {
    return Fail(Errc::kInvalidInput, fmt::format("keytab {}: cannot be read: {}", keytab, ErrorText(ctx, rc)),
                "check the path and that it is a keytab (klist -k FILE lists its keys)");
  }
  KeytabEntry entry(ctx);
  // A keytab holds a few keys per principal; the bound only guards against a corrupt file.
  constexpr int kMaxEntries = 100'000;
  for (int i = 0; i < kMaxEntries; ++i) {
    const krb5_error_code rc = cursor.Next(entry);
    if (rc == KRB5_KT_END) return names;
    if (rc != 0) {
      return Fail(Errc::kInvalidInput,
                  fmt::format("keytab {}: entry {} cannot be read: {}", keytab, i + 1, ErrorText(ctx, rc)),
                  "replace the keytab with a fresh export");
    }
    auto name = Unparse(ctx, entry.get().principal);
    if (!name) return std::unexpected(std::move(name.error()).With("keytab " + keytab));
    if (std::ranges::find(names, *name) == names.end()) names.push_back(std::move(*name));
  }
  return Fail(Errc::kInvalidInput, fmt::format("keytab {}: more than {} entries", keytab, kMaxEntries),
              "replace the keytab with a fresh export of the service account's keys");
}

Result<Keytab> OpenKeytab(krb5_context ctx, const std::string& keytab) {
  krb5_keytab raw = nullptr;
  // "FILE:" keeps a path containing ':' from being read as another keytab type.
  const std::string name = keytab.find(':') == std::string::npos ? keytab : "FILE:" + keytab;
  if (const krb5_error_code rc = krb5_kt_resolve(ctx, name.c_str(), &raw); rc != 0) {
    return Fail(Errc::kInvalidInput, fmt::format("keytab {}: {}", keytab, ErrorText(ctx, rc)));
  }
  return Keytab(raw, {ctx});
}

Error KdcError(krb5_context ctx, krb5_error_code rc, const std::string& principal,
               const std::string& keytab) {
  const std::string what = fmt::format("Kerberos: no ticket for {} with its key from keytab {}: {}",
                                       principal, keytab, ErrorText(ctx, rc));
  switch (rc) {
    case KRB5_KDC_UNREACH:
    case KRB5_REALM_CANT_RESOLVE:
    case KRB5_KDCREP_SKEW:
      return Error{Errc::kUnavailable, what,
                   rc == KRB5_KDCREP_SKEW
                       ? "set this machine's clock: Kerberos allows 5 minutes of skew"
                       : "check that a KDC of the realm is reachable (krb5.conf [realms])"};
    case KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN:
      return Error{Errc::kUnauthenticated, what,
                   "the KDC does not know this principal: check its spelling and realm"};
    default:
      return Error{Errc::kUnauthenticated, what,
                   "the key no longer matches the account (password changed?): export a fresh keytab"};
  }
}

}  // namespace

Result<std::vector<std::string>> KeytabPrincipals(const std::string& keytab) {
  auto ctx = NewContext("keytab " + keytab);
  if (!ctx) return std::unexpected(std::move(ctx.error()));
  auto kt = OpenKeytab(ctx->get(), keytab);
  if (!kt) return std::unexpected(std::move(kt.error()));
  return ReadPrincipals(ctx->get(), kt->get(), keytab);
}

Status GetKeytabCredentials(const std::string& keytab, const std::string& principal,
                            const std::string& ccache) {
  auto ctx_owner = NewContext("keytab " + keytab);
  if (!ctx_owner) return std::unexpected(std::move(ctx_owner.error()));
  krb5_context ctx = ctx_owner->get();

  krb5_principal parsed_raw = nullptr;
  if (const krb5_error_code rc = krb5_parse_name(ctx, principal.c_str(), &parsed_raw); rc != 0) {
    return Fail(Errc::kInvalidInput, fmt::format("principal {}: {}", principal, ErrorText(ctx, rc)),
                "write it as name@REALM, e.g. svc-ctim@CONTOSO.COM");
  }
  const Principal parsed(parsed_raw, {ctx});
  auto wanted = Unparse(ctx, parsed.get());
  if (!wanted) return std::unexpected(std::move(wanted.error()));

  auto kt = OpenKeytab(ctx, keytab);
  if (!kt) return std::unexpected(std::move(kt.error()));
  auto held = ReadPrincipals(ctx, kt->get(), keytab);
  if (!held) return std::unexpected(std::move(held.error()));
  const auto match = std::ranges::find_if(*held, [&](const std::string& h) { return SameName(h, *wanted); });
  if (match == held->end()) {
    return Fail(Errc::kInvalidInput,
                fmt::format("keytab {} holds no key for principal {}; it holds keys for: {}", keytab, *wanted,
                            held->empty() ? std::string("nothing (the keytab is empty)")
                                          : fmt::format("{}", fmt::join(*held, ", "))),
                fmt::format("set the principal to one of those, or add a key for {} to the keytab "
                            "(ktpass on Windows, samba-tool domain exportkeytab, or ktutil)",
                            *wanted));
  }
  krb5_principal client_raw = nullptr;
  if (const krb5_error_code rc = krb5_parse_name(ctx, match->c_str(), &client_raw); rc != 0) {
    return Fail(Errc::kInvalidInput, fmt::format("principal {}: {}", *match, ErrorText(ctx, rc)));
  }
  const Principal client(client_raw, {ctx});

  krb5_get_init_creds_opt* opts_raw = nullptr;
  if (const krb5_error_code rc = krb5_get_init_creds_opt_alloc(ctx, &opts_raw); rc != 0) {
    return Fail(Errc::kInternal, "Kerberos: " + ErrorText(ctx, rc));
  }
  const InitOpts opts(opts_raw, {ctx});
  Creds creds(ctx);
  if (const krb5_error_code rc =
          krb5_get_init_creds_keytab(ctx, creds.Out(), client.get(), kt->get(), 0, nullptr, opts.get());
      rc != 0) {
    return std::unexpected(KdcError(ctx, rc, *match, keytab));
  }
  creds.MarkFilled();

  krb5_ccache cc_raw = nullptr;
  if (const krb5_error_code rc = krb5_cc_resolve(ctx, ccache.c_str(), &cc_raw); rc != 0) {
    return Fail(Errc::kInvalidInput, fmt::format("credential cache {}: {}", ccache, ErrorText(ctx, rc)));
  }
  const Ccache cc(cc_raw, {ctx});
  if (krb5_error_code rc = krb5_cc_initialize(ctx, cc.get(), client.get());
      rc != 0 || (rc = krb5_cc_store_cred(ctx, cc.get(), creds.get())) != 0) {
    return Fail(Errc::kInternal,
                fmt::format("credential cache {}: cannot store the ticket of {}: {}", ccache, *match,
                            ErrorText(ctx, rc)),
                "a FILE: cache needs a writable directory");
  }
  return {};
}

}  // namespace ctim::ldap::kerberos
