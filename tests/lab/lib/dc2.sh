# The opt-in second DC (dc2.lab.example on 127.0.0.3) for replication tests: joined to the lab domain
# with `samba-tool domain join`, replicating DC1 -> DC2 only when asked (`lab.sh dc2-replicate`), so
# a test decides when DC2 catches up. Namespace mode only. Sourced.
# shellcheck shell=bash disable=SC2034,SC2153  # names shared with lab.sh and lib/common.sh

readonly DC2_HOST="dc2"
readonly DC2_FQDN="dc2.lab.example"
readonly DC2_ADDRESS="127.0.0.3"
DC2_DIR="$LAB_DIR/dc2"
DC2_SMB_CONF="$DC2_DIR/etc/smb.conf"
DC2_PID_FILE="$LAB_DIR/samba-dc2.pid"
DC2_TLS_DIR="$LAB_DIR/tls-dc2"

# DC1 serves the join and the replication over DCE/RPC (drsuapi) and answers the join's CLDAP ping.
readonly DC1_SERVICES_WITH_DC2="ldap, cldap, kdc, rpc"

# DC2 gets no drepl (so nothing replicates by itself) and no rpc: the test pulls changes with
# `samba-tool drs replicate --local`, which writes DC2's database directly.
write_dc2_smb_conf() {
  mkdir -p "$DC2_DIR/run" "$DC2_DIR/log"
  cat > "$DC2_SMB_CONF" << CONF
# Written by tests/lab/lab.sh up-dc2. Second lab DC: loopback $DC2_ADDRESS, LDAP + KDC, no replication service.
[global]
	netbios name = DC2
	workgroup = $NETBIOS_DOMAIN
	realm = $REALM
	server role = active directory domain controller
	idmap_ldb:use rfc2307 = yes
	private dir = $DC2_DIR/private
	lock directory = $DC2_DIR
	state directory = $DC2_DIR/state
	cache directory = $DC2_DIR/cache
	binddns dir = $DC2_DIR/bind-dns
	pid directory = $DC2_DIR/run
	ncalrpc dir = $DC2_DIR/run/ncalrpc
	winbindd socket directory = $DC2_DIR/run/winbindd
	ntp signd socket directory = $DC2_DIR/run/ntp_signd
	log file = $DC2_DIR/log/samba.log
	logging = file
	log level = 1
	interfaces = $DC2_ADDRESS
	bind interfaces only = yes
	disable netbios = yes
	server services = ldap, kdc
	ldb:nosync = true
	tls enabled = yes
	tls keyfile = $DC2_TLS_DIR/key.pem
	tls certfile = $DC2_TLS_DIR/cert.pem
	tls cafile = $CA_PEM
CONF
}

make_dc2_tls() {
  mkdir -p "$DC2_TLS_DIR"
  (
    cd "$DC2_TLS_DIR" || exit 1
    umask 077
    openssl req -newkey rsa:2048 -nodes -subj "/O=ctim-agent lab/CN=$DC2_FQDN" -keyout key.pem -out server.csr 2> /dev/null
    printf '%s\n' "subjectAltName=DNS:$DC2_FQDN,DNS:$DC2_HOST,IP:$DC2_ADDRESS" "basicConstraints=critical,CA:FALSE" \
      "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" > server.ext
    openssl x509 -req -in server.csr -CA "$CA_PEM" -CAkey "$TLS_DIR/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
      -days 825 -extfile server.ext -out cert.pem 2> /dev/null
    rm -f server.csr server.ext
    chmod 600 key.pem
    chmod 644 cert.pem
  )
}

dc2_pid() { if [ -f "$DC2_PID_FILE" ]; then awk '{ print $1; exit }' "$DC2_PID_FILE" 2> /dev/null || true; fi; }

dc2_running() {
  local pid
  pid=$(dc2_pid)
  [ -n "$pid" ] && PID_FILE="$DC2_PID_FILE" is_our_samba "$pid" && [ "$(net_namespace "$pid")" = "$(net_namespace)" ]
}

dc2_answers() {
  timeout 5 ldapsearch -x -LLL -o nettimeout=3 -H "ldap://$DC2_ADDRESS" -b "" -s base dnsHostName > /dev/null 2>&1
}

# Stops DC2 (SIGKILL to its process group: its files are thrown away or kept as they are).
dc2_stop() {
  local pid
  pid=$(dc2_pid)
  [ -n "$pid" ] || return 0
  if PID_FILE="$DC2_PID_FILE" is_our_samba "$pid"; then
    kill -KILL -- "-$pid" 2> /dev/null || true
    local i
    for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
      group_alive "$pid" || break
      sleep 0.1
    done
    if group_alive "$pid"; then die "DC2 process group $pid survived SIGKILL"; fi
  fi
  rm -f "$DC2_PID_FILE"
}

# DC1's smb.conf with or without the services a second DC needs; restarts DC1 when it changes.
set_dc1_services() {
  local services=$1
  if grep -qx "	server services = $services" "$SMB_CONF"; then return 0; fi
  sed -i "s/^\tserver services = .*/\tserver services = $services/" "$SMB_CONF"
  if [ "$(dc_state)" != stopped ]; then dc_stop; fi
  dc_start
}

# samba-tool as the lab Administrator; the password goes through $PASSWD (Samba's credentials read it),
# never the command line.
as_admin() {
  KRB5_CONFIG="$KRB5_CONF" USER="$NETBIOS_DOMAIN\\Administrator" PASSWD="$(cat "$ADMIN_PASSWORD_FILE")" "$@"
}

dc2_join() {
  rm -rf "$DC2_DIR"
  mkdir -p "$DC2_DIR"
  : > "$LAB_DIR/empty.conf"
  # workgroup/realm: the NTLM fallback of the join's LDAP bind names the domain (without them it says
  # WORKGROUP and DC1 answers "data 51f"). The join writes its own smb.conf, replaced right after.
  if ! as_admin samba-tool domain join "$DNS_DOMAIN" DC -s "$LAB_DIR/empty.conf" \
    --targetdir="$DC2_DIR" --server=127.0.0.1 \
    --dns-backend=NONE --backend-store=mdb --option="netbios name=DC2" --option="workgroup=$NETBIOS_DOMAIN" \
    --option="realm=$REALM" --option="interfaces=$DC2_ADDRESS" --option="bind interfaces only=yes" \
    --option="ldb:nosync=true" > "$LOG_DIR/dc2-join.log" 2>&1; then
    tail -n 30 "$LOG_DIR/dc2-join.log" >&2
    die "samba-tool domain join failed (full log: $LOG_DIR/dc2-join.log)"
  fi
}

dc2_start() {
  local pid deadline
  mkdir -p "$DC2_DIR/run" "$LOG_DIR"
  rm -f "$DC2_DIR/run/samba.pid"
  # One process: DC2 serves a handful of reads, and starts faster than a prefork DC.
  KRB5_CONFIG="$KRB5_CONF" setsid samba -s "$DC2_SMB_CONF" -F -M single \
    --maximum-runtime="$MAX_RUNTIME" > "$LOG_DIR/samba-dc2.stdout" 2>&1 < /dev/null 9>&- &
  pid=$!
  printf '%s %s\n' "$pid" "$(start_time_of "$pid")" > "$DC2_PID_FILE"
  if [ -n "${CTIM_LAB_NETNS_REGISTRY:-}" ]; then printf '%s\n' "$LAB_DIR" >> "$CTIM_LAB_NETNS_REGISTRY"; fi
  deadline=$((SECONDS + START_TIMEOUT))
  until dc2_answers && port_is_ours 636 "$pid" && port_is_ours 88 "$pid"; do
    if ! kill -0 "$pid" 2> /dev/null; then
      rm -f "$DC2_PID_FILE"
      tail -n 20 "$LOG_DIR/samba-dc2.stdout" "$DC2_DIR/log/samba.log" >&2 2> /dev/null || true
      die "DC2 exited during start-up (logs: $LOG_DIR/samba-dc2.stdout, $DC2_DIR/log/samba.log)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      dc2_stop
      die "DC2 not ready after ${START_TIMEOUT}s; see $DC2_DIR/log/samba.log"
    fi
    sleep 0.1
  done
}

# The join gives DC2$ HOST/ SPNs only (samba_spnupdate does not run here, as for DC1): add the ldap/
# ones GSSAPI clients of ldap://dc2.lab.example and ldap://127.0.0.3 ask for, on DC1 (its KDC issues the
# tickets), in one LDAP modify (four samba-tool calls took 6.5 s under load).
dc2_spns() {
  local ldif="$WORK_DIR/dc2-spns.ldif"
  mkdir -p "$WORK_DIR"
  printf 'dn: CN=DC2,OU=Domain Controllers,%s\nchangetype: modify\nadd: servicePrincipalName\nservicePrincipalName: ldap/%s\nservicePrincipalName: ldap/%s/%s\nservicePrincipalName: ldap/DC2\nservicePrincipalName: ldap/%s\n-\n' \
    "$BASE_DN" "$DC2_FQDN" "$DC2_FQDN" "$DNS_DOMAIN" "$DC2_ADDRESS" > "$ldif"
  client_env
  quiet admin_ldap ldapmodify -f "$ldif"
}

# Pulls every change of the domain partition from DC1 into DC2 now.
dc2_replicate() {
  quiet as_admin samba-tool drs replicate "$DC2_HOST" "$DC_HOST" "$BASE_DN" --local -s "$DC2_SMB_CONF"
}

dc2_known_to_dc1() {
  client_env
  admin_ldap ldapsearch -LLL -b "CN=DC2,OU=Domain Controllers,$BASE_DN" -s base dn > /dev/null 2>&1
}

# Removes DC2's objects from DC1 (its computer account, NTDS settings, server object).
dc2_forget() {
  quiet as_admin samba-tool domain demote --remove-other-dead-server=DC2 -s "$SMB_CONF"
}
