"""Cross-tenant migration jobs (doc/migration-validation.md): create, validate (asynchronous, Retry-After),
per-user tasks judged from the emulated tenant against the source mailbox of the CTIM export, paging, the
control knobs (403, 404, a forced error) and the job record. Needs the lab: the users come from AD."""

import time
import unittest
import uuid

import harness
from cloudemu import ctim_export

JOBS = "/v1.0/solutions/migrations/crossTenantMigrationJobs"
SEED, DOMAIN = "5", "source.example"


class MigrationJobTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ou = harness.LabOu("t-emu-mig")
        t = cls.ou.dn.split(",")[0][-8:-2]
        cls.ids, dns = {}, {}
        for name in ("good", "badguid", "forced", "nox500"):
            primary = f"{name}-{t}@{DOMAIN}"
            src = ctim_export.source_mailbox(SEED, primary, DOMAIN)
            guid = uuid.UUID(src["ExchangeGuid"]) if name != "badguid" else uuid.uuid4()
            proxies = [f"SMTP:{name}-{t}@lab.example"]
            if name != "nox500":
                proxies += ["X500:" + src["LegacyExchangeDN"]]
                proxies += [a for a in src["EmailAddresses"].split(";") if a.startswith("X500:")]
            attrs = {"sAMAccountName": f"{name}-{t}", "userPrincipalName": f"{name}-{t}@lab.example",
                     "proxyAddresses": proxies, "targetAddress": f"SMTP:{primary}",
                     "msExchMailboxGuid": guid.bytes_le}
            if src["ArchiveGuid"] != ctim_export.ids.ZERO_GUID:
                attrs["msExchArchiveGUID"] = uuid.UUID(src["ArchiveGuid"]).bytes_le
            dns[name] = cls.ou.add_user(name, **attrs)
        cls.emu = harness.Emulator(*harness.lab_emulator_args(cls.ou.dn)).start()
        cls.emu.sync()  # writes msDS-ExternalDirectoryObjectId back
        for name, dn in dns.items():
            cls.ids[name] = cls.ou.read(dn, "msDS-ExternalDirectoryObjectId")[
                "msds-externaldirectoryobjectid"][0].decode()[len("User_"):]
        status, export = cls.emu.ctl("GET", f"/ctim/identities?seed={SEED}&source_domain={DOMAIN}")
        assert status == 200, export
        cls.gt = cls.emu.token("graph")

    @classmethod
    def tearDownClass(cls):
        cls.emu.cleanup()
        cls.ou.cleanup()

    def setUp(self):
        self.emu.ctl("POST", "/faults/migration", {"mode": "none", "delay": 0.3})

    def graph(self, path, **kw):
        return self.emu.graph(path, self.gt, **kw)

    def create(self, resources):
        return self.graph(JOBS, method="POST", body={
            "displayName": "test", "sourceTenantId": "source.onmicrosoft.com", "resources": resources,
            "workloads": ["exchangeOnline"]})

    def validated(self, job_id):
        status, headers, job = self.graph(f"{JOBS}/{job_id}/validate", method="POST")
        self.assertEqual(status, 202, job)
        self.assertEqual(job["status"], "validateInProgress")
        self.assertEqual(headers.get("retry-after"), "1")
        for _ in range(50):
            status, headers, job = self.graph(f"{JOBS}/{job_id}")
            self.assertEqual(status, 200, job)
            if job["status"] != "validateInProgress":
                self.assertNotIn("retry-after", headers)
                return job
            self.assertEqual(headers.get("retry-after"), "1")
            time.sleep(0.1)
        self.fail("validation never finished")

    def tasks(self, job_id):
        out, url = [], f"{JOBS}/{job_id}/users"
        for _ in range(10):
            status, _h, page = self.graph(url)
            self.assertEqual(status, 200, page)
            out += page["value"]
            if "@odata.nextLink" not in page:
                return {t["id"]: t for t in out}
            url = page["@odata.nextLink"][len(self.emu.graph_url):]
        self.fail("too many pages")

    def test_users_are_judged_against_the_source_mailbox(self):
        self.emu.ctl("POST", "/faults/migration", {"user": self.ids["forced"], "code": "SomethingElse",
                                                   "message": "Forced."})
        try:
            status, _h, job = self.create(list(self.ids.values()))
            self.assertEqual(status, 201, job)
            self.assertEqual(job["status"], "submitted")
            self.assertEqual(job["@odata.type"], "#microsoft.graph.crossTenantMigrationJob")
            before = self.tasks(job["id"])
            self.assertEqual({t["currentStatus"][0]["status"] for t in before.values()}, {"notStarted"})
            done = self.validated(job["id"])
            self.assertEqual(done["status"], "validateFailed")
            tasks = self.tasks(job["id"])
        finally:
            self.emu.ctl("POST", "/faults/migration", {"user": self.ids["forced"], "clear": True})
        self.assertEqual(set(tasks), set(self.ids.values()))
        good = tasks[self.ids["good"]]
        self.assertEqual(good["taskType"], "Users")
        self.assertEqual(good["currentStatus"][0]["service"], "exchangeOnline")
        self.assertEqual(good["currentStatus"][0]["status"], "valid")
        self.assertEqual(good["currentStatus"][0]["errors"], [])

        def codes(name):
            s = tasks[self.ids[name]]["currentStatus"][0]
            self.assertEqual(s["status"], "invalid", s)
            return [e["code"] for e in s["errors"]]

        self.assertEqual(codes("badguid"), ["ExchangeGuidMismatch"])
        self.assertEqual(codes("forced"), ["SomethingElse"])
        self.assertEqual(codes("nox500"), ["LegacyExchangeDNMissing", "X500AddressMissing"])
        # validateFailed may be validated again; validatePassed may not
        self.assertEqual(self.validated(job["id"])["status"], "validateFailed")

    def test_a_valid_job_passes_and_cannot_be_validated_again(self):
        _s, _h, job = self.create([self.ids["good"]])
        self.assertEqual(self.validated(job["id"])["status"], "validatePassed")
        status, _h, err = self.graph(f"{JOBS}/{job['id']}/validate", method="POST")
        self.assertEqual(status, 400)
        self.assertEqual(err["error"]["code"], "InvalidJobState")

    def test_tasks_are_paged_and_unknown_users_are_invalid(self):
        unknown = [str(uuid.uuid4()) for _ in range(24)]
        _s, _h, job = self.create([self.ids["good"], *unknown])
        self.validated(job["id"])
        status, _h, page = self.graph(f"{JOBS}/{job['id']}/users")
        self.assertEqual(len(page["value"]), 20)
        self.assertIn("@odata.nextLink", page)
        tasks = self.tasks(job["id"])
        self.assertEqual(len(tasks), 25)
        self.assertEqual(tasks[unknown[0]]["currentStatus"][0]["errors"][0]["code"], "UserNotFound")

    def test_the_knobs_answer_403_and_404_and_jobs_are_recorded(self):
        _s, listing = self.emu.ctl("GET", "/migration/jobs")
        count = len(listing["jobs"])
        self.emu.ctl("POST", "/faults/migration", {"mode": "forbidden"})
        status, _h, err = self.create([self.ids["good"]])
        self.assertEqual(status, 403)
        self.assertEqual(err["error"]["code"], "Authorization_RequestDenied")
        self.emu.ctl("POST", "/faults/migration", {"mode": "not-found"})
        status, _h, err = self.graph(f"{JOBS}/{uuid.uuid4()}")
        self.assertEqual(status, 404)
        self.emu.ctl("POST", "/faults/migration", {"mode": "none"})
        status, _h, err = self.graph(f"{JOBS}/{uuid.uuid4()}")
        self.assertEqual(status, 404)
        self.assertEqual(err["error"]["code"], "Request_ResourceNotFound")
        status, _h, err = self.graph(JOBS, method="POST", body={"displayName": "x", "resources": []})
        self.assertEqual(status, 400)
        _s, listing = self.emu.ctl("GET", "/migration/jobs")
        self.assertEqual(len(listing["jobs"]), count)  # refused calls created nothing
        _s, _h, job = self.create([self.ids["good"]])
        _s, listing = self.emu.ctl("GET", "/migration/jobs")
        self.assertEqual(listing["jobs"][-1]["id"], job["id"])
        self.assertEqual(listing["jobs"][-1]["validations"], 0)


if __name__ == "__main__":
    unittest.main()
