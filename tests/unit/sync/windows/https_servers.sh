#!/bin/sh
# Fixture of the WinHTTP client tests: start | stop.
#   https_servers.sh start WINE TRUST_EXE PKI_DIR RUN_DIR PORT_GOOD PORT_WRONG PORT_UNTRUSTED
#       makes the test PKI, adds its CA to the Wine prefix's LocalMachine\Root, starts tls_test_server.py
#       (which ends by itself after 600 s) and waits until it listens.
#   https_servers.sh stop RUN_DIR      stops that server, by the pid it recorded.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
case $1 in
  start)
    wine=$2 trust=$3 pki=$4 run=$5
    mkdir -p "$run"
    "$here/make_test_pki.sh" "$pki"
    "$wine" "$trust" "$pki/ca.pem" </dev/null || { echo "https_servers: trusting the test CA failed" >&2; exit 1; }
    # Its own session and no inherited stdio: ctest must not wait on the server's pipes.
    setsid python3 "$here/tls_test_server.py" "$pki" "$6" "$7" "$8" 600 >"$run/server.out" 2>"$run/server.err" </dev/null &
    echo $! >"$run/server.pid"
    i=0
    while ! grep -q ready "$run/server.out" 2>/dev/null; do
      i=$((i + 1))
      [ $i -le 100 ] || { echo "https_servers: no 'ready' in 10 s: $(cat "$run/server.err")" >&2; exit 1; }
      sleep 0.1
    done
    ;;
  stop)
    run=$2
    [ -f "$run/server.pid" ] && kill "$(cat "$run/server.pid")" 2>/dev/null
    rm -f "$run/server.pid"
    ;;
  *) echo "usage: https_servers.sh start|stop ..." >&2; exit 2 ;;
esac
