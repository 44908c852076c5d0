// RAII for every libldap / lber handle. No ldap_*free / ber_*free call appears outside this header.
// Private to ldap/openldap: never included by a public ldap/ header.
#pragma once

#include <lber.h>
#include <ldap.h>

#include <memory>
#include <string>

#include "common/c_free.h"

namespace ctim::ldap::openldap {

inline void UnbindSession(LDAP* ld) noexcept { ldap_unbind_ext_s(ld, nullptr, nullptr); }
inline void FreeBerElement(BerElement* ber) noexcept {
  ber_free(ber, 0);
}  // 0: the buffer belongs to the message
inline void FreeStringArray(char** v) noexcept { ber_memvfree(reinterpret_cast<void**>(v)); }

using LdapSession = std::unique_ptr<LDAP, CFree<&UnbindSession>>;
using LdapMessage = std::unique_ptr<LDAPMessage, CFree<&ldap_msgfree>>;
using LdapString = std::unique_ptr<char, CFree<&ldap_memfree>>;  // ldap_get_dn, attribute names, options
using LdapValues = std::unique_ptr<berval*, CFree<&ldap_value_free_len>>;    // ldap_get_values_len
using LdapBerElement = std::unique_ptr<BerElement, CFree<&FreeBerElement>>;  // ldap_first_attribute
using LdapControl = std::unique_ptr<LDAPControl, CFree<&ldap_control_free>>;
using LdapControls = std::unique_ptr<LDAPControl*, CFree<&ldap_controls_free>>;
using LdapStringArray = std::unique_ptr<char*, CFree<&FreeStringArray>>;  // referrals of a result
using LdapBerval = std::unique_ptr<berval, CFree<&ber_bvfree>>;           // ldap_whoami_s authzid

// A berval whose bv_val is ber_memalloc'ed by libldap but the struct itself is ours (the paged-results
// cookie from ldap_parse_pageresponse_control): frees only the bytes.
class OwnedBervalBytes {
 public:
  OwnedBervalBytes() = default;
  OwnedBervalBytes(const OwnedBervalBytes&) = delete;
  OwnedBervalBytes& operator=(const OwnedBervalBytes&) = delete;
  ~OwnedBervalBytes() { Reset(); }
  berval* get() { return &bv_; }
  [[nodiscard]] bool empty() const { return bv_.bv_len == 0; }
  void Reset() noexcept {
    if (bv_.bv_val != nullptr) ber_memfree(bv_.bv_val);
    bv_ = berval{0, nullptr};
  }

 private:
  berval bv_{0, nullptr};
};

// The string form of an ldap_memfree'd char*, or "" for nullptr.
inline std::string TakeString(char* raw) {
  LdapString owned(raw);
  return owned ? std::string(owned.get()) : std::string();
}

}  // namespace ctim::ldap::openldap
