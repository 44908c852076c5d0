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
"$lab" reset >/dev/null 2>&1 || "$lab" up || die "the lab did not come up"
"$lab" seed "$users" || die "seeding failed"
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
