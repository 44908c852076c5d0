// RAII for every Wldap32 handle. No ldap_*free / ber_*free call appears outside this header.
// Private to ldap/windows: never included by a public ldap/ header.
#pragma once

// clang-format off
#include <windows.h>
#include <winldap.h>
#include <winber.h>  // after winldap.h, which defines BerElement and berval
// clang-format on

#include <memory>

#include "common/c_free.h"

namespace ctim::ldap::windows {

inline void UnbindSession(LDAP* ld) noexcept { ldap_unbind(ld); }
inline void FreeMessage(LDAPMessage* msg) noexcept { ldap_msgfree(msg); }
inline void FreeString(wchar_t* s) noexcept { ldap_memfreeW(s); }
inline void FreeValues(berval** v) noexcept { ldap_value_free_len(v); }
inline void FreeStringArray(wchar_t** v) noexcept { ldap_value_freeW(v); }
inline void FreeBerElement(BerElement* ber) noexcept { ber_free(ber, 0); }  // 0: the buffer is the message's
inline void FreeControl(LDAPControlW* c) noexcept { ldap_control_freeW(c); }
inline void FreeControls(LDAPControlW** c) noexcept { ldap_controls_freeW(c); }
inline void FreeBerval(berval* bv) noexcept { ber_bvfree(bv); }

using LdapSession = std::unique_ptr<LDAP, CFree<&UnbindSession>>;
using LdapMessage = std::unique_ptr<LDAPMessage, CFree<&FreeMessage>>;
using LdapString = std::unique_ptr<wchar_t, CFree<&FreeString>>;             // ldap_get_dnW, attribute names
using LdapValues = std::unique_ptr<berval*, CFree<&FreeValues>>;             // ldap_get_values_lenW
using LdapStringArray = std::unique_ptr<wchar_t*, CFree<&FreeStringArray>>;  // referrals of a result
using LdapBerElement = std::unique_ptr<BerElement, CFree<&FreeBerElement>>;  // ldap_first_attributeW
using LdapControl = std::unique_ptr<LDAPControlW, CFree<&FreeControl>>;
using LdapControls = std::unique_ptr<LDAPControlW*, CFree<&FreeControls>>;
using LdapBerval = std::unique_ptr<berval, CFree<&FreeBerval>>;  // paged-results cookie, extended result data

}  // namespace ctim::ldap::windows
