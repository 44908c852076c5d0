"""emulator.sh up|status|down as a process, and the agent-cloud.toml contract used exactly as the agent
would use it (no lab needed)."""

import json
import os
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
import tomllib
import unittest
import uuid

import harness

SCRIPT = os.path.join(harness.HERE, "emulator.sh")


def run(*args, env=None, timeout=60):
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, timeout=timeout, env=env)


class CliTest(unittest.TestCase):
    def setUp(self):
        self.lab_dir = tempfile.mkdtemp(prefix="ctim-emu-cli-")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("CTIM_EMU_", "CTIM_LAB_"))}
        self.env["CTIM_LAB_DIR"] = self.lab_dir
        self.state = os.path.join(self.lab_dir, "cloud")
        self.ports = ["--login-port", "0", "--graph-port", "0", "--exo-port", "0", "--control-port", "0"]

    def tearDown(self):
        run("down", env=self.env)
        shutil.rmtree(self.lab_dir, ignore_errors=True)

    def pid(self):
        with open(os.path.join(self.state, "emulator.pid")) as f:
            return int(f.read())

    def test_up_status_down(self):
        res = run("up", "--no-ad", *self.ports, env=self.env)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertIn("emulator up", res.stdout)
        pid = self.pid()
        os.kill(pid, 0)  # alive
        again = run("up", "--no-ad", *self.ports, env=self.env)
        self.assertIn("already running", again.stdout)
        self.assertEqual(self.pid(), pid)
        st = run("status", env=self.env)
        self.assertEqual(st.returncode, 0, st.stderr)
        self.assertEqual(json.loads(st.stdout)["pid"], pid)
        down = run("down", env=self.env)
        self.assertEqual(down.returncode, 0)
        self.assertIn(f"stopped (pid {pid})", down.stdout)
        with self.assertRaises(ProcessLookupError):
            for _ in range(50):  # bounded: the process is reaped by init shortly after it exits
                os.kill(pid, 0)
                time.sleep(0.1)
        self.assertFalse(os.path.exists(os.path.join(self.state, "emulator.pid")))
        self.assertEqual(run("status", env=self.env).returncode, 3)

    def test_down_leaves_a_foreign_pid_alone(self):
        os.makedirs(self.state)
        other = subprocess.Popen(["sleep", "30"])
        try:
            with open(os.path.join(self.state, "emulator.pid"), "w") as f:
                f.write(str(other.pid))
            res = run("down", env=self.env)
            self.assertIn("not running", res.stdout)
            self.assertIsNone(other.poll())
        finally:
            other.send_signal(signal.SIGTERM)
            other.wait(timeout=10)

    def test_agent_cloud_toml_contract(self):
        self.assertEqual(run("up", "--no-ad", *self.ports, env=self.env).returncode, 0)
        with open(os.path.join(self.state, "agent-cloud.toml"), "rb") as f:
            cloud = tomllib.load(f)["cloud"]
        self.assertEqual(set(cloud), {"preset", "tenant_id", "client_id", "certificate_file", "private_key_file",
                                      "assertion", "login_url", "graph_url", "exo_url", "ca_file"})
        self.assertEqual((cloud["preset"], cloud["assertion"]), ("worldwide", "PS256"))
        uuid.UUID(cloud["tenant_id"])
        uuid.UUID(cloud["client_id"])
        for key in ("certificate_file", "private_key_file", "ca_file"):
            self.assertTrue(os.path.isfile(cloud[key]), key)
            self.assertTrue(cloud[key].startswith(self.state + "/"))
        self.assertEqual(os.stat(cloud["private_key_file"]).st_mode & 0o077, 0)
        for key in ("login_url", "graph_url", "exo_url"):
            self.assertRegex(cloud[key], r"^https://127\.0\.0\.1:\d+$")
        with open(os.path.join(self.state, "agent-cloud-expired.toml"), "rb") as f:
            self.assertTrue(tomllib.load(f)["cloud"]["certificate_file"].endswith("app-cert-expired.pem"))

        # Use the file the way the agent does: token from login_url, then Graph, trusting only ca_file.
        emu = harness.Emulator(state_dir=self.state)
        with open(os.path.join(self.state, "endpoints.json")) as f:
            emu.endpoints = json.load(f)
        emu.reg = {"tenant_id": cloud["tenant_id"], "client_id": cloud["client_id"]}
        emu.ssl = ssl.create_default_context(cafile=cloud["ca_file"])
        url = f"{cloud['login_url']}/{cloud['tenant_id']}/oauth2/v2.0/token"
        assertion = harness.make_assertion(emu, alg=cloud["assertion"],
                                           cert=os.path.basename(cloud["certificate_file"]),
                                           key_path=cloud["private_key_file"])
        status, _h, body = emu.http("POST", url, form=emu.token_form(assertion, cloud["graph_url"] + "/.default"))
        self.assertEqual(status, 200, body)
        status, _h, org = emu.http("GET", cloud["graph_url"] + "/v1.0/organization?$select=id",
                                   headers={"Authorization": "Bearer " + body["access_token"]})
        self.assertEqual((status, org["value"][0]["id"]), (200, cloud["tenant_id"]))

    def test_up_without_a_state_directory_says_what_to_set(self):
        # emulator.py itself: the emulator.sh wrapper fills CTIM_LAB_DIR from tests/lab/lab.sh env, whose
        # default lab dir may belong to a running suite (its emulator holds the default ports).
        env = dict(self.env)
        del env["CTIM_LAB_DIR"]
        res = subprocess.run(["/usr/bin/python3", os.path.join(harness.HERE, "emulator.py"), "up", "--no-ad"],
                             capture_output=True, text=True, timeout=60, env=env)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("CTIM_LAB_DIR", res.stderr)

    def test_registration_survives_restart(self):
        self.assertEqual(run("up", "--no-ad", *self.ports, env=self.env).returncode, 0)
        with open(os.path.join(self.state, "app.json")) as f:
            first = json.load(f)
        run("down", env=self.env)
        self.assertEqual(run("up", "--no-ad", *self.ports, env=self.env).returncode, 0)
        with open(os.path.join(self.state, "app.json")) as f:
            self.assertEqual(json.load(f), first)


if __name__ == "__main__":
    unittest.main()
