#!/usr/bin/python3
"""Target users for the lab, shaped like synced target MailUsers pre-created for a cross-tenant move.

Every value of user i is a pure function of (seed, i), independent of how many users are asked
for, so `seed 2000` followed by `seed 20000` gives the same first 2,000 users as one `seed 20000`.

  seed_users.py ldif     --seed S --count N --base-ou DN --existing SEARCH.ldif > add.ldif
      LDIF (for ldapadd) of users 1..N that SEARCH.ldif (ldapsearch output) does not list.
  seed_users.py manifest --seed S --base-ou DN --existing SEARCH.ldif > users.csv
      One CSV row per seeded user that SEARCH.ldif lists (it must carry objectGUID).

Standard library only; run with Debian's /usr/bin/python3.
"""

import argparse
import base64
import csv
import hashlib
import re
import sys

REALM_DOMAIN = "lab.example"
TARGET_DOMAIN = "target.example"
SOURCE_DOMAIN = "source.example"
DELIVERY_DOMAIN = "targettenant.mail.onmicrosoft.com"
SAM_PATTERN = re.compile(r"^ctim(\d{5})$")
MAX_USERS = 99999  # five-digit numbering

# msExchRecipientTypeDetails MailUser; msExchRecipientDisplayType as the brief's synced MailUser;
# userAccountControl ACCOUNTDISABLE | NORMAL_ACCOUNT: a MailUser has no password before the move.
RECIPIENT_TYPE_DETAILS_MAIL_USER = 128
RECIPIENT_DISPLAY_TYPE = 6
UAC_DISABLED_NORMAL = 514


def user(seed, i):
    """All values of seeded user i (1-based)."""
    num = f"{i:05d}"
    digest = hashlib.sha256(f"ctim-lab-seed/{seed}/{i}".encode()).digest()
    # About half carry an ms-DS-ConsistencyGuid (16 bytes from the seed); the others have none,
    # as before Entra Connect's first sync, which seeds it from objectGUID.
    consistency_guid = digest[16:32] if digest[0] & 1 == 0 else None
    return {
        "cn": f"CTIM User {num}",
        "sAMAccountName": f"ctim{num}",
        "userPrincipalName": f"ctim{num}@{REALM_DOMAIN}",
        "mail": f"user{num}@{TARGET_DOMAIN}",
        "mailNickname": f"user{num}",
        "proxyAddresses": [f"SMTP:user{num}@{TARGET_DOMAIN}", f"smtp:user{num}@{DELIVERY_DOMAIN}"],
        # The source's primary SMTP address: CTIM's auto-mapping key.
        "targetAddress": f"SMTP:user{num}@{SOURCE_DOMAIN}",
        "consistencyGuid": consistency_guid,
    }


def dn_of(u, base_ou):
    return f"CN={u['cn']},{base_ou}"


def read_search(path):
    """ldapsearch -LLL -o ldif-wrap=no output -> {index: objectGUID bytes or None}."""
    found = {}
    entry = {}

    def flush():
        m = SAM_PATTERN.match(entry.get("samaccountname", ""))
        if m:
            guid = entry.get("objectguid")
            found[int(m.group(1))] = base64.b64decode(guid) if guid else None

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                flush()
                entry = {}
                continue
            if line.startswith("#") or ":" not in line:
                continue
            name, _, value = line.partition(":")
            if value.startswith(":"):
                value = value[1:].strip()
                if name.lower() != "objectguid":
                    value = base64.b64decode(value).decode("utf-8")
            else:
                value = value.strip()
            entry[name.lower()] = value
    flush()
    return found


def write_ldif(seed, count, base_ou, existing, out):
    added = 0
    for i in range(1, count + 1):
        if i in existing:
            continue
        u = user(seed, i)
        lines = [
            f"dn: {dn_of(u, base_ou)}",
            "objectClass: top",
            "objectClass: person",
            "objectClass: organizationalPerson",
            "objectClass: user",
            f"cn: {u['cn']}",
            f"displayName: {u['cn']}",
            f"sAMAccountName: {u['sAMAccountName']}",
            f"userPrincipalName: {u['userPrincipalName']}",
            f"mail: {u['mail']}",
            f"mailNickname: {u['mailNickname']}",
            *(f"proxyAddresses: {p}" for p in u["proxyAddresses"]),
            f"targetAddress: {u['targetAddress']}",
            f"msExchRecipientTypeDetails: {RECIPIENT_TYPE_DETAILS_MAIL_USER}",
            f"msExchRecipientDisplayType: {RECIPIENT_DISPLAY_TYPE}",
            f"userAccountControl: {UAC_DISABLED_NORMAL}",
        ]
        if u["consistencyGuid"] is not None:
            lines.append("mS-DS-ConsistencyGuid:: " + base64.b64encode(u["consistencyGuid"]).decode())
        out.write("\n".join(lines) + "\n\n")
        added += 1
    print(added, file=sys.stderr)


def write_manifest(seed, base_ou, existing, out):
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["dn", "sAMAccountName", "userPrincipalName", "mail", "targetAddress",
                "consistencyGuidBase64", "objectGUIDBase64"])
    for i in sorted(existing):
        u = user(seed, i)
        cg = base64.b64encode(u["consistencyGuid"]).decode() if u["consistencyGuid"] else ""
        og = base64.b64encode(existing[i]).decode() if existing[i] else ""
        w.writerow([dn_of(u, base_ou), u["sAMAccountName"], u["userPrincipalName"], u["mail"],
                    u["targetAddress"], cg, og])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["ldif", "manifest"])
    p.add_argument("--seed", required=True)
    p.add_argument("--count", type=int, default=0)
    p.add_argument("--base-ou", required=True)
    p.add_argument("--existing", required=True)
    a = p.parse_args()
    existing = read_search(a.existing)
    if a.mode == "ldif":
        if not 1 <= a.count <= MAX_USERS:
            p.error(f"--count must be 1..{MAX_USERS}")
        write_ldif(a.seed, a.count, a.base_ou, existing, sys.stdout)
    else:
        write_manifest(a.seed, a.base_ou, existing, sys.stdout)


if __name__ == "__main__":
    main()
