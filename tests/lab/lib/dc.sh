# The DC process: start without systemd, health, bounded stop, snapshot save/restore. Sourced.
# shellcheck shell=bash
#
# `setsid samba -F` from this non-interactive shell: the background child is not a process-group
# leader, so setsid does not fork; $! is the samba master and the id of its new process group.
# Every process the DC forks stays in that group, which is what dc_stop signals.

# The pid file holds "<pid> <start time>" of the samba master. Samba rewrites its process title
# (and with it /proc/PID/cmdline and environ), so the DC is recognised by executable + start time,
# which also guards against a recycled pid.
dc_pid() {
  if [ -f "$PID_FILE" ]; then awk '{ print $1; exit }' "$PID_FILE" 2> /dev/null || true; fi
}

# Field 22 of /proc/PID/stat (start time in clock ticks since boot); the comm field before it may
# contain spaces, so count from the closing parenthesis.
start_time_of() { sed 's/^.*) //' "/proc/$1/stat" 2> /dev/null | awk '{ print $20 }'; }

# True if the pid file names a live samba master that this lab started.
is_our_samba() {
  local pid=$1 recorded
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ "$(readlink "/proc/$pid/exe" 2> /dev/null)" = "$(command -v samba)" ] || return 1
  recorded=$(awk '{ print $2; exit }' "$PID_FILE" 2> /dev/null)
  [ -n "$recorded" ] && [ "$(start_time_of "$pid")" = "$recorded" ]
}

net_namespace() { readlink "/proc/${1:-self}/ns/net" 2>/dev/null || true; }

# True if a process outside the DC's process group shares the DC's network namespace: someone
# (a test run inside `lab.sh netns`) still uses that DC. A DC alone in its namespace is an orphan
# of a namespace whose command has ended, unreachable by anyone.
netns_in_use() {
  local pid=$1 ns p
  ns=$(net_namespace "$pid")
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [ "$(readlink "/proc/$p/ns/net" 2> /dev/null)" = "$ns" ] || continue
    [ "$(ps -o pgid= -p "$p" 2> /dev/null | tr -d ' ')" = "$pid" ] && continue
    return 0
  done
  return 1
}

# True if a socket listening on 127.0.0.1:$1 belongs to a process of our DC's process group.
port_is_ours() {
  local port=$1 pgid=$2 pid
  for pid in $(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
    [ "$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')" = "$pgid" ] && return 0
  done
  return 1
}

port_in_use() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

# rootDSE read without credentials: the DC's LDAP server is answering.
rootdse_answers() {
  timeout 5 ldapsearch -x -LLL -o nettimeout=3 -H "ldap://127.0.0.1" -b "" -s base dnsHostName \
    > /dev/null 2>&1
}

# dc_state: prints one of
#   running   our DC runs in this network namespace, owns 389/636/88 and answers
#   unhealthy our DC runs here but does not answer (or another process owns its ports)
#   elsewhere our DC runs in another network namespace (unreachable from here)
#   stopped   no DC of this lab runs
dc_state() {
  local pid
  pid=$(dc_pid)
  if [ -z "$pid" ] || ! is_our_samba "$pid"; then echo stopped; return; fi
  if [ "$(net_namespace "$pid")" != "$(net_namespace)" ]; then echo elsewhere; return; fi
  if port_is_ours 389 "$pid" && port_is_ours 636 "$pid" && port_is_ours 88 "$pid" && rootdse_answers; then
    echo running
  else
    echo unhealthy
  fi
}

dc_start() {
  local pid deadline
  [ -f "$SMB_CONF" ] || die "no provisioned DC in $DC_DIR (run: lab.sh up)"
  [ "$(dc_state)" = stopped ] || die "a DC of $LAB_DIR is already running (pid $(dc_pid)); run lab.sh down"
  local port
  for port in 389 636 88 3268; do
    if port_in_use "$port"; then
      die "port $port is already in use in this network namespace (another lab?); run the lab inside 'lab.sh netns' or stop the other one"
    fi
  done
  mkdir -p "$DC_DIR/run" "$LOG_DIR"
  # A stale pid file from a killed DC would make samba refuse to start.
  rm -f "$DC_DIR/run/samba.pid"
  KRB5_CONFIG="$KRB5_CONF" setsid samba -s "$SMB_CONF" -F -M "${CTIM_LAB_PROCESS_MODEL:-prefork}" \
    --maximum-runtime="$MAX_RUNTIME" > "$LOG_DIR/samba.stdout" 2>&1 < /dev/null 9>&- &
  pid=$!
  printf '%s %s\n' "$pid" "$(start_time_of "$pid")" > "$PID_FILE"
  # `lab.sh netns` stops, on its way out, every DC started inside its namespace.
  if [ -n "${CTIM_LAB_NETNS_REGISTRY:-}" ]; then printf '%s\n' "$LAB_DIR" >> "$CTIM_LAB_NETNS_REGISTRY"; fi

  deadline=$((SECONDS + START_TIMEOUT))
  while :; do
    if ! kill -0 "$pid" 2> /dev/null; then
      rm -f "$PID_FILE"
      tail -n 20 "$LOG_DIR/samba.stdout" "$DC_DIR/log/samba.log" >&2 2> /dev/null || true
      die "samba exited during start-up (logs above: $LOG_DIR/samba.stdout, $DC_DIR/log/samba.log)"
    fi
    if [ "$(ps -o pgid= -p "$pid" | tr -d ' ')" != "$pid" ]; then
      die "samba (pid $pid) is not the leader of its own process group; refusing to manage it"
    fi
    [ "$(dc_state)" = running ] && break
    if [ "$SECONDS" -ge "$deadline" ]; then
      dc_stop discard
      die "DC not ready after ${START_TIMEOUT}s (389/636/88 listening + rootDSE); see $DC_DIR/log/samba.log"
    fi
    sleep 0.1
  done
}

# True while a process of group $1 is alive. Zombies do not count: they hold no socket or file,
# and here they wait up to ~1.5 s for init to reap them (the master's parent shell is gone).
group_alive() {
  local p
  for p in $(pgrep -g "$1" 2> /dev/null); do
    [ "$(sed 's/^.*) //' "/proc/$p/stat" 2> /dev/null | cut -d' ' -f1)" = Z ] || return 0
  done
  return 1
}

# dc_stop [graceful|discard]. graceful: SIGTERM to the master, bounded wait for the whole process
# group, then SIGKILL to that group only. discard: SIGKILL to the group at once, for callers that
# replace the DC's files right after (reset, up over a broken DC): saves the ~1.5 s shutdown.
dc_stop() {
  local mode=${1:-graceful} pid i
  pid=$(dc_pid)
  if [ -z "$pid" ]; then return 0; fi
  if ! is_our_samba "$pid"; then rm -f "$PID_FILE"; return 0; fi
  if [ "$mode" = discard ]; then
    kill -KILL -- "-$pid" 2> /dev/null || true
  else
    kill -TERM "$pid" 2> /dev/null || true
  fi
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    group_alive "$pid" || break
    sleep 0.1
  done
  if group_alive "$pid"; then
    log "DC (process group $pid) still running after ${STOP_TIMEOUT}s: SIGKILL"
    kill -KILL -- "-$pid" 2> /dev/null || true
    for ((i = 0; i < 50; i++)); do
      group_alive "$pid" || break
      sleep 0.1
    done
    if group_alive "$pid"; then die "process group $pid survived SIGKILL"; fi
  fi
  rm -f "$PID_FILE"
}

# Snapshots hold $DC_DIR only (everything else is unchanged since provisioning). smb.conf holds
# absolute paths, so a snapshot restores into the same lab dir only.
snapshot_save() {
  rm -rf "$SNAPSHOT_DIR.tmp"
  cp -a --sparse=always "$DC_DIR" "$SNAPSHOT_DIR.tmp"
  cp "$VARIANT_FILE" "$SNAPSHOT_DIR.tmp/.variant"
  rm -rf "$SNAPSHOT_DIR"
  mv "$SNAPSHOT_DIR.tmp" "$SNAPSHOT_DIR"
}

snapshot_usable() {
  [ -f "$SNAPSHOT_DIR/.variant" ] && [ -f "$VARIANT_FILE" ] && [ -s "$KEYTAB" ] && [ -s "$CA_PEM" ] &&
    cmp -s "$SNAPSHOT_DIR/.variant" "$VARIANT_FILE"
}

# REQUIRES: DC stopped. The seed manifest describes the DC's contents, so it goes too.
snapshot_restore() {
  rm -rf "$DC_DIR" "$SEED_DIR"
  cp -a --sparse=always "$SNAPSHOT_DIR" "$DC_DIR"
  rm -f "$DC_DIR/.variant"
}
