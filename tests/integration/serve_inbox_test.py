#!/usr/bin/python3
"""`ctim-agent serve` taking CTIM files from its inbox, as processes against the real lab DC and the cloud
emulator (tests/lab/lab.sh up, tests/cloud_emulator/emulator.sh up, lab.sh config; inside lab.sh netns).
Each test resets the DC, seeds users, lets the emulator sync them, exports a CTIM file, writes its own
config (the lab's plus a [service] section with a private state directory), drops the file into the inbox
of a running `serve` and follows it with `ctim-agent status --format json`.
Usage: serve_inbox_test.py <ctim-agent binary>"""

import csv
import hashlib
import http.server
import json
import os
import signal
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest

AGENT = sys.argv.pop(1) if len(sys.argv) > 1 else ""
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAB = os.path.join(ROOT, "tests", "lab", "lab.sh")
EMULATOR = os.path.join(ROOT, "tests", "cloud_emulator", "emulator.sh")


def run(*argv, timeout=300, check=True):
    p = subprocess.run(list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"{argv} exited {p.returncode}: {p.stderr}{p.stdout}")
    return p


def fresh_lab(users):
    """A pristine DC with `users` seeded users that the emulator has synced (cloud ids written back)."""
    run(LAB, "reset")
    run(LAB, "seed", str(users))
    run(EMULATOR, "sync")


class WebhookServer:
    """A tiny HTTPS webhook on 127.0.0.1 with a self-signed certificate: records every JSON body it receives."""

    def __init__(self, directory):
        self.cert = os.path.join(directory, "hook-cert.pem")
        key = os.path.join(directory, "hook-key.pem")
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", self.cert,
            "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")
        self.received = []
        received = self.received

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                received.append((self.headers.get("Content-Type"), json.loads(body)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.server.server_address[1]}/webhook/secret-part"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def texts(self):
        return [body["text"] for _, body in self.received]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Inbox:
    """A private state directory with a config pointing `serve` at it, and the serve process."""

    def __init__(self, test, write="auto", settle=1, extra=""):
        self.test = test
        self.tmp = tempfile.TemporaryDirectory(prefix="ctim-inbox-")
        self.state = self.tmp.name
        self.inbox = os.path.join(self.state, "inbox")
        self.journal = os.path.join(self.state, "journal.db")
        with open(os.environ["CTIM_AGENT_CONFIG"]) as f:
            lab_config = f.read()
        lab_config = lab_config.replace("[agent]\n", "[agent]\nverify_interval_seconds = 2\n", 1)
        self.config = os.path.join(self.state, "ctim-agent.toml")
        with open(self.config, "w") as f:
            f.write(lab_config)
            f.write(f'\n[service]\ninbox = "{self.inbox}"\nwrite = "{write}"\nsettle_seconds = {settle}\n{extra}\n')
        self.proc = None
        self.err_path = os.path.join(self.state, "serve.err")

    def agent(self, *args, check=True, timeout=120, journal=True):
        extra = ["--journal", self.journal] if journal else []
        return run(AGENT, *args, "--config", self.config, *extra, "--no-progress", check=check, timeout=timeout)

    def start(self):
        if getattr(self, "err", None):
            self.err.close()
        self.err = open(self.err_path, "a")
        self.proc = subprocess.Popen([AGENT, "serve", "--config", self.config, "--journal", self.journal,
                                      "--interval", "2"], stdout=subprocess.DEVNULL, stderr=self.err, text=True)
        deadline = time.monotonic() + 60
        while not os.path.isdir(self.inbox) or not os.path.exists(self.journal):
            self.test.assertIsNone(self.proc.poll(), self.log())
            self.test.assertLess(time.monotonic(), deadline, "serve did not make its inbox")
            time.sleep(0.1)

    def stop(self, sig=signal.SIGTERM, timeout=60):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=timeout)
        return self.proc.returncode if self.proc else None

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        if getattr(self, "err", None):
            self.err.close()
        self.tmp.cleanup()

    def log(self):
        with open(self.err_path) as f:
            return f.read()

    def drop(self, source, name, renamed=True):
        """Copies `source` into the inbox as `name`: written as name.part and renamed (a finished copy)."""
        with open(source, "rb") as f:
            data = f.read()
        target = os.path.join(self.inbox, name)
        tmp = target + ".part" if renamed else target
        with open(tmp, "wb") as f:
            f.write(data)
        if renamed:
            os.rename(tmp, target)
        return hashlib.sha256(data).hexdigest()

    def status(self):
        return json.loads(self.agent("status", "--format", "json").stdout)

    def wait_for(self, predicate, what, timeout=180):
        deadline = time.monotonic() + timeout
        files = []
        while time.monotonic() < deadline:
            self.test.assertIsNone(self.proc.poll(), "serve died:\n" + self.log()[-4000:])
            files = self.status()
            found = predicate(files)
            if found:
                return found
            time.sleep(0.5)
        raise AssertionError(f"{what}: not within {timeout} s; status: {json.dumps(files, indent=1)}\n"
                             f"serve log:\n{self.log()[-4000:]}")

    def file_in_state(self, name, *states, timeout=180):
        return self.wait_for(lambda fs: next((f for f in fs if f["name"] == name and f["state"] in states), None),
                             f"{name} in state {states}", timeout)

    def runs(self):
        with sqlite3.connect(f"file:{self.journal}?mode=ro", uri=True) as db:
            return db.execute("SELECT id, state FROM runs WHERE kind = 'write' ORDER BY id").fetchall()

    def outbox(self, stored, suffix):
        return os.path.join(self.state, "outbox", stored + suffix)


class ServeInboxTest(unittest.TestCase):
    def setUp(self):
        self.assertTrue(AGENT and os.access(AGENT, os.X_OK), "usage: serve_inbox_test.py <ctim-agent>")
        config = os.environ.get("CTIM_AGENT_CONFIG", "")
        self.assertTrue(config and os.path.exists(config),
                        "CTIM_AGENT_CONFIG is not set: run inside the lab (eval \"$(tests/lab/lab.sh env)\")")
        with open(config) as f:
            self.assertIn("[cloud]", f.read(), "no [cloud] in the lab config: start the emulator, then lab.sh config")
        self.work = tempfile.TemporaryDirectory(prefix="ctim-inbox-files-")
        self.boxes = []

    def tearDown(self):
        for box in self.boxes:
            box.close()
        self.work.cleanup()

    def box(self, **kwargs):
        b = Inbox(self, **kwargs)
        self.boxes.append(b)
        return b

    def export(self, name, bad=False):
        path = os.path.join(self.work.name, name)
        run(EMULATOR, "ctim-export", path, *(["--bad"] if bad else []))
        return path

    def plan_changes(self, box, path):
        out = box.agent("plan", path, "--format", "json", check=False, journal=False)
        self.assertIn(out.returncode, (0, 1), out.stderr)
        return json.loads(out.stdout)["summary"]

    def test_auto_good_file_done_then_duplicate_broken_and_half_copied(self):
        fresh_lab(5)
        good = self.export("good.csv")
        hook = WebhookServer(self.work.name)
        self.addCleanup(hook.close)
        box = self.box(write="auto", settle=3,
                       extra=f'notify_url = "{hook.url}"\nnotify_ca_file = "{hook.cert}"')
        box.start()
        box.drop(good, "identities.csv")
        done = box.file_in_state("identities.csv", "done")
        self.assertEqual(done["done"], 5, done)
        self.assertEqual((done["pending"], done["wrong"]), (0, 0), done)
        self.assertIsNotNone(done["run"])
        stored = done["stored_name"]
        self.assertTrue(os.path.exists(os.path.join(box.state, "processed", stored)))
        for suffix in (".plan.txt", ".plan.csv", ".progress.csv", ".final.csv", ".report.txt", ".report.html"):
            self.assertTrue(os.path.exists(box.outbox(stored, suffix)), suffix)
        # The progress CSV (README "Progress CSV"): one record per user and attribute.
        with open(box.outbox(stored, ".progress.csv"), newline="") as f:
            progress = list(csv.DictReader(f))
        self.assertEqual({r["Status"] for r in progress}, {"written"}, progress)
        self.assertEqual(len({r["TargetExternalDirectoryObjectId"] for r in progress}), 5, progress)
        with open(box.outbox(stored, ".final.csv"), newline="") as f:
            final = list(csv.DictReader(f))
        self.assertEqual({r["Status"] for r in final}, {"verified"}, final)
        self.assertEqual(len({r["TargetExternalDirectoryObjectId"] for r in final}), 5, final)
        with open(box.outbox(stored, ".report.html"), encoding="utf-8") as f:
            self.assertIn("<!DOCTYPE html>", f.read(200))
        self.assertEqual(len(box.runs()), 1)

        # The same bytes under another name: recognised, not written again.
        box.drop(good, "identities-again.csv")
        dup = box.file_in_state("identities-again.csv", "done", timeout=30)
        self.assertEqual(dup["duplicate_of"], done["id"], dup)
        self.assertEqual(len(box.runs()), 1, "the same file was written twice")

        # Not a CTIM file: failed/ with the error beside it; serve goes on.
        broken = os.path.join(self.work.name, "broken.csv")
        with open(broken, "w") as f:
            f.write("Name,Value\nnot,ctim\n")
        box.drop(broken, "broken.csv")
        failed = box.file_in_state("broken.csv", "failed", timeout=30)
        error_file = os.path.join(box.state, "failed", failed["stored_name"] + ".error.txt")
        self.assertTrue(os.path.exists(os.path.join(box.state, "failed", failed["stored_name"])))
        with open(error_file) as f:
            self.assertIn("ExchangeGuid", f.read())

        # Half a file copied in place under its final name: not taken while it grows, then taken whole.
        with open(good, "rb") as f:
            data = f.read()
        slow_path = os.path.join(box.inbox, "slow.csv")
        chunks = 6  # one chunk a second: it keeps changing for 5 s; the settle time is 3 s
        step = len(data) // chunks + 1
        for i in range(chunks):
            with open(slow_path, "ab") as f:
                f.write(data[i * step:(i + 1) * step])
            self.assertFalse(any(f["name"] == "slow.csv" for f in box.status()), "a half-copied file was taken")
            time.sleep(1)
        slow = box.file_in_state("slow.csv", "done", timeout=30)
        self.assertEqual(slow["sha256"], hashlib.sha256(data).hexdigest(), "taken before the copy finished")
        self.assertEqual(slow["duplicate_of"], done["id"])
        self.assertIsNone(box.proc.poll())
        self.assertEqual(box.stop(), 0, box.log()[-3000:])
        # The webhook heard of the DONE file and of the broken one, as {"text": ...} JSON.
        texts = hook.texts()
        self.assertTrue(any("identities.csv" in t and "is DONE" in t for t in texts), texts)
        self.assertTrue(any("broken.csv" in t and "failed" in t for t in texts), texts)
        self.assertTrue(all(ct == "application/json" for ct, _ in hook.received))
        self.assertNotIn("secret-part", box.log())

    def test_approve_mode_waits_then_writes_after_approve(self):
        fresh_lab(3)
        good = self.export("good.csv")
        box = self.box(write="approve")
        box.start()
        box.drop(good, "identities.csv")
        held = box.file_in_state("identities.csv", "awaiting_approval", timeout=60)
        self.assertIn("approve", held["waits_for"])
        time.sleep(3)
        self.assertEqual(box.runs(), [], "approve mode wrote without an approval")
        self.assertEqual(self.plan_changes(box, good)["change"], 3)
        with open(box.outbox(held["stored_name"], ".report.txt")) as f:
            self.assertIn('write = "approve"', f.read())
        out = box.agent("approve", str(held["id"]))
        self.assertIn("approved", out.stdout)
        box.file_in_state("identities.csv", "verifying", "done", timeout=60)
        self.assertEqual(len(box.runs()), 1)
        self.assertEqual(self.plan_changes(box, good)["change"], 0)
        again = box.agent("approve", str(held["id"]), check=False)
        self.assertEqual(again.returncode, 2, again.stderr)
        self.assertIn("not awaiting approval", again.stderr)

    def test_approve_marker_file_in_the_inbox(self):
        fresh_lab(2)
        good = self.export("good.csv")
        box = self.box(write="approve")
        box.start()
        box.drop(good, "ids.csv")
        box.file_in_state("ids.csv", "awaiting_approval", timeout=60)
        open(os.path.join(box.inbox, "ids.csv.approve"), "w").close()
        box.file_in_state("ids.csv", "verifying", "done", timeout=60)
        self.assertFalse(os.path.exists(os.path.join(box.inbox, "ids.csv.approve")))

    def test_each_guardrail_holds_in_auto_mode(self):
        fresh_lab(4)
        good = self.export("good.csv")
        bad = self.export("bad.csv", bad=True)
        cases = [
            ("max_changes = 3", good, None, "max_changes = 3"),
            ("max_refused_percent = 0", bad, None, "max_refused_percent = 0"),
            ("max_file_age = 60", good, time.time() - 7200, "max_file_age = 60"),
        ]
        for extra, source, mtime, expected in cases:
            with self.subTest(extra):
                box = self.box(write="auto", extra=extra)
                box.start()
                copy = os.path.join(self.work.name, "copy.csv")
                with open(source, "rb") as f, open(copy, "wb") as g:
                    g.write(f.read())
                if mtime:
                    os.utime(copy, (mtime, mtime))
                # A rename keeps the modification time: os.rename of a file prepared beside the inbox.
                os.rename(copy, os.path.join(box.inbox, "ids.csv"))
                held = box.file_in_state("ids.csv", "awaiting_approval", timeout=60)
                self.assertIn(expected, held["waits_for"])
                self.assertIn(expected, box.log())
                with open(box.outbox(held["stored_name"], ".report.txt")) as f:
                    self.assertIn(expected, f.read())
                self.assertEqual(box.runs(), [])
                box.stop()

        # A stale mailbox GUID on one user: an --overwrite-guid change holds the file.
        ou = os.environ["CTIM_LAB_TARGET_OU"]
        ldif = (f"dn: CN=CTIM User 00002,{ou}\nchangetype: modify\nreplace: msExchMailboxGuid\n"
                "msExchMailboxGuid:: 3q2+7wAREiIzRFVmd4iZqg==\n")
        p = subprocess.run(["ldapmodify", "-x", "-H", os.environ["CTIM_LAB_LDAPS_URL"], "-D",
                            os.environ["CTIM_LAB_ADMIN_DN"], "-y", os.environ["CTIM_LAB_ADMIN_PASSWORD_FILE"]],
                           input=ldif, text=True, capture_output=True,
                           env=dict(os.environ, LDAPTLS_CACERT=os.environ["CTIM_LAB_CA"], LDAPTLS_REQCERT="demand"))
        self.assertEqual(p.returncode, 0, p.stderr)
        box = self.box(write="auto", extra="max_refused_percent = 100")
        box.start()
        box.drop(good, "ids.csv")
        held = box.file_in_state("ids.csv", "awaiting_approval", timeout=60)
        self.assertIn("--overwrite-guid", held["waits_for"])

    def test_second_serve_on_the_same_state_directory_refuses(self):
        box = self.box()
        box.start()
        second = run(AGENT, "serve", "--config", box.config, "--journal", box.journal, "--once", check=False)
        self.assertEqual(second.returncode, 3, second.stderr)
        self.assertIn("another ctim-agent serve (pid", second.stderr)
        self.assertEqual(box.stop(), 0)

    def wait_for_intents(self, box, run_id):
        """Returns once run `run_id` has journaled intents: its write is under way."""
        deadline = time.monotonic() + 180
        while True:
            self.assertIsNone(box.proc.poll(), box.log()[-3000:])
            self.assertLess(time.monotonic(), deadline, f"run {run_id} never started:\n" + box.log()[-3000:])
            try:
                with sqlite3.connect(f"file:{box.journal}?mode=ro", uri=True, timeout=1) as db:
                    n = db.execute("SELECT count(*) FROM intents WHERE run_id = ?", (run_id,)).fetchone()[0]
            except sqlite3.OperationalError:
                n = 0
            if n > 0:
                return
            time.sleep(0.01)

    def test_sigterm_then_kill_9_mid_write_resume_and_converge(self):
        # More users than one write batch (500), so a stop lands between batches.
        users = 1100
        fresh_lab(users)
        good = self.export("many.csv")
        box = self.box(write="auto", extra="max_changes = 100000")
        box.start()
        box.drop(good, "many.csv")

        # SIGTERM in the middle of the write: exit 0, the run "stopped", the file still "writing".
        self.wait_for_intents(box, 1)
        self.assertEqual(box.stop(signal.SIGTERM), 0, box.log()[-3000:])
        self.assertEqual(box.runs(), [(1, "stopped")], "the SIGTERM did not land in the middle of the write")
        state = [f for f in box.status() if f["name"] == "many.csv"][0]
        self.assertEqual(state["state"], "writing", state)
        self.assertIn("serve: stopped", box.log())

        # Restarted, it resumes (run 2); kill -9 in the middle of that write.
        box.start()
        self.wait_for_intents(box, 2)
        box.stop(signal.SIGKILL)
        self.assertEqual(box.runs()[-1], (2, "running"), "the kill did not land in the middle of the write")

        # Restarted again, it converges: run 3 resolves run 2's intents and writes the rest.
        box.start()
        done = box.file_in_state("many.csv", "verifying", "done", timeout=300)
        self.assertEqual(done["run"], 3, done)
        self.assertEqual([r[1] for r in box.runs()], ["stopped", "interrupted", "finished"])
        # AD holds what one uninterrupted write leaves: planning the file again finds nothing to change.
        summary = self.plan_changes(box, good)
        self.assertEqual(summary["change"], 0, summary)
        self.assertEqual(summary["no_change"], users, summary)
        with sqlite3.connect(f"file:{box.journal}?mode=ro", uri=True) as db:
            unresolved = db.execute(
                "SELECT count(*) FROM intents i WHERE NOT EXISTS (SELECT 1 FROM outcomes o WHERE o.intent_id = i.id "
                "AND o.state <> 'written')").fetchone()[0]
        self.assertEqual(unresolved, 0, "intents left without a final outcome")


if __name__ == "__main__":
    unittest.main()
