#!/bin/bash
# The Windows build's tests (doc/windows.md), on Debian 12 as root:
#   1. fetches the pinned SQLite amalgamation (once), configures and builds the 'windows' preset,
#   2. runs the unit tests under Wine (a persistent wineserver for the checkout's prefix, build/wine),
#   3. inside the lab's private network namespace, with its own lab dir, brings up the lab DC and the cloud
#      emulator and runs the Wldap32 tests and ctim-agent.exe (CLI and service) against them
#      (label windows-integration),
# and stops the wineserver and the DC it started, whatever the outcome. Exit code 0 when every test passed.
#   CTIM_WINDOWS_LAB_DIR   lab dir for step 3 (default /tmp/ctim-lab-windows; never the Linux tests' one)
#   CTIM_JOBS              parallel compile jobs (default: the number of cores)
# The lab's DC listens on fixed ports; the namespace keeps this run apart from a Linux lab on the host.
set -Eeuo pipefail
trap 'echo "windows-test: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO of $0" >&2' ERR
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

step_started=$SECONDS
step() {
  echo "windows-test: $1 took $((SECONDS - step_started)) s"
  step_started=$SECONDS
}

scripts/get-sqlite-amalgamation.sh
cmake --preset windows >/dev/null
cmake --build --preset windows -j"${CTIM_JOBS:-$(nproc)}"
step "build"

status=0
# Unit tests: a subshell, so the Wine environment and its wineserver end with it.
(
  # shellcheck source=scripts/wine-env.sh
  . scripts/wine-env.sh
  trap ctim_wine_stop EXIT
  ctest --preset windows -L unit --output-on-failure -j1
) || status=1
step "unit tests under Wine"

# The Linux agent writes what the Windows exe verifies (tests/windows/agent_lab_wine.sh): scripts/test.sh
# has built it; on its own this script builds it.
if [ ! -x build/ci/service/ctim-agent ]; then
  cmake --preset ci >/dev/null
  cmake --build --preset ci -j"${CTIM_JOBS:-$(nproc)}" --target ctim-agent
fi
step "the Linux agent"

export CTIM_LAB_DIR="${CTIM_WINDOWS_LAB_DIR:-/tmp/ctim-lab-windows}"
tests/lab/lab.sh netns bash -c '
  set -uo pipefail
  cleanup() {
    ctim_wine_stop
    tests/cloud_emulator/emulator.sh down >/dev/null 2>&1
    tests/lab/lab.sh down >/dev/null 2>&1
  }
  tests/lab/lab.sh up || { echo "windows-test: the lab did not come up" >&2; exit 1; }
  # URLs by name: Wine'"'"'s WinHTTP matches no IP-address SAN (doc/windows.md).
  CTIM_EMU_HOST=localhost tests/cloud_emulator/emulator.sh up ||
    { echo "windows-test: the cloud emulator did not come up" >&2; tests/lab/lab.sh down >/dev/null 2>&1; exit 1; }
  tests/lab/lab.sh config >/dev/null
  eval "$(tests/lab/lab.sh env)"
  . scripts/wine-env.sh || { tests/cloud_emulator/emulator.sh down >/dev/null 2>&1; tests/lab/lab.sh down >/dev/null 2>&1; exit 1; }
  trap cleanup EXIT
  ctest --preset windows -L windows-integration --output-on-failure -j1' || status=1
step "integration tests under Wine (lab in its namespace)"
exit "$status"
