"""One Entra Connect sync cycle: AD users under the sync scope -> cloud records, plus the writebacks
Entra Connect does (ms-DS-ConsistencyGuid on first export, msDS-ExternalDirectoryObjectId from Exchange
hybrid writeback).

Rules (README.md "Entra Connect simulation" lists them with what is INFERRED):
- join by objectGUID; a new AD object whose source anchor equals an orphaned cloud user's immutableId
  is joined to it (hard match); otherwise a new cloud id;
- a user that lags K cycles is exported from the AD image read K cycles earlier;
- a proxy address or UPN (case-insensitive) held by two objects: the holder keeps it, the other object
  gets a PropertyConflict provisioning error and its pending change is not exported (a new object is
  created without the duplicate value);
- organization onPremisesLastSyncDateTime = end of the last successful cycle;
- a user whose source of authority was moved to the cloud (control API cloud-managed, "object") gets no AD
  change at all; one whose Exchange attributes are cloud-managed ("exchange") keeps its cloud Exchange
  values (proxies, targetAddress, mailbox and archive GUIDs) while its other AD values still flow."""

import base64
import logging
import uuid

from . import ids
from .directory import cloud_legacy_dn, cloud_managed_for

log = logging.getLogger("emulator.sync")

EXCHANGE_FIELDS = ("proxies", "target_address", "mailbox_guid", "archive_guid")
EXPORT_FIELDS = ("sid", "dn", "sam", "ad_upn", "upn", "mail", "proxies", "target_address", "mailbox_guid",
                 "archive_guid", "name", "display_name", "alias", "account_enabled", "domain_name")


def _text(a, name):
    vals = a.get(name.lower())
    return vals[0].decode("utf-8") if vals else None


def _guid(a, name):
    vals = a.get(name.lower())
    return ids.guid_from_ad_bytes(vals[0]) if vals and len(vals[0]) == 16 else None


def _domain_name(dn):
    parts = [p.split("=", 1)[1] for p in dn.split(",") if p.strip().lower().startswith("dc=")]
    return ".".join(parts) or None


def image_from_entry(dn, a, initial_domain):
    """What Entra Connect reads from one AD user: a JSON-friendly dict, or None without objectGUID."""
    object_guid = (a.get("objectguid") or [None])[0]
    if object_guid is None or len(object_guid) != 16:
        return None
    consistency = (a.get("ms-ds-consistencyguid") or [None])[0]
    sid = (a.get("objectsid") or [None])[0]
    uac = int(_text(a, "userAccountControl") or 0)
    sam = _text(a, "sAMAccountName")
    ad_upn = _text(a, "userPrincipalName")
    return {
        "ad_guid": ids.guid_from_ad_bytes(object_guid),
        "object_guid_b64": base64.b64encode(object_guid).decode(),
        "anchor_b64": base64.b64encode(consistency or object_guid).decode(),
        "has_consistency": consistency is not None,
        "sid": ids.sid_to_text(sid) if sid else None,
        "dn": dn,
        "sam": sam,
        "ad_upn": ad_upn,
        # No UPN on-prem: Entra builds one in the initial domain (INFERRED shape).
        "upn": ad_upn or f"{sam}@{initial_domain}",
        "mail": _text(a, "mail"),
        "proxies": [v.decode("utf-8") for v in a.get("proxyaddresses", [])],
        "target_address": _text(a, "targetAddress"),
        "mailbox_guid": _guid(a, "msExchMailboxGuid"),
        "archive_guid": _guid(a, "msExchArchiveGUID"),
        "name": _text(a, "name"),
        "display_name": _text(a, "displayName"),
        "alias": _text(a, "mailNickname"),
        "account_enabled": not (uac & 2),
        "domain_name": _domain_name(dn),
        "when_created": _text(a, "whenCreated") or "",
        "ext_id": _text(a, "msDS-ExternalDirectoryObjectId"),
    }


def _keys(values):
    """Unique-valued properties: {(property, lowercased value): value as written}."""
    out = {("ProxyAddress", p.lower()): p for p in values.get("proxies") or ()}
    if values.get("upn"):
        out[("UserPrincipalName", values["upn"].lower())] = values["upn"]
    return out


def _matches(selector, *objs):
    s = selector.lower()
    for o in objs:
        if o and s in {str(o.get(k) or "").lower() for k in ("id", "dn", "sam", "ad_upn", "upn", "mail", "name",
                                                               "ad_guid")}:
            return True
    return False


def _quarantined_upn(upn, initial_domain, guid):
    local = upn.split("@", 1)[0]
    return f"{local}{int(guid.replace('-', '')[:8], 16) % 10000:04d}@{initial_domain}"


def run_cycle(state, source, faults, config):
    """Run one cycle. Returns a summary dict. Raises ad_source.AdError when AD cannot be read (the
    cloud then stays as it was and onPremisesLastSyncDateTime does not move)."""
    with state.cycle_lock:
        started = ids.iso_now()
        entries = source.read_users() if source is not None else []
        initial_domain = state.reg["initial_domain"]
        images = {}
        for dn, attrs in entries:
            img = image_from_entry(dn, attrs, initial_domain)
            if img is not None:
                images[img["ad_guid"]] = img
        writebacks = []
        with state.lock:
            state.cycle += 1
            now = ids.iso_now()
            summary = {"cycle": state.cycle, "started": started, "ad_users": len(images), "created": 0,
                       "updated": 0, "deleted": 0, "unchanged": 0, "lagging": 0, "conflicts": 0,
                       "writebacks": 0, "writeback_errors": []}
            exports, deletes = _effective_images(state, images, dict(faults.lag), summary)
            _hold_cloud_managed(state, exports, dict(faults.cloud_managed), summary)
            owner, wanted = _owners(state, exports, deletes)
            anchors = {}
            for rec in state.users.values():
                anchors.setdefault(rec["immutable_id"], []).append(rec)
            for guid in sorted(exports):
                rec = _apply(state, exports[guid], owner, wanted[guid], anchors, now, summary)
                if config.writeback and rec is not None and guid in images:
                    mods = _writeback_mods(images[guid], rec, config)
                    if mods:
                        writebacks.append((images[guid]["dn"], mods))
            for rec in deletes:
                rec.update(deleted=True, last_sync=now, when_changed=now)
                summary["deleted"] += 1
        if writebacks:
            errors = source.write_back(writebacks)
            summary["writebacks"] = len(writebacks) - len(errors)
            summary["writeback_errors"] = [f"{dn}: {err}" for dn, err in errors[:20]]
            for dn, err in errors:
                log.warning("writeback to %s failed: %s", dn, err)
        with state.lock:
            state.last_sync = ids.iso_now()
            summary["finished"] = state.last_sync
            state.save()
            state.rebuild_view(faults, config)
        return summary


def _effective_images(state, images, lag, summary):
    """Per AD object the image to export this cycle ({guid: image}) and the records to delete."""
    exports, deletes = {}, []
    live = {g for g, i in state.by_adguid.items() if i in state.users and not state.users[i].get("deleted")}
    for guid in sorted(set(images) | set(state.history) | live):
        img = images.get(guid)
        rec = state.users.get(state.by_adguid.get(guid))
        k = max((c for sel, c in lag.items() if _matches(sel, img, rec)), default=0)
        if k:
            hist = state.history.setdefault(guid, [])
            hist.append(img)
            del hist[:-(k + 1)]
            summary["lagging"] += 1
            if len(hist) <= k:
                continue  # nothing old enough yet: the cloud keeps what it has
            img = hist[0]
        else:
            state.history.pop(guid, None)
        if img is not None:
            exports[guid] = img
        elif rec is not None and not rec.get("deleted"):
            deletes.append(rec)
    return exports, deletes


def _hold_cloud_managed(state, exports, managed, summary):
    """Entra blocks AD's updates for cloud-managed objects (doc/cloud-api.md, "Source of authority")."""
    summary["cloud_managed"] = 0
    for guid in list(exports):
        rec = state.users.get(state.by_adguid.get(guid))
        if rec is None or rec.get("deleted"):
            continue
        soa = cloud_managed_for(managed, rec)
        if soa["object"]:
            del exports[guid]
            summary["cloud_managed"] += 1
        elif soa["exchange"]:
            exports[guid] = {**exports[guid], **{f: rec.get(f) for f in EXCHANGE_FIELDS}}
            summary["cloud_managed"] += 1


def _owners(state, exports, deletes):
    """Who holds each unique value after this cycle: objects not exported keep theirs; exported objects
    keep values they already hold; new claims go to the earliest-created object."""
    deleting = {r["id"] for r in deletes}
    owner = {}
    for rec in state.users.values():
        if rec.get("deleted") or rec["id"] in deleting or rec.get("ad_guid") in exports:
            continue
        for key in _keys(rec):
            owner.setdefault(key, rec.get("ad_guid") or rec["id"])
    wanted = {guid: _keys(img) for guid, img in exports.items()}
    for guid in exports:
        rec = state.users.get(state.by_adguid.get(guid))
        if rec is not None and not rec.get("deleted"):
            for key in _keys(rec).keys() & wanted[guid].keys():
                owner.setdefault(key, guid)
    for guid in sorted(exports, key=lambda g: (exports[g]["when_created"], exports[g]["dn"].lower())):
        for key in wanted[guid]:
            owner.setdefault(key, guid)
    return owner, wanted


def _conflict_errors(state, guid, conflicts, now):
    errors = []
    live_keys = set()
    for (prop, _low), value in conflicts:
        k = f"{guid}|{prop}|{value.lower()}"
        live_keys.add(k)
        first = state.conflict_seen.setdefault(k, now)
        errors.append({"category": "PropertyConflict", "occurredDateTime": first, "propertyCausingError": prop,
                       "value": value})
    for k in [k for k in state.conflict_seen if k.startswith(guid + "|") and k not in live_keys]:
        del state.conflict_seen[k]
    return errors


def _apply(state, img, owner, wanted, anchors, now, summary):
    guid = img["ad_guid"]
    conflicts = [(key, value) for key, value in wanted.items() if owner.get(key) != guid]
    errors = _conflict_errors(state, guid, conflicts, now)
    rec = state.users.get(state.by_adguid.get(guid))
    if rec is None:
        rec = _hard_match(state, img, anchors)
    if conflicts:
        summary["conflicts"] += 1
    if conflicts and rec is not None and not rec.get("deleted"):
        rec["errors"] = errors  # export blocked: previous cloud values stay
        return rec
    values = {f: img[f] for f in EXPORT_FIELDS}
    if conflicts:  # new object: created without the duplicate values
        bad = {key for key, _v in conflicts}
        values["proxies"] = [p for p in values["proxies"] if ("ProxyAddress", p.lower()) not in bad]
        if ("UserPrincipalName", values["upn"].lower()) in bad:
            values["upn"] = _quarantined_upn(values["upn"], state.reg["initial_domain"], guid)
    if rec is None:
        cid = str(uuid.uuid4())
        rec = {"id": cid, "immutable_id": img["anchor_b64"], "created": now, "last_sync": now,
               "when_changed": now, "errors": [], **values}
        # EXO fixes a recipient's object GUID and LegacyExchangeDN when it creates it.
        rec["exo_guid"] = ids.det_guid("exo-object", cid)
        rec["legacy_dn"] = cloud_legacy_dn(rec)
        state.users[cid] = rec
        summary["created"] += 1
    elif rec.get("deleted") or any(rec.get(f) != values[f] for f in EXPORT_FIELDS):
        rec.update(values)
        rec.update(deleted=False, last_sync=now, when_changed=now)
        summary["updated"] += 1
    else:
        summary["unchanged"] += 1
    rec["ad_guid"] = guid
    rec["errors"] = errors
    state.by_adguid[guid] = rec["id"]
    return rec


def _hard_match(state, img, anchors):
    """An orphaned cloud user (no live AD object joined) whose immutableId equals this object's anchor."""
    for rec in anchors.get(img["anchor_b64"], ()):
        joined = not rec.get("deleted") and state.by_adguid.get(rec.get("ad_guid")) == rec["id"]
        if not joined:
            state.by_adguid.pop(rec.get("ad_guid"), None)
            return rec
    return None


def _writeback_mods(img, rec, config):
    mods = []
    if not img["has_consistency"]:
        mods.append(("replace", "mS-DS-ConsistencyGuid", [base64.b64decode(img["object_guid_b64"])]))
    want = "User_" + rec["id"]
    if img["ext_id"] != want:
        mods.append(("replace", "msDS-ExternalDirectoryObjectId", [want.encode()]))
    if config.writeback_x500:
        x500 = "X500:" + (rec.get("legacy_dn") or cloud_legacy_dn(rec))
        if x500.lower() not in {p.lower() for p in img["proxies"]}:
            mods.append(("add", "proxyAddresses", [x500.encode()]))
    return mods
