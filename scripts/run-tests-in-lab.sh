#!/bin/bash
# Runs inside the lab's private network namespace (scripts/test.sh starts it): brings up the lab DC and
# the cloud emulator, runs every ctest, and stops what it started, whatever the outcome.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

cleanup() {
  [ -x tests/cloud_emulator/emulator.sh ] && tests/cloud_emulator/emulator.sh down >/dev/null 2>&1
  tests/lab/lab.sh down >/dev/null 2>&1
}
trap cleanup EXIT

tests/lab/lab.sh up || { echo "run-tests: the lab did not come up" >&2; exit 1; }
if [ -x tests/cloud_emulator/emulator.sh ]; then
  tests/cloud_emulator/emulator.sh up || { echo "run-tests: the cloud emulator did not come up" >&2; exit 1; }
  tests/lab/lab.sh config >/dev/null
fi
eval "$(tests/lab/lab.sh env)"

status=0
ctest --preset ci --output-on-failure -j1 || status=1
ctest --preset fuzz --output-on-failure -j1 || status=1
exit "$status"
