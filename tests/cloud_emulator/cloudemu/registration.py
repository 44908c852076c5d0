"""The emulated tenant and its app registration (persisted as app.json), and the agent-cloud.toml
files that tell the agent how to reach the emulator."""

import json
import os
import secrets
import uuid

from . import pki


def ensure_registration(state_dir):
    """Tenant id, client id, a client secret and the tenant's initial domain; generated once and kept
    across restarts so the agent's configuration stays valid."""
    path = os.path.join(state_dir, "app.json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    reg = {
        "tenant_id": str(uuid.uuid4()),
        "client_id": str(uuid.uuid4()),
        "client_secret": secrets.token_urlsafe(30),
        "initial_domain": "ctimemu.onmicrosoft.com",
        "display_name": "CTIM Emulated Tenant",
    }
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(reg, f, indent=2)
    os.replace(tmp, path)
    return reg


def load_registered_certs(state_dir):
    """The key credentials registered on the app: [(name, certificate)]."""
    return [("app-cert.pem", pki.load_cert(os.path.join(state_dir, "app-cert.pem"))),
            ("app-cert-expired.pem", pki.load_cert(os.path.join(state_dir, "app-cert-expired.pem")))]


def _toml_str(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_agent_toml(state_dir, reg, roots, cert_file="app-cert.pem", out_name="agent-cloud.toml",
                     assertion="PS256"):
    """The [cloud] section the agent reads (contract documented in README.md)."""
    lines = [
        "# Written by the ctim-agent cloud emulator; regenerated at every start.",
        "[cloud]",
        f"preset = {_toml_str('worldwide')}",
        f"tenant_id = {_toml_str(reg['tenant_id'])}",
        f"client_id = {_toml_str(reg['client_id'])}",
        f"certificate_file = {_toml_str(os.path.join(state_dir, cert_file))}",
        f"private_key_file = {_toml_str(os.path.join(state_dir, 'app-key.pem'))}",
        f"assertion = {_toml_str(assertion)}",
        f"login_url = {_toml_str(roots['login'])}",
        f"graph_url = {_toml_str(roots['graph'])}",
        f"exo_url = {_toml_str(roots['exo'])}",
        f"ca_file = {_toml_str(os.path.join(state_dir, 'ca.pem'))}",
        "",
    ]
    path = os.path.join(state_dir, out_name)
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(lines))
    os.replace(path + ".tmp", path)
    return path
