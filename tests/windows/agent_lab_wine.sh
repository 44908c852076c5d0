#!/bin/bash
# ctim-agent.exe under Wine against the lab DC and the cloud emulator (doc/windows.md), as a Windows admin
# would run it, with the Linux agent (build/ci, or $CTIM_LINUX_AGENT) as the reference:
#   1. the Linux agent writes a CTIM file into the lab; after an Entra Connect cycle the Windows exe verifies
#      that run from the same journal (SQLite, read on Windows) and the file itself (--file) over WinHTTP
#      with its CNG-signed client assertion: every user DONE; `runs` and `show` read the journal;
#   2. the service: `serve` registered with Wine's Service Control Manager (sc create / start); a file dropped
#      into its inbox that is no CTIM file is refused and moved to failed/ with the reason; `sc stop` ends
#      it; its log file has the SCM start, the Event Log call and the stop.
# NOT under Wine: doctor, plan, write and rollback against the DC. Wine 8's Wldap32 stalls on an LDAPS answer
# of more than a few entries (it waits on the socket for data its TLS layer has already read; measured:
# doctor's schema search stops after its 11th entry), so they run on Windows (real-host-checks.ps1).
# Wine checks no LDAPS certificate and cannot run Negotiate either: the test name says so.
# Usage: agent_lab_wine.sh WINE EXE TRUST_CA_EXE WORK_DIR   (CTIM_LINUX_AGENT: default build/ci's)
# Runs inside `tests/lab/lab.sh netns`, with the lab DC and the emulator up and `lab.sh env` exported.
set -euo pipefail
wine=$1 exe=$2 trust=$3 work=$4
root="$(cd "$(dirname "$0")/../.." && pwd)"
linux_agent="${CTIM_LINUX_AGENT:-$root/build/ci/service/ctim-agent}"
lab="$root/tests/lab/lab.sh"
emulator="$root/tests/cloud_emulator/emulator.sh"
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
: "${CTIM_LAB_DIR:?run inside the lab (tests/lab/lab.sh env)}" "${WINEPREFIX:?run after scripts/wine-env.sh}"
[ -f "$CTIM_LAB_DIR/cloud/agent-cloud.toml" ] || fail "the cloud emulator is not up in $CTIM_LAB_DIR"
grep -q '^login_url = "https://localhost:' "$CTIM_LAB_DIR/cloud/agent-cloud.toml" ||
  fail "start the emulator with CTIM_EMU_HOST=localhost (scripts/windows-test.sh does)"
[ -x "$linux_agent" ] || fail "no Linux agent at $linux_agent: cmake --build --preset ci --target ctim-agent"

rm -rf "$work"
mkdir -p "$work"
win() { winepath -w "$1" 2>/dev/null; }
# The agent under Wine; its CRLF output as LF, so that the checks read it as on Linux. Wine's Wldap32 carries
# its own libldap, which reads LDAP* variables and ldap.conf unless LDAPNOINIT is set (doc/windows.md); the
# Linux tools this script runs need theirs, so it is set for Wine only.
agent() { LDAPNOINIT=1 timeout 300 "$wine" "$exe" "$@" </dev/null | tr -d '\r'; return "${PIPESTATUS[0]}"; }

# Secrets readable by their owner only: Wine derives a file's DACL from its Unix mode, and the agent refuses
# a secret that Everyone may read.
install -m 600 "$CTIM_LAB_SVC_PASSWORD_FILE" "$work/svc.password"
install -m 600 "$CTIM_LAB_DIR/cloud/app-key.pem" "$work/app-key.pem"
cp "$CTIM_LAB_DIR/cloud/app-cert.pem" "$work/app-cert.pem"
# WinHTTP trusts the Windows store only: the emulator's CA goes into the prefix's LocalMachine\Root.
"$wine" "$trust" "$(win "$CTIM_LAB_DIR/cloud/ca.pem")" </dev/null >/dev/null || fail "could not trust the emulator's CA"

# The lab's configuration as a Windows admin writes it: LDAPS + simple bind (no ca_file: Wldap32 trusts the
# Windows store), the Global Catalog over LDAPS, the emulator by name (Wine matches no IP-address SAN: the
# emulator runs with CTIM_EMU_HOST=localhost).
cloud_value() { sed -n "s/^$1 = \"\(.*\)\"$/\1/p" "$CTIM_LAB_DIR/cloud/agent-cloud.toml"; }
config="$work/ctim-agent.toml"
cat >"$config" <<EOF
[ldap]
url = "ldaps://$CTIM_LAB_FQDN"
bind = "simple"
bind_dn = "$CTIM_LAB_SVC_DN"
password_file = '$(win "$work/svc.password")'
base_dns = ["$CTIM_LAB_TARGET_OU"]
gc_url = "ldaps://$CTIM_LAB_FQDN:3269"

[agent]
journal = '$(win "$work/journal.db")'
target_delivery_domain = "targettenant.mail.onmicrosoft.com"

[cloud]
tenant_id = "$(cloud_value tenant_id)"
client_id = "$(cloud_value client_id)"
certificate_file = '$(win "$work/app-cert.pem")'
private_key_file = '$(win "$work/app-key.pem")'
login_url = "$(cloud_value login_url)"
graph_url = "$(cloud_value graph_url)"
exo_url = "$(cloud_value exo_url)"

[service]
inbox = '$(win "$work/state/inbox")'
write = "auto"
settle_seconds = 1
EOF
linux_config="$CTIM_AGENT_CONFIG"
export CTIM_AGENT_CONFIG="$(win "$config")"

# AD: 12 target users, synced once so the cloud knows them; the source tenant's file for them.
"$lab" seed 12 >/dev/null || fail "seeding the lab failed"
"$emulator" sync >/dev/null || fail "the first sync cycle failed"
"$emulator" ctim-export "$work/identities.csv" >/dev/null || fail "ctim-export failed"
users=$(($(wc -l <"$work/identities.csv") - 1))
[ "$users" -ge 12 ] || fail "ctim-export wrote $users rows, expected at least 12"
csv="$(win "$work/identities.csv")"

# What the agent writes is read back in AD with the Linux tools (not through Wine).
export LDAPTLS_CACERT="$CTIM_LAB_CA"
guids() {
  ldapsearch -LLL -o ldif-wrap=no -H "$CTIM_LAB_LDAPS_URL" -x -D "$CTIM_LAB_ADMIN_DN" -y "$CTIM_LAB_ADMIN_PASSWORD_FILE" \
    -b "$CTIM_LAB_TARGET_OU" "(msExchMailboxGuid=*)" dn | grep -c '^dn:' || true
}
before=$(guids)

# The Linux agent writes (the lab's own configuration: GSSAPI), into the journal the Windows exe reads.
"$linux_agent" write "$work/identities.csv" --config "$linux_config" --journal "$work/journal.db" --no-progress >"$work/write.out" 2>&1 ||
  fail "the Linux agent's write (exit $?): $(tail -20 "$work/write.out")"
written=$(guids)
[ "$written" -ge $((before + users)) ] ||
  fail "after write, $written objects in AD carry msExchMailboxGuid, expected $before + $users"
"$emulator" sync >/dev/null || fail "the sync cycle after write failed"

agent verify --interval 2 --deadline 120 --no-progress >"$work/verify.out" 2>&1 ||
  fail "verify of the run over WinHTTP (exit $?): $(tail -20 "$work/verify.out")"
done_users=$(grep -c "DONE" "$work/verify.out" || true)
[ "$done_users" -ge "$users" ] || fail "verify: $done_users DONE lines, expected $users: $(tail -20 "$work/verify.out")"
agent verify --file "$csv" --interval 2 --deadline 60 --no-progress >"$work/verify-file.out" 2>&1 ||
  fail "verify --file over WinHTTP (exit $?): $(tail -20 "$work/verify-file.out")"
run=$(agent runs --format json |
  python3 -c 'import json,sys; print([r["id"] for r in json.load(sys.stdin)["runs"] if r["kind"] == "write"][-1])')
agent show "$run" >"$work/show.out" 2>&1 || fail "show $run: $(tail -20 "$work/show.out")"
echo "cli: verify of run $run and of the file ($users users DONE over WinHTTP), runs, show: ok"

# The service: the same configuration, started by Wine's Service Control Manager.
name="ctim-agent-wine-$$"
log="$WINEPREFIX/drive_c/ProgramData/ctim-agent/logs/ctim-agent.log"
. "$root/tests/windows/wine_sc.sh"
cleanup() {  # the service may be stopped already: sc then fails, which is no failure of the test
  sc stop "$name" >/dev/null || true
  wait_state "$name" STOPPED 30 || true
  sc delete "$name" >/dev/null || true
}
trap cleanup EXIT
rm -f "$log"
sc create "$name" binPath= "$(win "$exe") serve --config $(win "$config") --interval 2" >/dev/null
[ "$(state "$name")" = STOPPED ] || fail "sc create: $(sc query "$name")"
sc start "$name" >/dev/null
wait_state "$name" RUNNING 60 || fail "serve not RUNNING after 60 s: $(sc query "$name"); log: $(cat "$log" 2>/dev/null)"
for _ in $(seq 1 100); do [ -d "$work/state/inbox" ] && break; sleep 0.2; done
[ -d "$work/state/inbox" ] || fail "serve made no inbox: $(cat "$log" 2>/dev/null)"

# A file that is no CTIM file (semicolons, as Excel saves in some locales): refused before any LDAP, moved
# to failed/ with the reason beside it.
cp "$root/tests/data/ctim/broken_semicolon.csv" "$work/state/inbox/identities-2.csv.part"
mv "$work/state/inbox/identities-2.csv.part" "$work/state/inbox/identities-2.csv"
file_state=""
for _ in $(seq 1 60); do
  file_state=$(agent status --format json 2>/dev/null |
    python3 -c 'import json,sys; s=json.load(sys.stdin); print(s[0]["state"] if s else "")' 2>/dev/null || true)
  [ "$file_state" = failed ] && break
  [ "$(state "$name")" = RUNNING ] || fail "the service stopped: $(sc query "$name"); log: $(tail -20 "$log")"
  sleep 1
done
[ "$file_state" = failed ] || fail "the broken inbox file is '$file_state', not failed, after 60 s; log: $(tail -30 "$log")"
ls "$work/state/failed/" | grep -q identities-2 || fail "failed/ does not hold the file: $(ls -R "$work/state")"
agent status >"$work/status.out" 2>&1 || true
grep -qi "separator\|semicolon\|header\|column" "$work/status.out" ||
  fail "status does not say why the file failed: $(cat "$work/status.out")"

sc stop "$name" >/dev/null
wait_state "$name" STOPPED 60 || fail "not STOPPED 60 s after sc stop: $(sc query "$name")"
for line in "started by the Service Control Manager as service $name" "event log: ReportEventW succeeded" \
            "stop from the Service Control Manager" "ctim-agent serve stopped"; do
  grep -qF "$line" "$log" || fail "the service log has no '$line': $(tail -30 "$log")"
done
echo "service: started by the SCM, refused a broken file from its inbox into failed/, stopped: ok"
