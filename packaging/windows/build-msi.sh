#!/bin/sh
# Builds the ctim-agent MSI with wixl (doc/windows.md, "The MSI"), signing the exe and the MSI with
# Authenticode when a code-signing certificate is given:
#   packaging/windows/build-msi.sh EXE OUT.msi [VERSION]
#   CTIM_SIGN_CERT=cs.pem CTIM_SIGN_KEY=cs.key [CTIM_SIGN_TIMESTAMP=URL] packaging/windows/build-msi.sh ...
# Without CTIM_SIGN_CERT the MSI and the exe are unsigned, and the script says so on stderr.
set -eu
exe=$1 out=$2 version=${3:-0.1.0}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$exe" "$work/ctim-agent.exe"
cp "$here/ctim-agent.toml.sample" "$work/ctim-agent.toml.sample"

sign() {  # in out
  set -- "$1" "$2"
  if [ -n "${CTIM_SIGN_TIMESTAMP:-}" ]; then
    osslsigncode sign -certs "$CTIM_SIGN_CERT" -key "$CTIM_SIGN_KEY" -h sha256 -n ctim-agent \
      -t "$CTIM_SIGN_TIMESTAMP" -in "$1" -out "$2" >/dev/null
  else
    osslsigncode sign -certs "$CTIM_SIGN_CERT" -key "$CTIM_SIGN_KEY" -h sha256 -n ctim-agent -in "$1" -out "$2" >/dev/null
  fi
}

if [ -n "${CTIM_SIGN_CERT:-}" ]; then
  command -v osslsigncode >/dev/null || { echo "build-msi: osslsigncode is missing (apt-get install osslsigncode)" >&2; exit 1; }
  sign "$work/ctim-agent.exe" "$work/signed.exe"
  mv "$work/signed.exe" "$work/ctim-agent.exe"
fi
# wixl takes Source paths relative to the working directory; its warnings about WiX attributes it does not
# know are kept out of the way (the tables are checked by tests/package/windows/msi_test.sh).
(cd "$work" && wixl -a x64 -D Version="$version" -D AgentExe=ctim-agent.exe -D SampleConfig=ctim-agent.toml.sample \
  -o ctim-agent.msi "$here/ctim-agent.wxs" 2>"$work/wixl.err") ||
  { cat "$work/wixl.err" >&2; echo "build-msi: wixl failed" >&2; exit 1; }
if [ -n "${CTIM_SIGN_CERT:-}" ]; then
  sign "$work/ctim-agent.msi" "$out"
  echo "build-msi: $out and its ctim-agent.exe are signed with $CTIM_SIGN_CERT" >&2
else
  cp "$work/ctim-agent.msi" "$out"
  echo "build-msi: $out is NOT signed (set CTIM_SIGN_CERT and CTIM_SIGN_KEY to sign it)" >&2
fi
