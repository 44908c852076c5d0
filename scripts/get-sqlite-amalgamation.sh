#!/bin/bash
# Fetches the pinned SQLite amalgamation (sqlite3.c, sqlite3.h) that the Windows build compiles into a static
# library (doc/windows.md). Debian has no mingw SQLite; the npm package sqlite3@6.0.1 carries SQLite's own,
# unmodified autoconf tarball, whose sha256 is checked here. The Linux build keeps Debian's libsqlite3.
#   scripts/get-sqlite-amalgamation.sh [OUTDIR]     (default: build/third_party/sqlite-3520000)
# Does nothing when OUTDIR already holds both files.
set -Eeuo pipefail
trap 'echo "get-sqlite-amalgamation: \"$BASH_COMMAND\" failed (exit $?) at line $LINENO of $0" >&2' ERR
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/build/third_party/sqlite-3520000}"
readonly tarball_name=sqlite-autoconf-3520000
readonly tarball_sha256=f6b50b0c103392af32a8be15b2b9d25959de9a00a70c3979128aafeaa5338b3f

if [ -f "$out/sqlite3.c" ] && [ -f "$out/sqlite3.h" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "get-sqlite-amalgamation: npm is missing (Debian: apt-get install npm)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# npm's own message (a proxy, a TLS interception, no registry) is shown when the download fails.
if ! (cd "$work" && npm pack sqlite3@6.0.1 >"$work/npm.log" 2>&1); then
  tail -20 "$work/npm.log" >&2
  echo "get-sqlite-amalgamation: npm could not fetch sqlite3@6.0.1 from its registry (the lines above say why)" >&2
  exit 1
fi
tar -xzf "$work/sqlite3-6.0.1.tgz" -C "$work" "package/deps/$tarball_name.tar.gz"
tarball="$work/package/deps/$tarball_name.tar.gz"
if ! echo "$tarball_sha256  $tarball" | sha256sum -c --quiet; then
  echo "get-sqlite-amalgamation: $tarball_name.tar.gz from npm sqlite3@6.0.1 does not have sha256 $tarball_sha256" >&2
  exit 1
fi
mkdir -p "$out.tmp"
tar --no-same-owner -xzf "$tarball" -C "$out.tmp" --strip-components=1 "$tarball_name/sqlite3.c" "$tarball_name/sqlite3.h"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "get-sqlite-amalgamation: SQLite $(grep -m1 '#define SQLITE_VERSION ' "$out/sqlite3.h" | cut -d'"' -f2) in $out"
