"""Microsoft Graph's resource-unit budget for directory requests, per app+tenant over a sliding window
(doc/cloud-api.md, "Throttling headers and pacing"; learn.microsoft.com/graph/throttling-limits).

Every metered request is charged its cost; the answer carries x-ms-resource-unit. From 80% of the budget
used, answers also carry x-ms-throttle-limit-percentage (the fraction used, 0.80 .. 1.00 here). A request
that would exceed the budget is refused with 429, Retry-After (whole seconds until enough units expire),
x-ms-throttle-scope and x-ms-throttle-information; a refused request is not charged (INFERRED).
The record of every metered request (time, route, cost, percentage, status, x-ms-throttle-priority) is
what tests read through the control API (GET /graph/budget). Thread-safe."""

import collections
import math
import threading
import time

DEFAULT_BUDGET = 3500   # a tenant under 50 users
DEFAULT_WINDOW = 10.0   # seconds
REPORT_FROM = 0.8
MAX_RECORDS = 20000


class ResourceBudget:
    def __init__(self):
        self._lock = threading.Lock()
        self.budget, self.window = DEFAULT_BUDGET, DEFAULT_WINDOW
        self._reset_locked()

    def _reset_locked(self):
        self._spent = collections.deque()  # (monotonic time, units)
        self._records = []
        self._t0 = time.monotonic()

    def configure(self, resource_units=None, window_seconds=None):
        units = DEFAULT_BUDGET if resource_units in (None, 0) else int(resource_units)
        window = DEFAULT_WINDOW if window_seconds in (None, 0) else float(window_seconds)
        if units < 1 or not 0.1 <= window <= 3600:
            raise ValueError("resource_units must be >= 1 and window_seconds within 0.1..3600")
        with self._lock:
            self.budget, self.window = units, window
            self._reset_locked()
        return self.snapshot(records=False)

    def _used_locked(self, now):
        while self._spent and self._spent[0][0] <= now - self.window:
            self._spent.popleft()
        return sum(u for _t, u in self._spent)

    def charge(self, cost, route, priority):
        """("ok", headers) after charging, or ("throttled", retry_after_seconds) without charging."""
        now = time.monotonic()
        with self._lock:
            used = self._used_locked(now)
            record = {"t": round(now - self._t0, 3), "route": route, "ru": cost, "priority": priority or ""}
            if used + cost > self.budget:
                need, freed, wait = used + cost - self.budget, 0, self.window
                for t, u in self._spent:
                    freed += u
                    if freed >= need:
                        wait = t + self.window - now
                        break
                retry_after = max(1, math.ceil(wait))
                record.update(status=429, percentage=round(used / self.budget, 2), retry_after=retry_after)
                self._add_record(record)
                return "throttled", retry_after
            self._spent.append((now, cost))
            fraction = (used + cost) / self.budget
            headers = [("x-ms-resource-unit", str(cost))]
            if fraction >= REPORT_FROM:
                headers.append(("x-ms-throttle-limit-percentage", f"{fraction:.2f}"))
            record.update(status=200, percentage=round(fraction, 2))
            self._add_record(record)
            return "ok", headers

    def note(self, route, priority):
        """An unmetered request (the $batch envelope): recorded for its priority, costs nothing."""
        with self._lock:
            self._add_record({"t": round(time.monotonic() - self._t0, 3), "route": route, "ru": 0,
                              "priority": priority or "", "status": 200, "percentage": None})

    def _add_record(self, record):
        if len(self._records) < MAX_RECORDS:
            self._records.append(record)

    def snapshot(self, records=True):
        with self._lock:
            out = {"resource_units": self.budget, "window_seconds": self.window,
                   "used": self._used_locked(time.monotonic())}
            if records:
                out["requests"] = list(self._records)
            return out
