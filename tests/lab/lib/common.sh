# Names, paths and small helpers shared by lab.sh and its parts. Sourced, never run.
# shellcheck shell=bash disable=SC2034  # names are used by the files that source this one
#
# Everything the lab writes lives under $LAB_DIR (CTIM_LAB_DIR, default /tmp/ctim-lab). Nothing is
# written to /etc: the lab has its own smb.conf, krb5.conf, CA and keytab.

LAB_DIR="${CTIM_LAB_DIR:-/tmp/ctim-lab}"

# The domain. Fixed: the agent's tests and the cloud emulator rely on these names.
readonly REALM="LAB.EXAMPLE"
readonly DNS_DOMAIN="lab.example"
readonly NETBIOS_DOMAIN="LAB"
readonly DC_HOST="dc1"
readonly DC_FQDN="dc1.lab.example"
readonly BASE_DN="DC=lab,DC=example"
readonly SCHEMA_DN="CN=Schema,CN=Configuration,$BASE_DN"
readonly TARGET_OU="OU=CTIM,$BASE_DN"
readonly ADMIN_DN="CN=Administrator,CN=Users,$BASE_DN"
readonly DC_ACCOUNT_DN="CN=DC1,OU=Domain Controllers,$BASE_DN"
readonly SVC_NAME="svc-ctim"
readonly SVC_PRINCIPAL="svc-ctim@$REALM"
readonly SVC_DN="CN=svc-ctim,CN=Users,$BASE_DN"
readonly TARGET_DELIVERY_DOMAIN="targettenant.mail.onmicrosoft.com"
# schemaIDGUID of the class user (the ACE below OU=CTIM applies to user objects only).
readonly USER_CLASS_GUID="bf967aba-0de6-11d0-a285-00aa003049e2"

# Files owned by the lab. Never remove $LAB_DIR itself: the cloud emulator keeps cloud/ and the
# agent its journal in the same directory.
DC_DIR="$LAB_DIR/dc"                        # samba-tool --targetdir; the only part a snapshot holds
SMB_CONF="$DC_DIR/etc/smb.conf"
SAM_LDB="$DC_DIR/private/sam.ldb"
SNAPSHOT_DIR="$LAB_DIR/snapshot"            # copy of $DC_DIR right after provisioning (pristine)
TLS_DIR="$LAB_DIR/tls"
CA_PEM="$TLS_DIR/ca.pem"
KRB5_CONF="$LAB_DIR/krb5.conf"
SECRETS_DIR="$LAB_DIR/secrets"              # 0700
ADMIN_PASSWORD_FILE="$SECRETS_DIR/administrator.password"
SVC_PASSWORD_FILE="$SECRETS_DIR/svc-ctim.password"
KEYTAB="$SECRETS_DIR/svc-ctim.keytab"
PID_FILE="$LAB_DIR/samba.pid"               # "<master pid> <start time>" of the running DC
VARIANT_FILE="$LAB_DIR/variant"             # what was provisioned, e.g. "exchange-schema=yes"
SEED_DIR="$LAB_DIR/seed"
SEED_MANIFEST="$SEED_DIR/users.csv"
SEED_META="$SEED_DIR/meta"
AGENT_CONFIG="$LAB_DIR/ctim-agent.toml"
CLOUD_CONFIG="$LAB_DIR/cloud/agent-cloud.toml"
WORK_DIR="$LAB_DIR/work"                    # scratch files of the last run (LDIFs, search output)
LOG_DIR="$LAB_DIR/log"

# Safety net: the DC exits by itself after this many seconds, so a forgotten lab cannot linger.
MAX_RUNTIME="${CTIM_LAB_MAX_RUNTIME:-7200}"
# How long to wait for the DC to answer after start, and for its processes to exit after stop.
START_TIMEOUT="${CTIM_LAB_START_TIMEOUT:-60}"
STOP_TIMEOUT=10

log() { printf 'lab: %s\n' "$*" >&2; }
die() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }

# Seconds elapsed since $1 (an $EPOCHREALTIME value), two decimals.
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }

# step NAME CMD...: runs CMD (errexit stays active inside it) and prints how long it took.
CURRENT_STEP=""
step() {
  local name=$1 t0=$EPOCHREALTIME
  shift
  CURRENT_STEP=$name
  "$@"
  CURRENT_STEP=""
  printf 'lab:   %-28s %6s s\n' "$name" "$(elapsed "$t0")" >&2
}

on_error() {
  local rc=$? line=$1
  if [ -n "$CURRENT_STEP" ]; then
    printf 'lab: error: step "%s" failed (rc %d, %s line %s)\n' "$CURRENT_STEP" "$rc" "${BASH_SOURCE[1]##*/}" "$line" >&2
  fi
}

# The lab dir is pasted into TOML strings, smb.conf and eval-able export lines: keep it plain.
check_lab_dir() {
  case "$LAB_DIR" in
    /*) ;;
    *) die "CTIM_LAB_DIR must be an absolute path (got '$LAB_DIR')" ;;
  esac
  [[ "$LAB_DIR" =~ ^[A-Za-z0-9._/-]+$ ]] ||
    die "CTIM_LAB_DIR may only contain letters, digits and . _ / - (got '$LAB_DIR')"
  [ "$LAB_DIR" != "/" ] || die "CTIM_LAB_DIR must not be /"
}

# Namespace mode: the private /etc/hosts of `lab.sh netns` maps the FQDN to 127.0.0.1. Read the
# file itself rather than resolving the name: a resolver lookup of dc1.lab.example in the host
# namespace would leave the machine.
dc_address() {
  if awk -v fqdn="$DC_FQDN" '$1 == "127.0.0.1" { for (i = 2; i <= NF; i++) if ($i == fqdn) found = 1 }
                             END { exit !found }' /etc/hosts 2>/dev/null; then
    printf '%s' "$DC_FQDN"
  else
    printf '127.0.0.1'
  fi
}
ldap_url()  { printf 'ldap://%s' "$(dc_address)"; }
ldaps_url() { printf 'ldaps://%s' "$(dc_address)"; }
gc_url()    { printf 'ldap://%s:3268' "$(dc_address)"; }

# Client settings for the lab's own ldapsearch/ldapadd calls (libldap and MIT Kerberos read them).
# Not part of `lab.sh env`: tests of the agent's TLS options must not inherit a CA from the env.
client_env() {
  export KRB5_CONFIG="$KRB5_CONF"
  export LDAPTLS_CACERT="$CA_PEM" LDAPTLS_REQCERT=demand LDAPSASL_NOCANON=on
  unset LDAPTLS_CACERTDIR LDAPRC LDAPCONF
}

# Administrator over LDAPS (simple bind; the DC refuses simple binds without TLS).
admin_ldap() {
  local tool=$1
  shift
  "$tool" -x -H "$(ldaps_url)" -D "$ADMIN_DN" -y "$ADMIN_PASSWORD_FILE" -o nettimeout=10 "$@"
}

# quiet CMD...: runs CMD with its output kept in $LOG_DIR/last-command.log, shown only on failure.
quiet() {
  local out="$LOG_DIR/last-command.log" rc=0
  "$@" > "$out" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    tail -n 20 "$out" >&2
    log "command failed (rc $rc): $1 ${2:-}"
  fi
  return "$rc"
}

# A random password that meets AD complexity (upper, lower, digit, symbol).
random_password() { printf 'Lab-%s-Xy7!' "$(openssl rand -hex 12)"; }

# Writes $2 (no trailing newline: ldapsearch -y uses the whole file) to $1 with mode 0600.
write_secret() {
  (umask 077 && printf '%s' "$2" > "$1")
}
