// RAII for the MIT krb5 handles the keytab code uses. Every krb5_free_* call takes the context, so each
// deleter holds the context it was made with; the context itself outlives them (declare it first).
// Private to ldap/krb5.
#pragma once

#include <krb5/krb5.h>

#include <memory>
#include <string>

namespace ctim::ldap::kerberos {

struct ContextFree {
  void operator()(krb5_context c) const noexcept { krb5_free_context(c); }
};
using Context = std::unique_ptr<std::remove_pointer_t<krb5_context>, ContextFree>;

template <class T, void (*Free)(krb5_context, T*)>
struct WithContext {
  krb5_context ctx = nullptr;
  void operator()(T* p) const noexcept {
    if (p != nullptr) Free(ctx, p);
  }
};

inline void FreePrincipal(krb5_context c, krb5_principal_data* p) { krb5_free_principal(c, p); }
inline void CloseKeytab(krb5_context c, _krb5_kt* k) { (void)krb5_kt_close(c, k); }
inline void CloseCcache(krb5_context c, _krb5_ccache* cc) { (void)krb5_cc_close(c, cc); }
inline void FreeUnparsed(krb5_context c, char* s) { krb5_free_unparsed_name(c, s); }
inline void FreeInitOpts(krb5_context c, krb5_get_init_creds_opt* o) { krb5_get_init_creds_opt_free(c, o); }

using Principal = std::unique_ptr<krb5_principal_data, WithContext<krb5_principal_data, FreePrincipal>>;
using Keytab = std::unique_ptr<_krb5_kt, WithContext<_krb5_kt, CloseKeytab>>;
using Ccache = std::unique_ptr<_krb5_ccache, WithContext<_krb5_ccache, CloseCcache>>;
using UnparsedName = std::unique_ptr<char, WithContext<char, FreeUnparsed>>;
using InitOpts = std::unique_ptr<krb5_get_init_creds_opt, WithContext<krb5_get_init_creds_opt, FreeInitOpts>>;

// krb5_creds is filled in place; this frees what it points to (not the struct) when it goes out of scope.
class Creds {
 public:
  explicit Creds(krb5_context ctx) : ctx_(ctx) {}
  ~Creds() {
    if (filled_) krb5_free_cred_contents(ctx_, &creds_);
  }
  Creds(const Creds&) = delete;
  Creds& operator=(const Creds&) = delete;
  krb5_creds* Out() { return &creds_; }  // for a call that fills it; then MarkFilled() on success
  void MarkFilled() { filled_ = true; }
  krb5_creds* get() { return &creds_; }

 private:
  krb5_context ctx_;
  krb5_creds creds_{};
  bool filled_ = false;
};

// The entry a keytab cursor last returned; freed when replaced or at scope end.
class KeytabEntry {
 public:
  explicit KeytabEntry(krb5_context ctx) : ctx_(ctx) {}
  ~KeytabEntry() { Clear(); }
  KeytabEntry(const KeytabEntry&) = delete;
  KeytabEntry& operator=(const KeytabEntry&) = delete;
  krb5_keytab_entry* Reset() {  // for a call that fills it; then MarkFilled() on success
    Clear();
    return &entry_;
  }
  void MarkFilled() { filled_ = true; }
  const krb5_keytab_entry& get() const { return entry_; }

 private:
  void Clear() {
    if (filled_) krb5_free_keytab_entry_contents(ctx_, &entry_);
    filled_ = false;
    entry_ = {};
  }
  krb5_context ctx_;
  krb5_keytab_entry entry_{};
  bool filled_ = false;
};

// A keytab read cursor, ended at scope exit. REQUIRES: the keytab outlives it.
class KeytabCursor {
 public:
  KeytabCursor(krb5_context ctx, krb5_keytab kt) : ctx_(ctx), kt_(kt) {}
  ~KeytabCursor() {
    if (started_) (void)krb5_kt_end_seq_get(ctx_, kt_, &cursor_);
  }
  KeytabCursor(const KeytabCursor&) = delete;
  KeytabCursor& operator=(const KeytabCursor&) = delete;
  krb5_error_code Start() {
    const krb5_error_code rc = krb5_kt_start_seq_get(ctx_, kt_, &cursor_);
    started_ = rc == 0;
    return rc;
  }
  krb5_error_code Next(KeytabEntry& entry) {
    const krb5_error_code rc = krb5_kt_next_entry(ctx_, kt_, entry.Reset(), &cursor_);
    if (rc == 0) entry.MarkFilled();
    return rc;
  }

 private:
  krb5_context ctx_;
  krb5_keytab kt_;
  krb5_kt_cursor cursor_{};
  bool started_ = false;
};

// MIT's text for an error code (with the detail the last call on ctx left), e.g. "Client not found in
// Kerberos database".
inline std::string ErrorText(krb5_context ctx, krb5_error_code code) {
  const char* text = krb5_get_error_message(ctx, code);
  std::string out = text != nullptr ? text : "unknown Kerberos error";
  krb5_free_error_message(ctx, text);
  return out;
}

}  // namespace ctim::ldap::kerberos
