#!/bin/bash
# The ctim-agent lab: a real Samba AD DC on 127.0.0.1, provisioned and run from one directory
# ($CTIM_LAB_DIR, default /tmp/ctim-lab). See tests/lab/README.md for the full contract.
#
#   lab.sh up [--no-exchange-schema] [--fresh]   running DC (from the snapshot ~1 s, fresh ~5 s)
#   lab.sh down | status | reset                  stop / report / pristine DC again
#   lab.sh seed N [--seed S]                      N target MailUsers below OU=CTIM (+ manifest)
#   lab.sh env                                    eval-able export lines (the env contract)
#   lab.sh config                                 rewrite $CTIM_LAB_DIR/ctim-agent.toml
#   lab.sh netns CMD...                           CMD in a private net+mount namespace (only lo)
#   lab.sh destroy                                down + remove the lab's files
#   lab.sh up-dc2 | dc2-replicate | down-dc2      opt-in second DC dc2.lab.example (127.0.0.3, netns only)
#
# Never touches /etc/samba, /etc/krb5.conf or the host's /etc/hosts; stops only the DC it started,
# by its PID and process group; every wait is bounded.
set -Eeuo pipefail

SELF="$(readlink -f "${BASH_SOURCE[0]}")"
HERE="$(dirname "$SELF")"
. "$HERE/lib/common.sh"
. "$HERE/lib/dc.sh"
. "$HERE/lib/provision.sh"
. "$HERE/lib/seed.sh"
. "$HERE/lib/agent_config.sh"
. "$HERE/lib/dc2.sh"
trap 'on_error $LINENO' ERR

usage() { sed -n '4,13s/^# \{0,1\}//p' "$SELF"; }

# Serialises commands that change the lab (parallel test processes may share one lab dir).
# fd 9 is closed for samba in dc_start's redirections, so the DC never holds the lock.
lock_lab() {
  mkdir -p "$LAB_DIR"
  exec 9> "$LAB_DIR/.lock"
  flock -w 300 9 || die "another lab.sh holds $LAB_DIR/.lock for more than 300 s"
}

# Stops this lab's DC before its files are replaced (no graceful shutdown needed). Refuses to take a
# DC away from another network namespace that still uses it.
stop_for_replace() {
  local state=$1
  case "$state" in
    stopped) return 0 ;;
    elsewhere)
      if netns_in_use "$(dc_pid)"; then
        die "this lab's DC (pid $(dc_pid)) serves another network namespace that is still in use; use another CTIM_LAB_DIR, or 'lab.sh down' to stop it"
      fi
      log "this lab's DC (pid $(dc_pid)) was left in a network namespace nobody uses any more; stopping it"
      ;;
    unhealthy) log "this lab's DC (pid $(dc_pid)) does not answer; stopping it" ;;
  esac
  step "stop previous DC (discard)" dc_stop discard
}

print_running() {
  log "DC running: pid $(dc_pid), $(ldap_url) $(ldaps_url) $(gc_url); config $AGENT_CONFIG"
}

cmd_up() {
  local exchange=yes fresh=no t0=$EPOCHREALTIME state
  while [ $# -gt 0 ]; do
    case "$1" in
      --no-exchange-schema) exchange=no ;;
      --fresh) fresh=yes ;;
      *) die "up: unknown option '$1'" ;;
    esac
    shift
  done
  local variant="exchange-schema=$exchange"
  lock_lab
  local same_variant=no
  if [ -f "$VARIANT_FILE" ] && [ "$(cat "$VARIANT_FILE")" = "$variant" ]; then same_variant=yes; fi

  state=$(dc_state)
  if [ "$state" = running ] && [ "$fresh" = no ] && [ "$same_variant" = yes ]; then
    write_agent_config
    log "up: already running, nothing to do"
    print_running
    return 0
  fi
  stop_for_replace "$state"
  if [ -f "$VARIANT_FILE" ] && [ "$same_variant" = no ]; then
    log "up: lab was provisioned with $(cat "$VARIANT_FILE"), $variant requested: provisioning afresh"
  fi

  if [ "$fresh" = no ] && [ "$same_variant" = yes ] && snapshot_usable; then
    log "up: restoring the pristine snapshot"
    step "restore snapshot" snapshot_restore
  else
    log "up: provisioning a fresh DC in $DC_DIR ($variant)"
    step "clean" provision_clean
    step "provision (samba-tool)" provision_domain
    step "tls (own CA + cert)" make_tls
    step "smb.conf + krb5.conf" write_configs
    step "schema (2 ldbmodify passes)" apply_schema "$exchange" "$HERE"
    step "verify schema" verify_schema "$exchange"
    step "accounts (SPNs, OU, svc-ctim)" create_accounts
    printf '%s\n' "$variant" > "$VARIANT_FILE"
    step "save snapshot" snapshot_save
  fi
  step "start + ready" dc_start
  write_agent_config
  log "$(printf 'up: done in %s s' "$(elapsed "$t0")")"
  print_running
}

cmd_down() {
  local t0=$EPOCHREALTIME pid
  lock_lab
  dc2_stop
  pid=$(dc_pid)
  if [ "$(dc_state)" = stopped ]; then
    rm -f "$PID_FILE"
    log "down: not running"
    return 0
  fi
  dc_stop
  log "$(printf 'down: stopped DC (process group %s) in %s s' "$pid" "$(elapsed "$t0")")"
}

cmd_status() {
  local state
  state=$(dc_state)
  case "$state" in
    running)
      echo "running: pid $(dc_pid), lab $LAB_DIR"
      echo "  ldap  $(ldap_url)"
      echo "  ldaps $(ldaps_url)"
      echo "  gc    $(gc_url)"
      echo "  kdc   127.0.0.1:88 (KRB5_CONFIG=$KRB5_CONF)"
      return 0
      ;;
    unhealthy) echo "unhealthy: pid $(dc_pid) runs but does not answer on 389/636/88 (lab $LAB_DIR)" ;;
    elsewhere) echo "elsewhere: pid $(dc_pid) runs in another network namespace, unreachable from here (lab $LAB_DIR)" ;;
    stopped) echo "stopped (lab $LAB_DIR)" ;;
  esac
  return 1
}

cmd_reset() {
  local t0=$EPOCHREALTIME
  lock_lab
  snapshot_usable || die "reset: no snapshot in $SNAPSHOT_DIR (run: lab.sh up)"
  stop_for_replace "$(dc_state)"
  step "restore snapshot" snapshot_restore
  step "start + ready" dc_start
  write_agent_config
  log "$(printf 'reset: pristine DC in %s s' "$(elapsed "$t0")")"
}

cmd_seed() {
  local count="" seed=1
  while [ $# -gt 0 ]; do
    case "$1" in
      --seed) [ $# -ge 2 ] || die "seed: --seed needs a value"; seed=$2; shift ;;
      --seed=*) seed=${1#--seed=} ;;
      *) [ -z "$count" ] || die "seed: unexpected argument '$1'"; count=$1 ;;
    esac
    shift
  done
  [ -n "$count" ] || die "usage: lab.sh seed N [--seed S]"
  local t0=$EPOCHREALTIME
  lock_lab
  seed_users "$count" "$seed" "$HERE"
  log "$(printf 'seed: done in %s s' "$(elapsed "$t0")")"
}

cmd_config() {
  lock_lab
  [ -f "$VARIANT_FILE" ] || die "config: no provisioned lab in $LAB_DIR (run: lab.sh up)"
  write_agent_config
  echo "$AGENT_CONFIG"
}

cmd_destroy() {
  lock_lab
  dc2_stop
  dc_stop
  rm -rf "$DC2_DIR" "$DC2_TLS_DIR"
  provision_clean
  rm -rf "$SECRETS_DIR" "$WORK_DIR" "$LOG_DIR"
  rm -f "$LAB_DIR/.lock"
  rmdir "$LAB_DIR" 2> /dev/null || log "destroy: kept $LAB_DIR (holds files the lab does not own)"
}

# A second DC for replication tests: DC1 gains the services a join needs (restart), DC2 joins the
# domain, listens on 127.0.0.3 and replicates only on `dc2-replicate`. Namespace mode only: it adds
# 127.0.0.3 to lo, which must never happen in the host's namespace.
cmd_up_dc2() {
  local t0=$EPOCHREALTIME
  lock_lab
  [ "$(dc_address)" = "$DC_FQDN" ] || die "up-dc2: run it inside 'lab.sh netns' (it adds $DC2_ADDRESS to lo)"
  [ "$(dc_state)" = running ] || die "up-dc2: DC1 is not running here (run: lab.sh up)"
  dc2_stop
  if ! ip -4 addr show dev lo | grep -q "inet $DC2_ADDRESS/"; then ip addr add "$DC2_ADDRESS/8" dev lo; fi
  set_dc1_services "$DC1_SERVICES_WITH_DC2"
  step "tls for dc2" make_dc2_tls
  # A DC2 of an earlier run (a killed test) may still be known to DC1.
  if dc2_known_to_dc1; then dc2_forget; fi
  step "join (samba-tool)" dc2_join
  step "ldap/ SPNs of DC2" dc2_spns
  write_dc2_smb_conf
  step "start dc2 + ready" dc2_start
  log "$(printf 'up-dc2: %s (%s) joined and running in %s s; replicates on: lab.sh dc2-replicate' "$DC2_FQDN" "$DC2_ADDRESS" "$(elapsed "$t0")")"
}

cmd_dc2_replicate() {
  local t0=$EPOCHREALTIME
  lock_lab
  dc2_running || die "dc2-replicate: DC2 is not running here (run: lab.sh up-dc2)"
  dc2_replicate
  log "$(printf 'dc2-replicate: %s now holds every change of %s on %s (%s s)' "$DC2_FQDN" "$BASE_DN" "$DC_FQDN" "$(elapsed "$t0")")"
}

# Stops DC2, removes it from DC1 and gives DC1 its usual services back.
cmd_down_dc2() {
  local t0=$EPOCHREALTIME
  lock_lab
  dc2_stop
  rm -rf "$DC2_DIR" "$DC2_TLS_DIR"
  if [ "$(dc_state)" = running ]; then
    if dc2_known_to_dc1; then
      dc2_forget || log "down-dc2: could not remove DC2's objects from DC1 (see $LOG_DIR/last-command.log)"
    fi
    set_dc1_services "ldap, kdc"
  fi
  log "$(printf 'down-dc2: done in %s s' "$(elapsed "$t0")")"
}

# Private network + mount namespace: only lo exists, so nothing can leave the machine and ports
# 389/636/88 cannot clash with the host or another engineer's lab; /etc/hosts is replaced inside
# the namespace only, so the DC's FQDN resolves to 127.0.0.1 (namespace mode).
cmd_netns() {
  [ $# -gt 0 ] || die "usage: lab.sh netns CMD..."
  [ "$(id -u)" -eq 0 ] || die "netns: needs root (unshare --net --mount)"
  # unshare --propagation private fails with "cannot change root filesystem propagation" in a chroot
  # whose root is not a mount point.
  mountpoint -q / || die "netns: / is not a mount point (a chroot?): bind-mount the root on itself before chroot (mount --bind ROOT ROOT)"
  local hosts
  hosts=$(mktemp /tmp/ctim-lab-hosts.XXXXXX)
  printf '127.0.0.1\tlocalhost\n127.0.0.1\t%s %s\n%s\t%s %s\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
    "$DC_FQDN" "$DC_HOST" "$DC2_ADDRESS" "$DC2_FQDN" "$DC2_HOST" > "$hosts"
  chmod 644 "$hosts"
  exec unshare --net --mount --propagation private -- "$SELF" __netns-inner "$hosts" "$@"
}

cmd_netns_inner() {
  local hosts=$1 rc=0 registry
  shift
  trap 'rm -f "$hosts"' EXIT
  ip link set lo up
  # Nested namespace: /etc/hosts is the outer one's bind mount of an unlinked file, and mounting on
  # an unlinked file fails (ENOENT). Drop that mount first; this mount namespace is private.
  if mountpoint -q /etc/hosts; then umount /etc/hosts; fi
  mount --bind "$hosts" /etc/hosts
  rm -f "$hosts" # the bind mount keeps the inode
  trap - EXIT
  registry=$(mktemp /tmp/ctim-lab-netns.XXXXXX)
  export CTIM_LAB_NETNS_REGISTRY="$registry"
  # A DC left running here would be unreachable once the namespace's last command ends: stop every
  # DC started inside this namespace (by its recorded PID) on the way out, also on SIGINT/SIGTERM.
  # shellcheck disable=SC2317  # invoked by the traps below
  cleanup() {
    local dir
    trap - EXIT INT TERM
    while read -r dir; do
      CTIM_LAB_DIR="$dir" "$SELF" __down-if-here || true
    done < <(sort -u "$registry")
    rm -f "$registry"
  }
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  "$@" || rc=$?
  exit "$rc"
}

cmd_down_if_here() {
  case "$(dc_state)" in
    running | unhealthy) cmd_down ;;
  esac
}

main() {
  check_lab_dir
  local cmd=${1:-help}
  [ $# -eq 0 ] || shift
  case "$cmd" in
    up) cmd_up "$@" ;;
    down) cmd_down ;;
    status) cmd_status ;;
    reset) cmd_reset ;;
    seed) cmd_seed "$@" ;;
    env) print_env ;;
    config) cmd_config ;;
    netns) cmd_netns "$@" ;;
    destroy) cmd_destroy ;;
    up-dc2) cmd_up_dc2 ;;
    dc2-replicate) cmd_dc2_replicate ;;
    down-dc2) cmd_down_dc2 ;;
    __netns-inner) cmd_netns_inner "$@" ;;
    __down-if-here) cmd_down_if_here ;;
    help | -h | --help) usage ;;
    *) log "unknown command '$cmd'"; usage >&2; exit 2 ;;
  esac
}

main "$@"
