"""Graph and EXO answers for users synced from the real lab AD (needs the lab: CTIM_LAB_* variables)."""

import base64
import struct
import unittest
import urllib.parse
import uuid

import harness

# Fact sheet 2.3 worked example: AD bytes (base64) -> GUID text.
MAILBOX_B64, MAILBOX_GUID = "x1nAHpaDC02vTta9TBKo2A==", "1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8"
ARCHIVE_B64, ARCHIVE_GUID = "+klu7DM5yE+9tOs6MuGxsw==", "ec6e49fa-3933-4fc8-bdb4-eb3a32e1b1b3"
ZERO = "00000000-0000-0000-0000-000000000000"
BULK = 20
ISO = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"


def sid_text(raw):  # independent of the emulator's own conversion
    n = raw[1]
    return "S-%d-%d-" % (raw[0], int.from_bytes(raw[2:8], "big")) + "-".join(
        str(x) for x in struct.unpack("<%dI" % n, raw[8:8 + 4 * n]))


class GraphExoTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ou = harness.LabOu("t-emu-api")
        t = cls.ou.dn.split(",")[0][-8:-2]
        cls.tag = t
        cls.alice = cls.ou.add_user(
            "Alice Example", sAMAccountName=f"alice-{t}", userPrincipalName=f"alice-{t}@lab.example",
            mail=f"alice-{t}@lab.example", mailNickname=f"alice-{t}", displayName="Alice Example",
            proxyAddresses=[f"SMTP:alice-{t}@lab.example", f"smtp:alice-{t}@ctimemu.mail.onmicrosoft.com",
                            "X500:/o=Old Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=al"],
            targetAddress=f"SMTP:alice-{t}@source.example", msExchMailboxGuid=base64.b64decode(MAILBOX_B64),
            msExchArchiveGUID=base64.b64decode(ARCHIVE_B64))
        cls.bob = cls.ou.add_user("Bob", sAMAccountName=f"bob-{t}", userPrincipalName=f"bob-{t}@lab.example",
                                  proxyAddresses=[f"SMTP:bob-{t}@lab.example"],
                                  targetAddress=f"SMTP:bob-{t}@source.example")
        cls.carol = cls.ou.add_user("Carol", sAMAccountName=f"carol-{t}", userPrincipalName=f"carol-{t}@lab.example")
        for i in range(BULK):
            cls.ou.add_user(f"Bulk {i:02d}", sAMAccountName=f"bulk{i:02d}-{t}",
                            userPrincipalName=f"bulk{i:02d}-{t}@lab.example",
                            proxyAddresses=[f"SMTP:bulk{i:02d}-{t}@lab.example"],
                            targetAddress=f"SMTP:bulk{i:02d}-{t}@source.example")
        cls.emu = harness.Emulator(*harness.lab_emulator_args(cls.ou.dn)).start()
        cls.cycle = cls.emu.sync()
        cls.gt = cls.emu.token("graph")
        cls.xt = cls.emu.token("exo")
        cls.alice_ad = cls.ou.read(cls.alice, "objectGUID", "objectSid", "msDS-ExternalDirectoryObjectId")
        cls.alice_id = cls.alice_ad["msds-externaldirectoryobjectid"][0].decode()[len("User_"):]

    @classmethod
    def tearDownClass(cls):
        cls.emu.cleanup()
        cls.ou.cleanup()

    def graph(self, path, **kw):
        return self.emu.graph(path, self.gt, **kw)

    def exo(self, cmdlet, params, **kw):
        return self.emu.exo(cmdlet, params, self.xt, **kw)

    # --- Graph --------------------------------------------------------------------------------
    def test_cycle_synced_every_user_in_scope(self):
        self.assertEqual(self.cycle["ad_users"], BULK + 3)
        self.assertEqual(self.cycle["created"], BULK + 3)

    def test_user_by_id_with_select_has_exactly_the_selected_properties(self):
        sel = ("id,onPremisesSyncEnabled,onPremisesImmutableId,onPremisesSecurityIdentifier,"
               "onPremisesDistinguishedName,onPremisesSamAccountName,onPremisesUserPrincipalName,"
               "onPremisesLastSyncDateTime,onPremisesProvisioningErrors,proxyAddresses,mail,userPrincipalName,"
               "assignedLicenses")
        status, headers, u = self.graph(f"/v1.0/users/{self.alice_id}?$select={sel}")
        self.assertEqual(status, 200, u)
        self.assertTrue(headers["content-type"].startswith("application/json"))
        self.assertEqual(set(u), set(sel.split(",")) | {"@odata.context"})
        self.assertTrue(u["@odata.context"].endswith(f"/v1.0/$metadata#users({sel})/$entity"))
        self.assertEqual(u["id"], self.alice_id)
        self.assertIs(u["onPremisesSyncEnabled"], True)
        self.assertEqual(u["onPremisesImmutableId"], base64.b64encode(self.alice_ad["objectguid"][0]).decode())
        self.assertEqual(u["onPremisesSecurityIdentifier"], sid_text(self.alice_ad["objectsid"][0]))
        self.assertEqual(u["onPremisesDistinguishedName"], self.alice)
        self.assertEqual(u["onPremisesSamAccountName"], f"alice-{self.tag}")
        self.assertEqual(u["onPremisesUserPrincipalName"], f"alice-{self.tag}@lab.example")
        self.assertEqual(u["userPrincipalName"], f"alice-{self.tag}@lab.example")
        self.assertEqual(u["mail"], f"alice-{self.tag}@lab.example")
        self.assertRegex(u["onPremisesLastSyncDateTime"], ISO)
        self.assertEqual(u["onPremisesProvisioningErrors"], [])
        self.assertEqual(u["assignedLicenses"], [])
        self.assertEqual(len(u["proxyAddresses"]), 3)

    def test_service_provisioning_errors_is_a_selectable_user_property(self):
        # A real v1.0 user property (Exchange provisioning errors); the agent selects it with the others.
        status, _h, u = self.graph(f"/v1.0/users/{self.alice_id}?$select=id,serviceProvisioningErrors")
        self.assertEqual(status, 200, u)
        self.assertEqual(u["serviceProvisioningErrors"], [])

    def test_user_by_upn_and_default_properties(self):
        status, _h, u = self.graph(f"/v1.0/users/{urllib.parse.quote(f'alice-{self.tag}@lab.example')}")
        self.assertEqual(status, 200, u)
        self.assertEqual(u["id"], self.alice_id)
        self.assertEqual(set(u) - {"@odata.context"},
                         {"businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
                          "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id"})

    def test_unknown_user_is_request_resource_not_found(self):
        status, headers, body = self.graph(f"/v1.0/users/{uuid.uuid4()}?$select=id",
                                           headers={"client-request-id": "abc-123"})
        self.assertEqual(status, 404)
        self.assertEqual(body["error"]["code"], "Request_ResourceNotFound")
        self.assertIn("does not exist", body["error"]["message"])
        inner = body["error"]["innerError"]
        self.assertEqual(inner["client-request-id"], "abc-123")
        self.assertEqual(inner["request-id"], headers["request-id"])
        self.assertRegex(inner["date"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")

    def test_unknown_select_property_is_bad_request(self):
        status, _h, body = self.graph(f"/v1.0/users/{self.alice_id}?$select=id,exchangeGuid")
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["code"], "Request_BadRequest")
        self.assertIn("'exchangeGuid'", body["error"]["message"])

    def all_ids(self):
        ids, url = [], "/v1.0/users?$select=id&$top=999"
        status, _h, body = self.graph(url)
        self.assertEqual(status, 200)
        return [u["id"] for u in body["value"]]

    def test_filter_id_in_accepts_15_and_refuses_16(self):
        ids = self.all_ids()
        self.assertEqual(len(ids), BULK + 3)
        in15 = ",".join(f"'{i}'" for i in ids[:15])
        status, _h, body = self.graph(f"/v1.0/users?$filter=id in ({in15})&$select=id,onPremisesImmutableId")
        self.assertEqual(status, 200, body)
        self.assertEqual(sorted(u["id"] for u in body["value"]), sorted(ids[:15]))
        for u in body["value"]:  # the selected properties and the type annotation (doc/cloud-api.md)
            self.assertEqual(set(u), {"@odata.type", "id", "onPremisesImmutableId"})
            self.assertEqual(u["@odata.type"], "#microsoft.graph.user")
        self.assertNotIn("@odata.nextLink", body)
        in16 = ",".join(f"'{i}'" for i in ids[:16])
        status, _h, body = self.graph(f"/v1.0/users?$filter=id in ({in16})&$select=id")
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["code"], "Request_UnsupportedQuery")
        self.assertIn("Max allowed: 15", body["error"]["message"])

    def test_filter_rejects_malformed_ids_and_unsupported_properties(self):
        status, _h, body = self.graph("/v1.0/users?$filter=id in ('not-a-guid')")
        self.assertEqual((status, body["error"]["code"]), (400, "Request_BadRequest"))
        status, _h, body = self.graph("/v1.0/users?$filter=city eq 'x'")
        self.assertEqual((status, body["error"]["code"]), (400, "Request_UnsupportedQuery"))

    def test_filter_on_proxy_addresses_is_case_insensitive(self):
        q = urllib.parse.quote("proxyAddresses/any(p:p eq 'x500:/o=OLD ORG/ou=Exchange Administrative Group "
                               "(FYDIBOHF23SPDLT)/cn=Recipients/cn=al')")
        status, _h, body = self.graph(f"/v1.0/users?$filter={q}&$select=id")
        self.assertEqual(status, 200, body)
        self.assertEqual([u["id"] for u in body["value"]], [self.alice_id])

    def test_paging_with_top_follows_next_link_to_every_user_once(self):
        seen, url, pages = [], f"{self.emu.graph_url}/v1.0/users?$select=id,mail&$top=5", 0
        while url and pages < 20:
            status, _h, body = self.emu.http("GET", url, headers={"Authorization": f"Bearer {self.gt}"})
            self.assertEqual(status, 200, body)
            self.assertLessEqual(len(body["value"]), 5)
            seen += [u["id"] for u in body["value"]]
            url = body.get("@odata.nextLink")
            pages += 1
        self.assertEqual(pages, 5)
        self.assertEqual(len(seen), BULK + 3)
        self.assertEqual(len(set(seen)), BULK + 3)
        status, _h, body = self.graph("/v1.0/users?$top=1000")
        self.assertEqual(status, 400)

    def test_batch_of_20_answers_every_request_and_21_is_refused(self):
        ids = self.all_ids()
        reqs = [{"id": str(n), "method": "GET", "url": f"/users/{ids[n]}?$select=id"} for n in range(20)]
        status, _h, body = self.graph("/v1.0/$batch", method="POST", body={"requests": reqs})
        self.assertEqual(status, 200, body)
        self.assertEqual(sorted(r["id"] for r in body["responses"]), sorted(str(n) for n in range(20)))
        for r in body["responses"]:
            self.assertEqual(r["status"], 200)
            self.assertEqual(r["body"]["id"], ids[int(r["id"])])
        reqs.append({"id": "20", "method": "GET", "url": "/organization"})
        status, _h, body = self.graph("/v1.0/$batch", method="POST", body={"requests": reqs})
        self.assertEqual((status, body["error"]["code"]), (400, "BadRequest"))

    def test_batch_of_filters_resolves_300_ids_in_one_call(self):
        ids = self.all_ids()
        groups = [ids[i:i + 15] for i in range(0, len(ids), 15)]
        reqs = [{"id": str(n), "method": "GET",
                 "url": "/users?$filter=id in (" + ",".join(f"'{i}'" for i in g) + ")&$select=id,onPremisesImmutableId"}
                for n, g in enumerate(groups)]
        status, _h, body = self.graph("/v1.0/$batch", method="POST", body={"requests": reqs})
        self.assertEqual(status, 200)
        found = [u["id"] for r in body["responses"] for u in r["body"]["value"]]
        self.assertEqual(sorted(found), sorted(ids))

    def test_get_by_ids(self):
        status, _h, body = self.graph("/v1.0/directoryObjects/getByIds?$select=id,onPremisesImmutableId",
                                      method="POST", body={"ids": [self.alice_id, str(uuid.uuid4())],
                                                           "types": ["user"]})
        self.assertEqual(status, 200, body)
        self.assertEqual([(v["@odata.type"], v["id"]) for v in body["value"]], [("#microsoft.graph.user",
                                                                                   self.alice_id)])

    def test_organization_reports_the_last_sync(self):
        status, _h, body = self.graph("/v1.0/organization?$select=onPremisesSyncEnabled,onPremisesLastSyncDateTime")
        self.assertEqual(status, 200)
        self.assertEqual(body["value"], [{"onPremisesSyncEnabled": True,
                                          "onPremisesLastSyncDateTime": self.cycle["finished"]}])

    # --- EXO ----------------------------------------------------------------------------------
    def test_get_mailuser_by_object_id_upn_and_smtp_returns_the_same_mailuser(self):
        for ident in (self.alice_id, self.alice_id.upper(), f"alice-{self.tag}@lab.example",
                      f"ALICE-{self.tag}@ctimemu.mail.onmicrosoft.com"):
            with self.subTest(identity=ident):
                status, _h, body = self.exo("Get-MailUser", {"Identity": ident})
                self.assertEqual(status, 200, body)
                self.assertEqual([v["ExternalDirectoryObjectId"] for v in body["value"]], [self.alice_id])

    def test_mailuser_values_come_from_ad_in_powershell_shapes(self):
        status, _h, body = self.exo("Get-MailUser", {"Identity": self.alice_id})
        m = body["value"][0]
        self.assertTrue(body["@odata.context"].endswith("$metadata#Collection(Exchange.GenericHashTable)"))
        self.assertEqual(m["ExchangeGuid"], MAILBOX_GUID)
        self.assertEqual(m["ArchiveGuid"], ARCHIVE_GUID)
        self.assertEqual(m["EmailAddresses"], [f"SMTP:alice-{self.tag}@lab.example",
                                               f"smtp:alice-{self.tag}@ctimemu.mail.onmicrosoft.com",
                                               "X500:/o=Old Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)"
                                               "/cn=Recipients/cn=al"])
        self.assertEqual(m["ExternalEmailAddress"], f"SMTP:alice-{self.tag}@source.example")
        self.assertEqual(m["PrimarySmtpAddress"], f"alice-{self.tag}@lab.example")
        self.assertEqual(m["RecipientTypeDetails"], "MailUser")
        self.assertIs(m["IsDirSynced"], True)
        self.assertRegex(m["WhenChanged"], ISO)
        self.assertEqual((m["Name"], m["Identity"]), ("Alice Example", "Alice Example"))
        self.assertTrue(m["LegacyExchangeDN"].startswith("/o=ExchangeLabs/ou=Exchange Administrative Group "
                                                         "(FYDIBOHF23SPDLT)/cn=Recipients/cn="))
        status, _h, body = self.exo("Get-MailUser", {"Identity": f"bob-{self.tag}@lab.example"})
        self.assertEqual((body["value"][0]["ExchangeGuid"], body["value"][0]["ArchiveGuid"]), (ZERO, ZERO))

    def test_select_limits_the_properties(self):
        status, _h, body = self.exo("Get-MailUser", {"Identity": self.alice_id},
                                    select="ExchangeGuid,EmailAddresses")
        self.assertEqual(status, 200)
        self.assertEqual(set(body["value"][0]), {"ExchangeGuid", "EmailAddresses", "EmailAddresses@odata.type"})

    def test_user_without_mail_attributes_is_not_a_mailuser(self):
        status, _h, body = self.graph(f"/v1.0/users/{urllib.parse.quote(f'carol-{self.tag}@lab.example')}")
        self.assertEqual(status, 200)
        status, _h, body = self.exo("Get-MailUser", {"Identity": f"carol-{self.tag}@lab.example"})
        self.assertEqual(status, 404)
        err = body["error"]
        self.assertEqual(err["code"], "NotFound")
        self.assertIn("couldn't be found", err["message"])
        self.assertEqual(set(err), {"code", "message", "details", "innererror"})
        self.assertIn("message", err["details"][0])
        self.assertIn("message", err["innererror"]["internalException"])

    def test_bulk_paging_honours_maxpagesize_and_next_link_with_the_same_body(self):
        params = {"ResultSize": "Unlimited", "Filter": "IsDirSynced -eq $true"}
        prefer = {"Prefer": "odata.maxpagesize=7"}
        status, headers, body = self.exo("Get-MailUser", params, select="ExternalDirectoryObjectId,ExchangeGuid",
                                         headers=prefer)
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("preference-applied"), "odata.maxpagesize=7")
        seen, pages = [v["ExternalDirectoryObjectId"] for v in body["value"]], 1
        while "@odata.nextLink" in body and pages < 20:
            status, _h, body = self.exo("Get-MailUser", params, headers=prefer, url=body["@odata.nextLink"])
            self.assertEqual(status, 200, body)
            self.assertEqual(set(body["value"][0]), {"ExternalDirectoryObjectId", "ExchangeGuid"})
            seen += [v["ExternalDirectoryObjectId"] for v in body["value"]]
            pages += 1
        self.assertEqual(len(seen), BULK + 2)  # carol is not mail-enabled
        self.assertEqual(len(set(seen)), BULK + 2)
        self.assertEqual(pages, 4)

    def test_next_link_with_another_body_is_refused(self):
        status, _h, body = self.exo("Get-MailUser", {"ResultSize": "Unlimited"},
                                    headers={"Prefer": "odata.maxpagesize=5"})
        status, _h, body = self.exo("Get-MailUser", {"ResultSize": "Unlimited", "Filter": "Name -like 'B*'"},
                                    url=body["@odata.nextLink"])
        self.assertEqual(status, 400)

    def test_filters_and_result_size(self):
        status, _h, body = self.exo("Get-MailUser", {"ResultSize": 3})
        self.assertEqual((status, len(body["value"]), "@odata.nextLink" in body), (200, 3, False))
        status, _h, body = self.exo("Get-MailUser", {"ResultSize": "Unlimited",
                                                     "Filter": f"ExternalDirectoryObjectId -eq '{self.alice_id}'"})
        self.assertEqual([v["Name"] for v in body["value"]], ["Alice Example"])
        status, _h, body = self.exo("Get-MailUser", {"ResultSize": "Unlimited", "Filter": "Name -like 'bulk 1*'"})
        self.assertEqual(len(body["value"]), 10)
        status, _h, body = self.exo("Get-MailUser", {"Filter": "NoSuchProperty -eq 1"})
        self.assertEqual(status, 400)

    def test_unknown_parameter_and_cmdlet_are_refused(self):
        status, _h, body = self.exo("Get-MailUser", {"Identity": self.alice_id, "Bogus": 1})
        self.assertEqual(status, 400)
        self.assertIn("'Bogus'", body["error"]["message"])
        status, _h, body = self.exo("Set-MailUser", {"Identity": self.alice_id})
        self.assertEqual(status, 400)

    def test_exo_batch(self):
        url = f"{self.emu.exo_url}/adminapi/beta/{self.emu.reg['tenant_id']}/InvokeCommand?$select=ExchangeGuid"
        reqs = [{"id": str(uuid.uuid4()), "method": "POST", "url": url, "headers": {"X-CmdletName": "Get-MailUser"},
                 "body": {"CmdletInput": {"CmdletName": "Get-MailUser", "Parameters": {"Identity": ident}}}}
                for ident in (self.alice_id, "nobody@nowhere.example")]
        batch_url = f"{self.emu.exo_url}/adminapi/beta/{self.emu.reg['tenant_id']}/$batch"
        status, _h, body = self.emu.http("POST", batch_url, body={"requests": reqs},
                                         headers={"Authorization": f"Bearer {self.xt}"})
        self.assertEqual(status, 200, body)
        by_id = {r["id"]: r for r in body["responses"]}
        self.assertEqual(by_id[reqs[0]["id"]]["body"]["value"], [{"ExchangeGuid": MAILBOX_GUID}])
        self.assertEqual(by_id[reqs[1]["id"]]["status"], 404)
        status, _h, body = self.emu.http("POST", batch_url, body={"requests": reqs * 6},
                                         headers={"Authorization": f"Bearer {self.xt}"})
        self.assertEqual(status, 400)


if __name__ == "__main__":
    unittest.main()
