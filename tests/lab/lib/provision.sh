# Provisioning a fresh lab DC, all offline (DC stopped, sam.ldb written directly). Sourced.
# shellcheck shell=bash

# Removes what a previous provision left (only files the lab owns; cloud/ and the agent's journal stay).
provision_clean() {
  rm -rf "$DC_DIR" "$SNAPSHOT_DIR" "$SNAPSHOT_DIR.tmp" "$TLS_DIR" "$SECRETS_DIR" "$SEED_DIR" \
    "$WORK_DIR" "$LOG_DIR" "$KRB5_CONF" "$VARIANT_FILE" "$AGENT_CONFIG" "$PID_FILE" "$LAB_DIR/empty.conf"
  mkdir -p "$LAB_DIR" "$WORK_DIR" "$LOG_DIR"
  (umask 077 && mkdir -p "$SECRETS_DIR")
}

provision_domain() {
  local admin_password
  admin_password=$(random_password)
  write_secret "$ADMIN_PASSWORD_FILE" "$admin_password"
  # -s <empty file>: otherwise the provision merges the distro /etc/samba/smb.conf into the new one.
  : > "$LAB_DIR/empty.conf"
  # --dns-backend=NONE: no DNS server and no forwarder to the host's resolver. Needs no network.
  # ldb:nosync here only speeds the provision up; the final smb.conf sets it again.
  if ! samba-tool domain provision -s "$LAB_DIR/empty.conf" \
    --server-role=dc --realm="$REALM" --domain="$NETBIOS_DOMAIN" --host-name="$DC_HOST" \
    --adminpass="$admin_password" --dns-backend=NONE --use-rfc2307 --backend-store=mdb \
    --targetdir="$DC_DIR" --option="interfaces=127.0.0.1" --option="bind interfaces only=yes" \
    --option="ldb:nosync=true" > "$LOG_DIR/provision.log" 2>&1; then
    tail -n 30 "$LOG_DIR/provision.log" >&2
    die "samba-tool domain provision failed (full log: $LOG_DIR/provision.log)"
  fi
}

# Own CA and server cert. Samba's self-made cert has no subjectAltName, so ldaps://127.0.0.1 would
# fail the hostname check. (DNS:localhost would not help: libldap checks "localhost" as gethostname().)
make_tls() {
  mkdir -p "$TLS_DIR"
  (
    cd "$TLS_DIR" || exit 1
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/O=ctim-agent lab/CN=ctim-agent lab CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout ca.key -out ca.pem 2> /dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/O=ctim-agent lab/CN=$DC_FQDN" \
      -keyout key.pem -out server.csr 2> /dev/null
    printf '%s\n' "subjectAltName=DNS:$DC_FQDN,DNS:$DC_HOST,IP:127.0.0.1" \
      "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
      "extendedKeyUsage=serverAuth" > server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial "0x$(openssl rand -hex 16)" \
      -days 825 -extfile server.ext -out cert.pem 2> /dev/null
    rm -f server.csr server.ext
    # Samba refuses a key readable by group or others; clients need the CA and the cert.
    chmod 600 key.pem ca.key
    chmod 644 ca.pem cert.pem
  )
  openssl verify -CAfile "$CA_PEM" "$TLS_DIR/cert.pem" > /dev/null || die "lab server certificate does not verify"
}

# Replaces the generated smb.conf: same identity, every path inside the lab dir, loopback only.
write_smb_conf() {
  mkdir -p "$DC_DIR/run" "$DC_DIR/log"
  cat > "$SMB_CONF" << CONF
# Written by tests/lab/lab.sh. Lab DC of ctim-agent: loopback only, LDAP + KDC only.
[global]
	netbios name = DC1
	workgroup = $NETBIOS_DOMAIN
	realm = $REALM
	server role = active directory domain controller
	idmap_ldb:use rfc2307 = yes
	# Nothing outside the lab dir (defaults are /run/samba and /var/lib/samba).
	private dir = $DC_DIR/private
	lock directory = $DC_DIR
	state directory = $DC_DIR/state
	cache directory = $DC_DIR/cache
	binddns dir = $DC_DIR/bind-dns
	pid directory = $DC_DIR/run
	ncalrpc dir = $DC_DIR/run/ncalrpc
	winbindd socket directory = $DC_DIR/run/winbindd
	ntp signd socket directory = $DC_DIR/run/ntp_signd
	log file = $DC_DIR/log/samba.log
	logging = file
	log level = 1
	interfaces = 127.0.0.1
	bind interfaces only = yes
	disable netbios = yes
	# LDAP(S) 389/636, GC 3268/3269, Kerberos 88/464. Not dnsupdate (queries the host resolver)
	# nor nbt (broadcasts); so samba_spnupdate never runs and lab.sh adds the ldap/ SPNs itself.
	server services = ldap, kdc
	# No fsync per ldb transaction, as Samba's own test suite: about twice the write rate.
	ldb:nosync = true
	tls enabled = yes
	tls keyfile = $TLS_DIR/key.pem
	tls certfile = $TLS_DIR/cert.pem
	tls cafile = $CA_PEM
CONF
}

# The krb5.conf provision writes (private/krb5.conf) looks the KDC up in DNS: never use it.
write_krb5_conf() {
  cat > "$KRB5_CONF" << KRB
# Written by tests/lab/lab.sh. Use with KRB5_CONFIG=$KRB5_CONF; no DNS lookups at all.
[libdefaults]
	default_realm = $REALM
	dns_lookup_realm = false
	dns_lookup_kdc = false
	rdns = false
	dns_canonicalize_hostname = false
	udp_preference_limit = 1
[realms]
	$REALM = {
		kdc = 127.0.0.1
		admin_server = 127.0.0.1
		kpasswd_server = 127.0.0.1
		default_domain = $DNS_DOMAIN
	}
[domain_realm]
	.$DNS_DOMAIN = $REALM
	$DNS_DOMAIN = $REALM
	127.0.0.1 = $REALM
KRB
}

write_configs() {
  write_smb_conf
  write_krb5_conf
}

# ldbmodify on the offline sam.ldb with schema writes allowed.
schema_modify() {
  quiet ldbmodify -H "$SAM_LDB" --option="dsdb:schema update allowed=true" "$1"
}

schema_has_attribute() {
  ldbsearch -H "$SAM_LDB" -b "$SCHEMA_DN" -s one "(&(objectClass=attributeSchema)(lDAPDisplayName=$1))" dn 2> /dev/null |
    grep -q '^dn: '
}

# Windows Server 2016 (schema 87) added msDS-ExternalDirectoryObjectId, which Entra Connect's
# Exchange hybrid writeback fills. Samba 4.17 ships the 2016 schema files but provisions 2012 R2
# (schema 69) and offers no 2016 base schema or upgrade, so the attribute is missing. Take its
# definition verbatim from Samba's copy of Microsoft's 2016 schema and attach it where 2016 does
# (mayContain of Mail-Recipient). Prints nothing and changes nothing if it is already there.
backfill_2016_attribute_ldif() {
  local pass=$1 ldf
  schema_has_attribute msDS-ExternalDirectoryObjectId && return 0
  ldf=$(ls /usr/share/samba/setup/ad-schema/AD_DS_Attributes__Windows_Server_2016.ldf 2> /dev/null) ||
    die "schema lacks msDS-ExternalDirectoryObjectId and Samba's Windows Server 2016 schema file is not installed (package samba-ad-provision)"
  if [ "$pass" = 1 ]; then
    # The .ldf has CRLF line ends; paragraph mode (RS=) needs truly empty lines.
    tr -d '\r' < "$ldf" | awk -v RS= -v ORS='\n\n' '/^dn: CN=ms-DS-External-Directory-Object-Id,/' |
      sed "s/,CN=Schema,CN=Configuration,DC=X\$/,$SCHEMA_DN/"
  else
    printf 'dn: CN=Mail-Recipient,%s\nchangetype: modify\nadd: mayContain\nmayContain: msDS-ExternalDirectoryObjectId\n-\n\n' "$SCHEMA_DN"
  fi
}

# Two ldbmodify runs (attributes, then the class change): see exchange-schema.ldif.
apply_schema() {
  local with_exchange=$1 here=$2
  local pass1="$WORK_DIR/schema-pass1.ldif" pass2="$WORK_DIR/schema-pass2.ldif" ext="$WORK_DIR/exchange-schema.ldif"
  backfill_2016_attribute_ldif 1 > "$pass1"
  backfill_2016_attribute_ldif 2 > "$pass2"
  if [ "$with_exchange" = yes ]; then
    sed "s/@SCHEMA_DN@/$SCHEMA_DN/g" "$here/exchange-schema.ldif" > "$ext"
    awk '/^#@@PASS2/ { exit } { print }' "$ext" >> "$pass1"
    awk 'found { print } /^#@@PASS2/ { found = 1 }' "$ext" >> "$pass2"
  fi
  if grep -q '^dn:' "$pass1"; then schema_modify "$pass1"; fi
  if grep -q '^dn:' "$pass2"; then schema_modify "$pass2"; fi
}

# Each attribute must exist AND be allowed on user (via Mail-Recipient), or the DC is not usable.
verify_schema() {
  local with_exchange=$1 attr may
  local -a base=(msDS-ExternalDirectoryObjectId mS-DS-ConsistencyGuid proxyAddresses mail legacyExchangeDN)
  local -a exchange_attrs=(msExchMailboxGuid msExchArchiveGUID msExchELCMailboxFlags msExchRecipientTypeDetails
    msExchRemoteRecipientType msExchRecipientDisplayType targetAddress mailNickname)
  local -a attached=(msDS-ExternalDirectoryObjectId)
  if [ "$with_exchange" = yes ]; then attached+=("${exchange_attrs[@]}"); fi
  local filter="(|" names
  for attr in "${base[@]}" "${attached[@]}"; do filter+="(lDAPDisplayName=$attr)"; done
  names=$(ldbsearch -H "$SAM_LDB" -b "$SCHEMA_DN" -s one "(&(objectClass=attributeSchema)$filter))" \
    lDAPDisplayName 2> /dev/null | sed -n 's/^lDAPDisplayName: //p')
  for attr in "${base[@]}" "${attached[@]}"; do
    grep -qx "$attr" <<< "$names" || die "schema check: attribute $attr is missing from $SCHEMA_DN"
  done
  may=$(ldbsearch -H "$SAM_LDB" -b "CN=Mail-Recipient,$SCHEMA_DN" -s base mayContain 2> /dev/null)
  for attr in "${attached[@]}"; do
    grep -qx "mayContain: $attr" <<< "$may" || die "schema check: $attr is not a mayContain of CN=Mail-Recipient"
  done
  if [ "$with_exchange" = no ] && schema_has_attribute msExchMailboxGuid; then
    die "schema check: the --no-exchange-schema lab has msExchMailboxGuid"
  fi
}

# The ldap/ SPNs samba_spnupdate would add (it does not run here), OU=CTIM, and svc-ctim, written
# in one offline ldbmodify (0.2 s against ~2 s for the equivalent samba-tool calls).
# ldap/127.0.0.1 serves GSSAPI clients that connect to ldap://127.0.0.1 with SASL_NOCANON on.
create_accounts() {
  local svc_password sid ldif="$WORK_DIR/accounts.ldif"
  svc_password=$(random_password)
  write_secret "$SVC_PASSWORD_FILE" "$svc_password"
  # unicodePwd = the password in double quotes, UTF-16LE. userAccountControl 66048 =
  # NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD (a service account whose keytab must keep working).
  (
    umask 077
    cat > "$ldif" << LDIF
dn: $DC_ACCOUNT_DN
changetype: modify
add: servicePrincipalName
servicePrincipalName: ldap/$DC_FQDN
servicePrincipalName: ldap/$DC_FQDN/$DNS_DOMAIN
servicePrincipalName: ldap/DC1
servicePrincipalName: ldap/127.0.0.1
-

dn: $TARGET_OU
changetype: add
objectClass: organizationalUnit
description: ctim-agent lab: target users of a cross-tenant move

dn: $SVC_DN
changetype: add
objectClass: user
sAMAccountName: $SVC_NAME
userPrincipalName: $SVC_NAME@$DNS_DOMAIN
description: ctim-agent service account (lab): read/write on users below $TARGET_OU only
userAccountControl: 66048
unicodePwd:: $(printf '"%s"' "$svc_password" | iconv -f UTF-8 -t UTF-16LE | base64 -w0)
LDIF
  )
  quiet ldbmodify -H "$SAM_LDB" "$ldif"
  rm -f "$ldif"
  sid=$(ldbsearch -H "$SAM_LDB" -b "$SVC_DN" -s base objectSid | awk '/^objectSid: /{ print $2 }')
  [ -n "$sid" ] || die "no objectSid for $SVC_DN"
  # Least privilege as in production: read/write all properties, inherit-only (CIIO), on objects
  # of class user below the OU. Nothing anywhere else (beyond what every authenticated user reads).
  quiet samba-tool dsacl set -s "$SMB_CONF" --objectdn="$TARGET_OU" \
    --sddl="(OA;CIIO;RPWP;;$USER_CLASS_GUID;$sid)"
  quiet samba-tool domain exportkeytab -s "$SMB_CONF" "$KEYTAB" --principal="$SVC_PRINCIPAL"
  chmod 600 "$KEYTAB"
}
