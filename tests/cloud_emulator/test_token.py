"""Token endpoint: client assertions built with python-cryptography and with the openssl CLI, every
refusal in Entra's error shape, and tokens bound to their resource on Graph and EXO. No lab needed."""

import json
import os
import re
import ssl
import time
import unittest
import urllib.error
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import harness
from harness import b64url, claims_for, make_assertion, openssl_assertion

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class TokenTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = harness.Emulator("--no-ad", "--paused").start()

    @classmethod
    def tearDownClass(cls):
        cls.emu.cleanup()

    def request(self, assertion, scope=None, **form_overrides):
        form = self.emu.token_form(assertion, scope or self.emu.graph_url + "/.default")
        form.update(form_overrides)
        return self.emu.http("POST", self.emu.token_url(), form=form)

    def assert_aad_error(self, status, body, want_status, want_error, want_code, text=None):
        self.assertEqual(status, want_status, body)
        self.assertEqual(body["error"], want_error)
        self.assertEqual(body["error_codes"], [want_code])
        self.assertTrue(body["error_description"].startswith(f"AADSTS{want_code}: "), body["error_description"])
        if text:
            self.assertIn(text, body["error_description"])
        self.assertRegex(body["timestamp"], r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$")
        self.assertRegex(body["trace_id"], GUID)
        self.assertRegex(body["correlation_id"], GUID)

    def assert_token(self, status, body):
        self.assertEqual(status, 200, body)
        self.assertEqual(set(body), {"token_type", "expires_in", "ext_expires_in", "access_token"})
        self.assertEqual(body["token_type"], "Bearer")
        self.assertEqual(body["expires_in"], 3599)
        self.assertEqual(body["ext_expires_in"], 3599)
        return body["access_token"]

    # --- accepted ---------------------------------------------------------------------------
    def test_ps256_with_x5t_s256_gets_a_graph_token_that_graph_accepts(self):
        token = self.assert_token(*self.request(make_assertion(self.emu, alg="PS256"))[::2])
        status, _h, body = self.emu.graph("/v1.0/organization?$select=onPremisesSyncEnabled", token)
        self.assertEqual(status, 200, body)

    def test_rs256_with_x5t_gets_an_exo_token_that_exo_accepts(self):
        status, _h, body = self.request(make_assertion(self.emu, alg="RS256"), self.emu.exo_url + "/.default")
        token = self.assert_token(status, body)
        status, _h, body = self.emu.exo("Get-MailUser", {"ResultSize": "Unlimited"}, token)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["value"], [])

    def test_assertions_signed_by_openssl_cli_are_accepted(self):
        for alg in ("PS256", "RS256"):
            with self.subTest(alg=alg):
                self.assert_token(*self.request(openssl_assertion(self.emu, alg=alg))[::2])

    def test_tenant_may_be_named_by_initial_domain(self):
        domain = self.emu.reg["initial_domain"]
        url = self.emu.token_url(domain)
        assertion = make_assertion(self.emu, claims=claims_for(self.emu, aud=url))
        status, _h, body = self.emu.http("POST", url, form=self.emu.token_form(assertion, self.emu.graph_url +
                                                                               "/.default"))
        self.assert_token(status, body)

    def test_nbf_within_clock_skew_is_accepted(self):
        claims = claims_for(self.emu, nbf=int(time.time()) + 30)
        self.assert_token(*self.request(make_assertion(self.emu, claims=claims))[::2])

    def test_client_secret_is_accepted(self):
        form = {"client_id": self.emu.reg["client_id"], "scope": self.emu.graph_url + "/.default",
                "grant_type": "client_credentials", "client_secret": self.emu.reg["client_secret"]}
        status, _h, body = self.emu.http("POST", self.emu.token_url(), form=form)
        self.assert_token(status, body)

    # --- refused: key and signature -----------------------------------------------------------
    def test_signature_by_another_key_is_refused(self):
        other = os.path.join(self.emu.state, "other-key.pem")
        with open(other, "wb") as f:
            f.write(rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        for alg in ("PS256", "RS256"):
            with self.subTest(alg=alg):
                status, _h, body = self.request(make_assertion(self.emu, alg=alg, key_path=other))
                self.assert_aad_error(status, body, 401, "invalid_client", 700027,
                                      "The provided signature value did not match the expected signature value.")

    def test_unregistered_certificate_thumbprint_is_refused(self):
        header = {"alg": "PS256", "typ": "JWT", "x5t#S256": b64url(b"\x01" * 32)}
        status, _h, body = self.request(make_assertion(self.emu, header=header))
        self.assert_aad_error(status, body, 401, "invalid_client", 700027, "The key was not found.")

    def test_header_without_thumbprint_is_refused(self):
        status, _h, body = self.request(make_assertion(self.emu, header={"alg": "PS256", "typ": "JWT"}))
        self.assert_aad_error(status, body, 401, "invalid_client", 700027, "The key was not found.")

    def test_pss_salt_other_than_32_bytes_is_refused(self):
        # OpenSSL signs PSS with the maximum salt length unless told otherwise; RFC 7518 wants 32 for PS256.
        status, _h, body = self.request(make_assertion(self.emu, alg="PS256", pss_salt=222))
        self.assert_aad_error(status, body, 401, "invalid_client", 700027)

    def test_unsupported_algorithms_are_refused(self):
        for alg in ("none", "HS256", "ES256"):
            with self.subTest(alg=alg):
                token = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode()) + "." + \
                        b64url(json.dumps(claims_for(self.emu)).encode()) + "."
                status, _h, body = self.request(token)
                self.assertEqual(status, 401, body)
                self.assertEqual(body["error"], "invalid_client")

    def test_malformed_assertion_is_refused(self):
        status, _h, body = self.request("not-a-jwt")
        self.assert_aad_error(status, body, 400, "invalid_request", 50027)

    def test_expired_certificate_file_is_refused(self):
        status, _h, body = self.request(make_assertion(self.emu, cert="app-cert-expired.pem"))
        self.assert_aad_error(status, body, 401, "invalid_client", 700027, "The key used is expired.")

    def test_expired_cert_switch_refuses_the_valid_certificate_until_cleared(self):
        self.assertEqual(self.emu.ctl("POST", "/faults/expired-cert", {"enabled": True})[0], 200)
        try:
            status, _h, body = self.request(make_assertion(self.emu))
            self.assert_aad_error(status, body, 401, "invalid_client", 700027, "The key used is expired.")
        finally:
            self.emu.ctl("POST", "/faults/expired-cert", {"enabled": False})
        self.assert_token(*self.request(make_assertion(self.emu))[::2])

    # --- refused: claims ------------------------------------------------------------------------
    def test_claims_are_checked(self):
        now = int(time.time())
        cases = [
            ("aud is another URL", {"aud": self.emu.login_url + "/common/oauth2/v2.0/token"}, 700023),
            ("aud missing", {"aud": None}, 700023),
            ("iss differs", {"iss": "11111111-1111-1111-1111-111111111111"}, 700021),
            ("sub differs", {"sub": "11111111-1111-1111-1111-111111111111"}, 700021),
            ("exp in the past", {"exp": now - 5, "nbf": now - 600}, 700024),
            ("nbf beyond the skew", {"nbf": now + 600, "exp": now + 900}, 700024),
        ]
        for name, overrides, code in cases:
            with self.subTest(name):
                status, _h, body = self.request(make_assertion(self.emu, claims=claims_for(self.emu, **overrides)))
                self.assert_aad_error(status, body, 401, "invalid_client", code)

    def test_missing_jti_is_refused(self):
        status, _h, body = self.request(make_assertion(self.emu, claims=claims_for(self.emu, jti=None)))
        self.assert_aad_error(status, body, 400, "invalid_request", 50027, "jti")

    # --- refused: request ---------------------------------------------------------------------
    def test_unknown_client_is_refused(self):
        status, _h, body = self.request(make_assertion(self.emu), client_id="22222222-2222-2222-2222-222222222222")
        self.assert_aad_error(status, body, 400, "unauthorized_client", 700016)

    def test_unknown_tenant_is_refused(self):
        url = self.emu.token_url("33333333-3333-3333-3333-333333333333")
        status, _h, body = self.emu.http("POST", url, form=self.emu.token_form(make_assertion(self.emu),
                                                                               self.emu.graph_url + "/.default"))
        self.assert_aad_error(status, body, 400, "invalid_request", 90002)

    def test_scope_must_be_a_known_resource_with_default(self):
        status, _h, body = self.request(make_assertion(self.emu), scope=self.emu.graph_url + "/User.Read.All")
        self.assert_aad_error(status, body, 400, "invalid_scope", 1002012)
        status, _h, body = self.request(make_assertion(self.emu), scope="https://graph.microsoft.com/.default")
        self.assert_aad_error(status, body, 400, "invalid_resource", 500011)

    def test_wrong_secret_and_missing_credentials_are_refused(self):
        form = {"client_id": self.emu.reg["client_id"], "scope": self.emu.graph_url + "/.default",
                "grant_type": "client_credentials", "client_secret": "wrong"}
        status, _h, body = self.emu.http("POST", self.emu.token_url(), form=form)
        self.assert_aad_error(status, body, 401, "invalid_client", 7000215)
        del form["client_secret"]
        status, _h, body = self.emu.http("POST", self.emu.token_url(), form=form)
        self.assert_aad_error(status, body, 401, "invalid_client", 7000218)

    def test_other_grant_types_are_refused(self):
        status, _h, body = self.request(make_assertion(self.emu), grant_type="password")
        self.assert_aad_error(status, body, 400, "unsupported_grant_type", 70003)

    # --- tokens on Graph and EXO ---------------------------------------------------------------
    def test_tokens_are_bound_to_their_resource(self):
        graph_token = self.emu.token("graph")
        exo_token = self.emu.token("exo")
        status, headers, body = self.emu.graph("/v1.0/organization", exo_token)
        self.assertEqual(status, 401)
        self.assertEqual(body["error"]["code"], "InvalidAuthenticationToken")
        self.assertIn("Invalid audience", body["error"]["message"])
        self.assertEqual(set(body["error"]["innerError"]), {"date", "request-id", "client-request-id"})
        self.assertIn("www-authenticate", headers)
        status, headers, _body = self.emu.exo("Get-MailUser", {"ResultSize": "1"}, graph_token)
        self.assertEqual(status, 401)
        self.assertIn("invalid_resource", headers["x-ms-diagnostics"])
        self.assertTrue(headers["www-authenticate"].startswith("Bearer "))

    def test_missing_and_unknown_tokens_are_refused(self):
        status, _h, body = self.emu.http("GET", self.emu.graph_url + "/v1.0/organization")
        self.assertEqual((status, body["error"]["message"]), (401, "Access token is empty."))
        status, _h, body = self.emu.graph("/v1.0/organization", "emu1.forged")
        self.assertEqual((status, body["error"]["code"]), (401, "InvalidAuthenticationToken"))
        status, headers, _b = self.emu.http("POST", f"{self.emu.exo_url}/adminapi/beta/x/InvokeCommand", body={})
        self.assertEqual(status, 401)
        self.assertIn("invalid_token", headers["x-ms-diagnostics"])

    def test_expire_tokens_switch_makes_issued_tokens_expire(self):
        token = self.emu.token("graph")
        self.assertEqual(self.emu.graph("/v1.0/organization", token)[0], 200)
        self.assertEqual(self.emu.ctl("POST", "/faults/expire-tokens")[0], 200)
        status, _h, body = self.emu.graph("/v1.0/organization", token)
        self.assertEqual(status, 401)
        self.assertEqual(body["error"]["message"], "Lifetime validation failed, the token is expired.")
        self.assertEqual(self.emu.graph("/v1.0/organization", self.emu.token("graph"))[0], 200)

    # --- TLS ------------------------------------------------------------------------------------
    def test_tls_certificate_chains_to_the_emulator_ca_only(self):
        with self.assertRaises(urllib.error.URLError) as ctx:
            urllib.request.urlopen(self.emu.graph_url + "/v1.0/organization", timeout=10,
                                   context=ssl.create_default_context())
        self.assertIsInstance(ctx.exception.reason, ssl.SSLCertVerificationError)
        with open(os.path.join(self.emu.state, "server-cert.pem"), "rb") as f:
            cert = x509.load_pem_x509_certificate(f.read())
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        self.assertEqual([str(i) for i in san.get_values_for_type(x509.IPAddress)], ["127.0.0.1"])
        self.assertEqual(san.get_values_for_type(x509.DNSName), ["localhost"])
        self.assertIsInstance(cert.signature_hash_algorithm, hashes.SHA256)


if __name__ == "__main__":
    unittest.main()
