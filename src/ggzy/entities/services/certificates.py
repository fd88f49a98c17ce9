"""Digital certificates (数字证书): binding with proof of possession, unbinding, and login.

A client asks for a one-time challenge, signs ``challenge_message(...)`` with the private
key of its certificate (in a USB key, say), and sends the certificate and the signature.
The platform checks the chain against the trusted roots, the signature with the
certificate's public key (the suite follows the key type: SM2 → GM, P-256 → INTL), that
the challenge is fresh and unused, and that the certificate names this entity or person.

A challenge is spent by the first attempt that uses it, successful or not, so a captured
signature can never be replayed; the attempt itself writes nothing else unless it succeeds.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import login, user_login_failed
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from ggzy.accounts.lockout import check_login_allowed
from ggzy.accounts.models import User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.core.services import record
from ggzy.entities import events
from ggzy.kernel import clock
from ggzy.kernel.crypto import CertInfo, DevCA, get_suite, load_certificate, verify_chain
from ggzy.kernel.crypto.pki import SIGN_USAGES
from ggzy.kernel.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from ggzy.kernel.ids import normalise

from ..models import (
    CertChallenge,
    Certificate,
    CertUsage,
    ChallengePurpose,
    EntityKind,
    MarketEntity,
)
from ..selectors import entity_of

CHALLENGE_TTL = timedelta(minutes=5)
MAX_PEM_CHARS = 16_000
MAX_SIGNATURE_BYTES = 512
_PEM_BLOCK = re.compile(r"-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----")
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def challenge_message(challenge: CertChallenge) -> bytes:
    """The exact bytes a client signs: purpose and nonce, so a bind signature cannot be
    replayed as a login and vice versa."""
    return f"ggzy-certificate-{challenge.purpose}:{challenge.nonce}".encode()


# --- trust ---------------------------------------------------------------------------------


def _pem_blocks(text: str) -> list[bytes]:
    return [m.group(0).encode("ascii") for m in _PEM_BLOCK.finditer(text)]


def trust_store() -> tuple[list[bytes], frozenset[int]]:
    """The trusted root certificates and the revoked serials known to the platform."""
    roots: list[bytes] = []
    for name in settings.GGZY_TRUSTED_CA_FILES:
        roots.extend(_pem_blocks(Path(name).read_text(encoding="ascii", errors="replace")))
    revoked: frozenset[int] = frozenset()
    if settings.GGZY_TRUST_DEV_CA:
        try:
            ca = DevCA.load(settings.GGZY_CA_DIR)
        except NotFound:
            ca = None
        if ca is not None:
            roots.append(ca.cert_pem)
            revoked = ca.revoked_serials()
    return roots, revoked


# --- parsing the client's input ---------------------------------------------------------


def _pem_bytes(cert_pem: str) -> bytes:
    if not isinstance(cert_pem, str) or not cert_pem.strip():
        raise InvalidInput(
            "请提供 PEM 格式的证书",
            "Provide the certificate in PEM format",
            code="cert_malformed",
            field="certificate",
        )
    if len(cert_pem) > MAX_PEM_CHARS:
        raise InvalidInput(
            f"证书过长（{len(cert_pem)}个字符，上限{MAX_PEM_CHARS}）",
            f"The certificate is too long ({len(cert_pem)} characters; limit {MAX_PEM_CHARS})",
            code="cert_malformed",
            field="certificate",
        )
    blocks = _pem_blocks(cert_pem)
    if len(blocks) != 1:
        raise InvalidInput(
            "证书应为一个 PEM 块（-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----）",
            "The certificate must be exactly one PEM block (-----BEGIN CERTIFICATE----- …)",
            code="cert_malformed",
            field="certificate",
        )
    return blocks[0]


def decode_signature(signature: object) -> bytes:
    """Base64 text from the API or a form to bytes; ``b""`` when it is not base64 (the
    services then refuse it with a precise message)."""
    if not isinstance(signature, str) or len(signature) > 4 * MAX_SIGNATURE_BYTES:
        return b""
    try:
        return base64.b64decode(signature.strip(), validate=True)
    except (binascii.Error, ValueError):
        return b""


def _require_signature(signature: bytes) -> None:
    if not signature or len(signature) > MAX_SIGNATURE_BYTES:
        raise InvalidInput(
            "签名应为 Base64 编码的 DER 签名值",
            "The signature must be a base64-encoded DER signature",
            code="signature_malformed",
            field="signature",
        )


def _verified(pem: bytes) -> CertInfo:
    roots, revoked = trust_store()
    try:
        return verify_chain(pem, roots, at=clock.now(), revoked_serials=revoked)
    except DomainError as exc:
        exc.field = exc.field or "certificate"
        raise


def _usage_of(info: CertInfo) -> str:
    return (
        CertUsage.SIGN
        if info.key_usage & SIGN_USAGES or not info.key_usage
        else (CertUsage.ENCRYPT)
    )


def _check_signature(info: CertInfo, challenge: CertChallenge, signature: bytes) -> None:
    suite = get_suite(info.suite)
    if not suite.verify(info.public_key_pem, challenge_message(challenge), signature):
        raise InvalidInput(
            "签名验证失败：签名不是用该证书的私钥对本次挑战生成的",
            "Signature check failed: the signature was not made over this challenge with "
            "the certificate's private key",
            code="signature_invalid",
            field="signature",
        )


# --- challenges ----------------------------------------------------------------------------


@transaction.atomic
def issue_challenge(*, user: User | None, purpose: str) -> CertChallenge:
    """A fresh one-time challenge; ``bind`` needs the logged-in user, ``login`` none."""
    if purpose not in ChallengePurpose.values:
        raise InvalidInput(
            "挑战用途应为 bind（绑定）或 login（登录）",
            "purpose must be 'bind' or 'login'",
            code="purpose_invalid",
            field="purpose",
        )
    if purpose == ChallengePurpose.BIND and (user is None or not user.is_authenticated):
        raise Forbidden("请先登录再绑定证书", "log in before binding a certificate")
    return CertChallenge.objects.create(
        nonce=secrets.token_urlsafe(32),
        purpose=purpose,
        user=user if purpose == ChallengePurpose.BIND else None,
        created_at=clock.now(),
    )


def _spend_challenge(nonce: object, *, purpose: str, user: User | None) -> CertChallenge:
    """Mark the challenge used (committed even if what follows fails), or raise."""
    if not isinstance(nonce, str) or not nonce or len(nonce) > 64:
        raise InvalidInput(
            "挑战随机数无效", "invalid challenge nonce", code="challenge_invalid", field="nonce"
        )
    with transaction.atomic():
        challenge = CertChallenge.objects.select_for_update().filter(nonce=nonce).first()
        if challenge is None or challenge.purpose != purpose:
            raise InvalidInput(
                "挑战不存在或用途不符，请重新获取挑战",
                "unknown challenge, or one issued for another purpose: request a new one",
                code="challenge_invalid",
                field="nonce",
            )
        if challenge.used_at is not None:
            raise InvalidInput(
                "该挑战已被使用过，不能重复使用，请重新获取挑战",
                "this challenge was already used; request a new one",
                code="challenge_used",
                field="nonce",
            )
        now = clock.now()
        if now - challenge.created_at > CHALLENGE_TTL:
            raise InvalidInput(
                "挑战已过期（有效期5分钟），请重新获取挑战",
                "the challenge expired (valid for 5 minutes); request a new one",
                code="challenge_expired",
                field="nonce",
            )
        if purpose == ChallengePurpose.BIND and (user is None or challenge.user_id != user.pk):
            raise InvalidInput(
                "该挑战不是为当前用户签发的",
                "this challenge was issued to another user",
                code="challenge_invalid",
                field="nonce",
            )
        challenge.used_at = now
        challenge.save(update_fields=["used_at"])
    return challenge


# --- binding -------------------------------------------------------------------------------


def _owner(user: User, info: CertInfo) -> MarketEntity | None:
    """Which entity the certificate binds to (None: the user alone), or raise."""
    named = normalise(info.serial_number_attr or "")
    entity = entity_of(user)
    if entity is not None and entity.kind == EntityKind.LEGAL and named == entity.uscc:
        return entity
    if user.resident_id and named == normalise(user.resident_id):
        if entity is not None and entity.kind == EntityKind.PERSON:
            return entity
        return None
    expected_zh, expected_en = (
        (f"统一社会信用代码 {entity.uscc}", f"unified social credit code {entity.uscc}")
        if entity is not None and entity.kind == EntityKind.LEGAL
        else ("您的身份证号", "your resident ID number")
    )
    raise Forbidden(
        f"证书属于他人：证书主体标识为“{info.serial_number_attr or '（空）'}”，应为{expected_zh}",
        "The certificate belongs to someone else: its subject serialNumber is "
        f"'{info.serial_number_attr or '(empty)'}', expected {expected_en}",
        code="cert_not_yours",
        field="certificate",
    )


def bind_certificate(
    *,
    user: User,
    cert_pem: str,
    challenge_nonce: str,
    signature: bytes,
    ip: str | None = None,
) -> Certificate:
    """Bind a certificate to the user (and their entity) after proof of possession."""
    pem = _pem_bytes(cert_pem)
    _require_signature(signature)
    challenge = _spend_challenge(challenge_nonce, purpose=ChallengePurpose.BIND, user=user)
    info = _verified(pem)
    _check_signature(info, challenge, signature)
    entity = _owner(user, info)
    return _store_binding(user=user, entity=entity, info=info, pem=pem, ip=ip)


@transaction.atomic
def _store_binding(
    *, user: User, entity: MarketEntity | None, info: CertInfo, pem: bytes, ip: str | None
) -> Certificate:
    if Certificate.objects.filter(fingerprint=info.fingerprint_sha256).exists():
        raise Conflict(
            "该证书已绑定，无需重复绑定",
            "this certificate is already bound",
            code="cert_already_bound",
            field="certificate",
        )
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                user=user,
                entity=entity,
                usage=_usage_of(info),
                suite=info.suite,
                pem=pem.decode("ascii"),
                serial=f"{info.serial:x}",
                subject_cn=info.subject_cn[:200],
                subject_serial_number=(info.serial_number_attr or "")[:64],
                issuer=info.issuer[:300],
                not_before=info.not_before,
                not_after=info.not_after,
                fingerprint=info.fingerprint_sha256,
                bound_at=clock.now(),
            )
    except IntegrityError:
        raise Conflict(
            "该证书已绑定，无需重复绑定",
            "this certificate is already bound",
            code="cert_already_bound",
            field="certificate",
        ) from None
    record(
        events.CERTIFICATE_BOUND,
        subject=f"certificate:{certificate.fingerprint}",
        actor=user.actor,
        ip=ip,
        payload={
            "certificate_id": certificate.pk,
            "fingerprint": certificate.fingerprint,
            "serial": certificate.serial,
            "usage": certificate.usage,
            "suite": certificate.suite,
            "entity_id": entity.pk if entity else None,
            "user_id": user.pk,
        },
    )
    return certificate


@transaction.atomic
def revoke_certificate(*, user: User, certificate_id: int, ip: str | None = None) -> Certificate:
    """Unbind a certificate (解绑): its holder, a user of its entity, or centre staff."""
    certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
    if certificate is None:
        raise NotFound("证书不存在", "no such certificate", field="certificate")
    own = certificate.user_id == user.pk or (
        certificate.entity_id is not None
        and getattr(entity_of(user), "pk", None) == certificate.entity_id
    )
    if not (own or is_centre_staff(user)):
        raise Forbidden("无权解绑该证书", "you may not unbind this certificate")
    if certificate.revoked_at is not None:
        raise Conflict("该证书已解绑", "this certificate was already unbound", code="cert_revoked")
    certificate.revoked_at = clock.now()
    certificate.save(update_fields=["revoked_at"])
    record(
        events.CERTIFICATE_REVOKED,
        subject=f"certificate:{certificate.fingerprint}",
        actor=user.actor,
        ip=ip,
        payload={"certificate_id": certificate.pk, "fingerprint": certificate.fingerprint},
    )
    return certificate


# --- login ---------------------------------------------------------------------------------


def _login_failed(request: HttpRequest, label: str, exc: DomainError) -> None:
    user_login_failed.send(
        sender=__name__,
        credentials={"username": label},
        request=request,
    )
    raise exc


def login_with_certificate(
    *, request: HttpRequest, cert_pem: str, nonce: str, signature: bytes
) -> User:
    """Log in the user whose bound signing certificate this is (证书登录)."""
    label = "certificate"
    try:
        pem = _pem_bytes(cert_pem)
        _require_signature(signature)
        challenge = _spend_challenge(nonce, purpose=ChallengePurpose.LOGIN, user=None)
        presented = load_certificate(pem)
        label = f"certificate:{presented.serial_number_attr or presented.subject_cn}"[:150]
        certificate = (
            Certificate.objects.select_related("user")
            .filter(fingerprint=presented.fingerprint_sha256, revoked_at__isnull=True)
            .exclude(user=None)
            .first()
        )
        if certificate is None or certificate.user is None or not certificate.user.is_active:
            raise Forbidden(
                "该证书未绑定到任何有效账号，请先登录并绑定证书",
                "this certificate is not bound to an active account: log in and bind it first",
                code="cert_not_bound",
                field="certificate",
            )
        if certificate.usage != CertUsage.SIGN:
            raise InvalidInput(
                "登录须使用签名证书",
                "log in with a signing certificate",
                code="cert_wrong_usage",
                field="certificate",
            )
        info = _verified(pem)
        _check_signature(info, challenge, signature)
    except DomainError as exc:
        _login_failed(request, label, exc)
        raise  # pragma: no cover - _login_failed raises
    user = certificate.user
    check_login_allowed(request, username=user.username)
    login(request, user, backend=LOGIN_BACKEND)
    return user
