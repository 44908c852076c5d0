#!/bin/sh
# The MSI as built by packaging/windows/build-msi.sh, read back with msitools: the service is installed
# (ServiceInstall: own process, automatic start, `serve`, the account property) and controlled
# (ServiceControl: stop on install and uninstall, remove on uninstall), the six ProgramData folders are
# created, their ACL custom action runs icacls after InstallServices, the Event Log source points at the
# exe, and the exe inside is the one given. Then signing: unsigned without a certificate, and with a
# throwaway code-signing certificate osslsigncode verifies the signature of the MSI.
# With WINE given (a prefix prepared by scripts/wine-env.sh), it also installs the MSI with Wine's msiexec,
# checks the files, the folders and the service's registration, and uninstalls it again.
# Usage: msi_test.sh EXE WORK_DIR [WINE]
set -eu
exe=$1 work=$2 wine=${3:-}
repo=$(cd "$(dirname "$0")/../../.." && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"
"$repo/packaging/windows/build-msi.sh" "$exe" "$work/ctim-agent.msi" 9.8.7 2>"$work/build.err" || fail "$(cat "$work/build.err")"
grep -q "is NOT signed" "$work/build.err" || fail "an unsigned build does not say so"
msi=$work/ctim-agent.msi
row() { msiinfo export "$msi" "$1" | tr -d '\r' | tail -n +4; }

row ServiceInstall | awk -F'\t' '$2 == "ctim-agent" && $4 == 16 && $5 == 2 && $9 == "[SERVICEACCOUNT]" && $11 == "serve"' | grep -q . ||
  fail "ServiceInstall: $(row ServiceInstall)"
row Property | grep -qx 'SERVICEACCOUNT	NT SERVICE\\ctim-agent' || fail "SERVICEACCOUNT default: $(row Property | grep SERVICE)"
# 2 = stop at install, 32 = stop at uninstall, 128 = remove at uninstall; never started by the installer.
row ServiceControl | awk -F'\t' '$2 == "ctim-agent" && $3 == 162' | grep -q . || fail "ServiceControl: $(row ServiceControl)"
for dir in inbox processed failed outbox journal logs; do
  id=$(row Directory | awk -F'\t' -v d="$dir" '$2 == "DataDir" && $3 == d { print $1 }')
  [ -n "$id" ] || fail "no ProgramData\\ctim-agent\\$dir in Directory"
  row CreateFolder | awk -F'\t' -v d="$id" '$1 == d' | grep -q . || fail "$dir is not created (CreateFolder)"
done
row Directory | awk -F'\t' '$1 == "DataDir" && $2 == "CommonAppDataFolder" && $3 == "ctim-agent"' | grep -q . || fail "DataDir"
row CustomAction | grep -F '/inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F "[SERVICEACCOUNT]:(OI)(CI)M"' |
  grep -q . || fail "the ACL action: $(row CustomAction)"
acl=$(row InstallExecuteSequence | awk -F'\t' '$1 == "SetDataAcl" { print $3 }')
find=$(row InstallExecuteSequence | awk -F'\t' '$1 == "FindIcacls" { print $3 }')
services=$(row InstallExecuteSequence | awk -F'\t' '$1 == "InstallServices" { print $3 }')
[ -n "$acl" ] && [ -n "$find" ] && [ "$find" -lt "$acl" ] && [ "$services" -lt "$acl" ] ||
  fail "sequence: FindIcacls $find, InstallServices $services, SetDataAcl $acl"
row Registry | grep -F 'Services\EventLog\Application\ctim-agent' | grep -q 'EventMessageFile	\[#AgentExeFile\]' ||
  fail "Event Log source: $(row Registry)"
row File | awk -F'\t' '$3 == "ctim-agent.exe"' | grep -q . || fail "File: $(row File)"
row File | grep -q 'ctim-agent.toml.sample' || fail "no sample config"
msiinfo suminfo "$msi" | grep -q 'x64' || fail "not an x64 package: $(msiinfo suminfo "$msi")"
mkdir -p "$work/x" && (cd "$work/x" && msiextract "$msi" >/dev/null)
found=$(find "$work/x" -name ctim-agent.exe | head -1)
cmp -s "$found" "$exe" || fail "the exe in the MSI differs from $exe"

# Signing with a throwaway code-signing certificate.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/cs.key" -out "$work/cs.pem" -days 2 -subj /CN=ctim-test-signing \
  -addext extendedKeyUsage=codeSigning >/dev/null 2>&1
CTIM_SIGN_CERT=$work/cs.pem CTIM_SIGN_KEY=$work/cs.key "$repo/packaging/windows/build-msi.sh" "$exe" "$work/signed.msi" 2>"$work/sign.err" ||
  fail "signed build: $(cat "$work/sign.err")"
osslsigncode verify -CAfile "$work/cs.pem" -in "$work/signed.msi" >"$work/verify.out" 2>&1 || fail "signature: $(cat "$work/verify.out")"
if [ -n "$wine" ]; then
  drive_c=$WINEPREFIX/drive_c
  # A failure below still uninstalls, so the next run starts from a prefix without ctim-agent.
  trap '(cd "$work" && timeout 120 "$wine" msiexec /x ctim-agent.msi /qn) >/dev/null 2>&1' EXIT
  (cd "$work" && timeout 120 "$wine" msiexec /i ctim-agent.msi /qn) || fail "wine msiexec /i"
  cmp -s "$drive_c/Program Files/ctim-agent/ctim-agent.exe" "$exe" || fail "installed exe"
  for dir in inbox processed failed outbox journal logs; do
    [ -d "$drive_c/ProgramData/ctim-agent/$dir" ] || fail "no ProgramData/ctim-agent/$dir after install"
  done
  reg=$(timeout 30 "$wine" reg query 'HKLM\SYSTEM\CurrentControlSet\Services\ctim-agent' | tr -d '\r')
  printf "%s\n" "$reg" | grep -q 'ObjectName.*NT SERVICE\\ctim-agent' || fail "service account: $reg"
  printf "%s\n" "$reg" | grep -q 'ImagePath.*ctim-agent.exe serve' || fail "service command: $reg"
  (cd "$work" && timeout 120 "$wine" msiexec /x ctim-agent.msi /qn) || fail "wine msiexec /x"
  [ ! -e "$drive_c/Program Files/ctim-agent/ctim-agent.exe" ] || fail "exe left after uninstall"
  if timeout 30 "$wine" reg query 'HKLM\SYSTEM\CurrentControlSet\Services\ctim-agent' >/dev/null 2>&1; then
    fail "service left after uninstall"
  fi
  trap - EXIT
  echo "installed and uninstalled with Wine's msiexec"
fi
echo "MSI tables as expected; unsigned build says so; signed MSI verifies"
