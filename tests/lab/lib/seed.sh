# `lab.sh seed N [--seed S]`: target users below OU=CTIM in one LDIF over LDAPS. Sourced.
# shellcheck shell=bash
#
# Idempotent: users that already exist are skipped (one paged search first), so `seed N` again is a
# no-op and `seed M` with M > N adds users N+1..M. Values depend only on (seed, user number). Seeding
# with a different seed while users of another seed exist is refused: run `lab.sh reset` first.

# Paged search of the seeded users (sAMAccountName ctimNNNNN) with what the manifest needs.
seed_search() {
  admin_ldap ldapsearch -LLL -o ldif-wrap=no -E pr=1000/noprompt -b "$TARGET_OU" -s one \
    "(&(objectClass=user)(sAMAccountName=ctim*))" sAMAccountName objectGUID > "$1"
}

seed_users() {
  local count=$1 seed=$2 here=$3 t0 added total previous_seed=""
  local search="$WORK_DIR/seed-search.ldif" ldif="$WORK_DIR/seed-add.ldif"
  if ! [[ "$count" =~ ^[0-9]+$ ]] || [ "$count" -lt 1 ] || [ "$count" -gt 99999 ]; then
    die "seed: N must be a number 1..99999 (got '$count')"
  fi
  [[ "$seed" =~ ^[A-Za-z0-9._-]+$ ]] || die "seed: --seed may only contain letters, digits and . _ - (got '$seed')"
  [ "$(dc_state)" = running ] || die "seed: the DC is not running here (run: lab.sh up)"
  grep -qx 'exchange-schema=yes' "$VARIANT_FILE" ||
    die "seed: this lab was provisioned with --no-exchange-schema; seeded users need the Exchange attributes"
  client_env
  mkdir -p "$SEED_DIR" "$WORK_DIR"

  t0=$EPOCHREALTIME
  seed_search "$search"
  if [ -f "$SEED_META" ]; then previous_seed=$(sed -n 's/^seed=//p' "$SEED_META"); fi
  if grep -q '^dn: ' "$search" && [ "$previous_seed" != "$seed" ]; then
    die "seed: OU=CTIM already holds users seeded with --seed '${previous_seed:-unknown}'; run 'lab.sh reset' first"
  fi
  /usr/bin/python3 "$here/seed_users.py" ldif --seed "$seed" --count "$count" --base-ou "$TARGET_OU" \
    --existing "$search" > "$ldif" 2> "$WORK_DIR/seed-count"
  added=$(cat "$WORK_DIR/seed-count")
  log "$(printf '  %-28s %6s s' "seed: search + generate" "$(elapsed "$t0")")"

  printf 'seed=%s\n' "$seed" > "$SEED_META"
  if [ "$added" -gt 0 ]; then
    t0=$EPOCHREALTIME
    if ! admin_ldap ldapadd -f "$ldif" > "$WORK_DIR/seed-add.log" 2>&1; then
      tail -n 5 "$WORK_DIR/seed-add.log" >&2
      die "seed: ldapadd failed (log: $WORK_DIR/seed-add.log)"
    fi
    log "$(printf '  %-28s %6s s  (%d users, %s/s)' "seed: ldapadd" "$(elapsed "$t0")" "$added" \
      "$(awk -v n="$added" -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", n / (b - a) }')")"
  fi

  t0=$EPOCHREALTIME
  # Read back what is there now (objectGUIDs of the new users); nothing added: the first search holds it.
  if [ "$added" -gt 0 ]; then seed_search "$search"; fi
  /usr/bin/python3 "$here/seed_users.py" manifest --seed "$seed" --base-ou "$TARGET_OU" \
    --existing "$search" > "$SEED_MANIFEST.tmp"
  mv "$SEED_MANIFEST.tmp" "$SEED_MANIFEST"
  total=$(($(wc -l < "$SEED_MANIFEST") - 1))
  log "$(printf '  %-28s %6s s' "seed: manifest" "$(elapsed "$t0")")"
  [ "$total" -ge "$count" ] || die "seed: only $total of $count users present after ldapadd"
  log "seed: added $added, $total seeded users in $TARGET_OU; manifest $SEED_MANIFEST"
}
