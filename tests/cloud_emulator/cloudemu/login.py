"""The Entra ID token endpoint: POST /{tenant}/oauth2/v2.0/token with client credentials.

Issues opaque access tokens bound to one resource root (the Graph or the EXO listener's URL). Graph and
EXO check every call against the TokenStore."""

import datetime
import re
import secrets
import threading
import time
import uuid

from . import assertion
from .assertion import AadError
from .http_base import Response

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_TOKEN_PATH = re.compile(r"^/([^/]+)/oauth2/v2\.0/token$")


class TokenStore:
    """Opaque bearer tokens -> (resource root, tenant, expiry). Thread-safe."""

    MAX_TOKENS = 20000

    def __init__(self):
        self._lock = threading.Lock()
        self._tokens = {}

    def issue(self, resource_root, tenant_id, client_id, lifetime_s):
        token = "emu1." + secrets.token_urlsafe(32)
        with self._lock:
            if len(self._tokens) >= self.MAX_TOKENS:
                now = time.time()
                self._tokens = {k: v for k, v in self._tokens.items() if v["exp"] > now}
                if len(self._tokens) >= self.MAX_TOKENS:  # still full: drop the oldest half
                    keep = sorted(self._tokens.items(), key=lambda kv: kv[1]["exp"])[self.MAX_TOKENS // 2:]
                    self._tokens = dict(keep)
            self._tokens[token] = {"resource": resource_root, "tenant_id": tenant_id, "client_id": client_id,
                                   "exp": time.time() + lifetime_s}
        return token

    def check(self, authorization, resource_root):
        """None when the Authorization header carries a live token for this resource, else one of
        "missing", "invalid", "expired", "audience"."""
        if not authorization:
            return "missing"
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return "missing"
        with self._lock:
            info = self._tokens.get(token.strip())
        if info is None:
            return "invalid"
        if info["exp"] <= time.time():
            return "expired"
        if info["resource"] != resource_root:
            return "audience"
        return None

    def expire_all(self):
        with self._lock:
            for info in self._tokens.values():
                info["exp"] = 0

    def clear(self):
        with self._lock:
            self._tokens.clear()


class LoginService:
    name = "login"

    def __init__(self, config, registration, certs_provider, tokens, faults, counters):
        self.config = config            # needs .login_root .graph_root .exo_root .token_lifetime .clock_skew
        self.reg = registration
        self.certs = certs_provider     # callable -> [(name, x509)]
        self.tokens = tokens
        self.faults = faults
        self.counters = counters

    # --- error shapes -------------------------------------------------------------------------
    def error(self, status, error, code, description, extra_headers=()):
        ts = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
        trace, corr = str(uuid.uuid4()), str(uuid.uuid4())
        body = {
            "error": error,
            "error_description": f"AADSTS{code}: {description}\r\nTrace ID: {trace}\r\n"
                                 f"Correlation ID: {corr}\r\nTimestamp: {ts}",
            "error_codes": [code],
            "timestamp": ts,
            "trace_id": trace,
            "correlation_id": corr,
            "error_uri": f"{self.config.login_root}/error?code={code}",
        }
        headers = [("Cache-Control", "no-store, no-cache"), ("Pragma", "no-cache"), *extra_headers]
        return Response.json(status, body, headers)

    def throttled(self, req, seconds):
        return self.error(429, "temporarily_unavailable", 90055,
                          "TenantThrottlingError - There are too many incoming requests. This exception is "
                          "thrown for blocked tenants.", [("Retry-After", str(seconds))])

    def unavailable(self, req, seconds):
        return self.error(503, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again.",
                          [("Retry-After", str(seconds))] if seconds else [])

    # --- the endpoint -------------------------------------------------------------------------
    def handle(self, req):
        m = _TOKEN_PATH.match(req.path)
        if req.method != "POST" or not m:
            return self.error(404, "invalid_request", 900561,
                              f"The endpoint only accepts POST requests. Path '{req.path}' is not served here.")
        req.route = "POST /{tenant}/oauth2/v2.0/token"
        try:
            return self._token(req, m.group(1))
        except AadError as e:
            return self.error(e.status, e.error, e.code, e.description)

    def _required(self, form, name):
        value = form.get(name)
        if not value:
            raise AadError(400, "invalid_request", 900144,
                           f"The request body must contain the following parameter: '{name}'.")
        return value

    def _token(self, req, tenant):
        if tenant.lower() not in (self.reg["tenant_id"].lower(), self.reg["initial_domain"].lower()):
            raise AadError(400, "invalid_request", 90002,
                           f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and "
                           f"are signing into the correct cloud.")
        ctype = (req.header("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            raise AadError(400, "invalid_request", 900144,
                           "The request body must contain the following parameter: 'grant_type'.")
        form = req.form()
        grant = self._required(form, "grant_type")
        if grant != "client_credentials":
            raise AadError(400, "unsupported_grant_type", 70003,
                           f"The app requested an unsupported grant type '{grant}'.")
        client_id = self._required(form, "client_id")
        if client_id.lower() != self.reg["client_id"].lower():
            raise AadError(400, "unauthorized_client", 700016,
                           f"Application with identifier '{client_id}' was not found in the directory "
                           f"'{self.reg['display_name']}'. This can happen if the application has not been "
                           f"installed by the administrator of the tenant or consented to by any user in the "
                           f"tenant. You may have sent your authentication request to the wrong tenant.")
        self._check_credential(form, req.path)
        resource = self._resource(self._required(form, "scope"))
        token = self.tokens.issue(resource, self.reg["tenant_id"], client_id, self.config.token_lifetime)
        lifetime = int(self.config.token_lifetime)
        return Response.json(200, {"token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime,
                                   "access_token": token},
                             [("Cache-Control", "no-store, no-cache"), ("Pragma", "no-cache")])

    def _check_credential(self, form, path):
        if form.get("client_assertion"):
            atype = form.get("client_assertion_type")
            if atype != ASSERTION_TYPE:
                raise AadError(400, "invalid_request", 900144,
                               "The request body must contain the following parameter: 'client_assertion_type' "
                               f"with value '{ASSERTION_TYPE}'.")
            assertion.verify(form["client_assertion"], self.certs(), self.config.login_root + path,
                             self.reg["client_id"], time.time(), self.config.clock_skew,
                             treat_all_expired=self.faults.expired_cert)
        elif form.get("client_secret"):
            if not secrets.compare_digest(form["client_secret"], self.reg["client_secret"]):
                raise AadError(401, "invalid_client", 7000215,
                               "Invalid client secret provided. Ensure the secret being sent in the request is the "
                               "client secret value, not the client secret ID, for a secret added to app "
                               f"'{self.reg['client_id']}'.")
        else:
            raise AadError(401, "invalid_client", 7000218,
                           "The request body must contain the following parameter: 'client_assertion' or "
                           "'client_secret'.")

    def _resource(self, scope):
        scopes = scope.split()
        if len(scopes) != 1 or not scopes[0].endswith("/.default"):
            raise AadError(400, "invalid_scope", 1002012,
                           f"The provided value for scope {scope} is not valid. Client credential flows must "
                           f"have a scope value with /.default suffixed to the resource identifier "
                           f"(application ID URI).")
        root = scopes[0][: -len("/.default")]
        if root not in (self.config.graph_root, self.config.exo_root):
            raise AadError(400, "invalid_resource", 500011,
                           f"The resource principal named {root} was not found in the tenant named "
                           f"{self.reg['display_name']}. This can happen if the application has not been "
                           f"installed by the administrator of the tenant or consented to by any user in the "
                           f"tenant. You might have sent your authentication request to the wrong tenant.")
        return root
