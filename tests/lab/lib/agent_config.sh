# The agent's config for this lab ($LAB_DIR/ctim-agent.toml) and the `lab.sh env` contract. Sourced.
# shellcheck shell=bash

# Keys and layout are owned by the lead (ctim-agent's config format): change them only together.
# The [cloud] section comes from the cloud emulator, which writes cloud/agent-cloud.toml; it is
# appended verbatim when present, so run `lab.sh config` again after the emulator has started.
write_agent_config() {
  local tmp="$AGENT_CONFIG.tmp"
  cat > "$tmp" << TOML
# Written by tests/lab/lab.sh for the lab in $LAB_DIR. Regenerate with: lab.sh config
[ldap]
url = "$(ldap_url)"
bind = "gssapi"                 # gssapi | simple
principal = "$SVC_PRINCIPAL"
keytab = "$KEYTAB"        # client keytab: the agent gets its own TGT, no kinit
krb5_config = "$KRB5_CONF"
ca_file = "$CA_PEM"
base_dns = ["$TARGET_OU"]
gc_url = "$(gc_url)"
[agent]
journal = "$LAB_DIR/journal.db"
target_delivery_domain = "$TARGET_DELIVERY_DOMAIN"
TOML
  if [ -f "$CLOUD_CONFIG" ]; then
    printf '\n# Appended from %s (the cloud emulator).\n' "$CLOUD_CONFIG" >> "$tmp"
    cat "$CLOUD_CONFIG" >> "$tmp"
  fi
  mv "$tmp" "$AGENT_CONFIG"
}

# Eval-able: eval "$(lab.sh env)". Values never contain a single quote (check_lab_dir).
print_env() {
  local -a vars=(
    CTIM_LAB_DIR "$LAB_DIR"
    KRB5_CONFIG "$KRB5_CONF"
    CTIM_LAB_REALM "$REALM"
    CTIM_LAB_FQDN "$DC_FQDN"
    CTIM_LAB_LDAP_URL "$(ldap_url)"
    CTIM_LAB_LDAPS_URL "$(ldaps_url)"
    CTIM_LAB_GC_URL "$(gc_url)"
    CTIM_LAB_BASE_DN "$BASE_DN"
    CTIM_LAB_TARGET_OU "$TARGET_OU"
    CTIM_LAB_CA "$CA_PEM"
    CTIM_LAB_ADMIN_DN "$ADMIN_DN"
    CTIM_LAB_ADMIN_PASSWORD_FILE "$ADMIN_PASSWORD_FILE"
    CTIM_LAB_SVC_PRINCIPAL "$SVC_PRINCIPAL"
    CTIM_LAB_SVC_DN "$SVC_DN"
    CTIM_LAB_SVC_PASSWORD_FILE "$SVC_PASSWORD_FILE"
    CTIM_LAB_KEYTAB "$KEYTAB"
    CTIM_LAB_SEED_MANIFEST "$SEED_MANIFEST"
    CTIM_AGENT_CONFIG "$AGENT_CONFIG"
  )
  local i
  for ((i = 0; i < ${#vars[@]}; i += 2)); do
    printf "export %s='%s'\n" "${vars[i]}" "${vars[i + 1]}"
  done
}
