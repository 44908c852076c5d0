#!/usr/bin/env python3
"""Opens the HTML that `ctim-agent report` writes in a real headless Chromium (Debian's `chromium`) and checks it
as a person would, over the DevTools protocol on a pipe (--remote-debugging-pipe: no port, no network):

- it loads with no console error, no exception and no request other than the file itself;
- the plot's points equal the journal's verify passes (read here with Python's sqlite3, not through ctim-agent),
  and its sync marks the tenant's sync times;
- typing in the search box and choosing a status filter the user table to the rows the journal says;
- a value carrying HTML (a DN with an <img onerror>) shows as text;
- screenshots (desktop and phone width) are written next to the test's output, for a person to look at.

Usage: html_report_browser_test.py CTIM_AGENT MAKE_REPORT_JOURNAL OUTPUT_DIR
"""
import base64
import json
import os
import select
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

CHROMIUM = "/usr/bin/chromium"
DEADLINE_S = 60


class Browser:
    """Chromium with the DevTools protocol on fds 3 (commands in) and 4 (replies out), NUL-separated JSON."""

    def __init__(self, profile):
        cmd_r, self.cmd_w = os.pipe()
        self.out_r, out_w = os.pipe()

        def child_fds():
            # Copies first: a pipe end may already be fd 3 or 4, and dup2 onto itself would keep O_CLOEXEC.
            cmd_copy, out_copy = os.dup(cmd_r), os.dup(out_w)
            os.dup2(cmd_copy, 3)
            os.dup2(out_copy, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", "--remote-debugging-pipe", "--user-data-dir=" + profile, "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=open(os.path.join(profile, "stderr.log"), "wb"),
            preexec_fn=child_fds, close_fds=False)
        os.close(cmd_r)
        os.close(out_w)
        self.next_id = 0
        self.buffer = b""
        self.events = []
        self.deadline = time.monotonic() + DEADLINE_S

    def _read_message(self):
        while b"\0" not in self.buffer:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.out_r], [], [], remaining)[0]:
                raise TimeoutError("Chromium did not answer within %d s" % DEADLINE_S)
            chunk = os.read(self.out_r, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe (exit %s)" % self.proc.poll())
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None):
        self.next_id += 1
        request = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            request["sessionId"] = session
        os.write(self.cmd_w, json.dumps(request).encode() + b"\0")
        while True:
            message = self._read_message()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError("%s: %s" % (method, message["error"]))
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method):
        for e in self.events:
            if e.get("method") == method:
                return e
        while True:
            message = self._read_message()
            self.events.append(message)
            if message.get("method") == method:
                return message

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def fail(message):
    print("FAIL: " + message)
    return 1


def main():
    ctim_agent, make_journal, out_dir = sys.argv[1:4]
    os.makedirs(out_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="ctim-report-test-")
    failures = 0
    browser = None
    try:
        journal = os.path.join(work, "journal.db")
        run = subprocess.run([make_journal, journal], check=True, capture_output=True, text=True,
                             timeout=30).stdout.strip()
        html = os.path.join(out_dir, "report.html")
        subprocess.run([ctim_agent, "report", run, "--journal", journal, "-o", html], check=True, timeout=30)

        db = sqlite3.connect(journal)
        passes = db.execute("SELECT at, done, pending, wrong, tenant_last_sync FROM verify_passes WHERE run_id = ? "
                            "ORDER BY id", (run,)).fetchall()
        wrong_users = db.execute("SELECT count(*) FROM verifications WHERE run_id = ? AND status = 'wrong'",
                                 (run,)).fetchone()[0]
        r4_rows = db.execute("SELECT count(DISTINCT row) FROM row_findings WHERE run_id = ? AND rule = 'R4'",
                             (run,)).fetchone()[0]
        db.close()
        expected_points = sorted((series, at, n) for at, done, pending, wrong, _ in passes
                                 for series, n in (("done", done), ("pending", pending), ("wrong", wrong)))
        expected_syncs = sorted({s for *_, s in passes if s})

        profile = os.path.join(work, "profile")
        os.makedirs(profile)
        browser = Browser(profile)
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(domain + ".enable", session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": 1100, "height": 1500, "deviceScaleFactor": 1, "mobile": False}, session=session)
        url = "file://" + os.path.abspath(html)
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait_for("Page.loadEventFired")

        def evaluate(expression):
            result = browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                                  session=session)
            if "exceptionDetails" in result:
                raise RuntimeError("in the page: %s" % result["exceptionDetails"])
            return result["result"].get("value")

        points = sorted(tuple(p) for p in evaluate(
            "Array.from(document.querySelectorAll('#plot circle')).map(c => "
            "[c.dataset.series, c.dataset.at, Number(c.dataset.count)])"))
        if points != [tuple(p) for p in expected_points]:
            failures += fail("plot points %s != journal %s" % (points, expected_points))
        syncs = sorted(evaluate("Array.from(document.querySelectorAll('#plot .sync')).map(l => l.dataset.sync)"))
        if syncs != expected_syncs:
            failures += fail("sync marks %s != journal %s" % (syncs, expected_syncs))

        def visible_after(search, status):
            return evaluate(
                "(() => { const q = document.getElementById('q'), s = document.getElementById('status');"
                "q.value = %s; q.dispatchEvent(new Event('input'));"
                "s.value = %s; s.dispatchEvent(new Event('change'));"
                "const n = Array.from(document.querySelectorAll('#userstable tbody tr')).filter(r => "
                "r.offsetParent !== null).length;"
                "return [n, Number(document.getElementById('shown').textContent)]; })()"
                % (json.dumps(search), json.dumps(status)))

        total = evaluate("document.querySelectorAll('#userstable tbody tr').length")
        for search, status, want in (("", "", total), ("", "wrong", wrong_users), ("previous mailbox", "", r4_rows),
                                     ("onerror", "", 1), ("no such user", "", 0)):
            shown, counter = visible_after(search, status)
            if shown != want or counter != want:
                failures += fail("filter %r/%r shows %d rows (counter %d), want %d" % (search, status, shown,
                                                                                      counter, want))
        if evaluate("document.querySelectorAll('img, iframe, object, embed').length") != 0:
            failures += fail("a value was not escaped: the page has an element the report never writes")
        visible_after("", "")

        shot = browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True},
                            session=session)
        with open(os.path.join(out_dir, "report-desktop.png"), "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}, session=session)
        overflow = evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        if overflow:
            failures += fail("on a 390 px phone the page scrolls sideways")
        shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
        with open(os.path.join(out_dir, "report-phone.png"), "wb") as f:
            f.write(base64.b64decode(shot["data"]))

        errors = [e for e in browser.events if e.get("method") == "Runtime.exceptionThrown"
                  or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "warning"))
                  or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] in ("error", "warning"))]
        for e in errors:
            failures += fail("console: %s" % json.dumps(e["params"])[:400])
        requests = [e["params"]["request"]["url"] for e in browser.events
                    if e.get("method") == "Network.requestWillBeSent"]
        if requests != [url]:
            failures += fail("requests other than the file: %s" % requests)
        print("report: %d plot points, %d sync marks, %d users; screenshots in %s" % (len(points), len(syncs), total,
                                                                                      out_dir))
    finally:
        if browser is not None:
            browser.close()
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (1 if failures == 0 else 0, 1 if failures else 0))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
