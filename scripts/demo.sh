#!/bin/bash
# The main job on the embedded lab, from a fresh Debian 12 machine (root or sudo): installs the
# dependencies, builds the ctim-agent binary alone (release), and inside a private network namespace
# (nothing leaves the machine) starts a real Samba AD DC and the cloud emulator, seeds target
# MailUsers, lets the emulated Entra Connect sync them, downloads a CTIM identities file (with a few
# rows that must be refused) and runs the agent on it. The lab is stopped at the end. Knobs:
# CTIM_DEMO_USERS (default 50), CTIM_LAB_DIR (default /tmp/ctim-lab-demo).
set -Eeuo pipefail
trap 'echo "demo: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO of $0" >&2' ERR
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

scripts/install-deps.sh
cmake --preset release
cmake --build --preset release -j"$(nproc)" --target ctim-agent   # only what the demo runs

export CTIM_LAB_DIR="${CTIM_LAB_DIR:-/tmp/ctim-lab-demo}"
exec tests/lab/lab.sh netns scripts/demo-in-lab.sh
