#!/bin/sh
# The Windows process shell under Wine (doc/windows.md, "The Windows service"):
#  1. as a service: sc create / sc start -> RUNNING, sc stop -> STOPPED; the log file under
#     ProgramData\ctim-agent\logs has the SCM start, our ReportEventW call succeeding (Wine's event log is a
#     stub: it accepts and stores nothing), the stop control, the body's clean end;
#  2. a failing body: STOPPED, and the log and event text carry its exit code;
#  3. in a console: Ctrl+C (SIGINT to wine, which Wine turns into CTRL_C_EVENT) stops the body, exit 0.
# Usage: service_shell_scm.sh WINE PROBE_EXE WORK_DIR     (WINEPREFIX prepared by scripts/wine-env.sh)
set -eu
wine=$1 probe=$2 work=$3
mkdir -p "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
log="$WINEPREFIX/drive_c/ProgramData/ctim-agent/logs/ctim-agent.log"
name=ctim-shell-probe-$$
winexe=$(winepath -w "$probe" 2>/dev/null)
. "$(dirname "$0")/../../../windows/wine_sc.sh"
cleanup() { sc stop $name >/dev/null; sc delete $name >/dev/null; sc delete $name-fail >/dev/null; }
trap cleanup EXIT
rm -f "$log"

# Wine's sc prints nothing on success (Windows prints "[SC] CreateService SUCCESS"): ask for the service.
sc create $name binPath= "$winexe serve" >/dev/null
[ "$(state $name)" = STOPPED ] || fail "sc create: $(sc query $name)"
sc start $name >/dev/null
wait_state $name RUNNING 15 || fail "not RUNNING after 15 s: $(sc query $name)"
sc stop $name >/dev/null
wait_state $name STOPPED 15 || fail "not STOPPED 15 s after sc stop: $(sc query $name)"
for line in "started by the Service Control Manager as service $name" "event log: ReportEventW succeeded" \
            "stop from the Service Control Manager" "probe: stopped by request" "ctim-agent serve stopped"; do
  grep -qF "$line" "$log" || fail "log has no '$line': $(cat "$log")"
done

sc create $name-fail binPath= "$winexe serve fail" >/dev/null
[ "$(state $name-fail)" = STOPPED ] || fail "sc create (fail): $(sc query $name-fail)"
sc start $name-fail >/dev/null
wait_state $name-fail STOPPED 15 || fail "failing body: not STOPPED: $(sc query $name-fail)"
grep -qF "ctim-agent serve ended with exit code 3" "$log" || fail "no exit code in the log: $(cat "$log")"

"$wine" "$probe" serve >"$work/console.out" 2>"$work/console.err" </dev/null &
pid=$!
i=0
until grep -q "probe: running" "$work/console.err" 2>/dev/null; do
  i=$((i + 1))
  [ $i -le 100 ] || { kill $pid 2>/dev/null; fail "console mode did not start: $(cat "$work/console.err")"; }
  sleep 0.1
done
kill -INT $pid
i=0
while kill -0 $pid 2>/dev/null; do
  i=$((i + 1))
  [ $i -le 100 ] || { kill -KILL $pid; fail "console mode did not stop 10 s after Ctrl+C"; }
  sleep 0.1
done
wait $pid && rc=0 || rc=$?
[ $rc -eq 0 ] || fail "console mode exit $rc: $(cat "$work/console.err")"
grep -q "stop requested from the console" "$work/console.err" || fail "console: $(cat "$work/console.err")"
echo "SCM start/stop, failure exit code and console Ctrl+C pass under Wine"
