#!/bin/bash
# Start, stop and drive the ctim-agent cloud emulator (see README.md in this folder).
#   tests/cloud_emulator/emulator.sh up|down|status|sync|ctl|ctim-export|serve [options]
# Without CTIM_LAB_LDAPS_URL in the environment, `up`/`serve` take the lab settings from
# tests/lab/lab.sh env when that script exists. Always Debian's python3 (it has python3-ldap).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
lab="$here/../lab/lab.sh"
case "${1:-}" in
  up|serve)
    if [ -z "${CTIM_LAB_LDAPS_URL:-}" ] && [ -x "$lab" ]; then
      set -a; eval "$("$lab" env)"; set +a
    fi ;;
esac
exec /usr/bin/python3 "$here/emulator.py" "$@"
