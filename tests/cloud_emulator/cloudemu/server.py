"""The emulator process: listeners, the Entra Connect scheduler, and the state they share."""

import dataclasses
import json
import logging
import os
import signal
import threading
import time

from . import ad_source, entra_sync, ids, pki, registration
from .budget import ResourceBudget
from .control import ControlService
from .directory import CloudState
from .exo import ExoService
from .faults import Counters, Faults
from .graph import GraphService
from .migration import MigrationJobs
from .http_base import Server, server_ssl_context
from .login import LoginService, TokenStore

log = logging.getLogger("emulator")


@dataclasses.dataclass
class Config:
    state_dir: str
    login_port: int = 9441
    graph_port: int = 9442
    exo_port: int = 9443
    control_port: int = 9440
    token_lifetime: int = 3599
    clock_skew: int = 60
    sync_interval: float = 10.0
    paused: bool = False
    max_runtime: float = 4 * 3600.0
    ldap_url: str = ""
    bind_dn: str = ""
    password_file: str = ""
    ldap_ca: str = ""
    sync_scopes: list = dataclasses.field(default_factory=list)
    writeback: bool = True
    writeback_x500: bool = False
    assertion: str = "PS256"
    # filled in once the listeners are bound
    login_root: str = ""
    graph_root: str = ""
    exo_root: str = ""


class Scheduler:
    """Runs a sync cycle at start and then every `interval` seconds unless paused."""

    def __init__(self, emulator, interval, paused):
        self.emu = emulator
        self.interval = max(0.1, float(interval))
        self.paused = paused
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sync-scheduler", daemon=True)
        self.next_run = None

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=30)

    def pause(self):
        self.paused = True

    def resume(self):
        self.paused = False

    def _run(self):
        while not self._stop.is_set():  # ends when stop() is called (at the latest at max_runtime)
            if not self.paused:
                self.emu.sync_now("scheduler")
            self.next_run = time.time() + self.interval
            self._stop.wait(self.interval)


class Emulator:
    def __init__(self, config):
        self.config = config
        os.makedirs(config.state_dir, mode=0o700, exist_ok=True)
        self.reg = registration.ensure_registration(config.state_dir)
        ca_key, ca_cert = pki.ensure_ca(config.state_dir)
        self.server_cert, self.server_key = pki.issue_server_cert(config.state_dir, ca_key, ca_cert)
        pki.ensure_app_certs(config.state_dir)
        self._certs = registration.load_registered_certs(config.state_dir)
        self.faults = Faults()
        self.counters = Counters()
        self.budget = ResourceBudget()
        self.tokens = TokenStore()
        self.state = CloudState(config.state_dir, self.reg)
        self.state.load()
        self.migrations = MigrationJobs(self.state)
        self.source = None
        if config.ldap_url:
            self.source = ad_source.AdSource(config.ldap_url, config.bind_dn, config.password_file, config.ldap_ca,
                                             config.sync_scopes)
        self.last_result = None
        self.last_error = None
        self.started = ids.iso_now()
        self.servers = {}
        self.scheduler = Scheduler(self, config.sync_interval, config.paused)

    # --- lifecycle ----------------------------------------------------------------------------
    def bind(self):
        c = self.config
        tls = server_ssl_context(self.server_cert, self.server_key)
        login = LoginService(c, self.reg, lambda: self._certs, self.tokens, self.faults, self.counters)
        graph = GraphService(c, self.state, self.tokens, self.faults, self.counters, self.budget,
                             migrations=self.migrations)
        exo = ExoService(c, self.state, self.tokens, self.faults, self.counters)
        self.servers = {"login": Server(c.login_port, login, tls), "graph": Server(c.graph_port, graph, tls),
                        "exo": Server(c.exo_port, exo, tls), "control": Server(c.control_port, ControlService(self))}
        c.login_root = self.servers["login"].base_url
        c.graph_root = self.servers["graph"].base_url
        c.exo_root = self.servers["exo"].base_url
        self.state.rebuild_view(self.faults, c)

    def start(self):
        for name, srv in self.servers.items():
            threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, name=f"http-{name}",
                             daemon=True).start()
        roots = {"login": self.config.login_root, "graph": self.config.graph_root, "exo": self.config.exo_root}
        registration.write_agent_toml(self.config.state_dir, self.reg, roots, assertion=self.config.assertion)
        registration.write_agent_toml(self.config.state_dir, self.reg, roots, cert_file="app-cert-expired.pem",
                                      out_name="agent-cloud-expired.toml", assertion=self.config.assertion)
        self._write_endpoints()
        self.scheduler.start()

    def _write_endpoints(self):
        data = {"pid": os.getpid(), "control_url": self.servers["control"].base_url,
                "login_url": self.config.login_root, "graph_url": self.config.graph_root,
                "exo_url": self.config.exo_root, "tenant_id": self.reg["tenant_id"],
                "client_id": self.reg["client_id"], "state_dir": self.config.state_dir}
        path = os.path.join(self.config.state_dir, "endpoints.json")
        with open(path + ".tmp", "w") as f:
            json.dump(data, f, indent=2)
        os.replace(path + ".tmp", path)

    def shutdown(self):
        self.scheduler.stop()
        stoppers = [threading.Thread(target=srv.shutdown) for srv in self.servers.values()]
        for t in stoppers:
            t.start()
        for t in stoppers:
            t.join(timeout=10)
        for srv in self.servers.values():
            srv.server_close()
        with self.state.lock:
            self.state.save()

    # --- operations the control API uses ------------------------------------------------------
    def sync_now(self, trigger):
        try:
            result = entra_sync.run_cycle(self.state, self.source, self.faults, self.config)
            result["trigger"] = trigger
            self.last_result, self.last_error = result, None
            log.info("sync cycle %d (%s): %s", result["cycle"], trigger,
                     {k: v for k, v in result.items() if k in ("ad_users", "created", "updated", "deleted",
                                                             "conflicts", "lagging", "writebacks")})
            return result
        except ad_source.AdError as e:
            self.last_error = {"at": ids.iso_now(), "error": str(e), "trigger": trigger}
            log.error("sync cycle failed: %s", e)
            return dict(self.last_error)

    def changed_faults(self, _ignored=None):
        self.state.rebuild_view(self.faults, self.config)
        return self.faults.snapshot()

    def reset(self):
        """Empty cloud, cleared faults, counters and tokens; the app registration and certificates stay."""
        with self.state.cycle_lock:
            self.state.reset()
            self.faults.clear()
            self.counters.reset()
            self.budget.configure()
            self.tokens.clear()
            self.migrations.clear()
            self.last_result = self.last_error = None
            self.state.rebuild_view(self.faults, self.config)

    def live_records(self):
        with self.state.lock:
            return [dict(r) for r in self.state.users.values() if not r.get("deleted")]

    def dump_users(self):
        with self.state.lock:
            return {"users": list(self.state.users.values())}

    def status(self):
        view = self.state.view
        return {
            "pid": os.getpid(), "started": self.started, "state_dir": self.config.state_dir,
            "tenant_id": self.reg["tenant_id"], "client_id": self.reg["client_id"],
            "endpoints": {"login": self.config.login_root, "graph": self.config.graph_root,
                          "exo": self.config.exo_root, "control": self.servers["control"].base_url},
            "ad": self.source.describe() if self.source else None,
            "scheduler": {"interval_s": self.scheduler.interval, "paused": self.scheduler.paused,
                          "next_run": self.scheduler.next_run},
            "cycle": self.state.cycle, "last_sync": self.state.last_sync,
            "last_result": self.last_result, "last_error": self.last_error,
            "cloud_users": len(view.graph_users), "exo_recipients": len(view.exo),
            "faults": self.faults.snapshot(),
        }


def serve(config):
    """Run until SIGTERM/SIGINT or config.max_runtime seconds."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    emu = Emulator(config)
    emu.bind()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    emu.start()
    log.info("listening: login %s graph %s exo %s control %s; state %s", config.login_root, config.graph_root,
             config.exo_root, emu.servers["control"].base_url, config.state_dir)
    if not stop.wait(config.max_runtime):
        log.warning("max runtime %.0f s reached; stopping", config.max_runtime)
    emu.shutdown()
    log.info("stopped")
    return 0
