# Source me: the Wine environment the Windows build's tests run in (doc/windows.md).
#   . scripts/wine-env.sh        a Windows 10 prefix (made on first use) and a persistent wineserver
#   ctim_wine_stop               stops that wineserver (and the prefix's Wine processes) again
# WINEPREFIX defaults to build/wine in this checkout, so every checkout has its own prefix and wineserver.
#
# Three traps of Debian's Wine 8.0 are handled here:
#  - A fresh prefix can come up with two services.exe; `sc create` and `sc start` then reach different
#    service managers. So the first boot is shut down completely before anything else runs.
#  - Wine records its server directory, made under $TMPDIR, in the prefix; a wine call with another TMPDIR
#    does not find the running wineserver and starts a second one. TMPDIR is pinned to /tmp here.
#  - Wine's background processes (services.exe, winedevice.exe, explorer.exe) inherit the stdio of the wine
#    call that starts them. If a ctest test started them, ctest would wait on that pipe until the test's
#    TIMEOUT. They are started here, on /dev/null, before any test.
# Without a running wineserver each test executable pays Wine's cold start (0.5-2.5 s); with it, ~0.1 s.
_ctim_wine_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export WINEPREFIX="${WINEPREFIX:-$_ctim_wine_root/build/wine}"
export WINEDEBUG="${WINEDEBUG:--all}"      # fixme/err chatter off; e.g. WINEDEBUG=+wldap32 to debug
export WINEDLLOVERRIDES="mscoree,mshtml="  # never offer to install Mono or Gecko
export TMPDIR=/tmp
unset DISPLAY                              # console programs only
unset _ctim_wine_root

ctim_wine_stop() {
  wineserver -k >/dev/null 2>&1 </dev/null
  timeout 30 wineserver -w >/dev/null 2>&1 </dev/null
  return 0
}

_ctim_wine_start() {
  command -v wine >/dev/null || { echo "wine-env: wine is missing: run scripts/install-deps.sh" >&2; return 1; }
  if [ ! -d "$WINEPREFIX/drive_c/windows" ]; then
    mkdir -p "$WINEPREFIX"
    timeout 120 wineboot --init >/dev/null 2>&1 </dev/null ||
      { echo "wine-env: wineboot --init failed for $WINEPREFIX" >&2; return 1; }
    # A new prefix reports Windows 7; the agent targets Windows 10 / Server 2016 and later.
    timeout 60 wine reg add 'HKCU\Software\Wine' /v Version /d win10 /f >/dev/null 2>&1 </dev/null ||
      { echo "wine-env: could not set Windows 10 in $WINEPREFIX" >&2; return 1; }
    ctim_wine_stop
  fi
  wineserver -p >/dev/null 2>&1 </dev/null  # persistent until ctim_wine_stop
  timeout 60 wine cmd /c exit 0 >/dev/null 2>&1 </dev/null ||
    { echo "wine-env: wine does not start in $WINEPREFIX" >&2; return 1; }
  local version
  version="$(timeout 30 wine cmd /c ver 2>/dev/null </dev/null | tr -d '\r' | grep -o '[0-9][0-9.]*' | head -1)"
  case "$version" in
    10.*) ;;
    *) echo "wine-env: $WINEPREFIX reports Windows '$version', not 10.x" >&2; return 1 ;;
  esac
}
_ctim_wine_start
