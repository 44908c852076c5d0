"""Entra Connect simulation against the real lab AD: anchors and writeback, change flow, duplicate proxy
provisioning errors, lagging users, deletion, licensed-too-early, persistence (needs the lab)."""

import base64
import os
import tempfile
import unittest
import urllib.parse
import uuid

import harness


class SyncTest(unittest.TestCase):
    """Each test has its own OU and emulator, so the cycles of one test do not disturb another."""

    def setUp(self):
        self.ou = harness.LabOu("t-emu-sync")
        self.tag = uuid.uuid4().hex[:6]
        self.emu = None

    def tearDown(self):
        if self.emu:
            self.emu.cleanup()
        self.ou.cleanup()

    def start(self, *extra):
        self.emu = harness.Emulator(*harness.lab_emulator_args(self.ou.dn, *extra)).start()
        self.gt, self.xt = self.emu.token("graph"), self.emu.token("exo")

    def user(self, name, **attrs):
        sam = f"{name}-{self.tag}"
        base = {"sAMAccountName": sam, "userPrincipalName": f"{sam}@lab.example",
                "proxyAddresses": [f"SMTP:{sam}@lab.example"], "targetAddress": f"SMTP:{sam}@source.example"}
        base.update(attrs)
        return self.ou.add_user(name, **{k: v for k, v in base.items() if v is not None})

    def cloud(self, upn, select="id,onPremisesImmutableId,onPremisesProvisioningErrors,proxyAddresses,"
                                "onPremisesLastSyncDateTime,userPrincipalName,assignedLicenses"):
        status, _h, body = self.emu.graph(f"/v1.0/users/{urllib.parse.quote(upn)}?$select={select}", self.gt)
        return body if status == 200 else None

    def mailuser(self, ident, cmdlet="Get-MailUser"):
        status, _h, body = self.emu.exo(cmdlet, {"Identity": ident}, self.xt)
        return body["value"][0] if status == 200 else None

    def test_immutable_id_writeback_and_stable_ids(self):
        preset = uuid.uuid4()
        a = self.user("anchor-objguid")
        b = self.user("anchor-consistency", **{"mS-DS-ConsistencyGuid": preset.bytes_le})
        self.start()
        first = self.emu.sync()
        self.assertEqual((first["created"], first["writebacks"]), (2, 2))
        ad_a = self.ou.read(a, "objectGUID", "mS-DS-ConsistencyGuid", "msDS-ExternalDirectoryObjectId")
        cloud_a = self.cloud(f"anchor-objguid-{self.tag}@lab.example")
        self.assertEqual(cloud_a["onPremisesImmutableId"], base64.b64encode(ad_a["objectguid"][0]).decode())
        # Entra Connect seeds ms-DS-ConsistencyGuid from objectGUID, Exchange hybrid writes the object id back.
        self.assertEqual(ad_a["ms-ds-consistencyguid"], ad_a["objectguid"])
        self.assertEqual(ad_a["msds-externaldirectoryobjectid"], [f"User_{cloud_a['id']}".encode()])
        cloud_b = self.cloud(f"anchor-consistency-{self.tag}@lab.example")
        self.assertEqual(cloud_b["onPremisesImmutableId"], base64.b64encode(preset.bytes_le).decode())
        self.assertEqual(self.ou.read(b, "mS-DS-ConsistencyGuid")["ms-ds-consistencyguid"], [preset.bytes_le])
        second = self.emu.sync()
        self.assertEqual((second["created"], second["updated"], second["unchanged"], second["writebacks"]),
                         (0, 0, 2, 0))
        # ids survive a restart (persisted in the state directory)
        self.emu.stop()
        self.emu.start()
        self.gt = self.emu.token("graph")
        self.emu.sync()
        self.assertEqual(self.cloud(f"anchor-objguid-{self.tag}@lab.example")["id"], cloud_a["id"])

    def test_ad_changes_reach_graph_and_exo_in_the_next_cycle(self):
        dn = self.user("changer")
        self.start()
        self.emu.sync()
        upn = f"changer-{self.tag}@lab.example"
        before = self.cloud(upn)
        self.assertEqual(self.mailuser(upn)["ExchangeGuid"], "00000000-0000-0000-0000-000000000000")
        guid, archive = uuid.uuid4(), uuid.uuid4()
        x500 = "X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=abc-x"
        self.ou.modify(dn, "replace", "msExchMailboxGuid", [guid.bytes_le])
        self.ou.modify(dn, "replace", "msExchArchiveGUID", [archive.bytes_le])
        self.ou.modify(dn, "add", "proxyAddresses", [x500])
        result = self.emu.sync()
        self.assertEqual(result["updated"], 1)
        m = self.mailuser(upn)
        self.assertEqual((m["ExchangeGuid"], m["ArchiveGuid"]), (str(guid), str(archive)))
        self.assertIn(x500, m["EmailAddresses"])
        after = self.cloud(upn)
        self.assertIn(x500, after["proxyAddresses"])
        self.assertGreaterEqual(after["onPremisesLastSyncDateTime"], before["onPremisesLastSyncDateTime"])

    def test_duplicate_proxy_is_a_provisioning_error_on_the_later_object(self):
        shared = f"smtp:shared-{self.tag}@lab.example"
        self.user("first", proxyAddresses=[f"SMTP:first-{self.tag}@lab.example", shared])
        self.start()
        self.emu.sync()
        later = self.user("later", proxyAddresses=[f"SMTP:later-{self.tag}@lab.example", shared.upper()])
        result = self.emu.sync()
        self.assertEqual(result["conflicts"], 1)
        first = self.cloud(f"first-{self.tag}@lab.example")
        self.assertEqual(first["onPremisesProvisioningErrors"], [])
        self.assertIn(shared, first["proxyAddresses"])
        second = self.cloud(f"later-{self.tag}@lab.example")
        errors = second["onPremisesProvisioningErrors"]
        self.assertEqual(len(errors), 1)
        self.assertEqual({k: errors[0][k] for k in ("category", "propertyCausingError", "value")},
                         {"category": "PropertyConflict", "propertyCausingError": "ProxyAddress",
                          "value": shared.upper()})
        self.assertRegex(errors[0]["occurredDateTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(second["proxyAddresses"], [f"SMTP:later-{self.tag}@lab.example"])

        # While the conflict lasts, the object's other changes are held back too; the error date is stable.
        guid = uuid.uuid4()
        self.ou.modify(later, "replace", "msExchMailboxGuid", [guid.bytes_le])
        self.emu.sync()
        upn = f"later-{self.tag}@lab.example"
        self.assertEqual(self.mailuser(upn)["ExchangeGuid"], "00000000-0000-0000-0000-000000000000")
        self.assertEqual(self.cloud(upn)["onPremisesProvisioningErrors"], errors)
        # Resolved on-prem: the change flows and the error clears.
        self.ou.modify(later, "delete", "proxyAddresses", [shared.upper()])
        self.emu.sync()
        self.assertEqual(self.mailuser(upn)["ExchangeGuid"], str(guid))
        self.assertEqual(self.cloud(upn)["onPremisesProvisioningErrors"], [])

    def test_lagging_user_gets_its_changes_k_cycles_late(self):
        slow = self.user("slow")
        fast = self.user("fast")
        self.start()
        self.emu.sync()
        status, _f = self.emu.ctl("POST", "/faults/lag", {"user": f"slow-{self.tag}", "cycles": 2})
        self.assertEqual(status, 200)
        g1, g2 = uuid.uuid4(), uuid.uuid4()
        self.ou.modify(slow, "replace", "msExchMailboxGuid", [g1.bytes_le])
        self.ou.modify(fast, "replace", "msExchMailboxGuid", [g2.bytes_le])
        seen = []
        for _ in range(3):
            self.emu.sync()
            seen.append(self.mailuser(f"slow-{self.tag}@lab.example")["ExchangeGuid"])
            self.assertEqual(self.mailuser(f"fast-{self.tag}@lab.example")["ExchangeGuid"], str(g2))
        zero = "00000000-0000-0000-0000-000000000000"
        self.assertEqual(seen, [zero, zero, str(g1)])

    def test_deleted_ad_user_disappears_from_graph_and_exo(self):
        dn = self.user("leaver")
        self.start()
        self.emu.sync()
        upn = f"leaver-{self.tag}@lab.example"
        self.assertIsNotNone(self.mailuser(upn))
        self.ou.delete(dn)
        self.assertEqual(self.emu.sync()["deleted"], 1)
        self.assertIsNone(self.cloud(upn))
        self.assertIsNone(self.mailuser(upn))

    def test_licensed_too_early_shows_a_user_mailbox_with_another_exchange_guid(self):
        dn = self.user("early")
        self.start()
        self.emu.sync()
        upn = f"early-{self.tag}@lab.example"
        written = uuid.uuid4()
        self.ou.modify(dn, "replace", "msExchMailboxGuid", [written.bytes_le])
        status, _f = self.emu.ctl("POST", "/faults/licensed-early", {"user": upn})
        self.assertEqual(status, 200)
        self.emu.sync()
        self.assertIsNone(self.mailuser(upn))  # Get-MailUser does not return mailboxes
        box = self.mailuser(upn, "Get-Recipient")
        self.assertEqual(box["RecipientTypeDetails"], "UserMailbox")
        self.assertNotEqual(box["ExchangeGuid"], str(written))
        self.assertEqual(self.mailuser(upn, "Get-Mailbox")["ExchangeGuid"], box["ExchangeGuid"])
        self.assertEqual(len(self.cloud(upn)["assignedLicenses"]), 1)
        pinned = str(uuid.uuid4())
        self.emu.ctl("POST", "/faults/licensed-early", {"user": upn, "exchange_guid": pinned, "mailuser_view": True})
        viewed = self.mailuser(upn)
        self.assertEqual((viewed["RecipientTypeDetails"], viewed["ExchangeGuid"]), ("UserMailbox", pinned))
        self.emu.ctl("POST", "/faults/licensed-early", {"user": upn, "enabled": False})
        self.assertEqual(self.mailuser(upn)["ExchangeGuid"], str(written))

    def test_x500_writeback_option_adds_the_cloud_legacy_dn(self):
        dn = self.user("hybrid")
        self.start("--writeback-x500")
        self.emu.sync()
        m = self.mailuser(f"hybrid-{self.tag}@lab.example")
        x500 = "X500:" + m["LegacyExchangeDN"]
        self.assertIn(x500, m["EmailAddresses"])
        self.assertIn(x500.encode(), self.ou.read(dn, "proxyAddresses")["proxyaddresses"])

    def test_unreadable_ad_fails_the_cycle_and_keeps_the_last_sync_time(self):
        self.user("any")
        fd, bad = tempfile.mkstemp(prefix="wrong-pass-")
        with os.fdopen(fd, "w") as f:
            f.write("wrong password")
        try:
            args = harness.lab_emulator_args(self.ou.dn)
            args[args.index("--bind-password-file") + 1] = bad
            self.emu = harness.Emulator(*args).start()
            status, body = self.emu.ctl("POST", "/sync")
            self.assertEqual(status, 502)
            self.assertIn("Invalid credentials", body["error"])
            st = self.emu.ctl("GET", "/status")[1]
            self.assertIsNone(st["last_sync"])
            self.assertEqual(st["last_error"]["error"], body["error"])
        finally:
            os.remove(bad)


if __name__ == "__main__":
    unittest.main()
