#!/bin/bash
# Runs inside the lab's private network namespace (scripts/demo.sh starts it). Each step prints what it
# does; the agent's own output is shown as is.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
agent="$root/build/release/service/ctim-agent"
users="${CTIM_DEMO_USERS:-50}"
lab=tests/lab/lab.sh
emulator=tests/cloud_emulator/emulator.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }
cleanup() { "$emulator" down >/dev/null 2>&1; "$lab" down >/dev/null 2>&1; }
trap cleanup EXIT

step "lab: a Samba AD DC on 127.0.0.1 with the Exchange schema, $users target MailUsers"
"$emulator" down >/dev/null 2>&1
"$lab" reset >/dev/null 2>&1 || "$lab" up || die "the lab did not come up"
"$lab" seed "$users" || die "seeding failed"
eval "$("$lab" env)"
# A fresh tenant and a fresh journal for a fresh DC: the previous demo's are kept beside, never deleted.
for old in "$CTIM_LAB_DIR/cloud/cloud-state.json" "$CTIM_LAB_DIR/journal.db"; do
  [ -e "$old" ] && mv -f "$old" "$old.previous"
  rm -f "$old-wal" "$old-shm"
done
step "cloud emulator: token endpoint, Graph, Exchange Online admin API, Entra Connect every few seconds"
"$emulator" up || die "the cloud emulator did not come up"
"$lab" config >/dev/null
eval "$("$lab" env)"
"$emulator" sync >/dev/null || die "the first sync cycle failed"
echo "first Entra Connect cycle done: cloud users created, msDS-ExternalDirectoryObjectId written back"

demo_dir="$CTIM_LAB_DIR/demo"
mkdir -p "$demo_dir"
file="$demo_dir/identities.csv"
step "CTIM: download the identities file (some rows deliberately bad)"
"$emulator" ctim-export "$file" --bad || die "ctim-export failed"

step "ctim-agent doctor"
"$agent" doctor || die "doctor found a problem"

step "ctim-agent check $file   (exit 1 expected: the bad rows are refused)"
"$agent" check "$file"
rc=$?
[ "$rc" -eq 1 ] || die "check exited $rc; expected 1 (some rows refused)"

# What a real forest brings: objects that must not be stamped. Written as the lab's Administrator.
ou="$CTIM_LAB_TARGET_OU"
step "AD: three target users that must be refused (a remote mailbox, a stale mailbox GUID, a foreign targetAddress)"
LDAPTLS_CACERT="$CTIM_LAB_CA" LDAPTLS_REQCERT=demand ldapmodify -x -H "$CTIM_LAB_LDAPS_URL" \
  -D "$CTIM_LAB_ADMIN_DN" -y "$CTIM_LAB_ADMIN_PASSWORD_FILE" -o nettimeout=10 << LDIF || die "ldapmodify failed"
dn: CN=CTIM User 00002,$ou
changetype: modify
replace: msExchRecipientTypeDetails
msExchRecipientTypeDetails: 2147483648

dn: CN=CTIM User 00003,$ou
changetype: modify
replace: msExchMailboxGuid
msExchMailboxGuid:: 3q2+7wAREiIzRFVmd4iZqg==

dn: CN=CTIM User 00004,$ou
changetype: modify
replace: targetAddress
targetAddress: SMTP:user00004@elsewhere.example
LDIF
echo "CTIM User 00002: msExchRecipientTypeDetails = RemoteUserMailbox"
echo "CTIM User 00003: msExchMailboxGuid = efbeadde-1100-2212-3344-5566778899aa (a stale mailbox)"
echo "CTIM User 00004: targetAddress = SMTP:user00004@elsewhere.example"

step "ctim-agent plan $file   (the dry run: changes nothing; exit 1 expected: some rows refused)"
"$agent" plan "$file"
rc=$?
[ "$rc" -eq 1 ] || die "plan exited $rc; expected 1 (some rows refused)"

step "ctim-agent write $file   (journaled; exit 1 expected: the refused rows are not written)"
"$agent" write "$file"
rc=$?
[ "$rc" -eq 1 ] || die "write exited $rc; expected 1 (some rows refused)"

step "Entra Connect: a sync cycle carries the new values to Entra ID and Exchange Online"
"$emulator" sync >/dev/null || die "the sync cycle failed"
echo "sync cycle done"

step "ctim-agent verify   (the latest write run; polls until every written user is DONE)"
"$agent" verify --interval 2 --deadline 120 || die "verify did not find every written user DONE"

step "ctim-agent runs"
"$agent" runs || die "runs failed"

echo
echo "demo: every user the file maps was planned, written (or refused with its reason) and verified DONE."
echo "demo: the journal stays in $CTIM_LAB_DIR; what each run did, per user (no lab needed):"
echo "      build/release/service/ctim-agent show RUN --config $CTIM_AGENT_CONFIG"
