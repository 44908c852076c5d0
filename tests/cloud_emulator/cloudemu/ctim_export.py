"""Plays CTIM's part: the identities file Download-CtimCopiedIdentities would give the target admin.

Source mailboxes are generated from a seed, one per target user whose targetAddress is SMTP:<address>
(CTIM's auto-mapping key: the target MailUser's ExternalEmailAddress = the source PrimarySmtpAddress), so
each row maps a source mailbox to that target user's cloud id. Everything about a source mailbox depends
only on (seed, primary address)."""

import csv
import hashlib
import io
import re

from . import ids

# INFERRED layout (doc/facts.md §1.2): the one place the column list/order lives.
HEADER = ["SourceExternalDirectoryObjectId", "SourceUserPrincipalName", "PrimarySmtpAddress", "ExchangeGuid",
          "ArchiveGuid", "LegacyExchangeDN", "EmailAddresses", "TargetExternalDirectoryObjectId", "MigrationStatus"]
EMAIL_SEPARATOR = ";"   # INFERRED (T2T convention)
LEGACY_PREFIX = "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn="
BAD_KINDS = ("zero-exchange-guid", "legacy-dn-without-o", "unmapped", "unknown-target", "malformed-exchange-guid",
             "duplicate-x500")


def _n(*parts):
    return int.from_bytes(hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()[:4], "big")


def source_mailbox(seed, primary, source_domain):
    """The deterministic source mailbox whose PrimarySmtpAddress is `primary`."""
    key = primary.lower()
    alias = re.sub(r"[^A-Za-z0-9._-]", "", primary.split("@", 1)[0]) or "user"
    legacy_hex = ids.det_guid(seed, key, "legacy").replace("-", "")
    x500 = []
    for i in range(1 + _n(seed, key, "x500count") % 3):
        style = _n(seed, key, "x500style", i) % 3
        h = ids.det_guid(seed, key, "x500", i).replace("-", "")
        if style == 0:
            x500.append(f"X500:{LEGACY_PREFIX}{h}-{alias}{i}")
        elif style == 1:
            x500.append(f"X500:/o=First Organization/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)"
                        f"/cn=Recipients/cn={alias}{h[:8]}")
        else:  # a legacy value with a comma: the EmailAddresses field must be quoted (RFC 4180)
            x500.append(f"X500:/o=Contoso/ou=First Administrative Group/cn=Recipients/cn={alias}, {h[:6]}")
    smtp = [f"SMTP:{primary}"]
    for extra in (f"{alias}@{source_domain}", f"{alias}.alt@{source_domain}"):
        if extra.lower() != key:
            smtp.append(f"smtp:{extra}")
    sip = [f"SIP:{primary}"] if _n(seed, key, "sip") % 3 == 0 else []
    has_archive = _n(seed, key, "archive") % 2 == 0
    return {
        "SourceExternalDirectoryObjectId": ids.det_guid(seed, key, "source-object"),
        "SourceUserPrincipalName": f"{alias}@{source_domain}",
        "PrimarySmtpAddress": primary,
        "ExchangeGuid": ids.det_guid(seed, key, "exchange-guid"),
        "ArchiveGuid": ids.det_guid(seed, key, "archive-guid") if has_archive else ids.ZERO_GUID,
        "LegacyExchangeDN": f"{LEGACY_PREFIX}{legacy_hex}-{alias}",
        "EmailAddresses": EMAIL_SEPARATOR.join(smtp + sip + x500),
    }


def build_rows(records, seed=1, source_domain="source.example", only_domain=None):
    """One row per live cloud user with an SMTP targetAddress, sorted by source primary address."""
    rows = []
    for rec in records:
        ta = rec.get("target_address") or ""
        if rec.get("deleted") or not ta.lower().startswith("smtp:"):
            continue
        primary = ta[5:]
        if only_domain and not primary.lower().endswith("@" + only_domain.lower()):
            continue
        row = source_mailbox(seed, primary, source_domain)
        row.update(TargetExternalDirectoryObjectId=rec["id"], MigrationStatus="Mapped")
        rows.append(row)
    rows.sort(key=lambda r: r["PrimarySmtpAddress"].lower())
    return rows


def spoil(rows, seed=1):
    """Make a few rows deliberately wrong (the last ones; row 1 stays good as a reference). Returns
    [{"row": n (1-based data row), "kind": ...}]."""
    bad = []
    if len(rows) < 2:
        return bad
    for kind, idx in zip(BAD_KINDS, range(len(rows) - 1, 0, -1)):
        r = rows[idx]
        if kind == "zero-exchange-guid":
            r["ExchangeGuid"] = ids.ZERO_GUID
        elif kind == "legacy-dn-without-o":
            r["LegacyExchangeDN"] = r["LegacyExchangeDN"].split("/cn=Recipients/", 1)[1]
        elif kind == "unmapped":
            r["TargetExternalDirectoryObjectId"], r["MigrationStatus"] = "", ""
        elif kind == "unknown-target":
            r["TargetExternalDirectoryObjectId"] = ids.det_guid(seed, "no-such-target", idx)
        elif kind == "malformed-exchange-guid":
            r["ExchangeGuid"] = "not-a-guid"
        elif kind == "duplicate-x500":
            r["EmailAddresses"] += EMAIL_SEPARATOR + "X500:" + rows[0]["LegacyExchangeDN"]
        bad.append({"row": idx + 1, "kind": kind, "PrimarySmtpAddress": r["PrimarySmtpAddress"]})
    bad.sort(key=lambda b: b["row"])
    return bad


def to_csv(rows):
    """RFC 4180: comma, CRLF line ends, quotes only where needed (as CsvHelper writes), UTF-8 without BOM."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(HEADER)
    for r in rows:
        w.writerow([r[h] for h in HEADER])
    return buf.getvalue()
