#!/bin/bash
# `ctim-agent doctor` as a process: passes on the suite's lab (exit 0, every row PASS), and fails clearly on
# a lab without the Exchange schema extension (exit 1, a FAIL row naming each missing attribute with a hint).
# The unextended lab runs in a namespace of its own (both DCs need port 389) with its own lab dir.
# Usage: doctor_cli_test.sh <ctim-agent binary>
set -uo pipefail
agent=$1
here="$(cd "$(dirname "$0")" && pwd)"
lab="$here/../lab/lab.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }

if [ "${2:-}" != "--unextended" ]; then
  [ -n "${CTIM_AGENT_CONFIG:-}" ] || fail "CTIM_AGENT_CONFIG is not set: run inside the lab (eval \"\$(tests/lab/lab.sh env)\")"
  # The write-rights rows need one object under the base DN; earlier tests may have reset the lab.
  "$lab" seed 1 >/dev/null 2>&1 || fail "could not seed a user into the lab to check write rights on"
  out=$("$agent" doctor --no-progress 2>&1); rc=$?
  echo "$out"
  [ "$rc" -eq 0 ] || fail "doctor on the lab exited $rc, expected 0"
  grep -q "doctor: all checks passed" <<<"$out" || fail "no 'all checks passed' line"
  if grep -q " FAIL " <<<"$out"; then fail "a row failed on the lab"; fi
  json=$("$agent" doctor --format json 2>/dev/null) || fail "doctor --format json exited non-zero"
  /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["passed"] is True and len(d["checks"]) > 10' <<<"$json" \
    || fail "doctor --format json is not the expected document"
  base="${CTIM_LAB_DIR:-/tmp/ctim-lab}"
  exec "$lab" netns env CTIM_LAB_DIR="$base-doctor-unextended" "$0" "$agent" --unextended
fi

# Inside a fresh namespace: a lab without the Exchange attributes.
trap '"$lab" down >/dev/null 2>&1' EXIT
"$lab" up --no-exchange-schema >/dev/null 2>&1 || fail "the unextended lab did not come up"
eval "$("$lab" env)"
out=$("$agent" doctor --no-progress 2>&1); rc=$?
echo "$out"
[ "$rc" -eq 1 ] || fail "doctor on the unextended lab exited $rc, expected 1"
for attribute in msExchMailboxGuid msExchArchiveGUID targetAddress msExchELCMailboxFlags; do
  grep -Eq "^schema: $attribute +FAIL" <<<"$out" || fail "no FAIL row for the missing attribute $attribute"
done
grep -q "doctor: some checks FAILED" <<<"$out" || fail "no failure summary line"
grep -Eq "^connect +PASS" <<<"$out" || fail "connect should still pass on the unextended lab"
echo "doctor_cli_test: ok"
