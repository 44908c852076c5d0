"""Graph's resource-unit budget and throttling headers, getByIds' limits, and a source of authority moved to
the cloud (Graph beta onPremisesSyncBehavior, EXO IsExchangeCloudManaged), against users synced from the
real lab AD (needs the lab: CTIM_LAB_* variables). doc/cloud-api.md describes what is emulated."""

import unittest
import uuid

import harness


class BudgetAndSourceOfAuthorityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ou = harness.LabOu("t-emu-soa")
        t = cls.ou.dn.split(",")[0][-8:-2]
        cls.users = {}
        for name in ("alice", "bob"):
            cls.users[name] = cls.ou.add_user(
                name, sAMAccountName=f"{name}-{t}", userPrincipalName=f"{name}-{t}@lab.example",
                proxyAddresses=[f"SMTP:{name}-{t}@lab.example"], targetAddress=f"SMTP:{name}-{t}@source.example")
        cls.tag = t
        cls.emu = harness.Emulator(*harness.lab_emulator_args(cls.ou.dn)).start()
        cls.emu.sync()
        cls.gt = cls.emu.token("graph")
        cls.xt = cls.emu.token("exo")
        cls.ids = {n: cls.ou.read(dn, "msDS-ExternalDirectoryObjectId")["msds-externaldirectoryobjectid"][0]
                   .decode()[len("User_"):] for n, dn in cls.users.items()}

    @classmethod
    def tearDownClass(cls):
        cls.emu.cleanup()
        cls.ou.cleanup()

    def setUp(self):
        self.assertEqual(self.emu.ctl("POST", "/graph/budget", {})[0], 200)  # defaults, empty record
        self.emu.ctl("POST", "/faults/clear")

    def graph(self, path, **kw):
        return self.emu.graph(path, self.gt, **kw)

    # --- getByIds -----------------------------------------------------------------------------
    def test_get_by_ids_costs_five_units_or_two_with_select_and_caps_at_1000_ids(self):
        body = {"ids": [self.ids["alice"]], "types": ["user"]}
        status, h, _b = self.graph("/v1.0/directoryObjects/getByIds", method="POST", body=body)
        self.assertEqual((status, h.get("x-ms-resource-unit")), (200, "5"))
        status, h, found = self.graph("/v1.0/directoryObjects/getByIds?$select=id,proxyAddresses", method="POST",
                                      body=body)
        self.assertEqual((status, h.get("x-ms-resource-unit")), (200, "2"))
        self.assertEqual([u["id"] for u in found["value"]], [self.ids["alice"]])
        status, _h, none = self.graph("/v1.0/directoryObjects/getByIds", method="POST",
                                      body={"ids": [self.ids["alice"]], "types": ["group"]})
        self.assertEqual((status, none["value"]), (200, []))
        status, _h, err = self.graph("/v1.0/directoryObjects/getByIds", method="POST",
                                     body={"ids": [str(uuid.uuid4()) for _ in range(1001)], "types": ["user"]})
        self.assertEqual(status, 400, err)
        status, _h, _b = self.graph("/v1.0/directoryObjects/getByIds", method="POST",
                                    body={"ids": [str(uuid.uuid4()) for _ in range(1000)], "types": ["user"]})
        self.assertEqual(status, 200)

    # --- budget -------------------------------------------------------------------------------
    def test_headers_from_eighty_percent_then_429_with_retry_after_and_scope(self):
        self.assertEqual(self.emu.ctl("POST", "/graph/budget", {"resource_units": 10, "window_seconds": 60})[0], 200)
        seen = []
        for _ in range(10):  # GET /users/{id}?$select costs 1
            status, h, _b = self.graph(f"/v1.0/users/{self.ids['alice']}?$select=id",
                                       headers={"x-ms-throttle-priority": "low"})
            self.assertEqual((status, h.get("x-ms-resource-unit")), (200, "1"))
            seen.append(h.get("x-ms-throttle-limit-percentage"))
        self.assertEqual(seen, [None] * 7 + ["0.80", "0.90", "1.00"])
        status, h, body = self.graph(f"/v1.0/users/{self.ids['alice']}?$select=id")
        self.assertEqual(status, 429, body)
        self.assertGreaterEqual(int(h["retry-after"]), 50)
        self.assertTrue(h["x-ms-throttle-scope"].startswith("Tenant_Application/"))
        self.assertEqual(h["x-ms-throttle-information"], "ResourceUnitLimitExceeded")
        status, record = self.emu.ctl("GET", "/graph/budget")
        self.assertEqual(status, 200)
        self.assertEqual([r["status"] for r in record["requests"]], [200] * 10 + [429])
        self.assertEqual({r["priority"] for r in record["requests"][:10]}, {"low"})
        self.assertEqual(record["requests"][10]["priority"], "")

    def test_batch_items_are_charged_one_by_one_and_carry_the_headers(self):
        self.emu.ctl("POST", "/graph/budget", {"resource_units": 4, "window_seconds": 60})
        reqs = [{"id": str(i), "method": "GET", "url": f"/users/{self.ids['bob']}?$select=id"} for i in range(6)]
        status, _h, body = self.graph("/v1.0/$batch", method="POST", body={"requests": reqs})
        self.assertEqual(status, 200)
        by_status = sorted(r["status"] for r in body["responses"])
        self.assertEqual(by_status, [200] * 4 + [429] * 2)
        throttled = [r for r in body["responses"] if r["status"] == 429]
        self.assertIn("retry-after", {k.lower() for k in throttled[0]["headers"]})

    # --- source of authority ------------------------------------------------------------------
    def test_cloud_managed_user_keeps_its_cloud_values_and_reports_is_cloud_managed(self):
        status, _ = self.emu.ctl("POST", "/faults/cloud-managed", {"user": self.ids["bob"], "object": True})
        self.assertEqual(status, 200)
        status, _h, b = self.graph(f"/beta/users/{self.ids['bob']}/onPremisesSyncBehavior")
        self.assertEqual((status, b["isCloudManaged"], b["id"]), (200, True, self.ids["bob"]))
        reqs = [{"id": "1", "method": "GET", "url": f"/users/{self.ids['alice']}/onPremisesSyncBehavior"},
                {"id": "2", "method": "GET", "url": f"/users/{self.ids['bob']}/onPremisesSyncBehavior"},
                {"id": "3", "method": "GET", "url": f"/users/{uuid.uuid4()}/onPremisesSyncBehavior"}]
        status, _h, body = self.graph("/beta/$batch", method="POST", body={"requests": reqs})
        self.assertEqual(status, 200)
        got = {r["id"]: (r["status"], (r.get("body") or {}).get("isCloudManaged")) for r in body["responses"]}
        self.assertEqual(got, {"1": (200, False), "2": (200, True), "3": (404, None)})

        t = self.tag
        for name in ("alice", "bob"):
            self.ou.modify(self.users[name], "replace", "targetAddress", [f"SMTP:{name}-{t}@moved.example"])
        try:
            self.emu.sync()
            values = {}
            for name in ("alice", "bob"):
                status, _h, r = self.emu.exo("Get-MailUser", {"Identity": self.ids[name]}, self.xt)
                self.assertEqual(status, 200, r)
                values[name] = r["value"][0]["ExternalEmailAddress"]
            self.assertEqual(values, {"alice": f"SMTP:alice-{t}@moved.example", "bob": f"SMTP:bob-{t}@source.example"})
        finally:
            for name in ("alice", "bob"):
                self.ou.modify(self.users[name], "replace", "targetAddress", [f"SMTP:{name}-{t}@source.example"])
            self.emu.ctl("POST", "/faults/clear")
            self.emu.sync()

    def test_exchange_cloud_managed_shows_on_get_mailuser(self):
        self.emu.ctl("POST", "/faults/cloud-managed", {"user": self.ids["alice"], "object": False, "exchange": True})
        status, _h, r = self.emu.exo("Get-MailUser", {"Identity": self.ids["alice"]}, self.xt)
        self.assertEqual((status, r["value"][0]["IsExchangeCloudManaged"]), (200, True))
        status, _h, b = self.graph(f"/beta/users/{self.ids['alice']}/onPremisesSyncBehavior")
        self.assertEqual((status, b["isCloudManaged"]), (200, False))

    def test_sync_behavior_absent_or_forbidden_for_the_tenant(self):
        for mode, want in (("absent", 404), ("forbidden", 403), ("served", 200)):
            self.assertEqual(self.emu.ctl("POST", "/faults/sync-behavior", {"mode": mode})[0], 200)
            status, _h, _b = self.graph(f"/beta/users/{self.ids['alice']}/onPremisesSyncBehavior")
            self.assertEqual(status, want, mode)
        self.assertEqual(self.emu.ctl("POST", "/faults/sync-behavior", {"mode": "sometimes"})[0], 400)


if __name__ == "__main__":
    unittest.main()
