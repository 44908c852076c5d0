#!/usr/bin/python3
"""`ctim-agent serve` as a process, the way systemd runs it (Type=notify): it must report READY=1 on
$NOTIFY_SOCKET, log JSON lines when stderr is not a terminal, and on SIGTERM stop promptly with exit 0 and
STOPPING=1. A write run made by hand (`ctim-agent write`) is verified by the sweep, which records the verdicts.
Each test runs serve with its own config: the lab's plus a [service] inbox in a temporary state directory.
Usage: serve_cli_test.py <ctim-agent binary>   (inside the lab: CTIM_AGENT_CONFIG with a [cloud] section)"""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

AGENT = sys.argv.pop(1) if len(sys.argv) > 1 else ""
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAB = os.path.join(ROOT, "tests", "lab", "lab.sh")
EMULATOR = os.path.join(ROOT, "tests", "cloud_emulator", "emulator.sh")


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
            lab_config = f.read()
        self.assertIn("[cloud]", lab_config, f"{config} has no [cloud] section: start the cloud emulator, then lab.sh config")
        self.tmp = tempfile.TemporaryDirectory(prefix="ctim-serve-")
        self.config = os.path.join(self.tmp.name, "ctim-agent.toml")
        with open(self.config, "w") as f:
            f.write(lab_config + f'\n[service]\ninbox = "{self.tmp.name}/state/inbox"\n')
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
        self.proc = subprocess.Popen([AGENT, "serve", "--config", self.config, *args], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)

    def test_ready_then_sigterm_exits_zero_with_json_logs(self):
        journal = os.path.join(self.tmp.name, "journal.db")  # made by serve, with no run in it
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
        self.assertTrue(os.path.isdir(os.path.join(self.tmp.name, "state", "inbox")))
        self.assertTrue(any(m.startswith("serve: stopped") for m in messages), messages)
        for line in lines:
            self.assertEqual(set(line) >= {"ts", "level", "logger", "msg"}, True, line)

    def test_sweep_verifies_a_run_written_by_hand(self):
        subprocess.run([LAB, "reset"], check=True, capture_output=True, timeout=300)
        subprocess.run([LAB, "seed", "2"], check=True, capture_output=True, timeout=300)
        subprocess.run([EMULATOR, "sync"], check=True, capture_output=True, timeout=300)
        file = os.path.join(self.tmp.name, "ids.csv")
        subprocess.run([EMULATOR, "ctim-export", file], check=True, capture_output=True, timeout=120)
        journal = os.path.join(self.tmp.name, "journal.db")
        wrote = subprocess.run([AGENT, "write", file, "--config", self.config, "--journal", journal, "--no-progress"],
                               capture_output=True, text=True, timeout=300)
        self.assertEqual(wrote.returncode, 0, wrote.stderr)
        self.start("--journal", journal, "--interval", "2")
        receive(self.sock, "READY=1", 30)
        deadline = time.monotonic() + 120
        verdicts = []
        while time.monotonic() < deadline and len(verdicts) < 2:
            self.assertIsNone(self.proc.poll())
            with sqlite3.connect(f"file:{journal}?mode=ro", uri=True) as db:
                verdicts = db.execute("SELECT status FROM verifications WHERE run_id = 1 AND status = 'done'").fetchall()
            time.sleep(0.5)
        self.proc.send_signal(signal.SIGTERM)
        out, err = self.proc.communicate(timeout=30)
        self.assertEqual(len(verdicts), 2, err[-3000:])
        self.assertIn("serve: run 1: this pass", err)

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
