"""The emulator's own LDAP client for the lab AD (python-ldap): read the users under the sync scope and
write back what Entra Connect writes. Simple bind as the lab administrator over LDAPS (TLS verified
against the lab CA). A new connection per cycle keeps failures of one cycle out of the next."""

import ldap
from ldap.controls import SimplePagedResultsControl

USER_FILTER = "(&(objectCategory=person)(objectClass=user))"
ATTRS = ["objectGUID", "mS-DS-ConsistencyGuid", "objectSid", "sAMAccountName", "userPrincipalName", "mail",
         "proxyAddresses", "targetAddress", "msExchMailboxGuid", "msExchArchiveGUID",
         "msDS-ExternalDirectoryObjectId", "name", "displayName", "mailNickname", "whenCreated",
         "userAccountControl"]
PAGE_SIZE = 1000
MAX_PAGES = 10000
WRITE_WINDOW = 64
_OPS = {"replace": ldap.MOD_REPLACE, "add": ldap.MOD_ADD, "delete": ldap.MOD_DELETE}


class AdError(Exception):
    pass


class AdSource:
    def __init__(self, url, bind_dn, password_file, ca_file, scopes, timeout_s=30):
        self.url, self.bind_dn, self.password_file = url, bind_dn, password_file
        self.ca_file, self.scopes, self.timeout_s = ca_file, list(scopes), timeout_s

    def describe(self):
        return {"url": self.url, "bind_dn": self.bind_dn, "scopes": self.scopes}

    def _connect(self):
        try:
            with open(self.password_file) as f:
                password = f.read().rstrip("\r\n")
        except OSError as e:
            raise AdError(f"cannot read the bind password file {self.password_file}: {e}") from None
        try:
            conn = ldap.initialize(self.url)
            conn.set_option(ldap.OPT_REFERRALS, 0)
            conn.set_option(ldap.OPT_PROTOCOL_VERSION, 3)
            conn.set_option(ldap.OPT_NETWORK_TIMEOUT, 10)
            conn.set_option(ldap.OPT_TIMEOUT, self.timeout_s)
            if self.ca_file:
                conn.set_option(ldap.OPT_X_TLS_CACERTFILE, self.ca_file)
            conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
            conn.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
            conn.simple_bind_s(self.bind_dn, password)
            return conn
        except ldap.LDAPError as e:
            raise AdError(f"bind to {self.url} as {self.bind_dn} failed: {_ldap_text(e)}") from None

    def read_users(self):
        """[(dn, {lowercased attribute: [bytes]})] for every user below each sync scope."""
        conn = self._connect()
        try:
            out = []
            for base in self.scopes:
                out.extend(self._paged(conn, base))
            return out
        finally:
            conn.unbind_s()

    def _paged(self, conn, base):
        ctrl = SimplePagedResultsControl(True, size=PAGE_SIZE, cookie=b"")
        out = []
        for _ in range(MAX_PAGES):
            try:
                msgid = conn.search_ext(base, ldap.SCOPE_SUBTREE, USER_FILTER, ATTRS, serverctrls=[ctrl])
                _rtype, rdata, _rmsgid, rctrls = conn.result3(msgid, timeout=self.timeout_s)
            except ldap.NO_SUCH_OBJECT:
                raise AdError(f"sync scope {base} does not exist") from None
            except ldap.LDAPError as e:
                raise AdError(f"search under {base} failed: {_ldap_text(e)}") from None
            for dn, attrs in rdata:
                if dn is not None:  # skip referrals
                    out.append((dn, {k.lower(): v for k, v in attrs.items()}))
            cookie = next((c.cookie for c in rctrls if c.controlType == SimplePagedResultsControl.controlType), b"")
            if not cookie:
                return out
            ctrl.cookie = cookie
        raise AdError(f"search under {base} returned more than {MAX_PAGES} pages")

    def write_back(self, changes):
        """changes: [(dn, [(op, attribute, [bytes])])] with op add|replace|delete. Pipelined, a window of
        modifies in flight. Returns [(dn, error text)] for the ones that failed."""
        if not changes:
            return []
        conn = self._connect()
        errors = []
        try:
            pending = []
            for dn, mods in changes:
                pending.append((dn, conn.modify_ext(dn, [(_OPS[op], attr, vals) for op, attr, vals in mods])))
                if len(pending) >= WRITE_WINDOW:
                    self._collect(conn, pending.pop(0), errors)
            for item in pending:
                self._collect(conn, item, errors)
        finally:
            conn.unbind_s()
        return errors

    def _collect(self, conn, item, errors):
        dn, msgid = item
        try:
            conn.result3(msgid, timeout=self.timeout_s)
        except ldap.LDAPError as e:
            errors.append((dn, _ldap_text(e)))


def _ldap_text(e):
    if e.args and isinstance(e.args[0], dict):
        d = e.args[0]
        return " ".join(str(x) for x in (d.get("desc"), d.get("info")) if x)
    return str(e)
