"""Certificates the emulator owns: its TLS CA + server certificate, and the app registration's
certificate(s) that the token endpoint verifies client assertions against.

Everything is written into the state directory; private keys are mode 0600."""

import base64
import datetime
import hashlib
import ipaddress
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

KEY_BITS = 2048


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _write(path, data, private=False):
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


def key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def cert_pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def load_key(path):
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def load_cert(path):
    with open(path, "rb") as f:
        return x509.load_pem_x509_certificate(f.read())


def not_after(cert):
    return cert.not_valid_after.replace(tzinfo=datetime.timezone.utc)


def not_before(cert):
    return cert.not_valid_before.replace(tzinfo=datetime.timezone.utc)


def thumbprints(cert):
    """(x5t, x5t#S256) as they appear in a JWT header: base64url without padding of SHA-1 / SHA-256
    of the DER certificate."""
    der = cert.public_bytes(serialization.Encoding.DER)
    b64 = lambda d: base64.urlsafe_b64encode(d).rstrip(b"=").decode()  # noqa: E731
    return b64(hashlib.sha1(der).digest()), b64(hashlib.sha256(der).digest())


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def ensure_ca(state_dir):
    """CA key + certificate in state_dir (ca-key.pem, ca.pem); reused while valid for another day."""
    key_path, cert_path = os.path.join(state_dir, "ca-key.pem"), os.path.join(state_dir, "ca.pem")
    if os.path.exists(key_path) and os.path.exists(cert_path):
        cert = load_cert(cert_path)
        if not_after(cert) > _now() + datetime.timedelta(days=1):
            return load_key(key_path), cert
    key = new_key()
    now = _now()
    cert = (x509.CertificateBuilder()
            .subject_name(_name("CTIM Cloud Emulator Test CA")).issuer_name(_name("CTIM Cloud Emulator Test CA"))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=90))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    _write(key_path, key_pem(key), private=True)
    _write(cert_path, cert_pem(cert))
    return key, cert


def issue_server_cert(state_dir, ca_key, ca_cert):
    """A fresh server certificate for 127.0.0.1 / localhost, signed by the CA. Returns (cert, key) paths."""
    key = new_key()
    now = _now()
    cert = (x509.CertificateBuilder()
            .subject_name(_name("127.0.0.1")).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    cert_path, key_path = os.path.join(state_dir, "server-cert.pem"), os.path.join(state_dir, "server-key.pem")
    _write(key_path, key_pem(key), private=True)
    _write(cert_path, cert_pem(cert) + cert_pem(ca_cert))
    return cert_path, key_path


def _self_signed(key, cn, start, end):
    return (x509.CertificateBuilder()
            .subject_name(_name(cn)).issuer_name(_name(cn))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .sign(key, hashes.SHA256()))


def ensure_app_certs(state_dir):
    """The app registration's key pair and two certificates for it: app-cert.pem (valid one year) and
    app-cert-expired.pem (same key, validity ended yesterday). Both are registered on the app; a client
    assertion signed for the expired one is refused like Entra refuses an expired key credential."""
    key_path = os.path.join(state_dir, "app-key.pem")
    cert_path = os.path.join(state_dir, "app-cert.pem")
    expired_path = os.path.join(state_dir, "app-cert-expired.pem")
    if os.path.exists(key_path) and os.path.exists(cert_path) and os.path.exists(expired_path):
        cert = load_cert(cert_path)
        if not_after(cert) > _now() + datetime.timedelta(days=1):
            return key_path, cert_path, expired_path
    key = new_key()
    now = _now()
    cert = _self_signed(key, "ctim-agent emulator app", now - datetime.timedelta(hours=1),
                        now + datetime.timedelta(days=365))
    expired = _self_signed(key, "ctim-agent emulator app (expired)", now - datetime.timedelta(days=400),
                           now - datetime.timedelta(days=1))
    _write(key_path, key_pem(key), private=True)
    _write(cert_path, cert_pem(cert))
    _write(expired_path, cert_pem(expired))
    return key_path, cert_path, expired_path
