#!/bin/bash
# The Debian package on a machine that has nothing else: builds ctim-agent_<version>_amd64.deb (release
# preset, the ctim-agent target, cpack), makes a throwaway Debian 12 root with `debootstrap --variant=minbase`
# from the mirror apt uses here, installs the .deb there with apt-get, and checks:
#   - the binary runs; the ctim-agent user and the state folders exist with their modes; the
#     configuration is a conffile, 0640 root:ctim-agent; the documentation is there;
#   - remove keeps the state, purge removes it;
#   - with systemd in the root: the postinst makes the user with systemd-sysusers, `systemd-analyze
#     verify` accepts the unit, and its `systemd-analyze security` exposure is at most 2.0;
#   - inside the lab's network namespace, `ctim-agent doctor` run in that root against the lab DC passes.
# The root lives in a temp folder; every mount is made in a private mount namespace, so it vanishes with
# it on any exit path; the folder is removed on exit. Every step is bounded in time.
# Usage (as root): tests/package/deb_test.sh           CTIM_LAB_DIR names the lab dir (default /tmp/ctim-lab)
set -Eeuo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$(cd "$here/../.." && pwd)"
lab="$src/tests/lab/lab.sh"
trap 'echo "deb_test: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO" >&2' ERR
fail() { echo "deb_test: FAIL: $*" >&2; exit 1; }
step() { printf 'deb_test: %s (%s s)\n' "$*" "$((SECONDS - t0))"; }

# --- phase 2, inside `lab.sh netns`: the lab DC is on this namespace's loopback ------------------------
if [ "${1:-}" = --in-lab ]; then
  root=$2
  cleanup_lab() { "$lab" down >/dev/null 2>&1 || true; }
  trap cleanup_lab EXIT
  "$lab" up >/dev/null || fail "the lab did not come up"
  "$lab" seed 1 >/dev/null || fail "could not seed a user for the write-rights checks"
  eval "$("$lab" env)"
  # The root sees the lab's files at the same paths, and this namespace's /etc/hosts (dc1.<realm>).
  mkdir -p "$root$CTIM_LAB_DIR"
  mount --bind "$CTIM_LAB_DIR" "$root$CTIM_LAB_DIR"
  # A copy (the root is thrown away): this namespace's /etc/hosts is a bind of a file lab.sh removed.
  cat /etc/hosts > "$root/etc/hosts"
  mount -t proc proc "$root/proc"
  out=$(timeout 120 chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    ctim-agent doctor --no-progress --config "$CTIM_AGENT_CONFIG" 2>&1) && rc=0 || rc=$?
  echo "$out"
  [ "$rc" -eq 0 ] || fail "ctim-agent doctor in the Debian root exited $rc against the lab DC"
  grep -q "doctor: all checks passed" <<<"$out" || fail "doctor did not say 'all checks passed'"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || fail "needs root (debootstrap, chroot, mounts)"
t0=$SECONDS
export CTIM_LAB_DIR="${CTIM_LAB_DIR:-/tmp/ctim-lab}"

# --- the package (CTIM_DEB_FILE: one already made with cpack, while another build uses build/release) ---
cd "$src"
if [ -n "${CTIM_DEB_FILE:-}" ]; then
  deb=$(readlink -f "$CTIM_DEB_FILE")
else
  cmake --preset release >/dev/null
  cmake --build --preset release --target ctim-agent -j"$(nproc)"
  rm -f build/release/ctim-agent_*.deb
  (cd build/release && timeout 300 cpack -G DEB >/dev/null)
  debs=(build/release/ctim-agent_*_amd64.deb)
  [ -f "${debs[0]}" ] && [ "${#debs[@]}" -eq 1 ] || fail "cpack made no single ctim-agent_<version>_amd64.deb"
  deb="$src/${debs[0]}"
fi
version=$(sed -n 's/^project(ctim-agent VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[ "$(basename "$deb")" = "ctim-agent_${version}_amd64.deb" ] || fail "$(basename "$deb"): not the version of CMakeLists.txt ($version)"
depends=$(dpkg-deb -f "$deb" Depends)
grep -q "libldap-2.5-0" <<<"$depends" || fail "Depends has no libldap (shlibdeps did not run?): $depends"
grep -q "libkrb5-3" <<<"$depends" || fail "Depends has no libkrb5-3 (the keytab code links it): $depends"
step "built $(basename "$deb"); Depends: $depends"

# --- a throwaway Debian 12 root from the mirror apt uses ---------------------------------------------
mirror=""
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list)
fi
[ -n "$mirror" ] || fail "no bookworm mirror in /etc/apt/sources.list or /etc/apt/sources.list.d/debian.sources"
work=$(mktemp -d /tmp/ctim-deb-test.XXXXXX)
root="$work/root"
cleanup() {
  # Mounts live only in the private namespaces below; nothing is mounted here any more.
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
# debootstrap keeps what it downloads here, so a second run on this machine fetches nothing again.
cache=/var/cache/ctim-agent-debootstrap
mkdir -p "$cache"
timeout 1200 debootstrap --variant=minbase --cache-dir="$cache" bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap from $mirror failed"; }
step "debootstrap minbase bookworm from $mirror"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"

# Runs a command in the root, with /proc and /dev, in a private mount namespace. apt in the root keeps
# its downloads in the same cache.
mkdir -p "$cache/apt-archives/partial"
in_root() {
  timeout 900 unshare --mount --propagation private -- bash -c '
    root=$1; cache=$2; shift 2
    mount -t proc proc "$root/proc" && mount --rbind /dev "$root/dev" || exit 99
    mount --bind "$cache" "$root/var/cache/apt/archives" || exit 99
    exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"
  ' in_root "$root" "$cache/apt-archives" "$@"
}

# --- install without systemd (a container or chroot): the postinst falls back to useradd -------------
in_root apt-get update -q > "$work/update.log" 2>&1 || { tail -20 "$work/update.log" >&2; fail "apt-get update in the root"; }
in_root apt-get install -y -q --no-install-recommends "/tmp/$(basename "$deb")" > "$work/install.log" 2>&1 \
  || { tail -30 "$work/install.log" >&2; fail "apt-get install ./$(basename "$deb") failed in the root"; }
step "apt-get install ./$(basename "$deb") (no systemd in the root)"

check_installed() {
  local how=$1 got
  got=$(in_root ctim-agent --version) || fail "$how: the installed binary does not run"
  [ "$got" = "ctim-agent $version" ] || fail "$how: ctim-agent --version said '$got'"
  got=$(in_root getent passwd ctim-agent) || fail "$how: no ctim-agent user"
  [ "$(cut -d: -f6,7 <<<"$got")" = "/var/lib/ctim-agent:/usr/sbin/nologin" ] || fail "$how: user entry '$got'"
  [ "$(cut -d: -f3 <<<"$got")" -lt 1000 ] || fail "$how: ctim-agent is not a system user: $got"
  for d in "" /inbox /processed /failed /outbox; do
    got=$(in_root stat -c '%a %U:%G' "/var/lib/ctim-agent$d") || fail "$how: no /var/lib/ctim-agent$d"
    [ "$got" = "700 ctim-agent:ctim-agent" ] || fail "$how: /var/lib/ctim-agent$d is $got"
  done
  # Names as the root's own passwd and group files give them (in_root), not the host's.
  got=$(in_root stat -c '%a %U:%G' /etc/ctim-agent/ctim-agent.toml)
  [ "$got" = "640 root:ctim-agent" ] || fail "$how: /etc/ctim-agent/ctim-agent.toml is $got"
  got=$(in_root stat -c '%a %U:%G' /etc/ctim-agent)
  [ "$got" = "750 root:ctim-agent" ] || fail "$how: /etc/ctim-agent is $got"
  in_root dpkg-query -W -f='${Conffiles}\n' ctim-agent | grep -q "/etc/ctim-agent/ctim-agent.toml" \
    || fail "$how: /etc/ctim-agent/ctim-agent.toml is not a conffile"
  for f in /usr/share/doc/ctim-agent/README.md /usr/share/doc/ctim-agent/doc/journal-format.md \
    /usr/lib/systemd/system/ctim-agent.service /usr/lib/sysusers.d/ctim-agent.conf \
    /usr/lib/tmpfiles.d/ctim-agent.conf; do
    [ -f "$root$f" ] || fail "$how: $f is missing"
  done
  # The packaged configuration is all comments: valid TOML, so the agent says what is missing, if anything.
  local rc
  got=$(in_root ctim-agent config --config /etc/ctim-agent/ctim-agent.toml 2>&1) && rc=0 || rc=$?
  { [ "$rc" -le 2 ] && ! grep -q "TOML syntax" <<<"$got"; } \
    || fail "$how: 'ctim-agent config' on the packaged file exited $rc: $got"
}
check_installed "useradd fallback"
step "binary, user, folders, modes, conffile, docs"

# --- remove keeps the state, purge removes it -----------------------------------------------------
touch "$root/var/lib/ctim-agent/journal.db"
in_root apt-get remove -y -q ctim-agent > "$work/remove.log" 2>&1 || fail "apt-get remove failed"
[ -f "$root/var/lib/ctim-agent/journal.db" ] || fail "apt-get remove deleted the journal"
in_root apt-get purge -y -q ctim-agent > "$work/purge.log" 2>&1 || fail "apt-get purge failed"
[ ! -e "$root/var/lib/ctim-agent" ] || fail "apt-get purge left /var/lib/ctim-agent"
[ ! -e "$root/etc/ctim-agent/ctim-agent.toml" ] || fail "apt-get purge left the configuration"
in_root userdel ctim-agent
step "remove keeps /var/lib/ctim-agent, purge removes it"

# --- with systemd, as on a Debian 12 machine: sysusers, tmpfiles, verify, security ---------------------
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"  # nothing starts in the root
chmod 755 "$root/usr/sbin/policy-rc.d"
in_root apt-get install -y -q --no-install-recommends systemd "/tmp/$(basename "$deb")" > "$work/install2.log" 2>&1 \
  || { tail -30 "$work/install2.log" >&2; fail "apt-get install systemd ./$(basename "$deb") failed in the root"; }
check_installed "systemd-sysusers"
in_root systemctl is-enabled ctim-agent.service >/dev/null 2>&1 && fail "the package enabled ctim-agent.service"
systemd-analyze verify --root="$root" /usr/lib/systemd/system/ctim-agent.service \
  || fail "systemd-analyze verify refused the installed unit"
systemd-analyze security --offline=true --root="$root" --threshold=20 ctim-agent.service > "$work/security.txt" 2>&1 \
  || { cat "$work/security.txt" >&2; fail "the unit's exposure is above 2.0"; }
step "systemd: user by sysusers, not enabled, verify passes, $(tail -1 "$work/security.txt" | sed 's/^→ //')"

# --- doctor against the lab DC, from inside the root ------------------------------------------------
timeout 600 "$lab" netns "$0" --in-lab "$root" || fail "doctor from the Debian root against the lab failed"
step "ctim-agent doctor in the root against the lab DC: all checks passed"
echo "deb_test: ok"
