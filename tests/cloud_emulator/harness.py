"""Helpers the emulator's own tests share: start/stop an emulator process, build client assertions
(python-cryptography or the openssl CLI), call the HTTPS endpoints, and make lab AD users.

Not a test module (no test_ prefix)."""

import base64
import hashlib
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import ldap
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

HERE = os.path.dirname(os.path.abspath(__file__))
EMULATOR = os.path.join(HERE, "emulator.py")
PYTHON = "/usr/bin/python3"
LAB_VARS = ("CTIM_LAB_LDAPS_URL", "CTIM_LAB_ADMIN_DN", "CTIM_LAB_ADMIN_PASSWORD_FILE", "CTIM_LAB_CA",
            "CTIM_LAB_BASE_DN")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Emulator:
    """An emulator process on ephemeral ports with its own temporary state directory."""

    def __init__(self, *extra_args, state_dir=None, env=None):
        self.own_state = state_dir is None
        self.state = state_dir or tempfile.mkdtemp(prefix="ctim-emu-test-")
        self.args = list(extra_args)
        self.env = dict(os.environ if env is None else env)
        self.proc = None

    def start(self, timeout_s=30):
        ports = ["--login-port", "0", "--graph-port", "0", "--exo-port", "0", "--control-port", "0"]
        if os.path.exists(os.path.join(self.state, "endpoints.json")):
            os.remove(os.path.join(self.state, "endpoints.json"))
        self.log = open(os.path.join(self.state, "emulator.log"), "ab")
        self.proc = subprocess.Popen([PYTHON, EMULATOR, "serve", "--state", self.state, *ports, *self.args],
                                     stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=self.env, start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"emulator exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                with open(os.path.join(self.state, "endpoints.json")) as f:
                    self.endpoints = json.load(f)
                if self.endpoints.get("pid") == self.proc.pid:
                    break
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        else:
            self.stop()
            raise RuntimeError("emulator did not start in time")
        with open(os.path.join(self.state, "app.json")) as f:
            self.reg = json.load(f)
        self.ssl = ssl.create_default_context(cafile=os.path.join(self.state, "ca.pem"))
        return self

    def log_tail(self, n=30):
        try:
            with open(os.path.join(self.state, "emulator.log"), "rb") as f:
                return b"".join(f.readlines()[-n:]).decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if getattr(self, "log", None):
            self.log.close()

    def cleanup(self):
        self.stop()
        if self.own_state:
            shutil.rmtree(self.state, ignore_errors=True)

    # --- endpoints ----------------------------------------------------------------------------
    @property
    def login_url(self):
        return self.endpoints["login_url"]

    @property
    def graph_url(self):
        return self.endpoints["graph_url"]

    @property
    def exo_url(self):
        return self.endpoints["exo_url"]

    def token_url(self, tenant=None):
        return f"{self.login_url}/{tenant or self.reg['tenant_id']}/oauth2/v2.0/token"

    def http(self, method, url, body=None, headers=None, form=None, timeout=30):
        """-> (status, headers dict lowercased, parsed JSON or raw text)."""
        headers = dict(headers or {})
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif body is not None:
            data = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        ctx = self.ssl if url.startswith("https:") else None
        try:
            with urllib.request.urlopen(req, timeout=timeout, context=ctx) as r:
                status, hdrs, raw = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, hdrs, raw = e.code, e.headers, e.read()
        hd = {k.lower(): v for k, v in hdrs.items()}
        if "json" in hd.get("content-type", ""):
            return status, hd, json.loads(raw)
        return status, hd, raw.decode("utf-8", "replace")

    def ctl(self, method, path, body=None, timeout=120):
        status, _h, answer = self.http(method, self.endpoints["control_url"] + path, body=body, timeout=timeout)
        return status, answer

    def sync(self):
        status, answer = self.ctl("POST", "/sync")
        if status != 200:
            raise AssertionError(f"sync failed: {answer}")
        return answer

    def token(self, resource="graph", alg="PS256", cert="app-cert.pem"):
        root = self.graph_url if resource == "graph" else self.exo_url
        status, _h, body = self.http("POST", self.token_url(), form=self.token_form(
            make_assertion(self, alg=alg, cert=cert), root + "/.default"))
        if status != 200:
            raise AssertionError(f"token request failed: {status} {body}")
        return body["access_token"]

    def token_form(self, assertion, scope):
        return {"client_id": self.reg["client_id"], "scope": scope, "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion}

    def graph(self, path, token, method="GET", body=None, headers=None):
        h = {"Authorization": f"Bearer {token}", **(headers or {})}
        path = urllib.parse.quote(path, safe="/?=&$',():@%*")  # spaces in $filter become %20
        return self.http(method, self.graph_url + path, body=body, headers=h)

    def exo(self, cmdlet, params, token, select=None, headers=None, url=None):
        q = "?$select=" + urllib.parse.quote(select, safe=",") if select else ""
        target = url or f"{self.exo_url}/adminapi/beta/{self.reg['tenant_id']}/InvokeCommand{q}"
        h = {"Authorization": f"Bearer {token}", "X-CmdletName": cmdlet, **(headers or {})}
        return self.http("POST", target, body={"CmdletInput": {"CmdletName": cmdlet, "Parameters": params}},
                         headers=h)


def _header(emu, alg, cert_path):
    with open(cert_path, "rb") as f:
        der = x509.load_pem_x509_certificate(f.read()).public_bytes(serialization.Encoding.DER)
    if alg == "PS256":
        return {"alg": "PS256", "typ": "JWT", "x5t#S256": b64url(hashlib.sha256(der).digest())}
    return {"alg": "RS256", "typ": "JWT", "x5t": b64url(hashlib.sha1(der).digest())}


def claims_for(emu, **overrides):
    now = int(time.time())
    claims = {"aud": emu.token_url(), "iss": emu.reg["client_id"], "sub": emu.reg["client_id"],
              "jti": str(uuid.uuid4()), "nbf": now, "iat": now, "exp": now + 600}
    for k, v in overrides.items():
        if v is None:
            claims.pop(k, None)
        else:
            claims[k] = v
    return claims


def make_assertion(emu, alg="PS256", cert="app-cert.pem", key_path=None, header=None, claims=None,
                   pss_salt=32):
    """A client assertion signed with python-cryptography."""
    header = header or _header(emu, alg, os.path.join(emu.state, cert))
    claims = claims or claims_for(emu)
    signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
    with open(key_path or os.path.join(emu.state, "app-key.pem"), "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    if alg == "PS256":
        sig = key.sign(signing_input, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=pss_salt),
                       hashes.SHA256())
    else:
        sig = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return signing_input.decode() + "." + b64url(sig)


def openssl_assertion(emu, alg="PS256", cert="app-cert.pem"):
    """The same assertion, signed by the openssl CLI (an independent implementation)."""
    header = _header(emu, alg, os.path.join(emu.state, cert))
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims_for(emu)).encode())
    cmd = ["openssl", "dgst", "-sha256", "-sign", os.path.join(emu.state, "app-key.pem")]
    if alg == "PS256":
        cmd += ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"]
    sig = subprocess.run(cmd, input=signing_input.encode(), capture_output=True, check=True, timeout=30).stdout
    return signing_input + "." + b64url(sig)


# --- the lab --------------------------------------------------------------------------------------
def lab_env():
    """The lab settings; raises (so tests FAIL, not skip) when the lab is not configured."""
    missing = [v for v in LAB_VARS if not os.environ.get(v)]
    if missing:
        raise AssertionError("the lab is not configured (missing " + ", ".join(missing) + "); start it and export "
                             "`tests/lab/lab.sh env` first")
    return {v: os.environ[v] for v in LAB_VARS}


class LabOu:
    """A fresh OU under the lab's base DN for one test class, removed afterwards."""

    def __init__(self, prefix="t-emu"):
        env = lab_env()
        self.env = env
        self.conn = ldap.initialize(env["CTIM_LAB_LDAPS_URL"])
        self.conn.set_option(ldap.OPT_NETWORK_TIMEOUT, 10)
        self.conn.set_option(ldap.OPT_TIMEOUT, 60)
        self.conn.set_option(ldap.OPT_X_TLS_CACERTFILE, env["CTIM_LAB_CA"])
        self.conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
        self.conn.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
        with open(env["CTIM_LAB_ADMIN_PASSWORD_FILE"]) as f:
            self.conn.simple_bind_s(env["CTIM_LAB_ADMIN_DN"], f.read().rstrip("\r\n"))
        self.dn = f"OU={prefix}-{uuid.uuid4().hex[:8]},{env['CTIM_LAB_BASE_DN']}"
        self.conn.add_s(self.dn, [("objectClass", [b"organizationalUnit"])])

    def add_user(self, cn, **attrs):
        """attrs: attribute -> str | bytes | list of them."""
        dn = f"CN={cn},{self.dn}"
        mods = [("objectClass", [b"user"])]
        for k, v in attrs.items():
            vals = v if isinstance(v, list) else [v]
            mods.append((k, [x if isinstance(x, bytes) else str(x).encode() for x in vals]))
        self.conn.add_s(dn, mods)
        return dn

    def modify(self, dn, op, attr, values):
        ops = {"replace": ldap.MOD_REPLACE, "add": ldap.MOD_ADD, "delete": ldap.MOD_DELETE}
        vals = None if values is None else [x if isinstance(x, bytes) else str(x).encode() for x in values]
        self.conn.modify_s(dn, [(ops[op], attr, vals)])

    def read(self, dn, *attrs):
        res = self.conn.search_s(dn, ldap.SCOPE_BASE, "(objectClass=*)", list(attrs))
        return {k.lower(): v for k, v in res[0][1].items()}

    def delete(self, dn):
        self.conn.delete_s(dn)

    def cleanup(self):
        try:
            children = self.conn.search_s(self.dn, ldap.SCOPE_ONELEVEL, "(objectClass=*)", ["1.1"])
            for dn, _ in children:
                self.conn.delete_s(dn)
            self.conn.delete_s(self.dn)
        finally:
            self.conn.unbind_s()


def lab_emulator_args(ou_dn, *extra):
    env = lab_env()
    return ["--ldap-url", env["CTIM_LAB_LDAPS_URL"], "--bind-dn", env["CTIM_LAB_ADMIN_DN"],
            "--bind-password-file", env["CTIM_LAB_ADMIN_PASSWORD_FILE"], "--ldap-ca", env["CTIM_LAB_CA"],
            "--sync-scope", ou_dn, "--paused", *extra]


def python_is_debian():
    return sys.executable == PYTHON or os.path.realpath(sys.executable) == os.path.realpath(PYTHON)
