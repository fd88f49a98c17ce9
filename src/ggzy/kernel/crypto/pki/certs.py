"""X.509 for both suites: parse certificates, verify chains, read revocation lists.

``cryptography`` parses certificates of both suites. For SM2 certificates it refuses only
the public key (unknown curve), so the SubjectPublicKeyInfo is taken from the DER
(``_der``) and signatures are checked by the issuer's suite: ECDSA P-256/SHA-256 through
``cryptography``, SM2-with-SM3 (default ID 1234567812345678) through ``tongsuopy``.
Issuing lives in ``pki.devca``.

Verification takes the moment to check at (``at``) from the caller; it never reads a clock.
"""

from __future__ import annotations

import base64
import binascii
import json
import warnings
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from ggzy.kernel.crypto import _der
from ggzy.kernel.crypto.canonical import canonical_json
from ggzy.kernel.crypto.suites import (
    get_suite,
    public_pem_from_der,
    suite_for_curve,
)
from ggzy.kernel.errors import InvalidInput

Usage = Literal["sign", "encrypt"]
_Ext = TypeVar("_Ext", bound=x509.ExtensionType)
EC_PUBLIC_KEY = "1.2.840.10045.2.1"
SIGN_USAGES = frozenset({"digital_signature", "content_commitment"})
ENCRYPT_USAGES = frozenset({"key_encipherment", "data_encipherment", "key_agreement"})
MAX_CHAIN = 3  # leaf, at most one intermediate, root
_KU_NAMES = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
)


@dataclass(frozen=True)
class CertInfo:
    subject_cn: str
    serial_number_attr: str | None  # subject serialNumber: USCC or resident ID number
    organisation: str | None
    issuer: str  # RFC 4514
    serial: int
    not_before: datetime
    not_after: datetime
    fingerprint_sha256: str
    public_key_pem: bytes
    key_usage: frozenset[str]  # empty when the certificate has no KeyUsage extension
    suite: str
    is_ca: bool


@dataclass(frozen=True)
class _Cert:
    cert: x509.Certificate
    der: bytes
    info: CertInfo
    ski: bytes | None
    subject: x509.Name
    subject_der: bytes
    issuer_der: bytes


# -- parsing ----------------------------------------------------------------------------


def _malformed(what_zh: str, what_en: str, detail: str = "") -> InvalidInput:
    return InvalidInput(
        f"{what_zh}格式错误，无法解析",
        f"malformed {what_en}{': ' + detail if detail else ''}",
        code="cert_malformed",
    )


@contextmanager
def _long_names_allowed() -> Iterator[None]:
    """RFC 5280 bounds CN at 64 *characters*; ``cryptography`` warns past 64 UTF-8 bytes,
    which a 22-character Chinese company name already is. ``_name`` checks the real bound."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Attribute's length must be", UserWarning)
        yield


def _attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    found = name.get_attributes_for_oid(oid)
    return str(found[0].value) if found else None


def _parse(pem: bytes, what_zh: str = "证书", what_en: str = "certificate") -> _Cert:
    try:
        cert = x509.load_pem_x509_certificate(pem)
        der = cert.public_bytes(serialization.Encoding.DER)
        inner, outer = _der.signature_algorithms(der)
        if inner != outer:
            raise _malformed(what_zh, what_en, "inner and outer signature algorithms differ")
        spki = _der.spki_from_tbs(cert.tbs_certificate_bytes)
        algorithm, curve = _der.spki_algorithm(spki)
        ku_ext = _extension(cert, x509.KeyUsage)
        bc_ext = _extension(cert, x509.BasicConstraints)
        ski_ext = _extension(cert, x509.SubjectKeyIdentifier)
        with _long_names_allowed():
            subject, issuer = cert.subject, cert.issuer
    except (ValueError, _der.DerError) as exc:
        raise _malformed(what_zh, what_en, str(exc)) from exc
    suite = suite_for_curve(curve or "") if algorithm == EC_PUBLIC_KEY else None
    if suite is None:
        raise _malformed(what_zh, what_en, f"unsupported public key {algorithm} {curve}")
    usage = frozenset(n for n in _KU_NAMES if ku_ext is not None and getattr(ku_ext, n))
    info = CertInfo(
        subject_cn=_attr(subject, NameOID.COMMON_NAME) or "",
        serial_number_attr=_attr(subject, NameOID.SERIAL_NUMBER),
        organisation=_attr(subject, NameOID.ORGANIZATION_NAME),
        issuer=issuer.rfc4514_string(),
        serial=cert.serial_number,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(),
        public_key_pem=public_pem_from_der(spki),
        key_usage=usage,
        suite=suite.name,
        is_ca=bool(bc_ext is not None and bc_ext.ca),
    )
    ski = ski_ext.digest if ski_ext is not None else None
    return _Cert(cert, der, info, ski, subject, subject.public_bytes(), issuer.public_bytes())


def _extension(cert: x509.Certificate, kind: type[_Ext]) -> _Ext | None:
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None


def load_certificate(pem: bytes) -> CertInfo:
    """Parse a PEM certificate of either suite (no trust decision: see ``verify_chain``)."""
    return _parse(pem).info


def require_usage(info: CertInfo, usage: Usage) -> None:
    """Raise unless the certificate may be used to ``sign`` or to ``encrypt``."""
    allowed = SIGN_USAGES if usage == "sign" else ENCRYPT_USAGES
    if info.is_ca or not info.key_usage & allowed:
        zh = "签名" if usage == "sign" else "加密"
        raise InvalidInput(
            f"证书用途不符：{info.subject_cn} 的证书不能用于{zh}",
            f"wrong certificate usage: the certificate of {info.subject_cn} is not for "
            f"{'signing' if usage == 'sign' else 'encryption'}",
            code="cert_wrong_usage",
        )


# -- verification -----------------------------------------------------------------------


def _signed_by(child: _Cert, issuer: _Cert) -> bool:
    suite = get_suite(issuer.info.suite)
    if child.cert.signature_algorithm_oid.dotted_string != suite.signature_oid:
        return False
    return suite.verify(
        issuer.info.public_key_pem, child.cert.tbs_certificate_bytes, child.cert.signature
    )


def _can_issue(candidate: _Cert) -> bool:
    usage = candidate.info.key_usage
    return candidate.info.is_ca and (not usage or "key_cert_sign" in usage)


def _find_issuer(child: _Cert, candidates: Sequence[_Cert]) -> _Cert | None:
    for candidate in candidates:
        if (
            candidate.subject_der == child.issuer_der
            and _can_issue(candidate)
            and _signed_by(child, candidate)
        ):
            return candidate
    return None


def _untrusted(info: CertInfo) -> InvalidInput:
    return InvalidInput(
        f"证书不受信任：{info.subject_cn} 的证书不是由受信任的 CA 签发，"
        "或签名无效（证书可能被篡改）",
        f"untrusted certificate: the certificate of {info.subject_cn} was not issued by a "
        "trusted CA, or its signature is invalid (it may have been altered)",
        code="cert_untrusted",
    )


def _check_time(info: CertInfo, at: datetime) -> None:
    if at < info.not_before:
        raise InvalidInput(
            f"证书尚未生效：{info.subject_cn} 的证书自 {info.not_before.isoformat()} 起生效",
            f"certificate not yet valid: the certificate of {info.subject_cn} is valid "
            f"from {info.not_before.isoformat()}",
            code="cert_not_yet_valid",
        )
    if at > info.not_after:
        raise InvalidInput(
            f"证书已过期：{info.subject_cn} 的证书已于 {info.not_after.isoformat()} 失效",
            f"certificate expired: the certificate of {info.subject_cn} expired on "
            f"{info.not_after.isoformat()}",
            code="cert_expired",
        )


def verify_chain(
    cert_pem: bytes,
    trusted_roots_pem: Sequence[bytes],
    *,
    at: datetime,
    revoked_serials: Collection[int] = frozenset(),
    intermediates_pem: Sequence[bytes] = (),
    usage: Usage | None = None,
) -> CertInfo:
    """Check ``cert_pem`` chains to a trusted root and is valid and unrevoked at ``at``.

    Order: structure (cert_malformed), signatures up to a root (cert_untrusted), validity
    of every certificate in the chain (cert_not_yet_valid, cert_expired), revocation of any
    of them (cert_revoked), then ``usage`` when given (cert_wrong_usage).
    """
    if at.tzinfo is None:
        raise ValueError("verify_chain needs a timezone-aware 'at'")
    leaf = _parse(cert_pem)
    roots = [_parse(p, "受信任根证书", "trusted root certificate") for p in trusted_roots_pem]
    intermediates = [_parse(p, "中间证书", "intermediate certificate") for p in intermediates_pem]
    root_ders = {r.der for r in roots}
    chain, current = [leaf], leaf
    while current.der not in root_ders:
        if len(chain) >= MAX_CHAIN:
            raise _untrusted(leaf.info)
        issuer = _find_issuer(current, roots + intermediates)
        if issuer is None:
            raise _untrusted(leaf.info)
        chain.append(issuer)
        current = issuer
    for cert in chain:
        _check_time(cert.info, at)
    for cert in chain:
        if cert.info.serial in revoked_serials:
            raise InvalidInput(
                f"证书已被吊销：{cert.info.subject_cn}（序列号 {cert.info.serial:x}）",
                f"certificate revoked: {cert.info.subject_cn} (serial {cert.info.serial:x})",
                code="cert_revoked",
            )
    if usage is not None:
        require_usage(leaf.info, usage)
    return leaf.info


# -- revocation list --------------------------------------------------------------------

REVOCATION_LIST_FORMAT = "ggzy-revocation-list"


def _bad_list(detail: str) -> InvalidInput:
    return InvalidInput(
        f"证书吊销列表无效：{detail}",
        f"invalid certificate revocation list: {detail}",
        code="revocation_list_invalid",
    )


def read_revocation_list(data: bytes, issuer_cert_pem: bytes) -> frozenset[int]:
    """The revoked serials of a DevCA list, after checking the CA's signature on it."""
    issuer = _parse(issuer_cert_pem)
    try:
        obj = json.loads(data.decode("utf-8"))
        signature = base64.b64decode(obj.pop("signature"), validate=True)
        serials = frozenset(int(entry["serial"], 16) for entry in obj["revoked"])
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
        raise _bad_list("unreadable") from exc
    if (
        obj.get("format") != REVOCATION_LIST_FORMAT
        or obj.get("issuer") != issuer.info.fingerprint_sha256
    ):
        raise _bad_list("not for this CA")
    suite = get_suite(issuer.info.suite)
    if not suite.verify(issuer.info.public_key_pem, canonical_json(obj), signature):
        raise _bad_list("bad signature")
    return serials
