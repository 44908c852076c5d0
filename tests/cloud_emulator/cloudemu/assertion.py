"""Verification of the OAuth2 client assertion (RFC 7523 JWT) the way Entra ID checks it.

verify() returns the claims or raises AadError carrying the AADSTS code and message the token endpoint
returns. Codes and message texts are those Entra shows for these cases as far as they are known; the
ones marked INFERRED in README.md are best guesses."""

import base64
import binascii
import datetime
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from . import pki

CERT_DOC = ("Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/"
            "active-directory-certificate-credentials .")


class AadError(Exception):
    def __init__(self, status, error, code, description):
        super().__init__(f"AADSTS{code}: {description}")
        self.status, self.error, self.code, self.description = status, error, code, description


def _b64url(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _thumb_hex(b64):
    try:
        return _b64url(b64).hex().upper()
    except (binascii.Error, ValueError):
        return b64


def _ts(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%m/%d/%Y %H:%M:%S")


def _malformed(why):
    return AadError(400, "invalid_request", 50027, f"JWT token is invalid or malformed. {why}")


def _bad_key(reason, thumb, client_id, cert=None):
    found = ""
    if cert is not None:
        found = (f", Found key 'Start={pki.not_before(cert):%m/%d/%Y %H:%M:%S}, "
                 f"End={pki.not_after(cert):%m/%d/%Y %H:%M:%S}'")
    return AadError(401, "invalid_client", 700027,
                    f"Client assertion contains an invalid signature. [Reason - {reason}, Thumbprint of key "
                    f"used by client: '{thumb}'{found}, Please visit the Azure Portal, Graph Explorer or directly "
                    f"use MS Graph to see configured keys for app Id '{client_id}'.]")


def verify(token, certs, expected_aud, client_id, now, skew_s=60, treat_all_expired=False):
    """Verify `token` (compact JWS) against the registered certificates `certs` [(name, x509)].
    REQUIRES: client_id is the registered app id (unknown clients are refused before this)."""
    parts = token.split(".")
    if len(parts) != 3:
        raise _malformed("The token must have three parts.")
    try:
        header = json.loads(_b64url(parts[0]))
        claims = json.loads(_b64url(parts[1]))
        signature = _b64url(parts[2])
    except (ValueError, binascii.Error) as e:
        raise _malformed(f"Cannot decode header or payload: {e}.") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise _malformed("Header and payload must be JSON objects.")

    alg = header.get("alg")
    if alg not in ("RS256", "PS256"):
        raise AadError(401, "invalid_client", 5002738,
                       f"Invalid JWT token. '{alg}' is not a supported signature algorithm. Supported "
                       f"signing algorithms are: 'RS256, RS384, RS512, PS256, PS384, PS512' ")
    x5t, x5t256 = header.get("x5t"), header.get("x5t#S256")
    if not x5t and not x5t256:
        raise _bad_key("The key was not found.", "", client_id)
    thumb = _thumb_hex(x5t256 or x5t)
    cert = None
    for _name, candidate in certs:
        sha1, sha256 = pki.thumbprints(candidate)
        if (x5t is None or x5t == sha1) and (x5t256 is None or x5t256 == sha256):
            cert = candidate
            break
    if cert is None:
        raise _bad_key("The key was not found.", thumb, client_id)

    signed = (parts[0] + "." + parts[1]).encode("ascii")
    try:
        if alg == "RS256":
            cert.public_key().verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
        else:
            # RFC 7518 3.5: PS256 uses MGF1-SHA256 and a salt as long as the hash (32 bytes).
            cert.public_key().verify(signature, signed,
                                     padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
                                     hashes.SHA256())
    except InvalidSignature:
        raise _bad_key("The provided signature value did not match the expected signature value.",
                       thumb, client_id, cert) from None

    now_dt = datetime.datetime.fromtimestamp(now, datetime.timezone.utc)
    if treat_all_expired or not (pki.not_before(cert) <= now_dt <= pki.not_after(cert)):
        raise _bad_key("The key used is expired.", thumb, client_id, cert)

    if claims.get("aud") != expected_aud:
        raise AadError(401, "invalid_client", 700023,
                       f"Client assertion audience claim does not match Realm issuer. Audience: "
                       f"'{claims.get('aud')}', expected '{expected_aud}'. {CERT_DOC}")
    if claims.get("iss") != client_id or claims.get("sub") != client_id:
        raise AadError(401, "invalid_client", 700021,
                       f"Client assertion application identifier doesn't match 'client_id' parameter. "
                       f"iss '{claims.get('iss')}', sub '{claims.get('sub')}', client_id '{client_id}'. {CERT_DOC}")
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if not isinstance(exp, (int, float)) or (nbf is not None and not isinstance(nbf, (int, float))):
        raise _malformed("Claims 'exp' and 'nbf' must be NumericDate values.")
    valid_from = nbf if nbf is not None else now
    if exp <= now or valid_from > now + skew_s:
        raise AadError(401, "invalid_client", 700024,
                       f"Client assertion is not within its valid time range. Current time: {_ts(now)}, "
                       f"assertion valid from {_ts(valid_from)}, expiry time of assertion {_ts(exp)}. {CERT_DOC}")
    if not isinstance(claims.get("jti"), str) or not claims.get("jti"):
        raise _malformed("The 'jti' claim is missing.")
    return claims
