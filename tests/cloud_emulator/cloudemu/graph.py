"""Microsoft Graph v1.0, the calls ctim-agent makes: users by id, users by $filter with paging,
$batch (max 20, answered in shuffled order), directoryObjects/getByIds, organization, the cross-tenant
migration jobs of `verify --with-migration-validation` (migration.py); and from beta, each user's
onPremisesSyncBehavior (source of authority) and $batch. Directory requests are charged resource units against
a budget (budget.py) and answer with Graph's throttling headers."""

import base64
import datetime
import json
import random
import re
import urllib.parse
import uuid

from . import ids, migration, odata
from .budget import ResourceBudget
from .directory import GRAPH_DEFAULT_SELECT
from .http_base import HttpError, Request, Response, apply_faults

CONTENT_TYPE = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
MAX_BATCH = 20
MAX_TOP = 999
DEFAULT_TOP = 100
MAX_GET_BY_IDS = 1000

USER_PROPS = ("id", "accountEnabled", "assignedLicenses", "businessPhones", "createdDateTime", "displayName",
              "givenName", "jobTitle", "mail", "mailNickname", "mobilePhone", "officeLocation",
              "onPremisesDistinguishedName", "onPremisesDomainName", "onPremisesImmutableId",
              "onPremisesLastSyncDateTime", "onPremisesProvisioningErrors", "onPremisesSamAccountName",
              "onPremisesSecurityIdentifier", "onPremisesSyncEnabled", "onPremisesUserPrincipalName",
              "preferredLanguage", "proxyAddresses", "serviceProvisioningErrors", "surname", "userPrincipalName",
              "userType")
ORG_PROPS = ("id", "displayName", "onPremisesSyncEnabled", "onPremisesLastSyncDateTime", "verifiedDomains")
FILTERABLE = {p.lower(): p for p in ("id", "userPrincipalName", "mail", "onPremisesImmutableId",
                                     "onPremisesSamAccountName", "onPremisesSyncEnabled", "displayName",
                                     "mailNickname", "proxyAddresses", "accountEnabled")}
_USER_PATH = re.compile(r"^/v1\.0/users/([^/]+)$")
_SYNC_BEHAVIOR_PATH = re.compile(r"^/beta/users/([^/]+)/onPremisesSyncBehavior$", re.IGNORECASE)
# Headers a $batch item carries, as Microsoft's examples show them (doc/cloud-api.md).
_ITEM_HEADERS = ("content-type", "retry-after", "cache-control", "odata-version", "x-ms-resource-unit",
                 "x-ms-throttle-limit-percentage", "x-ms-throttle-scope", "x-ms-throttle-information")
PRIORITY_HEADER = "x-ms-throttle-priority"
USER_TYPE = "#microsoft.graph.user"


class GraphService:
    name = "graph"

    def __init__(self, config, state, tokens, faults, counters, budget=None, migrations=None):
        self.config, self.state, self.tokens = config, state, tokens
        self.faults, self.counters = faults, counters
        self.budget = budget or ResourceBudget()
        self.migrations = migrations  # cross-tenant migration jobs (migration.py)

    # --- shapes -------------------------------------------------------------------------------
    def error(self, req, status, code, message, headers=()):
        crid = req.header("client-request-id") or str(uuid.uuid4())
        rid = str(uuid.uuid4())
        date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        body = {"error": {"code": code, "message": message,
                          "innerError": {"date": date, "request-id": rid, "client-request-id": crid}}}
        return Response.json(status, body, [("Cache-Control", "no-cache"), ("request-id", rid),
                                            ("client-request-id", crid), *headers], content_type=CONTENT_TYPE)

    def ok(self, req, obj):
        crid = req.header("client-request-id") or str(uuid.uuid4())
        return Response.json(200, self.faults.reshape_timestamps(obj),
                             [("Cache-Control", "no-cache"), ("OData-Version", "4.0"),
                              ("request-id", str(uuid.uuid4())), ("client-request-id", crid)],
                             content_type=CONTENT_TYPE)

    def failed_dependency(self, req, items, retry_after):
        """A whole $batch refused with 424 because an item was throttled (fault switch batch-failed-dependency).
        With `items`, the body lists every item: the first 429 with its own Retry-After, the rest 424."""
        headers = [("Retry-After", str(retry_after))]
        if not items:
            return self.error(req, 424, "failedDependency",
                              "The batch failed because a request in it was throttled.", headers)
        responses = []
        for n, it in enumerate(items):
            if n == 0:
                inner = self.throttled(req, retry_after)
            else:
                inner = self.error(req, 424, "failedDependency", "A request in the batch was throttled.")
            self.counters.count_item(self.name, inner.status, None)
            responses.append({"id": str(it["id"]), "status": inner.status,
                              "headers": {k: v for k, v in inner.headers if k.lower() in _ITEM_HEADERS},
                              "body": json.loads(inner.body)})
        crid = req.header("client-request-id") or str(uuid.uuid4())
        return Response.json(424, {"responses": responses}, [("request-id", str(uuid.uuid4())),
                                                             ("client-request-id", crid), *headers],
                             content_type=CONTENT_TYPE)

    def throttled(self, req, seconds):
        return self.error(req, 429, "TooManyRequests",
                          f"Too many requests. Retry after {seconds} seconds.", [("Retry-After", str(seconds))])

    def unavailable(self, req, seconds):
        return self.error(req, 503, "serviceNotAvailable", "The service is not available. Try again later.",
                          [("Retry-After", str(seconds))] if seconds else [])

    def _auth(self, req):
        reason = self.tokens.check(req.header("Authorization"), self.config.graph_root)
        if reason is None:
            return
        message = {"missing": "Access token is empty.",
                   "invalid": "Access token validation failure.",
                   "expired": "Lifetime validation failed, the token is expired.",
                   "audience": "Access token validation failure. Invalid audience."}[reason]
        raise HttpError(self.error(req, 401, "InvalidAuthenticationToken", message, [(
            "WWW-Authenticate", 'Bearer realm="", authorization_uri="' + self.config.login_root +
            '/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"')]))

    # --- routing ------------------------------------------------------------------------------
    def handle(self, req):
        self._auth(req)
        return self.dispatch(req)

    # --- resource units -----------------------------------------------------------------------
    @staticmethod
    def _cost(req):
        """The identity service's cost table (doc/cloud-api.md): GET users 2, POST getByIds 5, anything else 1;
        $select takes 1 off (getByIds with $select costs 2), $top under 20 takes 1 off; never below 1."""
        path = req.path.rstrip("/").lower()
        selected = req.param("$select") is not None
        if req.method == "POST" and path.endswith("/directoryobjects/getbyids"):
            return 2 if selected else 5
        cost = 2 if req.method == "GET" and path.endswith("/users") else 1
        if selected:
            cost -= 1
        top = req.param("$top")
        if top is not None and top.isdigit() and int(top) < 20:
            cost -= 1
        return max(1, cost)

    def dispatch(self, req):
        path = req.path.rstrip("/")
        priority = req.header(PRIORITY_HEADER)
        if path.lower() in ("/v1.0/$batch", "/beta/$batch"):
            self.budget.note(f"{req.method} {path}", priority)  # each item is charged on its own
            return self._route(req)
        verdict, extra = self.budget.charge(self._cost(req), f"{req.method} {path.split('?')[0]}", priority)
        if verdict == "throttled":
            return self.error(req, 429, "TooManyRequests", f"Too many requests. Retry after {extra} seconds.", [
                ("Retry-After", str(extra)),
                ("x-ms-throttle-scope", f"Tenant_Application/ReadWrite/{self.state.reg['client_id']}/"
                                        f"{self.state.reg['tenant_id']}"),
                ("x-ms-throttle-information", "ResourceUnitLimitExceeded")])
        resp = self._route(req)
        resp.headers.extend(extra)
        return resp

    def _route(self, req):
        path = req.path.rstrip("/")
        if path.startswith("/beta/"):
            return self._beta(req, path)
        if not path.startswith("/v1.0/"):
            return self.error(req, 400, "BadRequest", "Invalid version.")
        if path == "/v1.0/$batch" and req.method == "POST":
            req.route = "POST /$batch"
            return self._batch(req)
        if req.method == "GET" and path == "/v1.0/users":
            req.route = "GET /users"
            return self._list_users(req)
        m = _USER_PATH.match(path)
        if req.method == "GET" and m:
            req.route = "GET /users/{id}"
            return self._get_user(req, m.group(1))
        if req.method == "GET" and path == "/v1.0/organization":
            req.route = "GET /organization"
            return self._organization(req)
        if req.method == "POST" and path == "/v1.0/directoryObjects/getByIds":
            req.route = "POST /directoryObjects/getByIds"
            return self._get_by_ids(req)
        if self.migrations is not None and (path == migration.JOBS_PATH or
                                            path.startswith(migration.JOBS_PATH + "/")):
            return self.migrations.handle(self, req, path)
        segment = path.split("/")[2] if path.count("/") >= 2 else path
        return self.error(req, 400, "BadRequest", f"Resource not found for the segment '{segment}'.")

    def _beta(self, req, path):
        if path == "/beta/$batch" and req.method == "POST":
            req.route = "POST /beta/$batch"
            return self._batch(req, version="beta")
        m = _SYNC_BEHAVIOR_PATH.match(path)
        if req.method == "GET" and m:
            req.route = "GET /beta/users/{id}/onPremisesSyncBehavior"
            return self._sync_behavior(req, m.group(1))
        return self.error(req, 400, "BadRequest", "Resource not found for the segment "
                                                  f"'{path.split('/')[2] if path.count('/') >= 2 else path}'.")

    def _sync_behavior(self, req, key):
        """GET /beta/users/{id}/onPremisesSyncBehavior -> {"id","isCloudManaged"} (doc/cloud-api.md). The fault
        switch sync-behavior makes the endpoint absent (404) or forbidden (403) for the whole tenant."""
        mode = self.faults.sync_behavior
        if mode == "forbidden":
            return self.error(req, 403, "Authorization_RequestDenied",
                              "Insufficient privileges to complete the operation.")
        view = self.state.view
        user = view.graph_users.get(key.lower()) if ids.is_guid(key) else None
        if mode == "absent" or user is None:
            return self.error(req, 404, "Request_ResourceNotFound",
                              f"Resource '{key}' does not exist or one of its queried reference-property objects "
                              f"are not present.")
        return self.ok(req, {"@odata.context": f"{self.config.graph_root}/beta/$metadata#users('{user['id']}')/"
                                               "onPremisesSyncBehavior/$entity",
                             "id": user["id"], "isCloudManaged": bool(view.cloud_managed.get(user["id"]))})

    # --- query options ------------------------------------------------------------------------
    def _select(self, req, props, type_name, default):
        raw = req.param("$select")
        if raw is None or raw.strip() == "":
            return list(default)
        by_lower = {p.lower(): p for p in props}
        out = []
        for name in (s.strip() for s in raw.split(",")):
            canon = by_lower.get(name.lower())
            if canon is None:
                raise HttpError(self.error(req, 400, "Request_BadRequest",
                                           f"Could not find a property named '{name}' on type '{type_name}'."))
            if canon not in out:
                out.append(canon)
        return out

    def _context(self, entity_set, select, single=False):
        sel = "(" + ",".join(select) + ")" if select else ""
        return f"{self.config.graph_root}/v1.0/$metadata#{entity_set}{sel}" + ("/$entity" if single else "")

    @staticmethod
    def _project(obj, select):
        return {p: obj.get(p) for p in select}

    # --- handlers -----------------------------------------------------------------------------
    def _get_user(self, req, key):
        select = self._select(req, USER_PROPS, "microsoft.graph.user", GRAPH_DEFAULT_SELECT)
        view = self.state.view
        uid = key.lower() if ids.is_guid(key) else view.upn_index.get(key.lower())
        user = view.graph_users.get(uid) if uid else None
        if user is None:
            return self.error(req, 404, "Request_ResourceNotFound",
                              f"Resource '{key}' does not exist or one of its queried reference-property objects "
                              f"are not present.")
        explicit = req.param("$select") is not None
        body = {"@odata.context": self._context("users", select if explicit else [], single=True)}
        body.update(self._project(user, select))
        return self.ok(req, body)

    def _list_users(self, req):
        select = self._select(req, USER_PROPS, "microsoft.graph.user", GRAPH_DEFAULT_SELECT)
        top_raw = req.param("$top")
        try:
            top = int(top_raw) if top_raw is not None else DEFAULT_TOP
        except ValueError:
            top = -1
        if not 1 <= top <= MAX_TOP:
            return self.error(req, 400, "Request_UnsupportedQuery",
                              f"Invalid page size specified: '{top_raw}'. Must be between 1 and {MAX_TOP} inclusive.")
        offset = self._skiptoken(req)
        view = self.state.view
        text = req.param("$filter")
        if text:
            try:
                node = odata.parse(text, FILTERABLE)
            except odata.FilterError as e:
                return self.error(req, 400, e.code, e.message)
            self._check_ids(req, node)
            matched = [view.graph_users[i] for i in self._candidates(node, view) if
                       odata.matches(node, view.graph_users[i])]
        else:
            matched = [view.graph_users[i] for i in view.graph_ids]
        page = matched[offset:offset + top]
        body = {"@odata.context": self._context("users", select if req.param("$select") else [])}
        if offset + top < len(matched):
            body["@odata.nextLink"] = self._next_link(req, offset + top)
        body["value"] = [{"@odata.type": USER_TYPE, **self._project(u, select)} for u in page]
        return self.ok(req, body)

    def _check_ids(self, req, node):
        if node[0] in ("and", "or"):
            for n in node[1]:
                self._check_ids(req, n)
        elif node[1] == "id":
            for v in node[2] if node[0] == "in" else [node[2]]:
                if not isinstance(v, str) or not ids.is_guid(v):
                    raise HttpError(self.error(req, 400, "Request_BadRequest", f"Invalid object identifier '{v}'."))

    @staticmethod
    def _candidates(node, view):
        """Ids worth evaluating, in Graph's (id) order: a pure id/UPN lookup avoids a full scan."""
        if node[0] in ("eq", "in") and node[1] in ("id", "userPrincipalName"):
            values = node[2] if node[0] == "in" else [node[2]]
            if node[1] == "id":
                found = {v.lower() for v in values if isinstance(v, str) and v.lower() in view.graph_users}
            else:
                found = {view.upn_index[v.lower()] for v in values
                         if isinstance(v, str) and v.lower() in view.upn_index}
            return sorted(found)
        return view.graph_ids

    def _skiptoken(self, req):
        token = req.param("$skiptoken")
        if token is None:
            return 0
        try:
            data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            return int(data["o"])
        except (ValueError, KeyError, TypeError):
            raise HttpError(self.error(req, 400, "Request_BadRequest", "Invalid $skiptoken.")) from None

    def _next_link(self, req, offset):
        token = base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).rstrip(b"=").decode()
        kept = [(k, v) for k, v in req.query if k.lower() != "$skiptoken"]
        query = urllib.parse.urlencode(kept + [("$skiptoken", token)], quote_via=urllib.parse.quote, safe="$,()'")
        return f"{self.config.graph_root}{req.raw_path}?{query}"

    def _organization(self, req):
        select = self._select(req, ORG_PROPS, "microsoft.graph.organization", ORG_PROPS)
        org = self.state.view.org
        return self.ok(req, {"@odata.context": self._context("organization", select if req.param("$select") else []),
                             "value": [self._project(org, select)]})

    def _get_by_ids(self, req):
        try:
            body = req.json() or {}
        except ValueError:
            return self.error(req, 400, "BadRequest", "Unable to read JSON request payload.")
        wanted = body.get("ids")
        if not isinstance(wanted, list) or not wanted:
            return self.error(req, 400, "Request_BadRequest", "Invalid value specified for property 'ids'.")
        if len(wanted) > MAX_GET_BY_IDS:
            return self.error(req, 400, "Request_BadRequest",
                              f"Too many identifiers specified: {len(wanted)}. Max allowed: {MAX_GET_BY_IDS}.")
        types = body.get("types")
        if types is not None and (not isinstance(types, list) or not all(isinstance(t, str) for t in types)):
            return self.error(req, 400, "Request_BadRequest", "Invalid value specified for property 'types'.")
        # Only users live in this directory: asking for other types finds nothing.
        users_wanted = types is None or not types or any(t.lower() in ("user", "directoryobject") for t in types)
        select = self._select(req, USER_PROPS, "microsoft.graph.user", GRAPH_DEFAULT_SELECT)
        view = self.state.view
        out = []
        for i in wanted:
            if not isinstance(i, str) or not ids.is_guid(i):
                return self.error(req, 400, "Request_BadRequest", f"Invalid object identifier '{i}'.")
            u = view.graph_users.get(i.lower()) if users_wanted else None
            if u is not None:
                out.append({"@odata.type": "#microsoft.graph.user", **self._project(u, select)})
        return self.ok(req, {"@odata.context": f"{self.config.graph_root}/v1.0/$metadata#directoryObjects",
                             "value": out})

    def _batch(self, req, version="v1.0"):
        try:
            body = req.json()
        except ValueError:
            return self.error(req, 400, "BadRequest", "Unable to read JSON request payload.")
        items = body.get("requests") if isinstance(body, dict) else None
        if not isinstance(items, list) or not items:
            return self.error(req, 400, "BadRequest", "Invalid batch payload format.")
        if len(items) > MAX_BATCH:
            return self.error(req, 400, "BadRequest",
                              f"Number of requests in a batch exceeds the limit of {MAX_BATCH}: {len(items)}.")
        seen = set()
        for it in items:
            if not isinstance(it, dict) or not it.get("id") or not it.get("method") or not it.get("url"):
                return self.error(req, 400, "BadRequest", "Invalid batch payload format: each request needs "
                                                          "'id', 'method' and 'url'.")
            if str(it["id"]) in seen:
                return self.error(req, 400, "BadRequest", f"Request id '{it['id']}' is duplicated in the batch.")
            seen.add(str(it["id"]))
        refused = self.faults.take_batch_424()
        if refused is not None:
            return self.failed_dependency(req, items if refused["items"] else None, refused["retry_after"])
        responses = [self._batch_item(req, it, version) for it in items]
        random.shuffle(responses)  # Graph answers in any order
        return self.ok(req, {"responses": responses})

    def _batch_item(self, outer, it, version="v1.0"):
        url = str(it["url"])
        if re.match(r"^[a-z]+://", url, re.I) or url.lstrip("/").startswith("$batch"):
            resp = self.error(outer, 400, "BadRequest", f"Invalid URL in batch request: '{url}'.")
            inner = outer
        else:
            headers = {"client-request-id": outer.header("client-request-id") or ""}
            if outer.header(PRIORITY_HEADER):  # the envelope's priority applies to its items (INFERRED)
                headers[PRIORITY_HEADER] = outer.header(PRIORITY_HEADER)
            headers.update({str(k): str(v) for k, v in (it.get("headers") or {}).items()})
            body = json.dumps(it["body"]).encode() if it.get("body") is not None else b""
            inner = Request(str(it["method"]), f"/{version}/" + url.lstrip("/"), headers, body, outer.base_url)
            resp = apply_faults(self, inner, level="item")
            if resp is None:
                try:
                    resp = self.dispatch(inner)
                except HttpError as e:
                    resp = e.response
        self.counters.count_item(self.name, resp.status, getattr(inner, "route", None))
        out = {"id": str(it["id"]), "status": resp.status,
               "headers": {k: v for k, v in resp.headers if k.lower() in _ITEM_HEADERS}}
        if resp.body:
            out["body"] = json.loads(resp.body)
        return out
