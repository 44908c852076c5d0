#!/bin/bash
# Installs every Debian 12 package ctim-agent needs to build, test and run its embedded lab.
# Idempotent; needs root (or sudo). Never starts a system service: Samba's packages would start
# smbd/nmbd on every interface, so a policy-rc.d that denies starts is put in place for the
# duration of the install when the machine has none (one that is already there is left as it is).
set -Eeuo pipefail
trap 'echo "install-deps: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO of $0" >&2' ERR

packages=(
  # build; ca-certificates lets apt and git verify HTTPS sources on a minimal image
  cmake ninja-build g++ pkg-config git ca-certificates
  # the .deb: cpack's dpkg-shlibdeps (dpkg-dev), and what its test in CI uses (debootstrap, systemd-analyze)
  dpkg-dev file fakeroot debootstrap systemd
  # libraries of the agent
  libldap-dev libsasl2-dev libsasl2-modules-gssapi-mit libkrb5-dev libspdlog-dev libcxxopts-dev
  libcurl4-openssl-dev libssl-dev libsqlite3-dev libtomlplusplus-dev nlohmann-json3-dev
  # tests, fuzzing, benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev clang-16 libclang-rt-16-dev time sqlite3
  # the HTML report's test opens it in a real headless browser
  chromium
  # the lab: a Samba AD DC with its KDC, and the client tools the scripts use
  samba samba-ad-dc samba-ad-provision winbind krb5-user ldap-utils ldb-tools python3-ldb
  samba-dsdb-modules samba-vfs-modules openssl bc iproute2 util-linux mount procps
  # the cloud emulator (Debian's python3, not a pyenv one)
  python3 python3-ldap python3-cryptography
  # the Windows build (doc/windows.md): mingw-w64 GCC 12 with the posix thread model, Wine 8 to run its
  # tests (winbind above gives Wine's NTLM its ntlm_auth), wixl + msitools for the MSI, osslsigncode to sign it
  g++-mingw-w64-x86-64-posix gcc-mingw-w64-x86-64-posix wine64 wine wixl msitools osslsigncode
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root, or install sudo and run as a sudoer" >&2; exit 1; }
  SUDO="sudo"
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm fetches the pinned SQLite source for the Windows build (scripts/get-sqlite-amalgamation.sh). Debian's
# npm only when there is none: a NodeSource nodejs carries its own npm and conflicts with Debian's.
command -v npm >/dev/null || missing+=(npm)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  made_policy=1
fi
# An EXIT trap's last status becomes the script's: it must end true when there is nothing to remove.
cleanup() {
  if [ "$made_policy" = 1 ]; then $SUDO rm -f "$policy"; fi
  return 0
}
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${#missing[@]} packages"
