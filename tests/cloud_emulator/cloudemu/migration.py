"""Microsoft Graph v1.0 cross-tenant migration jobs, the calls `verify --with-migration-validation` makes
(doc/migration-validation.md): create a job, validate it (asynchronous: the job is validateInProgress for
`delay` seconds, answered with Retry-After), read it, list its users' tasks (paged).

Each user's verdict is computed from the emulated tenant when validation finishes: the target MailUser must
exist, be a MailUser, point its ExternalEmailAddress at a source mailbox, and carry that mailbox's
ExchangeGuid, ArchiveGuid (when it has one), its LegacyExchangeDN as an X500 and its X500 proxies. The source
mailbox is the one the emulator's CTIM export describes (ctim_export.source_mailbox with the seed and source
domain of the last export; seed 1 and source.example before any). The error codes are the emulator's own
(INFERRED: Microsoft does not publish its list); the shapes are the documented ones."""

import datetime
import threading
import time
import uuid

from . import ctim_export, ids

JOBS_PATH = "/v1.0/solutions/migrations/crossTenantMigrationJobs"
PAGE = 20
JOB_TYPE = "#microsoft.graph.crossTenantMigrationJob"
TASK_TYPE = "#microsoft.graph.crossTenantMigrationTask"


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _status(service, status, errors=(), message=""):
    return {"@odata.type": "#microsoft.graph.crossTenantMigrationServiceStatusDetails", "service": service,
            "status": status, "message": message,
            "errors": [{"@odata.type": "#microsoft.graph.error", "code": c, "message": m} for c, m in errors]}


class MigrationJobs:
    """The jobs and the control knobs. Thread-safe (one lock)."""

    def __init__(self, state):
        self.state = state
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        with self.lock:
            self.jobs = {}           # id -> job dict (with internal "_..." keys)
            self.order = []
            self.mode = None         # None | "forbidden" | "not-found"
            self.forced = {}         # user selector -> (code, message)
            self.delay = 1.0         # seconds a validation takes
            self.source = ("1", "source.example")  # (seed, source domain) of the emulated source tenant

    # --- control ------------------------------------------------------------------------------
    def set_fault(self, body):
        with self.lock:
            if "mode" in body:
                mode = body["mode"]
                if mode not in (None, "none", "forbidden", "not-found"):
                    raise ValueError("mode must be none, forbidden or not-found")
                self.mode = None if mode in (None, "none") else mode
            if "delay" in body:
                self.delay = float(body["delay"])
            if body.get("user"):
                if body.get("clear"):
                    self.forced.pop(body["user"], None)
                else:
                    self.forced[body["user"]] = (body.get("code", "ForcedValidationError"),
                                                 body.get("message", "Validation failed (forced by the emulator)."))
            return self.snapshot_faults()

    def snapshot_faults(self):
        return {"mode": self.mode, "delay": self.delay, "forced": {k: list(v) for k, v in self.forced.items()},
                "source": {"seed": self.source[0], "source_domain": self.source[1]}}

    def set_source(self, seed, source_domain):
        with self.lock:
            self.source = (str(seed), source_domain)

    def listing(self):
        with self.lock:
            return {"jobs": [{**self._public(self.jobs[i]), "validations": self.jobs[i]["_validations"]}
                             for i in self.order]}

    # --- Graph --------------------------------------------------------------------------------
    def handle(self, graph, req, path):
        if self.mode == "forbidden":
            return graph.error(req, 403, "Authorization_RequestDenied",
                               "Insufficient privileges to complete the operation.")
        if self.mode == "not-found":
            return graph.error(req, 404, "Request_ResourceNotFound",
                               "Resource not found for the segment 'solutions'.")
        rest = path[len(JOBS_PATH):].strip("/")
        parts = rest.split("/") if rest else []
        if not parts:
            if req.method == "POST":
                req.route = "POST /solutions/migrations/crossTenantMigrationJobs"
                return self._create(graph, req)
            if req.method == "GET":
                req.route = "GET /solutions/migrations/crossTenantMigrationJobs"
                return graph.ok(req, {"value": [self._public(self.jobs[i]) for i in self.order]})
        elif len(parts) <= 2:
            with self.lock:
                job = self.jobs.get(parts[0].lower())
            if job is None:
                return graph.error(req, 404, "Request_ResourceNotFound",
                                   f"crossTenantMigrationJob '{parts[0]}' does not exist.")
            if len(parts) == 1 and req.method == "GET":
                req.route = "GET /solutions/migrations/crossTenantMigrationJobs/{id}"
                return self._get(graph, req, job)
            if parts[1:] == ["validate"] and req.method == "POST":
                req.route = "POST /solutions/migrations/crossTenantMigrationJobs/{id}/validate"
                return self._validate(graph, req, job)
            if parts[1:] == ["users"] and req.method == "GET":
                req.route = "GET /solutions/migrations/crossTenantMigrationJobs/{id}/users"
                return self._users(graph, req, job)
        return graph.error(req, 400, "BadRequest", f"Unsupported request {req.method} {path}.")

    def _create(self, graph, req):
        try:
            body = req.json() or {}
        except ValueError:
            return graph.error(req, 400, "BadRequest", "Unable to read JSON request payload.")
        resources = body.get("resources")
        if not isinstance(resources, list) or not resources or not all(
                isinstance(r, str) and ids.is_guid(r) for r in resources):
            return graph.error(req, 400, "BadRequest", "'resources' must be a non-empty list of user ids.")
        for key in ("displayName", "sourceTenantId"):
            if not isinstance(body.get(key), str) or not body[key]:
                return graph.error(req, 400, "BadRequest", f"'{key}' is required.")
        job = {"id": str(uuid.uuid4()), "displayName": body["displayName"], "status": "submitted", "message": "",
               "createdDateTime": _now(), "lastUpdatedDateTime": _now(), "createdBy": "app",
               "sourceTenantId": body["sourceTenantId"], "targetTenantId": body.get("targetTenantId") or "",
               "resources": [r.strip("{}").lower() for r in resources], "resourceType": body.get("resourceType"),
               "jobType": body.get("jobType"), "workloads": body.get("workloads") or [],
               "completeAfterDateTime": body.get("completeAfterDateTime"),
               "_validations": 0, "_ready_at": None, "_tasks": None}
        with self.lock:
            self.jobs[job["id"]] = job
            self.order.append(job["id"])
        resp = graph.ok(req, self._public(job))
        resp.status = 201
        return resp

    def _get(self, graph, req, job):
        with self.lock:
            self._advance(job)
            public = self._public(job)
            busy = job["status"] == "validateInProgress"
        resp = graph.ok(req, public)
        if busy:
            resp.headers.append(("Retry-After", "1"))
        return resp

    def _validate(self, graph, req, job):
        with self.lock:
            self._advance(job)
            if job["status"] not in ("submitted", "validateFailed"):
                return graph.error(req, 400, "InvalidJobState",
                                   f"The job is '{job['status']}'; validate needs submitted or validateFailed.")
            job["status"], job["_validations"] = "validateInProgress", job["_validations"] + 1
            job["_ready_at"], job["_tasks"] = time.monotonic() + self.delay, None
            job["lastUpdatedDateTime"] = _now()
            public = self._public(job)
        resp = graph.ok(req, public)
        resp.status = 202
        resp.headers.append(("Retry-After", "1"))
        return resp

    def _users(self, graph, req, job):
        with self.lock:
            self._advance(job)
            tasks = job["_tasks"] or [self._task(u, [_status("exchangeOnline", "notStarted")])
                                      for u in job["resources"]]
        try:
            offset = int(req.param("$skiptoken") or 0)
        except ValueError:
            return graph.error(req, 400, "BadRequest", "Invalid $skiptoken.")
        body = {"value": tasks[offset:offset + PAGE]}
        if offset + PAGE < len(tasks):
            body["@odata.nextLink"] = f"{graph.config.graph_root}{req.raw_path}?$skiptoken={offset + PAGE}"
        return graph.ok(req, body)

    # --- validation ---------------------------------------------------------------------------
    def _advance(self, job):
        """REQUIRES: self.lock held. Finishes a validation whose time has come."""
        if job["status"] != "validateInProgress" or time.monotonic() < job["_ready_at"]:
            return
        job["_tasks"] = [self._task(u, [self._judge(u)]) for u in job["resources"]]
        bad = any(t["currentStatus"][0]["status"] != "valid" for t in job["_tasks"])
        job["status"] = "validateFailed" if bad else "validatePassed"
        job["message"] = "Some users failed validation." if bad else ""
        job["lastUpdatedDateTime"] = _now()

    @staticmethod
    def _task(uid, statuses):
        return {"@odata.type": TASK_TYPE, "id": uid, "taskType": "Users", "lastUpdatedDateTime": _now(),
                "currentStatus": statuses}

    def _forced(self, uid, view):
        g = view.graph_users.get(uid) or {}
        names = {uid, (g.get("userPrincipalName") or "").lower(), (g.get("mail") or "").lower(),
                 (g.get("onPremisesSamAccountName") or "").lower()}
        for sel, err in self.forced.items():
            if sel.lower() in names:
                return err
        return None

    def _judge(self, uid):
        view = self.state.view
        svc = "exchangeOnline"
        forced = self._forced(uid, view)
        if forced:
            return _status(svc, "invalid", [forced], "Validation failed.")
        if uid not in view.graph_users:
            return _status(svc, "invalid", [("UserNotFound", f"User '{uid}' was not found in the target tenant.")])
        mu = next((r for r in view.exo_index.get(uid, []) if r["ExternalDirectoryObjectId"] == uid), None)
        if mu is None or not mu.get("_mailuser"):
            return _status(svc, "invalid", [("TargetMailUserNotFound",
                                             "No MailUser with this ExternalDirectoryObjectId in the target.")])
        if mu["RecipientTypeDetails"] != "MailUser":
            return _status(svc, "invalid", [("TargetIsNotMailUser",
                                             f"The target is a {mu['RecipientTypeDetails']}, not a MailUser.")])
        ext = mu.get("ExternalEmailAddress") or ""
        if not ext.lower().startswith("smtp:"):
            return _status(svc, "invalid", [("ExternalEmailAddressMissing",
                                             "The target MailUser has no ExternalEmailAddress.")])
        seed, domain = self.source
        src = ctim_export.source_mailbox(seed, ext[5:], domain)
        errors = []
        if (mu.get("ExchangeGuid") or "").lower() != src["ExchangeGuid"].lower():
            errors.append(("ExchangeGuidMismatch", f"The target MailUser's ExchangeGuid {mu.get('ExchangeGuid')} "
                                                   f"does not match the source mailbox's {src['ExchangeGuid']}."))
        if src["ArchiveGuid"] != ids.ZERO_GUID and (mu.get("ArchiveGuid") or "").lower() != src["ArchiveGuid"]:
            errors.append(("ArchiveGuidMismatch", f"The target MailUser's ArchiveGuid {mu.get('ArchiveGuid')} "
                                                  f"does not match the source archive's {src['ArchiveGuid']}."))
        have = {e.lower() for e in mu.get("EmailAddresses") or ()}
        if ("x500:" + src["LegacyExchangeDN"]).lower() not in have:
            errors.append(("LegacyExchangeDNMissing", "The source mailbox's LegacyExchangeDN is not an X500 "
                                                      "address of the target MailUser."))
        missing = [a for a in src["EmailAddresses"].split(ctim_export.EMAIL_SEPARATOR)
                   if a.lower().startswith("x500:") and a.lower() not in have]
        if missing:
            errors.append(("X500AddressMissing", f"{len(missing)} X500 address(es) of the source mailbox are "
                                                 f"missing on the target MailUser."))
        return _status(svc, "invalid", errors, "Validation failed.") if errors else _status(svc, "valid")

    @staticmethod
    def _public(job):
        return {"@odata.type": JOB_TYPE, **{k: v for k, v in job.items() if not k.startswith("_")}}
