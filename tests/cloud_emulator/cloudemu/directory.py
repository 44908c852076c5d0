"""The emulated cloud directory: persisted state (one record per synced AD user) and the immutable
View that Graph and EXO read from.

Writers (the sync cycle, control API) change CloudState under `lock` and then call rebuild_view();
readers take `state.view` (one attribute read) and never lock."""

import json
import os
import threading
import uuid

from . import ids

E3_SKU = "6fd2c87f-b296-42f0-b197-1e91e994b900"  # Office 365 E3 (ENTERPRISEPACK), includes Exchange Online
LEGACY_DN_PREFIX = "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn="
STATE_VERSION = 1

GRAPH_DEFAULT_SELECT = ("businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
                        "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id")


def cloud_legacy_dn(rec):
    """The LegacyExchangeDN EXO gives a recipient: .../cn=Recipients/cn=<32 hex>-<alias>."""
    alias = (rec.get("alias") or rec.get("sam") or "user")[:20]
    return LEGACY_DN_PREFIX + uuid.UUID(rec["id"]).hex + "-" + alias


def _selector_matches(selector, rec):
    s = selector.lower()
    return s in {str(rec.get(k) or "").lower() for k in ("id", "upn", "ad_upn", "sam", "dn", "mail", "name", "ad_guid")}


def cloud_managed_for(managed, rec):
    """{"object": bool, "exchange": bool}: the cloud-managed switches (faults.cloud_managed) naming `rec`."""
    out = {"object": False, "exchange": False}
    for sel, v in managed.items():
        if _selector_matches(sel, rec):
            out["object"] = out["object"] or v["object"]
            out["exchange"] = out["exchange"] or v["exchange"]
    return out


def primary_smtp(rec):
    for p in rec.get("proxies") or ():
        if p.startswith("SMTP:"):
            return p[5:]
    return rec.get("mail") or ""


class View:
    """Everything Graph and EXO answer from, computed once per change. Immutable after build."""

    def __init__(self, state, faults, config):
        self.org = {
            "id": state.reg["tenant_id"],
            "displayName": state.reg["display_name"],
            "onPremisesSyncEnabled": True,
            "onPremisesLastSyncDateTime": state.last_sync,
            "verifiedDomains": [{"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": True,
                                 "isInitial": True, "name": state.reg["initial_domain"], "type": "Managed"}],
        }
        early = faults.licensed_early if faults else {}
        managed = faults.cloud_managed if faults else {}
        self.graph_users = {}
        self.cloud_managed = {}  # cloud id -> True: onPremisesSyncBehavior isCloudManaged
        self.upn_index = {}
        self.exo = []
        for rec in state.users.values():
            if rec.get("deleted"):
                continue
            licensed = next((v for sel, v in early.items() if _selector_matches(sel, rec)), None)
            soa = cloud_managed_for(managed, rec)
            if soa["object"]:
                self.cloud_managed[rec["id"]] = True
            g = self._graph_user(rec, licensed)
            self.graph_users[rec["id"]] = g
            self.upn_index[g["userPrincipalName"].lower()] = rec["id"]
            x = self._exo_recipient(rec, licensed, config)
            if x is not None:
                x["IsExchangeCloudManaged"] = soa["exchange"]
                self.exo.append(x)
        self.graph_ids = sorted(self.graph_users)
        self.exo.sort(key=lambda r: (r["Name"].lower(), r["ExternalDirectoryObjectId"]))
        self.exo_index = {}
        for r in self.exo:
            keys = {r["ExternalDirectoryObjectId"], r["UserPrincipalName"], r["Name"], r["Alias"], r["Identity"],
                    r["PrimarySmtpAddress"]}
            keys.update(a.split(":", 1)[1] for a in r["EmailAddresses"] if a.lower().startswith("smtp:"))
            for k in keys:
                if k:
                    self.exo_index.setdefault(k.lower(), []).append(r)

    @staticmethod
    def _graph_user(rec, licensed):
        return {
            "id": rec["id"],
            "accountEnabled": rec.get("account_enabled", True),
            "assignedLicenses": [{"disabledPlans": [], "skuId": E3_SKU}] if licensed else [],
            "businessPhones": [],
            "createdDateTime": rec["created"],
            "displayName": rec.get("display_name") or rec.get("name"),
            "givenName": None,
            "jobTitle": None,
            "mail": rec.get("mail"),
            "mailNickname": rec.get("alias") or rec.get("sam"),
            "mobilePhone": None,
            "officeLocation": None,
            "onPremisesDistinguishedName": rec.get("dn"),
            "onPremisesDomainName": rec.get("domain_name"),
            "onPremisesImmutableId": rec["immutable_id"],
            "onPremisesLastSyncDateTime": rec["last_sync"],
            "onPremisesProvisioningErrors": [dict(e) for e in rec.get("errors") or ()],
            "onPremisesSamAccountName": rec.get("sam"),
            "onPremisesSecurityIdentifier": rec.get("sid"),
            "onPremisesSyncEnabled": True,
            "onPremisesUserPrincipalName": rec.get("ad_upn"),
            "preferredLanguage": None,
            "proxyAddresses": list(rec.get("proxies") or ()),
            "serviceProvisioningErrors": [],  # Exchange provisioning errors: none are simulated
            "surname": None,
            "userPrincipalName": rec["upn"],
            "userType": "Member",
        }

    @staticmethod
    def _exo_recipient(rec, licensed, config):
        if not (rec.get("target_address") or rec.get("proxies") or licensed):
            return None  # not mail-enabled: EXO has no recipient for it (INFERRED rule)
        emails = list(rec.get("proxies") or ())
        legacy = rec.get("legacy_dn") or cloud_legacy_dn(rec)
        if config is not None and config.writeback_x500:
            x500 = "X500:" + legacy
            if x500.lower() not in {e.lower() for e in emails}:
                emails.append(x500)
        r = {
            "Name": rec.get("name") or rec["id"],
            "Identity": rec.get("name") or rec["id"],
            "Alias": rec.get("alias") or rec.get("sam") or "",
            "DisplayName": rec.get("display_name") or rec.get("name") or "",
            "UserPrincipalName": rec["upn"],
            "ExternalDirectoryObjectId": rec["id"],
            "Guid": rec.get("exo_guid") or ids.det_guid("exo-object", rec["id"]),
            "ExchangeGuid": rec.get("mailbox_guid") or ids.ZERO_GUID,
            "ArchiveGuid": rec.get("archive_guid") or ids.ZERO_GUID,
            "EmailAddresses@odata.type": "#Collection(String)",
            "EmailAddresses": emails,
            "ExternalEmailAddress": rec.get("target_address"),
            "PrimarySmtpAddress": primary_smtp(rec),
            "LegacyExchangeDN": legacy,
            "RecipientType": "MailUser",
            "RecipientTypeDetails": "MailUser",
            "IsDirSynced": True,
            "WhenChanged": rec["when_changed"],
            "WhenChangedUTC": rec["when_changed"],
            "WhenCreated": rec["created"],
            "WhenCreatedUTC": rec["created"],
            "_mailuser": True,  # internal: visible to Get-MailUser
        }
        if licensed:
            r.update({"RecipientType": "UserMailbox", "RecipientTypeDetails": "UserMailbox",
                      "ExchangeGuid": licensed.get("exchange_guid") or ids.det_guid("early-mailbox", rec["id"]),
                      "ArchiveGuid": ids.ZERO_GUID, "ExternalEmailAddress": None,
                      "_mailuser": bool(licensed.get("mailuser_view"))})
        return r


class CloudState:
    """Persisted cloud objects. REQUIRES: callers hold `lock` while mutating."""

    def __init__(self, state_dir, registration):
        self.path = os.path.join(state_dir, "cloud-state.json")
        self.reg = registration
        self.lock = threading.RLock()
        self.cycle_lock = threading.Lock()  # one sync cycle at a time
        self._clear()
        self.view = None

    def _clear(self):
        self.users = {}         # cloud id -> record (see entra_sync.export_record)
        self.by_adguid = {}     # AD objectGUID text -> cloud id
        self.cycle = 0
        self.last_sync = None   # organization onPremisesLastSyncDateTime
        self.history = {}       # AD objectGUID -> [image or None] for lagging users
        self.conflict_seen = {}  # "adguid|property|value" -> first occurredDateTime

    def reset(self):
        with self.lock:
            self._clear()
            if os.path.exists(self.path):
                os.remove(self.path)

    def load(self):
        if not os.path.exists(self.path):
            return
        with open(self.path) as f:
            data = json.load(f)
        if data.get("version") != STATE_VERSION or data.get("tenant_id") != self.reg["tenant_id"]:
            return  # another format or another tenant: start empty
        with self.lock:
            self.users = data["users"]
            self.by_adguid = data["by_adguid"]
            self.cycle = data["cycle"]
            self.last_sync = data["last_sync"]
            self.history = data.get("history", {})
            self.conflict_seen = data.get("conflict_seen", {})

    def save(self):
        with self.lock:
            data = {"version": STATE_VERSION, "tenant_id": self.reg["tenant_id"], "cycle": self.cycle,
                    "last_sync": self.last_sync, "users": self.users, "by_adguid": self.by_adguid,
                    "history": self.history, "conflict_seen": self.conflict_seen}
            text = json.dumps(data, separators=(",", ":"))  # the C encoder: much faster than json.dump
            tmp = self.path + ".tmp"
            with open(tmp, "w") as f:
                f.write(text)
            os.replace(tmp, self.path)

    def rebuild_view(self, faults, config):
        with self.lock:
            self.view = View(self, faults, config)
        return self.view

    def find(self, selector):
        """Live records a control-API selector names (id, UPN, sAMAccountName, DN, mail, name)."""
        with self.lock:
            return [r for r in self.users.values() if not r.get("deleted") and _selector_matches(selector, r)]
