#!/usr/bin/python3
"""`ctim-agent serve` as a process, the way systemd runs it (Type=notify): it must report READY=1 on
$NOTIFY_SOCKET, log JSON lines when stderr is not a terminal, and on SIGTERM stop promptly with exit 0 and
STOPPING=1. When a write run exists in the journal, a sweep verifies it and records the verdicts.
Usage: serve_cli_test.py <ctim-agent binary>   (inside the lab: CTIM_AGENT_CONFIG with a [cloud] section)"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

AGENT = sys.argv.pop(1) if len(sys.argv) > 1 else ""


def receive(sock, wanted, timeout):
    """Datagrams until one contains `wanted` (bounded by `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            data = sock.recv(4096).decode()
        except socket.timeout:
            break
        seen.append(data)
        if wanted in data.split("\n"):
            return seen
    raise AssertionError(f"no {wanted!r} on NOTIFY_SOCKET within {timeout} s; got {seen}")


class ServeTest(unittest.TestCase):
    def setUp(self):
        self.assertTrue(AGENT and os.access(AGENT, os.X_OK), "usage: serve_cli_test.py <ctim-agent>")
        config = os.environ.get("CTIM_AGENT_CONFIG", "")
        self.assertTrue(config and os.path.exists(config),
                        "CTIM_AGENT_CONFIG is not set: run inside the lab (eval \"$(tests/lab/lab.sh env)\")")
        with open(config) as f:
            self.assertIn("[cloud]", f.read(), f"{config} has no [cloud] section: start the cloud emulator, then lab.sh config")
        self.tmp = tempfile.TemporaryDirectory(prefix="ctim-serve-")
        self.socket_path = os.path.join(self.tmp.name, "notify")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.socket_path)
        self.proc = None

    def tearDown(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.sock.close()
        self.tmp.cleanup()

    def start(self, *args):
        env = dict(os.environ, NOTIFY_SOCKET=self.socket_path)
        self.proc = subprocess.Popen([AGENT, "serve", *args], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)

    def test_ready_then_sigterm_exits_zero_with_json_logs(self):
        journal = os.path.join(self.tmp.name, "journal.db")  # does not exist: nothing to verify
        self.start("--journal", journal, "--interval", "3600")
        receive(self.sock, "READY=1", 30)
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        out, err = self.proc.communicate(timeout=15)
        elapsed = time.monotonic() - t0
        self.assertEqual(self.proc.returncode, 0, err)
        self.assertLess(elapsed, 10, "serve must stop within one request after SIGTERM")
        receive(self.sock, "STOPPING=1", 5)
        lines = [json.loads(line) for line in err.splitlines() if line.strip()]
        messages = [line["msg"] for line in lines]
        self.assertTrue(any(m.startswith("serve: started") for m in messages), messages)
        self.assertTrue(any("no journal at" in m for m in messages), messages)
        self.assertTrue(any(m.startswith("serve: stopped") for m in messages), messages)
        for line in lines:
            self.assertEqual(set(line) >= {"ts", "level", "logger", "msg"}, True, line)

    def test_once_exits_after_one_sweep(self):
        self.start("--journal", os.path.join(self.tmp.name, "none.db"), "--once")
        out, err = self.proc.communicate(timeout=60)
        self.assertEqual(self.proc.returncode, 0, err)

    def test_bad_interval_is_bad_input(self):
        self.start("--interval", "0")
        out, err = self.proc.communicate(timeout=30)
        self.assertEqual(self.proc.returncode, 2, err)
        self.assertIn("--interval", err)


if __name__ == "__main__":
    unittest.main()
