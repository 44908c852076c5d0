"""Fault switches that need no directory content: 429 bursts, 503, slow responses, counters, scheduler
pause/resume, reset. (Lag and licensed-early need lab users: test_sync.py.)"""

import datetime
import json
import time
import unittest

import harness
from harness import make_assertion


class FaultTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = harness.Emulator("--no-ad", "--paused").start()
        cls.graph_token = cls.emu.token("graph")
        cls.exo_token = cls.emu.token("exo")

    @classmethod
    def tearDownClass(cls):
        cls.emu.cleanup()

    def setUp(self):
        self.assertEqual(self.emu.ctl("POST", "/faults/clear")[0], 200)

    def org(self):
        return self.emu.graph("/v1.0/organization?$select=onPremisesSyncEnabled", self.graph_token)

    def test_throttle_burst_answers_429_with_retry_after_then_recovers(self):
        status, faults = self.emu.ctl("POST", "/faults/throttle", {"service": "graph", "count": 2, "retry_after": 7})
        self.assertEqual(status, 200, faults)
        for _ in range(2):
            status, headers, body = self.org()
            self.assertEqual(status, 429)
            self.assertEqual(headers["retry-after"], "7")
            self.assertEqual(body["error"]["code"], "TooManyRequests")
            self.assertIn("innerError", body["error"])
        self.assertEqual(self.org()[0], 200)
        # EXO was not throttled
        self.assertEqual(self.emu.exo("Get-MailUser", {"ResultSize": "1"}, self.exo_token)[0], 200)

    def test_unavailable_answers_503_per_service(self):
        self.emu.ctl("POST", "/faults/unavailable", {"service": "exo", "count": 1, "retry_after": 2})
        status, headers, body = self.emu.exo("Get-MailUser", {"ResultSize": "1"}, self.exo_token)
        self.assertEqual(status, 503)
        self.assertEqual(headers["retry-after"], "2")
        self.assertEqual(body["error"]["code"], "ServiceUnavailable")
        self.assertEqual(self.emu.exo("Get-MailUser", {"ResultSize": "1"}, self.exo_token)[0], 200)

    def test_login_throttle_uses_the_aad_error_shape(self):
        self.emu.ctl("POST", "/faults/throttle", {"service": "login", "count": 1, "retry_after": 3})
        status, headers, body = self.emu.http("POST", self.emu.token_url(), form=self.emu.token_form(
            make_assertion(self.emu), self.emu.graph_url + "/.default"))
        self.assertEqual(status, 429)
        self.assertEqual(headers["retry-after"], "3")
        self.assertEqual(body["error"], "temporarily_unavailable")
        self.assertEqual(len(body["error_codes"]), 1)

    def test_service_all_sets_each_service(self):
        self.emu.ctl("POST", "/faults/unavailable", {"service": "all", "count": 1})
        self.assertEqual(self.org()[0], 503)
        self.assertEqual(self.emu.exo("Get-MailUser", {"ResultSize": "1"}, self.exo_token)[0], 503)
        self.assertEqual(self.org()[0], 200)

    def test_item_level_throttle_hits_requests_inside_a_batch(self):
        self.emu.ctl("POST", "/faults/throttle", {"service": "graph", "count": 1, "retry_after": 4, "level": "item"})
        reqs = [{"id": str(i), "method": "GET", "url": "/organization?$select=id"} for i in range(3)]
        status, _h, body = self.emu.graph("/v1.0/$batch", self.graph_token, "POST", {"requests": reqs})
        self.assertEqual(status, 200, body)
        statuses = sorted(r["status"] for r in body["responses"])
        self.assertEqual(statuses, [200, 200, 429])
        throttled = next(r for r in body["responses"] if r["status"] == 429)
        self.assertEqual(throttled["headers"]["Retry-After"], "4")
        self.assertEqual(throttled["body"]["error"]["code"], "TooManyRequests")

    def test_retry_after_may_carry_a_fraction(self):
        # Microsoft's throttling sample shows "Retry-After: 2.128" (doc/cloud-api.md).
        self.emu.ctl("POST", "/faults/throttle", {"service": "graph", "count": 1, "retry_after": 2.128})
        status, headers, _body = self.org()
        self.assertEqual((status, headers["retry-after"]), (429, "2.128"))
        self.emu.ctl("POST", "/faults/throttle", {"service": "graph", "count": 1, "retry_after": 3})
        self.assertEqual(self.org()[1]["retry-after"], "3")  # whole seconds stay whole

    def test_batch_items_carry_the_documented_headers_and_annotations(self):
        self.emu.ctl("POST", "/faults/throttle",
                     {"service": "graph", "count": 1, "retry_after": 1.5, "level": "item"})
        reqs = [{"id": str(i), "method": "GET", "url": "/organization?$select=id"} for i in range(2)]
        status, _h, body = self.emu.graph("/v1.0/$batch", self.graph_token, "POST", {"requests": reqs})
        self.assertEqual(status, 200, body)
        ok = next(r for r in body["responses"] if r["status"] == 200)
        self.assertEqual(ok["headers"]["OData-Version"], "4.0")
        self.assertEqual(ok["headers"]["Cache-Control"], "no-cache")
        self.assertIn("x-ms-resource-unit", ok["headers"])
        self.assertIn("@odata.context", ok["body"])
        throttled = next(r for r in body["responses"] if r["status"] == 429)
        self.assertEqual(throttled["headers"]["Retry-After"], "1.5")

    def test_a_whole_batch_can_fail_with_424_plain_or_with_its_items(self):
        reqs = [{"id": str(i), "method": "GET", "url": "/organization?$select=id"} for i in range(3)]
        self.emu.ctl("POST", "/faults/batch-failed-dependency", {"count": 2, "retry_after": 0.75})
        status, headers, body = self.emu.graph("/v1.0/$batch", self.graph_token, "POST", {"requests": reqs})
        self.assertEqual((status, headers["retry-after"]), (424, "0.75"))
        self.assertEqual(body["error"]["code"], "failedDependency")
        self.assertEqual(self.emu.graph("/v1.0/$batch", self.graph_token, "POST", {"requests": reqs})[0], 424)
        self.assertEqual(self.emu.graph("/v1.0/$batch", self.graph_token, "POST", {"requests": reqs})[0], 200)

        self.emu.ctl("POST", "/faults/batch-failed-dependency", {"count": 1, "retry_after": 2, "items": True})
        status, _h, body = self.emu.graph("/v1.0/$batch", self.graph_token, "POST", {"requests": reqs})
        self.assertEqual(status, 424, body)
        self.assertEqual(sorted(r["status"] for r in body["responses"]), [424, 424, 429])
        throttled = next(r for r in body["responses"] if r["status"] == 429)
        self.assertEqual(throttled["headers"]["Retry-After"], "2")

    def test_exo_not_found_can_arrive_as_500_internal_server_error(self):
        self.emu.ctl("POST", "/faults/exo-not-found-500", {"enabled": True})
        status, _h, body = self.emu.exo("Get-MailUser", {"Identity": "nobody"}, self.exo_token)
        self.assertEqual(status, 500, body)
        self.assertEqual(body["error"]["code"], "InternalServerError")
        self.assertIn("ManagementObjectNotFoundException", body["error"]["message"])
        self.emu.ctl("POST", "/faults/exo-not-found-500", {"enabled": False})
        self.assertEqual(self.emu.exo("Get-MailUser", {"Identity": "nobody"}, self.exo_token)[0], 404)

    def test_timestamps_can_be_written_with_an_offset_and_seven_decimals(self):
        finished = self.emu.sync()["finished"]  # 2026-12-07T03:41:29Z form
        self.emu.ctl("POST", "/faults/timestamps", {"form": "offset7"})
        _s, _h, body = self.emu.graph("/v1.0/organization?$select=onPremisesLastSyncDateTime", self.graph_token)
        text = body["value"][0]["onPremisesLastSyncDateTime"]
        self.assertRegex(text, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+01:00$")
        same = datetime.datetime.fromisoformat(text[:19] + text[-6:])
        self.assertEqual(same, datetime.datetime.fromisoformat(finished.replace("Z", "+00:00")))
        self.emu.ctl("POST", "/faults/timestamps", {"form": "z"})
        _s, _h, body = self.emu.graph("/v1.0/organization?$select=onPremisesLastSyncDateTime", self.graph_token)
        self.assertEqual(body["value"][0]["onPremisesLastSyncDateTime"], finished)

    def test_oversize_answers_a_body_of_the_given_size(self):
        self.emu.ctl("POST", "/faults/oversize", {"service": "graph", "bytes": 100_000})
        status, _h, body = self.org()
        self.assertEqual(status, 200)
        self.assertEqual(len(json.dumps(body, separators=(",", ":"))), 100_000)
        self.assertEqual(self.org()[0], 200)

    def test_delay_slows_every_call_until_cleared(self):
        self.emu.ctl("POST", "/faults/delay", {"service": "graph", "ms": 400})
        t0 = time.monotonic()
        self.assertEqual(self.org()[0], 200)
        self.assertGreaterEqual(time.monotonic() - t0, 0.4)  # a lower bound the sleep guarantees
        self.assertEqual(self.emu.ctl("GET", "/faults")[1]["delay_ms"], {"graph": 400})
        self.emu.ctl("POST", "/faults/delay", {"service": "graph", "ms": 0})
        self.assertEqual(self.emu.ctl("GET", "/faults")[1]["delay_ms"], {})

    def test_bad_switch_values_are_refused(self):
        for path, body in (("/faults/throttle", {"service": "mail", "count": 1}),
                           ("/faults/throttle", {"service": "graph"}),
                           ("/faults/delay", {"service": "graph", "ms": -1}),
                           ("/faults/lag", {"cycles": 2}),
                           ("/faults/licensed-early", {"user": "x", "exchange_guid": "nope"}),
                           ("/faults/throttle", {"service": "graph", "count": 1, "retry_after": -0.5}),
                           ("/faults/timestamps", {"form": "local"}),
                           ("/faults/batch-failed-dependency", {"retry_after": 1})):
            with self.subTest(path=path, body=body):
                status, answer = self.emu.ctl("POST", path, body)
                self.assertEqual(status, 400, answer)

    def test_counters_count_http_calls_and_batch_items_per_service(self):
        self.emu.ctl("POST", "/counters/reset")
        for _ in range(3):
            self.org()
        reqs = [{"id": str(i), "method": "GET", "url": "/users/00000000-0000-0000-0000-00000000000%d" % i}
                for i in range(5)]
        self.emu.graph("/v1.0/$batch", self.graph_token, "POST", {"requests": reqs})
        self.emu.exo("Get-MailUser", {"ResultSize": "Unlimited"}, self.exo_token)
        self.emu.exo("Get-MailUser", {"Identity": "nobody"}, self.exo_token)
        c = self.emu.ctl("GET", "/counters")[1]
        self.assertEqual(c["graph"]["http_calls"], 4)
        self.assertEqual(c["graph"]["batch_items"], 5)
        self.assertEqual(c["graph"]["by_route"]["GET /organization"], 3)
        self.assertEqual(c["graph"]["by_route"]["POST /$batch"], 1)
        self.assertEqual(c["graph"]["by_route"]["GET /users/{id}"], 5)
        self.assertEqual(c["graph"]["by_status"]["item 404"], 5)
        self.assertEqual(c["exo"]["http_calls"], 2)
        self.assertEqual(c["exo"]["by_status"], {"200": 1, "404": 1})
        self.assertEqual(c["login"]["http_calls"], 0)

    def test_scheduler_pause_resume_and_forced_sync(self):
        self.assertTrue(self.emu.ctl("GET", "/status")[1]["scheduler"]["paused"])
        self.assertFalse(self.emu.ctl("POST", "/scheduler/resume")[1]["paused"])
        self.assertTrue(self.emu.ctl("POST", "/scheduler/pause")[1]["paused"])
        before = self.emu.ctl("GET", "/status")[1]["cycle"]
        result = self.emu.sync()
        self.assertEqual(result["cycle"], before + 1)
        self.assertEqual(result["ad_users"], 0)
        status, _h, body = self.emu.graph("/v1.0/organization?$select=onPremisesLastSyncDateTime", self.graph_token)
        self.assertEqual(body["value"][0]["onPremisesLastSyncDateTime"], result["finished"])

    def test_unknown_control_route_lists_the_routes(self):
        status, body = self.emu.ctl("GET", "/nope")
        self.assertEqual(status, 404)
        self.assertIn("POST /faults/throttle", body["routes"])


class ResetTest(unittest.TestCase):
    def test_reset_clears_cloud_faults_counters_and_tokens_but_keeps_the_app(self):
        emu = harness.Emulator("--no-ad", "--paused").start()
        try:
            token = emu.token("graph")
            emu.sync()
            emu.ctl("POST", "/faults/throttle", {"service": "exo", "count": 5})
            reg = dict(emu.reg)
            status, st = emu.ctl("POST", "/reset")
            self.assertEqual(status, 200)
            self.assertEqual((st["cycle"], st["last_sync"]), (0, None))
            self.assertEqual(st["faults"]["counted"], [])
            self.assertEqual(emu.graph("/v1.0/organization", token)[0], 401)
            self.assertEqual((st["tenant_id"], st["client_id"]), (reg["tenant_id"], reg["client_id"]))
            self.assertEqual(emu.graph("/v1.0/organization", emu.token("graph"))[0], 200)
        finally:
            emu.cleanup()


if __name__ == "__main__":
    unittest.main()
