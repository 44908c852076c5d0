"""The CTIM identities file the emulator exports: layout, RFC 4180 quoting, determinism, the mapping to
target users by cloud id, and the deliberately bad rows (the mapping test needs the lab)."""

import csv
import io
import os
import re
import subprocess
import unittest
import uuid

import harness
from cloudemu import ctim_export

HEADER = ("SourceExternalDirectoryObjectId,SourceUserPrincipalName,PrimarySmtpAddress,ExchangeGuid,ArchiveGuid,"
          "LegacyExchangeDN,EmailAddresses,TargetExternalDirectoryObjectId,MigrationStatus")
LEGACY = re.compile(r"^/o=ExchangeLabs/ou=Exchange Administrative Group \(FYDIBOHF23SPDLT\)/cn=Recipients/"
                    r"cn=[0-9a-f]{32}-[A-Za-z0-9._-]+$")
ZERO = "00000000-0000-0000-0000-000000000000"


def records(n):
    return [{"id": str(uuid.UUID(int=i + 1)), "target_address": f"SMTP:person{i:03d}@source.example"}
            for i in range(n)]


def parse(text):
    return list(csv.DictReader(io.StringIO(text, newline="")))


class CtimFileShapeTest(unittest.TestCase):
    """Pure: no emulator process, no lab."""

    def test_header_line_endings_and_round_trip(self):
        rows = ctim_export.build_rows(records(40), seed=7)
        text = ctim_export.to_csv(rows)
        self.assertTrue(text.startswith(HEADER + "\r\n"))
        self.assertNotIn("\n", text.replace("\r\n", ""))
        self.assertFalse(text.startswith("\ufeff"))
        back = parse(text)
        self.assertEqual(len(back), 40)
        self.assertEqual(back, [{h: r[h] for h in ctim_export.HEADER} for r in rows])

    def test_values_have_the_documented_shapes(self):
        rows = parse(ctim_export.to_csv(ctim_export.build_rows(records(60), seed=3)))
        archives = 0
        for r in rows:
            with self.subTest(row=r["PrimarySmtpAddress"]):
                uuid.UUID(r["SourceExternalDirectoryObjectId"])
                self.assertNotEqual(r["ExchangeGuid"], ZERO)
                uuid.UUID(r["ExchangeGuid"])
                archives += r["ArchiveGuid"] != ZERO
                self.assertRegex(r["LegacyExchangeDN"], LEGACY)
                emails = r["EmailAddresses"].split(";")
                self.assertEqual(emails[0], "SMTP:" + r["PrimarySmtpAddress"])
                self.assertTrue(all(e.split(":", 1)[0] in ("SMTP", "smtp", "X500", "SIP") for e in emails))
                self.assertTrue(1 <= sum(e.startswith("X500:") for e in emails) <= 3)
                self.assertTrue(all(e.endswith("@source.example") for e in emails if e.lower().startswith("smtp:")))
                self.assertEqual(r["MigrationStatus"], "Mapped")
                self.assertTrue(r["SourceUserPrincipalName"].endswith("@source.example"))
        self.assertTrue(10 < archives < 50, archives)  # about half have an archive

    def test_values_with_commas_are_quoted(self):
        text = ctim_export.to_csv(ctim_export.build_rows(records(30), seed=1))
        quoted = [line for line in text.split("\r\n") if ", " in line]
        self.assertTrue(quoted)
        for line in quoted:
            self.assertRegex(line, r',"[^"]*, [^"]*",')

    def test_same_seed_same_file_other_seed_other_guids(self):
        a = ctim_export.to_csv(ctim_export.build_rows(records(10), seed=5))
        self.assertEqual(a, ctim_export.to_csv(ctim_export.build_rows(records(10), seed=5)))
        b = parse(ctim_export.to_csv(ctim_export.build_rows(records(10), seed=6)))
        self.assertTrue(all(x["ExchangeGuid"] != y["ExchangeGuid"] for x, y in zip(parse(a), b)))

    def test_bad_rows_are_spoiled_deterministically_and_listed(self):
        rows = ctim_export.build_rows(records(10), seed=1)
        good = [dict(r) for r in rows]
        bad = ctim_export.spoil(rows, seed=1)
        self.assertEqual(sorted(b["kind"] for b in bad), sorted(ctim_export.BAD_KINDS))
        kinds = {b["kind"]: rows[b["row"] - 1] for b in bad}
        self.assertEqual(kinds["zero-exchange-guid"]["ExchangeGuid"], ZERO)
        self.assertFalse(kinds["legacy-dn-without-o"]["LegacyExchangeDN"].startswith("/o="))
        self.assertEqual(kinds["unmapped"]["TargetExternalDirectoryObjectId"], "")
        self.assertNotIn(kinds["unknown-target"]["TargetExternalDirectoryObjectId"], {r["id"] for r in records(10)})
        self.assertEqual(kinds["malformed-exchange-guid"]["ExchangeGuid"], "not-a-guid")
        self.assertIn("X500:" + rows[0]["LegacyExchangeDN"], kinds["duplicate-x500"]["EmailAddresses"])
        self.assertEqual(rows[0], good[0])
        self.assertEqual(sum(r != g for r, g in zip(rows, good)), len(ctim_export.BAD_KINDS))


class CtimExportFromLabTest(unittest.TestCase):
    """Rows map source mailboxes to the lab's target users by their cloud ids (needs the lab)."""

    @classmethod
    def setUpClass(cls):
        cls.ou = harness.LabOu("t-emu-ctim")
        t = uuid.uuid4().hex[:6]
        cls.n = 8
        for i in range(cls.n):
            cls.ou.add_user(f"Target {i}", sAMAccountName=f"tgt{i}-{t}", userPrincipalName=f"tgt{i}-{t}@lab.example",
                            proxyAddresses=[f"SMTP:tgt{i}-{t}@lab.example"],
                            targetAddress=f"SMTP:src{i}-{t}@source.example")
        cls.ou.add_user("No Target Address", sAMAccountName=f"none-{t}", proxyAddresses=[f"SMTP:none-{t}@lab.example"])
        cls.emu = harness.Emulator(*harness.lab_emulator_args(cls.ou.dn)).start()
        cls.emu.sync()
        cls.xt = cls.emu.token("exo")

    @classmethod
    def tearDownClass(cls):
        cls.emu.cleanup()
        cls.ou.cleanup()

    def test_each_row_maps_to_the_mailuser_whose_external_address_is_the_source_primary(self):
        status, headers, text = self.emu.http("GET", self.emu.endpoints["control_url"] + "/ctim/identities.csv?seed=9")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/csv"))
        rows = parse(text)
        self.assertEqual(len(rows), self.n)
        for r in rows:
            with self.subTest(row=r["PrimarySmtpAddress"]):
                status, _h, body = self.emu.exo("Get-MailUser", {"Identity": r["TargetExternalDirectoryObjectId"]},
                                                self.xt, select="ExternalEmailAddress")
                self.assertEqual(status, 200, body)
                self.assertEqual(body["value"][0]["ExternalEmailAddress"], "SMTP:" + r["PrimarySmtpAddress"])
        again = self.emu.http("GET", self.emu.endpoints["control_url"] + "/ctim/identities.csv?seed=9")[2]
        self.assertEqual(again, text)

    def test_cli_writes_the_file_and_lists_bad_rows(self):
        out = os.path.join(self.emu.state, "ids.csv")
        res = subprocess.run([harness.PYTHON, harness.EMULATOR, "ctim-export", out, "--seed", "9", "--bad",
                              "--state", self.emu.state], capture_output=True, text=True, timeout=60)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertIn(f"wrote {self.n} rows", res.stdout)
        self.assertEqual(res.stdout.count("deliberately bad"), len(ctim_export.BAD_KINDS))
        with open(out, newline="") as f:
            self.assertEqual(len(parse(f.read())), self.n)


if __name__ == "__main__":
    unittest.main()
