"""Exchange Online admin API (the EXO PowerShell module's REST transport): InvokeCommand with
Get-MailUser / Get-Recipient / Get-Mailbox, and $batch. Unofficial contract; shapes per doc/facts.md §3.4,
value shapes pinned in README.md."""

import base64
import hashlib
import json
import random
import re
import urllib.parse
import uuid

from . import opath
from .http_base import HttpError, Request, Response, apply_faults

CONTENT_TYPE = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
MAX_PAGE = 1000
DEFAULT_RESULT_SIZE = 1000
MAX_BATCH = 10
SERVER = "EMU01A001DC01.EMU01A001.PROD.OUTLOOK.COM"
MORE_RESULTS_WARNING = ("There are more results available than are currently displayed. To view them, increase "
                        "the value for the ResultSize parameter.")
_PATH = re.compile(r"^/adminapi/beta/([^/]+)/(InvokeCommand|\$batch)$", re.IGNORECASE)
_CMDLETS = {"get-mailuser": "Get-MailUser", "get-recipient": "Get-Recipient", "get-mailbox": "Get-Mailbox"}
FILTERABLE = {p.lower(): p for p in (
    "Name", "Alias", "DisplayName", "UserPrincipalName", "ExternalDirectoryObjectId", "ExchangeGuid", "ArchiveGuid",
    "EmailAddresses", "ExternalEmailAddress", "PrimarySmtpAddress", "RecipientType", "RecipientTypeDetails",
    "IsDirSynced", "LegacyExchangeDN", "Guid")}
_PARAMS = {"identity", "resultsize", "filter", "erroraction", "warningaction", "recipienttypedetails"}


def _public(r):
    return {k: v for k, v in r.items() if not k.startswith("_")}


class ExoService:
    name = "exo"

    def __init__(self, config, state, tokens, faults, counters):
        self.config, self.state, self.tokens = config, state, tokens
        self.faults, self.counters = faults, counters

    # --- shapes -------------------------------------------------------------------------------
    def error(self, status, code, message, exc_type=None, headers=()):
        tag = hashlib.sha256(exc_type.encode()).hexdigest()[:6].upper() if exc_type else ""
        full = f"Ex{tag}|{exc_type}|{message}" if exc_type else message
        body = {"error": {"code": code, "message": full, "details": [{"message": full, "target": ""}],
                          "innererror": {"message": full, "type": exc_type or "",
                                         "internalException": {"message": message}}}}
        return Response.json(status, body, [("request-id", str(uuid.uuid4())), *headers], content_type=CONTENT_TYPE)

    def throttled(self, req, seconds):
        return self.error(429, "TooManyRequests", "You have reached the maximum number of concurrent requests per "
                          "tenant. Please wait before sending more requests.", headers=[("Retry-After", str(seconds))])

    def unavailable(self, req, seconds):
        return self.error(503, "ServiceUnavailable", "The service is temporarily unavailable. Try again later.",
                          headers=[("Retry-After", str(seconds))] if seconds else [])

    def _auth(self, req):
        reason = self.tokens.check(req.header("Authorization"), self.config.exo_root)
        if reason is None:
            return
        diag = {"missing": 'reason="The token is missing.";error_category="invalid_token"',
                "invalid": 'reason="The token could not be validated.";error_category="invalid_token"',
                "expired": 'reason="The token has expired.";error_category="invalid_token"',
                "audience": 'reason="The audience claim value is invalid for current resource.";'
                            'error_category="invalid_resource"'}[reason]
        raise HttpError(Response(401, b"", [
            ("WWW-Authenticate", f'Bearer client_id="00000002-0000-0ff1-ce00-000000000000", '
                                 f'trusted_issuers="00000001-0000-0000-c000-000000000000@*", '
                                 f'token_types="app_asserted_user_v1 service_asserted_app_v1", '
                                 f'authorization_uri="{self.config.login_root}/common/oauth2/authorize", '
                                 f'error="invalid_token"'),
            ("x-ms-diagnostics", "2000001;" + diag), ("request-id", str(uuid.uuid4()))]))

    # --- routing ------------------------------------------------------------------------------
    def handle(self, req):
        self._auth(req)
        return self.dispatch(req)

    def dispatch(self, req):
        m = _PATH.match(req.path)
        if not m or req.method != "POST":
            return self.error(404, "NotFound", f"No route for {req.method} {req.path}.")
        tenant = m.group(1).lower()
        if tenant not in (self.state.reg["tenant_id"].lower(), self.state.reg["initial_domain"].lower()):
            return self.error(400, "BadRequest", f"The tenant '{m.group(1)}' in the request URL is not the tenant "
                                                 f"of the access token.")
        if m.group(2).lower() == "$batch":
            req.route = "POST /$batch"
            return self._batch(req)
        return self._invoke(req, m.group(1))

    def _invoke(self, req, tenant):
        try:
            body = req.json()
            cmd = body["CmdletInput"]
            name, params = cmd["CmdletName"], cmd.get("Parameters") or {}
            if not isinstance(params, dict):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return self.error(400, "BadRequest", "The request body must be {\"CmdletInput\":{\"CmdletName\":..., "
                                                 "\"Parameters\":{...}}}.")
        cmdlet = _CMDLETS.get(str(name).lower())
        req.route = f"InvokeCommand {cmdlet or name}"
        if cmdlet is None:
            return self.error(400, "BadRequest", f"The term '{name}' is not recognized as a name of a cmdlet.",
                              "System.Management.Automation.CommandNotFoundException")
        for p in params:
            if p.lower() not in _PARAMS:
                return self.error(400, "BadRequest",
                                  f"A parameter cannot be found that matches parameter name '{p}'.",
                                  "System.Management.Automation.ParameterBindingException")
        params = {k.lower(): v for k, v in params.items()}
        select = self._select(req)
        accepts = self._accepts(cmdlet, params)
        view = self.state.view
        warnings = []
        if "identity" in params:
            if "filter" in params:
                return self.error(400, "BadRequest", "Parameter set cannot be resolved using the specified named "
                                                     "parameters.",
                                  "System.Management.Automation.ParameterBindingException")
            ident = str(params["identity"]).strip().strip("{}")
            hits = [r for r in view.exo_index.get(ident.lower(), []) if accepts(r)]
            if not hits:
                # Real EXO also sends this as 500 InternalServerError (fault switch exo-not-found-500).
                status, code = (500, "InternalServerError") if self.faults.exo_not_found_500 else (404, "NotFound")
                return self.error(status, code, f"The operation couldn't be performed because object '{ident}' "
                                                   f"couldn't be found on '{SERVER}'.",
                                  "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException")
            if len(hits) > 1:
                return self.error(400, "BadRequest", f"The operation couldn't be performed because '{ident}' matches "
                                                     f"multiple entries.",
                                  "Microsoft.Exchange.Configuration.Tasks.ManagementObjectAmbiguousException")
            return self._page(req, tenant, hits, 0, select, warnings)
        if "filter" in params:
            try:
                tree = opath.parse(str(params["filter"]), FILTERABLE)
            except opath.FilterError as e:
                return self.error(400, "BadRequest", f"Cannot bind parameter 'Filter' to the target. Exception "
                                                     f"setting \"Filter\": \"{e}\"",
                                  "System.Management.Automation.ParameterBindingException")
            pool = [r for r in view.exo if accepts(r) and opath.matches(tree, r)]
        else:
            pool = [r for r in view.exo if accepts(r)]
        size = params.get("resultsize", DEFAULT_RESULT_SIZE)
        if not (isinstance(size, str) and size.lower() == "unlimited"):
            try:
                size = int(size)
                if size < 1:
                    raise ValueError
            except (ValueError, TypeError):
                return self.error(400, "BadRequest", f"Cannot process argument transformation on parameter "
                                                     f"'ResultSize'. Cannot convert value \"{size}\" to type "
                                                     f"\"Microsoft.Exchange.Data.Unlimited`1[System.UInt32]\".",
                                  "System.Management.Automation.ParameterBindingException")
            if len(pool) > size:
                pool = pool[:size]
                if "resultsize" not in params:
                    warnings.append(MORE_RESULTS_WARNING)
        offset = self._skiptoken(req, body)
        return self._page(req, tenant, pool, offset, select, warnings, body)

    @staticmethod
    def _accepts(cmdlet, params):
        """The recipients a cmdlet returns: a predicate on recipient dicts."""
        if cmdlet == "Get-MailUser":
            return lambda r: r["_mailuser"]
        if cmdlet == "Get-Mailbox":
            return lambda r: r["RecipientTypeDetails"] == "UserMailbox"
        types = params.get("recipienttypedetails")
        if types:
            wanted = {t.lower() for t in (types if isinstance(types, list) else str(types).split(","))}
            return lambda r: r["RecipientTypeDetails"].lower() in wanted
        return lambda r: True

    @staticmethod
    def _select(req):
        raw = req.param("$select")
        return [s.strip() for s in raw.split(",") if s.strip()] if raw else None

    def _page_size(self, req):
        prefer = req.header("Prefer") or ""
        m = re.search(r"odata\.maxpagesize\s*=\s*(\d+)", prefer)
        size = int(m.group(1)) if m else MAX_PAGE
        return max(1, min(size, MAX_PAGE)), bool(m)

    @staticmethod
    def _body_hash(body):
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]

    def _skiptoken(self, req, body):
        token = req.param("$skiptoken")
        if token is None:
            return 0
        try:
            data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            if data["h"] != self._body_hash(body):
                raise ValueError
            return int(data["o"])
        except (ValueError, KeyError, TypeError):
            raise HttpError(self.error(400, "BadRequest", "The $skiptoken is not valid for this request body; "
                                                          "POST the same body to @odata.nextLink.")) from None

    def _page(self, req, tenant, results, offset, select, warnings, body=None):
        size, preferred = self._page_size(req)
        page = results[offset:offset + size]
        out = {"@odata.context": f"{self.config.exo_root}/adminapi/beta/{tenant}/$metadata#Collection("
                                 f"Exchange.GenericHashTable)",
               "adminapi.warnings@odata.type": "#Collection(String)",
               "@adminapi.warnings": warnings}
        if body is not None and offset + size < len(results):
            token = base64.urlsafe_b64encode(json.dumps({"o": offset + size, "h": self._body_hash(body)})
                                             .encode()).rstrip(b"=").decode()
            query = [(k, v) for k, v in req.query if k.lower() != "$skiptoken"] + [("$skiptoken", token)]
            out["@odata.nextLink"] = (f"{self.config.exo_root}{req.raw_path}?"
                                      + urllib.parse.urlencode(query, quote_via=urllib.parse.quote, safe="$,"))
        out["value"] = [self._project(r, select) for r in page]
        out = self.faults.reshape_timestamps(out)
        headers = [("request-id", str(uuid.uuid4()))]
        if preferred:
            headers.append(("Preference-Applied", f"odata.maxpagesize={size}"))
        return Response.json(200, out, headers, content_type=CONTENT_TYPE)

    @staticmethod
    def _project(r, select):
        pub = _public(r)
        if not select:
            return pub
        by_lower = {k.lower(): k for k in pub if "@" not in k}
        out = {}
        for name in select:
            k = by_lower.get(name.lower())
            if k is None:
                continue  # EXO ignores unknown names in $select (INFERRED)
            if k + "@odata.type" in pub:
                out[k + "@odata.type"] = pub[k + "@odata.type"]
            out[k] = pub[k]
        return out

    def _batch(self, req):
        try:
            body = req.json()
            items = body["requests"]
            if not isinstance(items, list) or not items:
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return self.error(400, "BadRequest", "Invalid batch payload: {\"requests\":[...]} expected.")
        if len(items) > MAX_BATCH:
            return self.error(400, "BadRequest", f"The batch contains {len(items)} requests; at most {MAX_BATCH} "
                                                 f"are allowed.")
        responses = []
        for it in items:
            if not isinstance(it, dict) or "id" not in it or "url" not in it:
                return self.error(400, "BadRequest", "Each batch request needs 'id' and 'url'.")
            url = urllib.parse.urlsplit(str(it["url"]))
            target = url.path + ("?" + url.query if url.query else "")
            if url.scheme and f"{url.scheme}://{url.netloc}" != self.config.exo_root:
                resp, inner = self.error(400, "BadRequest", f"Batch request URL '{it['url']}' is not on this "
                                                            f"endpoint."), req
            else:
                headers = {str(k): str(v) for k, v in (it.get("headers") or {}).items()}
                payload = json.dumps(it.get("body")).encode() if it.get("body") is not None else b""
                inner = Request(str(it.get("method") or "POST"), target, headers, payload, req.base_url)
                resp = apply_faults(self, inner, level="item")
                if resp is None:
                    if _PATH.match(inner.path) and inner.path.lower().endswith("/$batch"):
                        resp = self.error(400, "BadRequest", "Nested $batch is not supported.")
                    else:
                        try:
                            resp = self.dispatch(inner)
                        except HttpError as e:
                            resp = e.response
            self.counters.count_item(self.name, resp.status, getattr(inner, "route", None))
            entry = {"id": str(it["id"]), "status": resp.status,
                     "headers": {k: v for k, v in resp.headers if k.lower() in ("content-type", "retry-after")}}
            if resp.body:
                entry["body"] = json.loads(resp.body)
            responses.append(entry)
        random.shuffle(responses)
        return Response.json(200, {"responses": responses}, [("request-id", str(uuid.uuid4()))],
                             content_type=CONTENT_TYPE)
