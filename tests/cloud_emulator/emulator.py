#!/usr/bin/python3
"""ctim-agent cloud emulator: Entra token endpoint + Microsoft Graph + Exchange Online admin API over HTTPS
on 127.0.0.1, with an Entra Connect simulation that reads the lab AD. See README.md.

  emulator.py up [serve options]     start in the background, wait until it answers, write the PID
  emulator.py down                   stop the PID that `up` started
  emulator.py status                 print the control API's /status (exit 3 when not running)
  emulator.py serve [options]        run in the foreground
  emulator.py ctl METHOD PATH [JSON] call the control API, print the JSON answer
  emulator.py sync                   force a sync cycle now
  emulator.py ctim-export FILE [--seed N] [--bad]   write a CTIM identities CSV
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from cloudemu.server import Config, serve  # noqa: E402

START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 15


def _env(name, default=None):
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def default_state_dir():
    explicit = _env("CTIM_EMU_STATE")
    if explicit:
        return explicit
    lab = _env("CTIM_LAB_DIR")
    return os.path.join(lab, "cloud") if lab else None


def add_state_arg(p):
    p.add_argument("--state", default=default_state_dir(),
                   help="state directory (default $CTIM_EMU_STATE, else $CTIM_LAB_DIR/cloud)")


def add_serve_args(p):
    add_state_arg(p)
    p.add_argument("--login-port", type=int, default=int(_env("CTIM_EMU_LOGIN_PORT", 9441)))
    p.add_argument("--graph-port", type=int, default=int(_env("CTIM_EMU_GRAPH_PORT", 9442)))
    p.add_argument("--exo-port", type=int, default=int(_env("CTIM_EMU_EXO_PORT", 9443)))
    p.add_argument("--control-port", type=int, default=int(_env("CTIM_EMU_CONTROL_PORT", 9440)))
    p.add_argument("--sync-interval", type=float, default=float(_env("CTIM_EMU_SYNC_INTERVAL", 10)),
                   help="seconds between Entra Connect cycles (default 10)")
    p.add_argument("--paused", action="store_true", help="start with the scheduler paused (sync only on demand)")
    p.add_argument("--max-runtime", type=float, default=float(_env("CTIM_EMU_MAX_RUNTIME", 4 * 3600)),
                   help="exit by itself after this many seconds (safety net; default 4 h)")
    p.add_argument("--token-lifetime", type=int, default=3599, help="access token lifetime in seconds")
    p.add_argument("--clock-skew", type=int, default=60, help="seconds an assertion's nbf may lie in the future")
    p.add_argument("--ldap-url", default=_env("CTIM_LAB_LDAPS_URL", ""),
                   help="lab AD, e.g. ldaps://127.0.0.1 (default $CTIM_LAB_LDAPS_URL; empty = no AD)")
    p.add_argument("--bind-dn", default=_env("CTIM_LAB_ADMIN_DN", ""))
    p.add_argument("--bind-password-file", default=_env("CTIM_LAB_ADMIN_PASSWORD_FILE", ""))
    p.add_argument("--ldap-ca", default=_env("CTIM_LAB_CA", ""), help="CA file that signed the DC's certificate")
    p.add_argument("--sync-scope", action="append", default=None,
                   help="DN to sync below (repeatable; default $CTIM_EMU_SYNC_SCOPE, else $CTIM_LAB_TARGET_OU)")
    p.add_argument("--no-ad", action="store_true", help="ignore the lab settings: an empty directory")
    p.add_argument("--no-writeback", action="store_true",
                   help="do not write ms-DS-ConsistencyGuid / msDS-ExternalDirectoryObjectId back to AD")
    p.add_argument("--writeback-x500", action="store_true",
                   help="also add the cloud LegacyExchangeDN as X500 proxy in AD and EXO (hybrid writeback)")
    p.add_argument("--assertion", choices=("PS256", "RS256"), default="PS256",
                   help="assertion mode written into agent-cloud.toml")


def config_from(args):
    if not args.state:
        sys.exit("emulator: no state directory: pass --state or set CTIM_LAB_DIR / CTIM_EMU_STATE")
    scopes = args.sync_scope or [s for s in (_env("CTIM_EMU_SYNC_SCOPE") or _env("CTIM_LAB_TARGET_OU"),) if s]
    ldap_url = "" if args.no_ad else args.ldap_url
    if ldap_url and not scopes:
        sys.exit("emulator: no sync scope: pass --sync-scope or set CTIM_LAB_TARGET_OU")
    return Config(state_dir=os.path.abspath(args.state), login_port=args.login_port, graph_port=args.graph_port,
                  exo_port=args.exo_port, control_port=args.control_port, token_lifetime=args.token_lifetime,
                  clock_skew=args.clock_skew, sync_interval=args.sync_interval, paused=args.paused,
                  max_runtime=args.max_runtime, ldap_url=ldap_url, bind_dn=args.bind_dn,
                  password_file=args.bind_password_file, ldap_ca=args.ldap_ca, sync_scopes=scopes,
                  writeback=not args.no_writeback, writeback_x500=args.writeback_x500, assertion=args.assertion)


# --- process management --------------------------------------------------------------------------
def _pid_file(state):
    return os.path.join(state, "emulator.pid")


def _is_ours(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().split(b"\0")
    except OSError:
        return False
    return any(a.endswith(b"emulator.py") for a in argv) and b"serve" in argv


def _running_pid(state):
    try:
        with open(_pid_file(state)) as f:
            pid = int(f.read().strip())
    except (OSError, ValueError):
        return None
    return pid if _is_ours(pid) else None


def _endpoints(state):
    try:
        with open(os.path.join(state, "endpoints.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def control(state, method, path, body=None, timeout=60, control_url=None):
    url = control_url or (_endpoints(state) or {}).get("control_url")
    if not url:
        raise RuntimeError(f"no endpoints.json in {state}: is the emulator running?")
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
            ctype = resp.headers.get("Content-Type", "")
            return resp.status, (json.loads(raw) if "json" in ctype else raw.decode("utf-8"))
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw.decode("utf-8", "replace")


def cmd_up(args, serve_argv):
    cfg = config_from(args)
    state = cfg.state_dir
    os.makedirs(state, mode=0o700, exist_ok=True)
    pid = _running_pid(state)
    if pid:
        print(f"emulator already running (pid {pid}), state {state}")
        return 0
    for stale in ("endpoints.json", "emulator.pid"):
        if os.path.exists(os.path.join(state, stale)):
            os.remove(os.path.join(state, stale))
    log_path = os.path.join(state, "emulator.log")
    with open(log_path, "ab") as logf:
        child = subprocess.Popen([sys.executable, os.path.abspath(__file__), "serve", "--state", state, *serve_argv],
                                 stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
                                 start_new_session=True, close_fds=True)
    with open(_pid_file(state), "w") as f:
        f.write(f"{child.pid}\n")
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:  # bounded wait for the control API to answer
        if child.poll() is not None:
            os.remove(_pid_file(state))
            sys.stderr.write(f"emulator exited during start-up (code {child.returncode}); last log lines:\n")
            with open(log_path, "rb") as f:
                sys.stderr.write(b"".join(f.readlines()[-20:]).decode("utf-8", "replace"))
            return 1
        ep = _endpoints(state)
        if ep and ep.get("pid") == child.pid:
            try:
                code, st = control(state, "GET", "/status", timeout=2)
                if code == 200:
                    print(f"emulator up (pid {child.pid}): login {st['endpoints']['login']} graph "
                          f"{st['endpoints']['graph']} exo {st['endpoints']['exo']} control "
                          f"{st['endpoints']['control']}")
                    print(f"agent config: {os.path.join(state, 'agent-cloud.toml')}")
                    return 0
            except OSError:
                pass
        time.sleep(0.1)
    sys.stderr.write(f"emulator did not answer within {START_TIMEOUT_S} s; stopping pid {child.pid}\n")
    _stop_pid(child.pid)
    os.remove(_pid_file(state))
    return 1


def _stop_pid(pid):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while time.monotonic() < deadline:
        if not _is_ours(pid):
            return True
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    return not _is_ours(pid)


def cmd_down(args):
    state = args.state
    if not state:
        sys.exit("emulator: no state directory: pass --state or set CTIM_LAB_DIR / CTIM_EMU_STATE")
    pid = _running_pid(state)
    if pid is None:
        print("emulator not running")
        if os.path.exists(_pid_file(state)):
            os.remove(_pid_file(state))
        return 0
    _stop_pid(pid)
    os.remove(_pid_file(state))
    print(f"emulator stopped (pid {pid})")
    return 0


def cmd_status(args):
    state = args.state
    pid = _running_pid(state) if state else None
    if pid is None:
        print("emulator not running")
        return 3
    code, st = control(state, "GET", "/status", timeout=5)
    print(json.dumps(st, indent=2))
    return 0 if code == 200 else 1


def cmd_ctl(args):
    body = json.loads(args.json) if args.json else None
    code, answer = control(args.state, args.method.upper(), args.path, body)
    print(answer if isinstance(answer, str) else json.dumps(answer, indent=2))
    return 0 if 200 <= code < 300 else 1


def cmd_ctim_export(args):
    query = f"/ctim/identities?seed={urllib.parse.quote(str(args.seed))}&bad={1 if args.bad else 0}" \
            f"&source_domain={urllib.parse.quote(args.source_domain)}"
    if args.only_domain:
        query += f"&only_domain={urllib.parse.quote(args.only_domain)}"
    code, answer = control(args.state, "GET", query)
    if code != 200:
        print(json.dumps(answer, indent=2), file=sys.stderr)
        return 1
    with open(args.file, "w", newline="", encoding="utf-8") as f:
        f.write(answer["csv"])
    print(f"wrote {answer['rows']} rows to {args.file}")
    for b in answer["bad_rows"]:
        print(f"  deliberately bad: row {b['row']} ({b['PrimarySmtpAddress']}): {b['kind']}")
    return 0


def main(argv):
    parser = argparse.ArgumentParser(prog="emulator.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    add_serve_args(sub.add_parser("serve", help="run in the foreground"))
    add_serve_args(sub.add_parser("up", help="start in the background"))
    add_state_arg(sub.add_parser("down", help="stop"))
    add_state_arg(sub.add_parser("status", help="show status"))
    p = sub.add_parser("ctl", help="call the control API")
    add_state_arg(p)
    p.add_argument("method")
    p.add_argument("path")
    p.add_argument("json", nargs="?")
    add_state_arg(sub.add_parser("sync", help="force a sync cycle"))
    p = sub.add_parser("ctim-export", help="write a CTIM identities CSV")
    add_state_arg(p)
    p.add_argument("file")
    p.add_argument("--seed", default="1")
    p.add_argument("--bad", action="store_true", help="include deliberately bad rows (listed on stdout)")
    p.add_argument("--source-domain", default="source.example")
    p.add_argument("--only-domain", default=None, help="only targets whose targetAddress is in this domain")
    args = parser.parse_args(argv)
    if args.cmd == "serve":
        return serve(config_from(args))
    if args.cmd == "up":
        # everything after "up" is handed to "serve" unchanged (minus --state, passed explicitly)
        rest, skip = [], False
        for a in argv[1:]:
            if skip:
                skip = False
            elif a == "--state":
                skip = True
            elif not a.startswith("--state="):
                rest.append(a)
        return cmd_up(args, rest)
    if args.cmd == "down":
        return cmd_down(args)
    if args.cmd == "status":
        return cmd_status(args)
    if args.cmd == "ctl":
        return cmd_ctl(args)
    if args.cmd == "sync":
        args.method, args.path, args.json = "POST", "/sync", None
        return cmd_ctl(args)
    return cmd_ctim_export(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
