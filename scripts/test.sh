#!/bin/bash
# The whole test suite, from a fresh Debian 12 machine (root or sudo):
#   1. installs every dependency (scripts/install-deps.sh),
#   2. builds the CI configuration (warnings as errors, ASan + UBSan) and the libFuzzer targets (clang 16),
#   3. inside a private network namespace (only loopback; nothing leaves the machine, no port clashes)
#      starts the embedded lab (Samba AD DC + KDC + cloud emulator) and runs every test:
#      unit, integration against the lab, and the fuzzers for a bounded time;
#   4. builds the .deb and installs it on a throwaway Debian 12 root (tests/package/deb_test.sh),
#   5. cross-builds for Windows and runs those tests under Wine, unit and against the lab
#      (scripts/windows-test.sh).
# Exit code: 0 when every test passed. A test that cannot reach the lab fails; nothing is skipped.
set -Eeuo pipefail
trap 'echo "test: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO of $0" >&2' ERR
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

scripts/install-deps.sh
jobs="$(nproc)"
cmake --preset ci
cmake --build --preset ci -j"$jobs"
cmake --preset fuzz
cmake --build --preset fuzz -j"$jobs"

export CTIM_LAB_DIR="${CTIM_LAB_DIR:-/tmp/ctim-lab-test}"
status=0
# The .deb on a bare Debian 12 root (debootstrap), with doctor against the lab DC from inside it.
started=$SECONDS
tests/package/deb_test.sh || status=1
echo "test: tests/package/deb_test.sh took $((SECONDS - started)) s"
tests/lab/lab.sh netns scripts/run-tests-in-lab.sh || status=1
# The Windows build under Wine, after the Linux lab tests (its own lab dir and namespace; doc/windows.md).
started=$SECONDS
scripts/windows-test.sh || status=1
echo "test: scripts/windows-test.sh took $((SECONDS - started)) s"
exit "$status"
