"""Control API: plain HTTP JSON on 127.0.0.1 (default port 9440) for tests and the demo.
Every route is listed in README.md ("Control API")."""

import json

from . import ctim_export
from .http_base import HttpError, Response


class _NoFaults:
    @staticmethod
    def delay_for(_service):
        return 0

    @staticmethod
    def take(_service, _level="http"):
        return None

    @staticmethod
    def take_oversize(_service):
        return None


class _NoCounters:
    @staticmethod
    def count_http(*_args):
        pass


class ControlService:
    name = "control"
    faults = _NoFaults()
    counters = _NoCounters()

    def __init__(self, emulator):
        self.emu = emulator

    def throttled(self, req, seconds):  # never used: the control API has no faults
        return Response.json(429, {})

    unavailable = throttled

    def handle(self, req):
        route = (req.method, req.path.rstrip("/") or "/")
        handler = self._routes().get(route)
        if handler is None:
            return Response.json(404, {"error": f"no control route {req.method} {req.path}",
                                       "routes": sorted(f"{m} {p}" for m, p in self._routes())})
        try:
            body = req.json() if req.body else {}
        except ValueError:
            return Response.json(400, {"error": "body must be JSON"})
        try:
            result = handler(req, body or {})
        except (ValueError, KeyError, TypeError) as e:
            return Response.json(400, {"error": f"{type(e).__name__}: {e}"})
        if isinstance(result, Response):
            return result
        return Response.json(200, result)

    def _routes(self):
        e = self.emu
        f = e.faults
        return {
            ("GET", "/status"): lambda r, b: e.status(),
            ("GET", "/counters"): lambda r, b: e.counters.snapshot(),
            ("POST", "/counters/reset"): lambda r, b: (e.counters.reset(), e.counters.snapshot())[1],
            ("POST", "/sync"): lambda r, b: self._sync(),
            ("POST", "/scheduler/pause"): lambda r, b: e.scheduler.pause() or e.status()["scheduler"],
            ("POST", "/scheduler/resume"): lambda r, b: e.scheduler.resume() or e.status()["scheduler"],
            ("POST", "/reset"): lambda r, b: e.reset() or e.status(),
            ("GET", "/faults"): lambda r, b: f.snapshot(),
            ("POST", "/faults/clear"): lambda r, b: e.changed_faults(f.clear()),
            ("POST", "/faults/throttle"): lambda r, b: e.changed_faults(f.set_counted(
                "throttle", b.get("service", "all"), b["count"], b.get("retry_after", 1), b.get("level", "http"))),
            ("POST", "/faults/unavailable"): lambda r, b: e.changed_faults(f.set_counted(
                "unavailable", b.get("service", "all"), b["count"], b.get("retry_after", 0), b.get("level", "http"))),
            ("POST", "/faults/delay"): lambda r, b: e.changed_faults(f.set_delay(b.get("service", "all"), b["ms"])),
            ("POST", "/faults/lag"): lambda r, b: e.changed_faults(f.set_lag(self._user(b), b["cycles"])),
            ("POST", "/faults/licensed-early"): lambda r, b: e.changed_faults(f.set_licensed_early(
                self._user(b), self._guid(b.get("exchange_guid")), b.get("mailuser_view", False),
                b.get("enabled", True))),
            ("POST", "/faults/cloud-managed"): lambda r, b: e.changed_faults(f.set_cloud_managed(
                self._user(b), b.get("object", True), b.get("exchange", False), b.get("enabled", True))),
            ("POST", "/faults/sync-behavior"): lambda r, b: e.changed_faults(f.set_sync_behavior(b["mode"])),
            ("GET", "/graph/budget"): lambda r, b: e.budget.snapshot(),
            ("POST", "/graph/budget"): lambda r, b: e.budget.configure(b.get("resource_units"),
                                                                      b.get("window_seconds")),
            ("POST", "/faults/expired-cert"): lambda r, b: e.changed_faults(f.set_expired_cert(b.get("enabled", True))),
            ("POST", "/faults/batch-failed-dependency"): lambda r, b: e.changed_faults(f.set_batch_424(
                b["count"], b.get("retry_after", 1), b.get("items", False))),
            ("POST", "/faults/exo-not-found-500"): lambda r, b: e.changed_faults(
                f.set_exo_not_found_500(b.get("enabled", True))),
            ("POST", "/faults/timestamps"): lambda r, b: e.changed_faults(f.set_timestamp_form(b["form"])),
            ("POST", "/faults/oversize"): lambda r, b: e.changed_faults(f.set_oversize(
                b.get("service", "all"), b.get("count", 1), b["bytes"])),
            ("POST", "/faults/expire-tokens"): lambda r, b: e.tokens.expire_all() or {"expired": True},
            ("POST", "/faults/migration"): lambda r, b: e.migrations.set_fault(b),
            ("GET", "/migration/jobs"): lambda r, b: e.migrations.listing(),
            ("GET", "/users"): lambda r, b: e.dump_users(),
            ("GET", "/ctim/identities.csv"): lambda r, b: self._ctim(r, as_csv=True),
            ("GET", "/ctim/identities"): lambda r, b: self._ctim(r, as_csv=False),
        }

    @staticmethod
    def _user(body):
        user = body.get("user")
        if not isinstance(user, str) or not user:
            raise ValueError("'user' (id, UPN, sAMAccountName, DN, mail or name) is required")
        return user

    @staticmethod
    def _guid(value):
        if value is None:
            return None
        from . import ids
        if not ids.is_guid(value):
            raise ValueError(f"exchange_guid {value!r} is not a GUID")
        return value.strip("{}").lower()

    def _sync(self):
        result = self.emu.sync_now("control")
        if "error" in result:
            raise HttpError(Response.json(502, result))
        return result

    def _ctim(self, req, as_csv):
        seed = req.param("seed", "1")
        bad = req.param("bad", "0") not in ("0", "", "false", "no")
        source_domain = req.param("source_domain", "source.example")
        rows = ctim_export.build_rows(self.emu.live_records(), seed=seed, source_domain=source_domain,
                                      only_domain=req.param("only_domain"))
        # The emulated source tenant is the one the last export described (migration validation judges by it).
        self.emu.migrations.set_source(seed, source_domain)
        bad_rows = ctim_export.spoil(rows, seed) if bad else []
        text = ctim_export.to_csv(rows)
        if as_csv:
            return Response(200, text.encode("utf-8"), [("X-Ctim-Bad-Rows", json.dumps(bad_rows))],
                            content_type="text/csv; charset=utf-8")
        return {"rows": len(rows), "bad_rows": bad_rows, "csv": text}
