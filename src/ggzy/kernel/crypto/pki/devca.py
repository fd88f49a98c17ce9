"""A development certificate authority for both suites, and the certificate builders.

INTL certificates (ECDSA P-256 with SHA-256) are built and signed by ``cryptography``.

GM certificates are real SM2 certificates signed with SM2-with-SM3
(1.2.156.10197.1.501, Z_A over the default ID 1234567812345678 as GM/T 0009 and
GB/T 35276 ask). Neither library builds them: ``tongsuopy`` 1.0.1 has no X.509 API and
``cryptography`` refuses SM2 keys. So the ``TBSCertificate`` is assembled here (names and
extension values still encoded by ``cryptography``, the outer DER in ``_der``) and signed
by tongsuopy's native SM2; ``cryptography`` then parses the result as a check.

Issuing reads ``kernel.clock`` unless given ``not_before``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ggzy.kernel import clock
from ggzy.kernel.crypto import _der
from ggzy.kernel.crypto.canonical import canonical_json
from ggzy.kernel.crypto.pki.certs import (
    REVOCATION_LIST_FORMAT,
    CertInfo,
    Usage,
    _long_names_allowed,
    _malformed,
    _parse,
    read_revocation_list,
)
from ggzy.kernel.crypto.suites import CryptoSuite, get_suite
from ggzy.kernel.errors import Conflict, InvalidInput, NotFound

# -- building ---------------------------------------------------------------------------


def _key_identifier(spki: bytes) -> bytes:
    """RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits (an id, not security)."""
    return hashlib.sha1(_der.spki_key_bits(spki), usedforsecurity=False).digest()


def _pem_body(pem: bytes, label: str) -> bytes:
    text = pem.decode("ascii", errors="replace").strip()
    head, tail = f"-----BEGIN {label}-----", f"-----END {label}-----"
    if not (text.startswith(head) and text.endswith(tail)):
        raise _malformed("公钥", "public key", f"not a {label} PEM block")
    try:
        return base64.b64decode("".join(text[len(head) : -len(tail)].split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _malformed("公钥", "public key", "bad base64") from exc


def _name(common_name: str, organisation: str | None, serial_number_attr: str | None) -> x509.Name:
    """C=CN, O, CN, serialNumber; CN bounded in characters (see ``_long_names_allowed``)."""
    if not 1 <= len(common_name) <= 64:
        raise InvalidInput(
            f"证书通用名称应为 1 至 64 个字符（实际 {len(common_name)} 个）",
            f"the certificate common name must be 1 to 64 characters (got {len(common_name)})",
            code="cert_subject_invalid",
        )
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN")]
    try:
        if organisation:
            attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
        with _long_names_allowed():
            attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name, _validate=False))
        if serial_number_attr:
            attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number_attr))
        return x509.Name(attrs)
    except ValueError as exc:
        raise InvalidInput(
            "证书主体名称不合法：序列号只能含字母、数字和常用符号",
            f"invalid certificate subject: {exc}",
            code="cert_subject_invalid",
        ) from exc


@dataclass(frozen=True)
class _Spec:
    subject: x509.Name
    public_key_pem: bytes
    not_before: datetime
    not_after: datetime
    extensions: list[tuple[x509.ExtensionType, bool]]


def _extensions(
    role: Literal["root", "subordinate", "sign", "encrypt"], ski: bytes, aki: bytes | None
) -> list[tuple[x509.ExtensionType, bool]]:
    is_ca = role in ("root", "subordinate")
    path_length = 0 if role == "subordinate" else None
    out: list[tuple[x509.ExtensionType, bool]] = [
        (x509.BasicConstraints(ca=is_ca, path_length=path_length), True),
        (
            x509.KeyUsage(
                digital_signature=role == "sign",
                content_commitment=role == "sign",
                key_encipherment=role == "encrypt",
                data_encipherment=role == "encrypt",
                key_agreement=role == "encrypt",
                key_cert_sign=is_ca,
                crl_sign=is_ca,
                encipher_only=False,
                decipher_only=False,
            ),
            True,
        ),
        (x509.SubjectKeyIdentifier(ski), False),
    ]
    if aki is not None:
        out.append((x509.AuthorityKeyIdentifier(aki, None, None), False))
    return out


def _sign_intl(spec: _Spec, issuer: x509.Name, serial: int, issuer_key_pem: bytes) -> bytes:
    public = serialization.load_pem_public_key(spec.public_key_pem)
    private = serialization.load_pem_private_key(issuer_key_pem, password=None)
    assert isinstance(public, ec.EllipticCurvePublicKey)
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    builder = (
        x509.CertificateBuilder()
        .subject_name(spec.subject)
        .issuer_name(issuer)
        .public_key(public)
        .serial_number(serial)
        .not_valid_before(spec.not_before)
        .not_valid_after(spec.not_after)
    )
    for extension, critical in spec.extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(private, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def _sign_gm(
    spec: _Spec, issuer: x509.Name, serial: int, issuer_key_pem: bytes, suite: CryptoSuite
) -> bytes:
    algorithm = _der.sequence(_der.oid(suite.signature_oid))
    extensions = [
        _der.sequence(
            _der.oid(ext.oid.dotted_string),
            *([_der.boolean(True)] if critical else []),
            _der.octet_string(ext.public_bytes()),
        )
        for ext, critical in spec.extensions
    ]
    tbs = _der.sequence(
        _der.explicit(0, _der.integer(2)),  # v3
        _der.integer(serial),
        algorithm,
        issuer.public_bytes(),
        _der.sequence(_der.time(spec.not_before), _der.time(spec.not_after)),
        spec.subject.public_bytes(),
        _pem_body(spec.public_key_pem, "PUBLIC KEY"),
        _der.explicit(3, _der.sequence(*extensions)),
    )
    signature = suite.sign(issuer_key_pem, tbs)
    der = _der.sequence(tbs, algorithm, _der.bit_string(signature))
    return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)


def _build(suite: CryptoSuite, spec: _Spec, issuer: x509.Name, issuer_key_pem: bytes) -> bytes:
    suite.key_id(spec.public_key_pem)  # raises unless the key belongs to this suite
    serial = x509.random_serial_number()
    if suite.name == "intl":
        return _sign_intl(spec, issuer, serial, issuer_key_pem)
    return _sign_gm(spec, issuer, serial, issuer_key_pem, suite)


def _validity(not_before: datetime | None, days: int) -> tuple[datetime, datetime]:
    start = (not_before or clock.now()).replace(microsecond=0)
    if start.tzinfo is None:
        raise ValueError("not_before must be timezone-aware")
    if days < 1:
        raise InvalidInput(
            "证书有效期至少 1 天",
            "a certificate must be valid for at least 1 day",
            code="cert_validity_invalid",
            field="days",
        )
    return start, start + timedelta(days=days)


# -- the development CA -----------------------------------------------------------------

_CERT_FILE, _KEY_FILE, _RL_FILE = "ca.pem", "ca.key", "revoked.json"


class DevCA:
    """A throw-away certificate authority for development and tests. Not for production:
    the key sits unencrypted on disk (mode 0600) and there is no CRL/OCSP service."""

    def __init__(self, directory: Path, suite: CryptoSuite, cert_pem: bytes, key_pem: bytes):
        self.directory = directory
        self.suite = suite
        self.cert_pem = cert_pem
        self._key_pem = key_pem
        self._cert = _parse(cert_pem)

    @property
    def info(self) -> CertInfo:
        return self._cert.info

    @classmethod
    def create(
        cls,
        directory: str | os.PathLike[str],
        suite: str,
        *,
        common_name: str = "ggzy 开发测试根证书 (dev root CA)",
        organisation: str = "ggzy 开发测试",
        days: int = 3650,
        not_before: datetime | None = None,
    ) -> DevCA:
        crypto = get_suite(suite)
        private_pem, public_pem = crypto.generate_keypair()
        name = _name(common_name, organisation, None)
        start, end = _validity(not_before, days)
        ski = _key_identifier(_pem_body(public_pem, "PUBLIC KEY"))
        spec = _Spec(name, public_pem, start, end, _extensions("root", ski, None))
        cert_pem = _build(crypto, spec, name, private_pem)
        return cls._store(Path(directory), crypto, cert_pem, private_pem)

    @classmethod
    def _store(cls, path: Path, suite: CryptoSuite, cert_pem: bytes, key_pem: bytes) -> DevCA:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            fd = os.open(path / _KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise Conflict(
                f"目录 {path} 中已有 CA，不会覆盖",
                f"{path} already holds a CA; not overwriting",
                code="ca_exists",
            ) from None
        with os.fdopen(fd, "wb") as key_file:
            key_file.write(key_pem)
        (path / _CERT_FILE).write_bytes(cert_pem)
        ca = cls(path, suite, cert_pem, key_pem)
        ca._write_list({})
        return ca

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> DevCA:
        path = Path(directory)
        try:
            cert_pem = (path / _CERT_FILE).read_bytes()
            key_pem = (path / _KEY_FILE).read_bytes()
        except FileNotFoundError:
            raise NotFound(
                f"目录 {path} 中没有 CA", f"no CA in {path}", code="ca_missing"
            ) from None
        info = _parse(cert_pem).info
        suite = get_suite(info.suite)
        if suite.key_id(suite.public_key(key_pem)) != suite.key_id(info.public_key_pem):
            raise InvalidInput(
                "CA 私钥与证书不匹配",
                "the CA key does not match its certificate",
                code="ca_key_mismatch",
            )
        return cls(path, suite, cert_pem, key_pem)

    def certify(
        self,
        public_key_pem: bytes,
        subject_cn: str,
        *,
        usage: Usage,
        serial_number_attr: str | None = None,
        organisation: str | None = None,
        days: int = 365,
        not_before: datetime | None = None,
    ) -> bytes:
        """Issue a certificate for an existing public key (e.g. one kept in a USB key)."""
        if usage not in ("sign", "encrypt"):
            raise InvalidInput(
                "证书用途只能是 sign（签名）或 encrypt（加密）",
                "usage must be 'sign' or 'encrypt'",
                code="cert_usage_invalid",
            )
        return self._issue(
            public_key_pem,
            _name(subject_cn, organisation, serial_number_attr),
            usage,
            days,
            not_before,
        )

    def _issue(
        self,
        public_key_pem: bytes,
        subject: x509.Name,
        role: Literal["subordinate", "sign", "encrypt"],
        days: int,
        not_before: datetime | None,
    ) -> bytes:
        start, end = _validity(not_before, days)
        ski = _key_identifier(_pem_body(public_key_pem, "PUBLIC KEY"))
        spec = _Spec(subject, public_key_pem, start, end, _extensions(role, ski, self._cert.ski))
        return _build(self.suite, spec, self._cert.subject, self._key_pem)

    def issue(
        self,
        subject_cn: str,
        *,
        usage: Usage,
        serial_number_attr: str | None = None,
        organisation: str | None = None,
        days: int = 365,
        not_before: datetime | None = None,
    ) -> tuple[bytes, bytes]:
        """A fresh key pair and its certificate: (cert_pem, private_key_pem)."""
        private_pem, public_pem = self.suite.generate_keypair()
        cert_pem = self.certify(
            public_pem,
            subject_cn,
            usage=usage,
            serial_number_attr=serial_number_attr,
            organisation=organisation,
            days=days,
            not_before=not_before,
        )
        return cert_pem, private_pem

    def create_subordinate(
        self,
        directory: str | os.PathLike[str],
        common_name: str,
        *,
        organisation: str | None = None,
        days: int = 1825,
        not_before: datetime | None = None,
    ) -> DevCA:
        """An intermediate CA (path length 0) stored in its own directory."""
        private_pem, public_pem = self.suite.generate_keypair()
        subject = _name(common_name, organisation, None)
        cert_pem = self._issue(public_pem, subject, "subordinate", days, not_before)
        return self._store(Path(directory), self.suite, cert_pem, private_pem)

    # revocation

    def _write_list(self, revoked: dict[int, str]) -> None:
        body = {
            "format": REVOCATION_LIST_FORMAT,
            "issuer": self.info.fingerprint_sha256,
            "revoked": [{"serial": f"{s:x}", "revoked_at": revoked[s]} for s in sorted(revoked)],
        }
        signature = self.suite.sign(self._key_pem, canonical_json(body))
        body["signature"] = base64.b64encode(signature).decode("ascii")
        tmp = self.directory / (_RL_FILE + ".tmp")
        tmp.write_bytes(canonical_json(body))
        os.replace(tmp, self.directory / _RL_FILE)

    def revoke(self, serial: int, *, at: datetime | None = None) -> None:
        data = json.loads((self.directory / _RL_FILE).read_bytes())
        self.revoked_serials()  # refuses to extend a list that was tampered with
        revoked = {int(e["serial"], 16): e["revoked_at"] for e in data["revoked"]}
        revoked.setdefault(serial, (at or clock.now()).isoformat())
        self._write_list(revoked)

    def revocation_list(self) -> bytes:
        """The signed list as stored, for publishing next to the CA certificate."""
        return (self.directory / _RL_FILE).read_bytes()

    def revoked_serials(self) -> frozenset[int]:
        return read_revocation_list(self.revocation_list(), self.cert_pem)
