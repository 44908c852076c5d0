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

# The service path: `serve` watches an inbox; a downloaded file dropped there is planned and written by the
# policy (here write = "auto"), then verified. Its own config: the lab's plus a [service] section.
state="$CTIM_LAB_DIR/demo/state"
serve_config="$demo_dir/serve.toml"
rm -rf "$state"
{ cat "$CTIM_AGENT_CONFIG"; printf '\n[service]\ninbox = "%s/inbox"\nwrite = "auto"\nsettle_seconds = 2\n' "$state"; } \
  > "$serve_config"
more=$((users + 10))
step "AD: $more target users now (10 more), synced; a new identities file downloaded"
"$lab" seed "$more" >/dev/null || die "seeding failed"
"$emulator" sync >/dev/null || die "the sync cycle failed"
file2="$demo_dir/identities-2.csv"
"$emulator" ctim-export "$file2" >/dev/null || die "ctim-export failed"

step "ctim-agent serve   (write = \"auto\"; inbox $state/inbox)"
"$agent" serve --config "$serve_config" --interval 2 2> "$demo_dir/serve.log" &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null; cleanup' EXIT
for _ in $(seq 1 100); do [ -d "$state/inbox" ] && break; sleep 0.1; done
[ -d "$state/inbox" ] || die "serve did not start (see $demo_dir/serve.log)"
cp "$file2" "$state/inbox/identities-2.csv.part" && mv "$state/inbox/identities-2.csv.part" "$state/inbox/identities-2.csv"
echo "dropped identities-2.csv into the inbox (copied as .part, then renamed)"

# wait_state STATE SECONDS: polls `status` (bounded) until file 1 is in STATE.
wait_state() {
  local i
  for ((i = 0; i < $2 * 2; i++)); do
    "$agent" status --config "$serve_config" --format json |
      python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)[0]["state"] in sys.argv[1:] else 1)' $1 \
      2>/dev/null && return 0
    kill -0 "$serve_pid" 2>/dev/null || die "serve exited (see $demo_dir/serve.log)"
    sleep 0.5
  done
  return 1
}
wait_state "awaiting_approval done" 120 || die "the file was not planned within 120 s (see $demo_dir/serve.log)"
"$agent" status --config "$serve_config"
if wait_state awaiting_approval 1; then
  step "held: CTIM User 00003 has a stale mailbox GUID (an --overwrite-guid change); ctim-agent approve 1"
  "$agent" approve 1 --config "$serve_config" || die "approve failed"
fi
step "waiting (at most 180 s) until ctim-agent status says done"
wait_state done 180 || { "$agent" status --config "$serve_config"; die "not DONE within 180 s"; }
"$agent" status --config "$serve_config"
ls "$state/outbox"
kill "$serve_pid"; wait "$serve_pid"

echo
echo "demo: every user the file maps was planned, written (or refused with its reason) and verified DONE,"
echo "demo: by hand and through the inbox of a running serve (reports in $state/outbox)."
echo "demo: the journal stays in $CTIM_LAB_DIR; what each run did, per user (no lab needed):"
echo "      build/release/service/ctim-agent show RUN --config $CTIM_AGENT_CONFIG"
