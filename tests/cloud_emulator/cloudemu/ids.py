"""Identifier formats: GUIDs in AD byte order, SIDs, timestamps, deterministic GUIDs."""

import datetime
import hashlib
import struct
import uuid

ZERO_GUID = "00000000-0000-0000-0000-000000000000"


def guid_from_ad_bytes(raw):
    """16 bytes as AD stores objectGUID / msExchMailboxGuid (Data1..3 little-endian) -> GUID text.
    Text AABBCCDD-EEFF-GGHH-... is stored as DD CC BB AA FF EE HH GG ... (doc/facts.md §2.3)."""
    return str(uuid.UUID(bytes_le=bytes(raw)))


def guid_to_ad_bytes(text):
    return uuid.UUID(text).bytes_le


def sid_to_text(raw):
    """Binary objectSid -> S-1-5-21-... (revision, sub-authority count, 48-bit big-endian authority,
    then little-endian 32-bit sub-authorities)."""
    raw = bytes(raw)
    revision, count = raw[0], raw[1]
    authority = int.from_bytes(raw[2:8], "big")
    subs = struct.unpack("<" + "I" * count, raw[8:8 + 4 * count])
    return "S-%d-%d" % (revision, authority) + "".join("-%d" % s for s in subs)


def iso_now():
    return iso(datetime.datetime.now(datetime.timezone.utc))


def iso(dt):
    """Graph's DateTimeOffset form: 2024-05-01T10:00:00Z (UTC, whole seconds)."""
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def det_guid(*parts):
    """A GUID derived only from its inputs (same seed -> same GUID), version-4 shaped."""
    h = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return str(uuid.UUID(bytes=h[:16], version=4))


def is_guid(text):
    try:
        uuid.UUID(text)
    except (ValueError, TypeError, AttributeError):
        return False
    return len(text.strip("{}")) == 36
