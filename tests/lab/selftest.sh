#!/bin/bash
# Self-check of the lab, run inside its own private network namespace (re-executes itself through
# `lab.sh netns`):
#   up -> status -> env -> GSSAPI bind with the keytab only -> LDAPS simple bind as Administrator
#   -> svc-ctim may write users below OU=CTIM but not CN=Administrator -> seed, count, re-seed
#   -> global catalog -> reset -> down; then the --no-exchange-schema variant.
# Uses its own lab dirs ($CTIM_LAB_DIR-selftest and ...-selftest-unextended unless
# CTIM_LAB_SELFTEST_DIR is set), so it never resets a lab a test suite is using.
# Exit status: 0 if every check passed, 1 otherwise. Prints one "ok"/"not ok" line per check.
set -uo pipefail

SELF="$(readlink -f "${BASH_SOURCE[0]}")"
HERE="$(dirname "$SELF")"
LAB="$HERE/lab.sh"

# Always a namespace of its own, even when started inside another one (a test suite's, with its own
# DC on 389): namespaces nest, and the selftest's DCs must not meet the suite's.
if [ "${1:-}" != "--in-own-netns" ]; then
  exec "$LAB" netns "$SELF" --in-own-netns
fi

export CTIM_LAB_DIR="${CTIM_LAB_SELFTEST_DIR:-${CTIM_LAB_DIR:-/tmp/ctim-lab}-selftest}"
UNEXTENDED_DIR="$CTIM_LAB_DIR-unextended"
SEED_N=2000

failures=0
checks=0
ok() { checks=$((checks + 1)); printf 'ok %d - %s\n' "$checks" "$1"; }
not_ok() { checks=$((checks + 1)); failures=$((failures + 1)); printf 'not ok %d - %s\n' "$checks" "$1"; }
# check DESCRIPTION CMD...: CMD's exit status decides; its output is shown on failure only.
check() {
  local what=$1 out
  shift
  if out=$("$@" 2>&1); then ok "$what"; else not_ok "$what"; printf '%s\n' "$out" | sed 's/^/    # /' | tail -n 15; fi
}
fatal() { not_ok "$1"; echo "Bail out! $1"; "$LAB" down > /dev/null 2>&1; exit 1; }
# run DESCRIPTION CMD...: like check, but CMD's output (lab.sh's step timings) stays visible and
# the line carries the elapsed time.
run() {
  local what=$1 t0=$EPOCHREALTIME secs
  shift
  if "$@"; then
    secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
    ok "$what ($secs s)"
  else
    not_ok "$what"
    return 1
  fi
}

# Clients as the agent will be: MIT Kerberos with the lab's krb5.conf, the client keytab (no kinit,
# MEMORY ccache), SASL host canonicalisation off, TLS verified against the lab CA.
svc_ldap() {
  local tool=$1
  shift
  KRB5CCNAME="MEMORY:selftest" KRB5_CLIENT_KTNAME="$CTIM_LAB_KEYTAB" LDAPSASL_NOCANON=on \
    "$tool" -Q -Y GSSAPI -H "${URL:-$CTIM_LAB_LDAP_URL}" -o nettimeout=10 "$@"
}
admin_ldap() {
  local tool=$1
  shift
  LDAPTLS_CACERT="$CTIM_LAB_CA" LDAPTLS_REQCERT=demand \
    "$tool" -x -H "$CTIM_LAB_LDAPS_URL" -D "$CTIM_LAB_ADMIN_DN" -y "$CTIM_LAB_ADMIN_PASSWORD_FILE" -o nettimeout=10 "$@"
}
count_seeded() {
  svc_ldap ldapsearch -LLL -E pr=1000/noprompt -b "$CTIM_LAB_TARGET_OU" -s one \
    "(&(objectClass=user)(sAMAccountName=ctim*))" dn | grep -c '^dn: '
}
expect_eq() { [ "$1" = "$2" ] || { echo "expected '$2', got '$1'"; return 1; }; }

# --- up, status, env ---------------------------------------------------------------------------
echo "# lab dir $CTIM_LAB_DIR"
run "lab.sh up" "$LAB" up || fatal "lab.sh up"
check "lab.sh status reports running" "$LAB" status
eval "$("$LAB" env)" || fatal "lab.sh env is eval-able"
ok "lab.sh env is eval-able"
check "namespace mode: URLs use the FQDN" expect_eq "$CTIM_LAB_LDAP_URL" "ldap://dc1.lab.example"
check "admin password file is mode 0600" expect_eq "$(stat -c %a "$CTIM_LAB_ADMIN_PASSWORD_FILE")" 600
check "agent config names the lab" grep -qx "url = \"$CTIM_LAB_LDAP_URL\"" "$CTIM_AGENT_CONFIG"
check "agent config is valid TOML with the lead's keys" /usr/bin/python3 -c 'import sys, tomllib
c = tomllib.load(open(sys.argv[1], "rb"))
assert set(c["ldap"]) == {"url", "bind", "principal", "keytab", "krb5_config", "ca_file", "base_dns", "gc_url"}, c["ldap"]
assert set(c["agent"]) == {"journal", "target_delivery_domain"}, c["agent"]' "$CTIM_AGENT_CONFIG"
check "anonymous rootDSE read" ldapsearch -x -LLL -H "$CTIM_LAB_LDAP_URL" -b "" -s base dnsHostName

# --- binds -------------------------------------------------------------------------------------
# Samba 4.17 does not implement the WhoAmI extended operation (rootDSE lists no supportedExtension):
# take the identity from the SASL layer, as the agent can (LDAP_OPT_X_SASL_USERNAME).
whoami_is_svc() {
  local out
  out=$(KRB5CCNAME="MEMORY:selftest" KRB5_CLIENT_KTNAME="$CTIM_LAB_KEYTAB" LDAPSASL_NOCANON=on \
    ldapsearch -Y GSSAPI -H "$CTIM_LAB_LDAP_URL" -o nettimeout=10 -LLL -b "" -s base dnsHostName 2>&1) || { echo "$out"; return 1; }
  grep -qx "SASL username: $CTIM_LAB_SVC_PRINCIPAL" <<< "$out" || { echo "$out"; return 1; }
  grep -q '^SASL SSF: [1-9]' <<< "$out" || { echo "no SASL security layer: $out"; return 1; }
}
check "GSSAPI bind from the keytab alone (MEMORY ccache, NOCANON) is svc-ctim" whoami_is_svc
check "GSSAPI search of the target OU" svc_ldap ldapsearch -LLL -b "$CTIM_LAB_TARGET_OU" -s base dn
check "LDAPS simple bind as Administrator" admin_ldap ldapsearch -LLL -b "$CTIM_LAB_ADMIN_DN" -s base sAMAccountName
check "plain simple bind without TLS is refused (strong auth required)" bash -c \
  "ldapsearch -LLL -b '' -s base -x -H '$CTIM_LAB_LDAP_URL' -D '$CTIM_LAB_ADMIN_DN' -y '$CTIM_LAB_ADMIN_PASSWORD_FILE' 2>&1 | grep -q 'Strong(er) authentication required'"

# --- schema --------------------------------------------------------------------------------------
schema_names() {
  admin_ldap ldapsearch -LLL -b "CN=Schema,CN=Configuration,$CTIM_LAB_BASE_DN" -s one \
    "(|(lDAPDisplayName=msDS-ExternalDirectoryObjectId)(lDAPDisplayName=msExchMailboxGuid)(lDAPDisplayName=targetAddress))" \
    lDAPDisplayName | sed -n 's/^lDAPDisplayName: //p' | sort | paste -sd' '
}
check "schema has msDS-ExternalDirectoryObjectId and the Exchange attributes" \
  expect_eq "$(schema_names)" "msDS-ExternalDirectoryObjectId msExchMailboxGuid targetAddress"

# --- least privilege -------------------------------------------------------------------------------
run "seed 5" "$LAB" seed 5
user_dn="CN=CTIM User 00001,$CTIM_LAB_TARGET_OU"
guid_b64="PC0eb1pLeEmKa1xNPi8aCw==" # 6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b in AD byte order
check "svc-ctim writes msExchMailboxGuid on a seeded user" svc_ldap ldapmodify <<< "dn: $user_dn
changetype: modify
replace: msExchMailboxGuid
msExchMailboxGuid:: $guid_b64
-
"
check "svc-ctim reads it back" expect_eq \
  "$(svc_ldap ldapsearch -LLL -o ldif-wrap=no -b "$user_dn" -s base msExchMailboxGuid | sed -n 's/^msExchMailboxGuid:: //p')" "$guid_b64"
admin_write_rc() {
  svc_ldap ldapmodify > /dev/null 2>&1 <<< "dn: $CTIM_LAB_ADMIN_DN
changetype: modify
replace: description
description: selftest
-
"
  echo $?
}
check "svc-ctim gets insufficient access (50) on CN=Administrator" expect_eq "$(admin_write_rc)" 50
ou_write_rc() {
  svc_ldap ldapmodify > /dev/null 2>&1 <<< "dn: $CTIM_LAB_TARGET_OU
changetype: modify
replace: description
description: selftest
-
"
  echo $?
}
check "svc-ctim gets insufficient access (50) on the OU object itself (inherit-only ACE)" \
  expect_eq "$(ou_write_rc)" 50

# --- seeding ---------------------------------------------------------------------------------------
run "seed $SEED_N (adds the missing $((SEED_N - 5)))" "$LAB" seed "$SEED_N"
check "$SEED_N seeded users below OU=CTIM" expect_eq "$(count_seeded)" "$SEED_N"
check "manifest lists $SEED_N users" expect_eq "$(($(wc -l < "$CTIM_LAB_SEED_MANIFEST") - 1))" "$SEED_N"
with_guid=$(awk -F, 'NR > 1 && $(NF - 1) != ""' "$CTIM_LAB_SEED_MANIFEST" | wc -l)
check "a strict subset carries ms-DS-ConsistencyGuid ($with_guid)" test "$with_guid" -gt 0 -a "$with_guid" -lt "$SEED_N"
manifest_field() { # sAMAccountName column -> value of column $2 (the DN column holds commas: real CSV)
  /usr/bin/python3 -c 'import csv, sys
for row in csv.DictReader(open(sys.argv[1])):
    if row["sAMAccountName"] == sys.argv[2]: print(row[sys.argv[3]])' "$CTIM_LAB_SEED_MANIFEST" "$1" "$2"
}
check "manifest row matches the directory (targetAddress, objectGUID)" expect_eq \
  "$(svc_ldap ldapsearch -LLL -o ldif-wrap=no -b "$CTIM_LAB_TARGET_OU" "(sAMAccountName=ctim00042)" targetAddress objectGUID |
    sed -n 's/^targetAddress: //p; s/^objectGUID:: //p' | paste -sd' ')" \
  "$(manifest_field ctim00042 targetAddress) $(manifest_field ctim00042 objectGUIDBase64)"
cp "$CTIM_LAB_SEED_MANIFEST" "$CTIM_LAB_DIR/work/manifest-before"
check "seed $SEED_N again is a no-op" "$LAB" seed "$SEED_N"
check "still $SEED_N users" expect_eq "$(count_seeded)" "$SEED_N"
check "same manifest" cmp "$CTIM_LAB_SEED_MANIFEST" "$CTIM_LAB_DIR/work/manifest-before"
check "seed with another --seed is refused" bash -c "! '$LAB' seed 10 --seed other"
check "global catalog (3268) serves targetAddress" expect_eq \
  "$(URL="$CTIM_LAB_GC_URL" svc_ldap ldapsearch -LLL -b "$CTIM_LAB_BASE_DN" "(sAMAccountName=ctim00042)" targetAddress | sed -n 's/^targetAddress: //p')" \
  "SMTP:user00042@source.example"

# --- reset, down ----------------------------------------------------------------------------------
run "lab.sh reset" "$LAB" reset
check "after reset: no seeded users" expect_eq "$(count_seeded)" 0
check "after reset: no manifest" test ! -e "$CTIM_LAB_SEED_MANIFEST"
check "after reset: the keytab still works" whoami_is_svc
pid=$(awk '{ print $1 }' "$CTIM_LAB_DIR/samba.pid")
run "lab.sh down" "$LAB" down
check "after down: status exits non-zero" bash -c "! '$LAB' status"
# Zombies waiting for pid 1 to reap them hold nothing; any other state is a process left behind.
live_in_group() {
  local p
  for p in $(pgrep -g "$1"); do
    [ "$(sed 's/^.*) //' "/proc/$p/stat" 2> /dev/null | cut -d' ' -f1)" = Z ] || echo "$p"
  done
}
check "after down: no live process of the DC's group is left" expect_eq "$(live_in_group "$pid")" ""
check "after down: port 389 is free" bash -c "! ss -Hltn 'sport = :389' | grep -q ."

# --- the unextended variant ------------------------------------------------------------------------
echo "# unextended lab dir $UNEXTENDED_DIR"
if run "lab.sh up --no-exchange-schema" env CTIM_LAB_DIR="$UNEXTENDED_DIR" "$LAB" up --no-exchange-schema; then
  eval "$(CTIM_LAB_DIR="$UNEXTENDED_DIR" "$LAB" env)"
  check "unextended: msDS-ExternalDirectoryObjectId present, Exchange attributes absent" \
    expect_eq "$(schema_names)" "msDS-ExternalDirectoryObjectId"
  check "unextended: seed is refused" bash -c "! CTIM_LAB_DIR='$UNEXTENDED_DIR' '$LAB' seed 1"
  run "unextended: down" env CTIM_LAB_DIR="$UNEXTENDED_DIR" "$LAB" down
fi

echo "1..$checks"
if [ "$failures" -gt 0 ]; then
  echo "# $failures of $checks checks failed"
  exit 1
fi
echo "# all $checks checks passed"
