"""Certificates: binding with proof of possession, unbinding, logging in with a signature."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessFailureLog
from cryptography.hazmat.primitives import serialization
from cryptography.x509 import load_pem_x509_certificate

from ggzy.core.models import LedgerEntry
from ggzy.entities import services
from ggzy.entities.models import CertUsage
from ggzy.kernel.crypto import DevCA
from ggzy.kernel.errors import Conflict, DomainError, Forbidden, InvalidInput

from .conftest import bind, sign_challenge

pytestmark = pytest.mark.django_db


def _issue(ca: DevCA, serial_attr: str, usage: str = "sign", **kwargs: Any) -> tuple[bytes, bytes]:
    return ca.issue("湖南建工集团有限公司", usage=usage, serial_number_attr=serial_attr, **kwargs)  # type: ignore[arg-type]


def test_bind_a_signing_certificate_to_the_entity(dev_ca: DevCA, approved: Any) -> None:
    cert, key = _issue(dev_ca, approved.entity.uscc)
    certificate = bind(approved.user, cert, key)
    assert certificate.entity == approved.entity and certificate.user == approved.user
    assert certificate.usage == CertUsage.SIGN and certificate.suite == "intl"
    assert certificate.subject_serial_number == approved.entity.uscc
    entry = LedgerEntry.objects.get(kind="certificate.bound")
    assert json.loads(entry.body)["fingerprint"] == certificate.fingerprint
    with pytest.raises(Conflict):
        bind(approved.user, cert, key)


def test_bind_an_encryption_certificate(dev_ca: DevCA, approved: Any) -> None:
    cert, key = _issue(dev_ca, approved.entity.uscc, usage="encrypt")
    assert bind(approved.user, cert, key).usage == CertUsage.ENCRYPT


def test_natural_person_binds_with_resident_id(dev_ca: DevCA, register: Any) -> None:
    result = register("buyer", person=True)
    cert, key = _issue(dev_ca, result.entity.resident_id)
    assert bind(result.user, cert, key).entity == result.entity


def test_staff_binds_a_personal_certificate(dev_ca: DevCA, centre_user: Any) -> None:
    from .conftest import new_resident_id

    centre_user.resident_id = new_resident_id()
    centre_user.save()
    cert, key = _issue(dev_ca, centre_user.resident_id)
    certificate = bind(centre_user, cert, key)
    assert certificate.entity is None and certificate.user == centre_user


def _attempt(user: Any, cert: bytes, key: bytes, **tamper: Any) -> DomainError:
    challenge = services.issue_challenge(user=user, purpose="bind")
    signature = base64.b64decode(
        sign_challenge(key, services.challenge_message(challenge).decode())
    )
    args = {
        "user": user,
        "cert_pem": cert.decode(),
        "challenge_nonce": challenge.nonce,
        "signature": signature,
        **tamper,
    }
    with pytest.raises(DomainError) as info:
        services.bind_certificate(**args)
    return info.value


def test_certificate_of_someone_else(
    dev_ca: DevCA, approved: Any, other: Any, unchanged: Any
) -> None:
    cert, key = _issue(dev_ca, other.entity.uscc)
    with unchanged():
        error = _attempt(approved.user, cert, key)
    assert isinstance(error, Forbidden) and error.code == "cert_not_yours"
    assert "属于他人" in error.message_zh and "someone else" in error.message_en


def test_signature_by_another_key(dev_ca: DevCA, approved: Any, unchanged: Any) -> None:
    cert, _ = _issue(dev_ca, approved.entity.uscc)
    _, other_key = _issue(dev_ca, approved.entity.uscc)
    with unchanged():
        error = _attempt(approved.user, cert, other_key)
    assert error.code == "signature_invalid" and error.field == "signature"


def test_tampered_certificate(dev_ca: DevCA, approved: Any, unchanged: Any) -> None:
    cert, key = _issue(dev_ca, approved.entity.uscc)
    der = bytearray(load_pem_x509_certificate(cert).public_bytes(serialization.Encoding.DER))
    der[-10] ^= 0x01  # flip a bit of the CA's signature
    tampered = (
        b"-----BEGIN CERTIFICATE-----\n"
        + base64.encodebytes(bytes(der))
        + b"-----END CERTIFICATE-----\n"
    )
    with unchanged():
        error = _attempt(approved.user, tampered, key)
    assert error.code in {"cert_untrusted", "cert_malformed"}
    with unchanged():
        error = _attempt(
            approved.user, b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", key
        )
    assert error.code == "cert_malformed"


def test_certificate_from_an_untrusted_ca(
    dev_ca: DevCA, approved: Any, tmp_path: Path, unchanged: Any
) -> None:
    rogue = DevCA.create(tmp_path / "rogue", "intl")
    cert, key = _issue(rogue, approved.entity.uscc)
    with unchanged():
        assert _attempt(approved.user, cert, key).code == "cert_untrusted"


def test_configured_root_is_trusted(approved: Any, tmp_path: Path, settings: Any) -> None:
    settings.GGZY_TRUST_DEV_CA = False
    ca = DevCA.create(tmp_path / "mutual-recognition", "intl")
    roots = tmp_path / "roots.pem"
    roots.write_bytes(ca.cert_pem)
    settings.GGZY_TRUSTED_CA_FILES = [str(roots)]
    cert, key = _issue(ca, approved.entity.uscc)
    assert bind(approved.user, cert, key).entity == approved.entity


def test_expired_and_not_yet_valid_certificates(
    dev_ca: DevCA, approved: Any, manual_clock: Any, unchanged: Any
) -> None:
    cert, key = _issue(dev_ca, approved.entity.uscc, days=30)
    manual_clock.advance(timedelta(days=31))
    with unchanged():
        error = _attempt(approved.user, cert, key)
    assert error.code == "cert_expired" and "过期" in error.message_zh
    later, later_key = _issue(
        dev_ca, approved.entity.uscc, not_before=manual_clock.now() + timedelta(days=1)
    )
    with unchanged():
        assert _attempt(approved.user, later, later_key).code == "cert_not_yet_valid"


def test_revoked_certificate(dev_ca: DevCA, approved: Any, unchanged: Any) -> None:
    cert, key = _issue(dev_ca, approved.entity.uscc)
    dev_ca.revoke(load_pem_x509_certificate(cert).serial_number)
    with unchanged():
        assert _attempt(approved.user, cert, key).code == "cert_revoked"


def _signed(user: Any, key: bytes, purpose: str = "bind") -> tuple[str, bytes]:
    challenge = services.issue_challenge(user=user, purpose=purpose)
    message = services.challenge_message(challenge).decode()
    return challenge.nonce, base64.b64decode(sign_challenge(key, message))


def test_challenge_reused_expired_or_foreign(
    dev_ca: DevCA, approved: Any, other: Any, manual_clock: Any, unchanged: Any
) -> None:
    cert, key = _issue(dev_ca, approved.entity.uscc)
    pem = cert.decode()
    nonce, signature = _signed(approved.user, key)
    args: dict[str, Any] = {"cert_pem": pem, "challenge_nonce": nonce, "signature": signature}
    with unchanged(), pytest.raises(InvalidInput) as info:  # issued to someone else
        services.bind_certificate(user=other.user, **args)
    assert info.value.code == "challenge_invalid"
    with unchanged(), pytest.raises(InvalidInput) as info:  # a wrong signature spends it
        services.bind_certificate(user=approved.user, **{**args, "signature": b"\x30\x00"})
    assert info.value.code == "signature_invalid"
    with unchanged(), pytest.raises(InvalidInput) as info:  # ... so it cannot be retried
        services.bind_certificate(user=approved.user, **args)
    assert info.value.code == "challenge_used"

    nonce, signature = _signed(approved.user, key)
    manual_clock.advance(timedelta(minutes=5, seconds=1))
    with unchanged(), pytest.raises(InvalidInput) as info:
        services.bind_certificate(
            user=approved.user, cert_pem=pem, challenge_nonce=nonce, signature=signature
        )
    assert info.value.code == "challenge_expired"

    nonce, signature = _signed(None, key, "login")
    with unchanged(), pytest.raises(InvalidInput) as info:  # a login challenge cannot bind
        services.bind_certificate(
            user=approved.user, cert_pem=pem, challenge_nonce=nonce, signature=signature
        )
    assert info.value.code == "challenge_invalid"

    nonce, signature = _signed(approved.user, key)
    services.bind_certificate(
        user=approved.user, cert_pem=pem, challenge_nonce=nonce, signature=signature
    )
    other_cert, _ = _issue(dev_ca, approved.entity.uscc)
    with unchanged(), pytest.raises(InvalidInput) as info:  # a used challenge stays used
        services.bind_certificate(
            user=approved.user,
            cert_pem=other_cert.decode(),
            challenge_nonce=nonce,
            signature=signature,
        )
    assert info.value.code == "challenge_used"


def test_revoke_binding(dev_ca: DevCA, approved: Any, other: Any, centre_user: Any) -> None:
    cert, key = _issue(dev_ca, approved.entity.uscc)
    certificate = bind(approved.user, cert, key)
    with pytest.raises(Forbidden):
        services.revoke_certificate(user=other.user, certificate_id=certificate.pk)
    revoked = services.revoke_certificate(user=centre_user, certificate_id=certificate.pk)
    assert revoked.revoked_at is not None
    assert LedgerEntry.objects.filter(kind="certificate.revoked").count() == 1
    with pytest.raises(Conflict):
        services.revoke_certificate(user=approved.user, certificate_id=certificate.pk)


def _login(client: Any, cert: bytes, key: bytes, *, sign_with: bytes | None = None) -> Any:
    challenge = client.post("/api/v1/entities/certificates/login/challenge").json()
    body = {
        "certificate": cert.decode(),
        "nonce": challenge["nonce"],
        "signature": sign_challenge(sign_with or key, challenge["to_sign"]),
    }
    return client.post("/api/v1/entities/certificates/login", body, content_type="application/json")


def test_login_with_a_bound_certificate(client: Any, dev_ca: DevCA, approved: Any) -> None:
    cert, key = _issue(dev_ca, approved.entity.uscc)
    bind(approved.user, cert, key)
    response = _login(client, cert, key)
    assert response.status_code == 200, response.content
    assert response.json() == {"username": "bidder", "role": "entity", "entity": approved.entity.pk}
    me = client.get("/api/v1/accounts/me")
    assert me.status_code == 200 and me.json()["username"] == "bidder"


def test_failed_certificate_logins_are_logged(client: Any, dev_ca: DevCA, approved: Any) -> None:
    cert, key = _issue(dev_ca, approved.entity.uscc)
    _, wrong = _issue(dev_ca, approved.entity.uscc)
    response = _login(client, cert, key)  # not bound yet
    assert response.status_code == 403 and response.json()["code"] == "cert_not_bound"
    bind(approved.user, cert, key)
    response = _login(client, cert, key, sign_with=wrong)
    assert response.status_code == 400 and response.json()["code"] == "signature_invalid"
    assert AccessFailureLog.objects.count() == 2
    assert client.get("/api/v1/accounts/me").status_code == 401


def test_certificate_login_respects_the_password_lockout(
    client: Any, dev_ca: DevCA, approved: Any, settings: Any
) -> None:
    cert, key = _issue(dev_ca, approved.entity.uscc)
    bind(approved.user, cert, key)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "bidder", "password": "wrong"})
    response = _login(client, cert, key)
    assert response.status_code == 429 and response.json()["code"] == "account_locked"
    assert client.get("/api/v1/accounts/me").status_code == 401


def test_login_refuses_unbound_revoked_and_encryption_certificates(
    client: Any, dev_ca: DevCA, approved: Any
) -> None:
    enc, enc_key = _issue(dev_ca, approved.entity.uscc, usage="encrypt")
    bind(approved.user, enc, enc_key)
    assert _login(client, enc, enc_key).json()["code"] == "cert_wrong_usage"
    cert, key = _issue(dev_ca, approved.entity.uscc)
    certificate = bind(approved.user, cert, key)
    services.revoke_certificate(user=approved.user, certificate_id=certificate.pk)
    assert _login(client, cert, key).json()["code"] == "cert_not_bound"


def test_gm_certificate_binds_and_logs_in(
    client: Any, approved: Any, settings: Any, tmp_path: Path
) -> None:
    ca = DevCA.create(settings.GGZY_CA_DIR, "gm")
    cert, key = _issue(ca, approved.entity.uscc)
    certificate = bind(approved.user, cert, key, suite="gm")
    assert certificate.suite == "gm"
    challenge = client.post("/api/v1/entities/certificates/login/challenge").json()
    body = {
        "certificate": cert.decode(),
        "nonce": challenge["nonce"],
        "signature": sign_challenge(key, challenge["to_sign"], "gm"),
    }
    response = client.post(
        "/api/v1/entities/certificates/login", body, content_type="application/json"
    )
    assert response.status_code == 200, response.content
