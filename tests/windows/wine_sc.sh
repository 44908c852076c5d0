# Wine's Service Control Manager from a test script (POSIX sh; sourced, with $wine set to the wine
# binary): sc, a service's state, and a bounded wait for one. Wine's sc prints nothing on success, so
# the scripts ask `sc query` rather than read sc's output (doc/windows.md).
sc() { timeout 30 "$wine" sc "$@" 2>/dev/null </dev/null | tr -d '\r'; }
state() { sc query "$1" | awk '/STATE/ { print $4 }'; }
wait_state() {  # name state seconds: 0 once the service is in that state, 1 when the time is up
  _wine_sc_polls=0
  while [ "$(state "$1")" != "$2" ]; do
    _wine_sc_polls=$((_wine_sc_polls + 1))
    [ $_wine_sc_polls -le $(($3 * 5)) ] || return 1
    sleep 0.2
  done
}
