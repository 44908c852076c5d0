"""Fault switches set through the control API, and per-endpoint call counters.

Services: "login", "graph", "exo". A switch given service "all" is set on each of the three.
Thread-safe: every method takes the lock."""

import datetime
import re
import threading

SERVICES = ("login", "graph", "exo")
LEVELS = ("http", "item")  # item = one request inside a $batch
TIMESTAMP_FORMS = ("z", "offset7")
_Z_TIME = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z$")


def retry_after_number(value):
    """A Retry-After in seconds: an int when whole ("7"), else a float kept to the ms ("2.128")."""
    number = round(float(value), 3)
    if number < 0 or number != number or number > 86400:
        raise ValueError("retry_after must be within 0..86400 seconds")
    return int(number) if number == int(number) else number


def _offset7(text):
    """2024-05-01T10:00:00Z -> 2024-05-01T11:00:00.0000000+01:00: the same instant, written as .NET's
    DateTimeOffset "o" format writes it (seven decimals, an offset instead of Z)."""
    m = _Z_TIME.match(text)
    if not m:
        return text
    t = datetime.datetime(*map(int, m.groups()), tzinfo=datetime.timezone.utc)
    local = t.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
    return local.strftime("%Y-%m-%dT%H:%M:%S") + ".0000000+01:00"


def _services(name):
    if name == "all":
        return SERVICES
    if name not in SERVICES:
        raise ValueError(f"unknown service {name!r}; use one of {', '.join(SERVICES)} or all")
    return (name,)


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self.clear()

    def clear(self):
        with self._lock:
            self._counted = {}      # (kind, service, level) -> {"remaining": n, "retry_after": s}
            self._delay_ms = {}     # service -> ms
            self.lag = {}           # user selector -> cycles
            self.licensed_early = {}  # user selector -> {"exchange_guid": str, "mailuser_view": bool}
            # user selector -> {"object": bool, "exchange": bool}: source of authority moved to the cloud for
            # the whole object (Graph onPremisesSyncBehavior isCloudManaged) or for its Exchange attributes
            # (EXO IsExchangeCloudManaged); Entra Connect then stops carrying those AD values.
            self.cloud_managed = {}
            self.sync_behavior = "served"  # "absent" (404) | "forbidden" (403) for the whole tenant
            self.expired_cert = False
            self.batch_424 = None   # {"remaining": n, "retry_after": s, "items": bool}: whole-$batch 424s
            self.exo_not_found_500 = False  # EXO's "couldn't be found" arrives as 500 InternalServerError
            self.timestamp_form = "z"
            self._oversize = {}     # service -> {"remaining": n, "bytes": b}
            self.generation = 0     # bumped on every change that alters what the directory shows

    def set_counted(self, kind, service, count, retry_after, level="http"):
        if kind not in ("throttle", "unavailable"):
            raise ValueError(kind)
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r}; use http or item")
        count, retry_after = int(count), retry_after_number(retry_after)
        if count < 0:
            raise ValueError("count must be >= 0")
        with self._lock:
            for s in _services(service):
                if count == 0:
                    self._counted.pop((kind, s, level), None)
                else:
                    self._counted[(kind, s, level)] = {"remaining": count, "retry_after": retry_after}

    def take(self, service, level="http"):
        """Consume one pending 429 (first) or 503 for this service/level: ("throttle"|"unavailable",
        retry_after) or None."""
        with self._lock:
            for kind in ("throttle", "unavailable"):
                f = self._counted.get((kind, service, level))
                if f and f["remaining"] > 0:
                    f["remaining"] -= 1
                    if f["remaining"] == 0:
                        del self._counted[(kind, service, level)]
                    return kind, f["retry_after"]
        return None

    def set_batch_424(self, count, retry_after, items):
        count, retry_after = int(count), retry_after_number(retry_after)
        if count < 0:
            raise ValueError("count must be >= 0")
        with self._lock:
            self.batch_424 = {"remaining": count, "retry_after": retry_after, "items": bool(items)} if count else None

    def take_batch_424(self):
        """Consume one whole-$batch 424: {"retry_after": s, "items": bool} or None."""
        with self._lock:
            f = self.batch_424
            if not f:
                return None
            f["remaining"] -= 1
            if f["remaining"] <= 0:
                self.batch_424 = None
            return {"retry_after": f["retry_after"], "items": f["items"]}

    def set_exo_not_found_500(self, enabled):
        with self._lock:
            self.exo_not_found_500 = bool(enabled)

    def set_timestamp_form(self, form):
        if form not in TIMESTAMP_FORMS:
            raise ValueError(f"unknown timestamp form {form!r}; use one of {', '.join(TIMESTAMP_FORMS)}")
        with self._lock:
            self.timestamp_form = form
            self.generation += 1

    def reshape_timestamps(self, obj):
        """`obj` with every Z timestamp written in the current form (a copy when anything changes)."""
        with self._lock:
            form = self.timestamp_form
        if form == "z":
            return obj
        if isinstance(obj, str):
            return _offset7(obj)
        if isinstance(obj, list):
            return [self.reshape_timestamps(v) for v in obj]
        if isinstance(obj, dict):
            return {k: self.reshape_timestamps(v) for k, v in obj.items()}
        return obj

    def set_oversize(self, service, count, size):
        count, size = int(count), int(size)
        if count < 0 or not 0 <= size <= 256 * 1024 * 1024:
            raise ValueError("count must be >= 0 and bytes within 0..268435456")
        with self._lock:
            for s in _services(service):
                if count == 0:
                    self._oversize.pop(s, None)
                else:
                    self._oversize[s] = {"remaining": count, "bytes": size}

    def take_oversize(self, service):
        """Consume one oversized answer for this service: its size in bytes, or None."""
        with self._lock:
            f = self._oversize.get(service)
            if not f:
                return None
            f["remaining"] -= 1
            if f["remaining"] <= 0:
                del self._oversize[service]
            return f["bytes"]

    def set_delay(self, service, ms):
        ms = int(ms)
        if ms < 0 or ms > 600_000:
            raise ValueError("ms must be within 0..600000")
        with self._lock:
            for s in _services(service):
                if ms == 0:
                    self._delay_ms.pop(s, None)
                else:
                    self._delay_ms[s] = ms

    def delay_for(self, service):
        with self._lock:
            return self._delay_ms.get(service, 0)

    def set_lag(self, user, cycles):
        cycles = int(cycles)
        if cycles < 0 or cycles > 1000:
            raise ValueError("cycles must be within 0..1000")
        with self._lock:
            if cycles == 0:
                self.lag.pop(user, None)
            else:
                self.lag[user] = cycles
            self.generation += 1

    def set_licensed_early(self, user, exchange_guid, mailuser_view, enabled=True):
        with self._lock:
            if enabled:
                self.licensed_early[user] = {"exchange_guid": exchange_guid, "mailuser_view": bool(mailuser_view)}
            else:
                self.licensed_early.pop(user, None)
            self.generation += 1

    def set_cloud_managed(self, user, whole_object, exchange, enabled=True):
        with self._lock:
            if enabled and (whole_object or exchange):
                self.cloud_managed[user] = {"object": bool(whole_object), "exchange": bool(exchange)}
            else:
                self.cloud_managed.pop(user, None)
            self.generation += 1

    def set_sync_behavior(self, mode):
        if mode not in ("served", "absent", "forbidden"):
            raise ValueError(f"unknown mode {mode!r}; use served, absent or forbidden")
        with self._lock:
            self.sync_behavior = mode

    def set_expired_cert(self, enabled):
        with self._lock:
            self.expired_cert = bool(enabled)

    def snapshot(self):
        with self._lock:
            counted = [{"kind": k, "service": s, "level": lvl, **v} for (k, s, lvl), v in self._counted.items()]
            return {"counted": counted, "delay_ms": dict(self._delay_ms), "lag": dict(self.lag),
                    "licensed_early": {k: dict(v) for k, v in self.licensed_early.items()},
                    "cloud_managed": {k: dict(v) for k, v in self.cloud_managed.items()},
                    "sync_behavior": self.sync_behavior,
                    "expired_cert": self.expired_cert,
                    "batch_424": dict(self.batch_424) if self.batch_424 else None,
                    "exo_not_found_500": self.exo_not_found_500, "timestamp_form": self.timestamp_form,
                    "oversize": {k: dict(v) for k, v in self._oversize.items()}}


class Counters:
    """Calls per service: HTTP requests (a $batch is one), $batch items, by status and by route."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self._data = {s: {"http_calls": 0, "batch_items": 0, "by_status": {}, "by_route": {}} for s in SERVICES}

    def count_http(self, service, status, route=None):
        with self._lock:
            d = self._data[service]
            d["http_calls"] += 1
            d["by_status"][str(status)] = d["by_status"].get(str(status), 0) + 1
            if route:
                d["by_route"][route] = d["by_route"].get(route, 0) + 1

    def count_item(self, service, status, route=None):
        with self._lock:
            d = self._data[service]
            d["batch_items"] += 1
            key = f"item {status}"
            d["by_status"][key] = d["by_status"].get(key, 0) + 1
            if route:
                d["by_route"][route] = d["by_route"].get(route, 0) + 1

    def snapshot(self):
        with self._lock:
            return {s: {"http_calls": d["http_calls"], "batch_items": d["batch_items"],
                        "by_status": dict(d["by_status"]), "by_route": dict(d["by_route"])}
                    for s, d in self._data.items()}
