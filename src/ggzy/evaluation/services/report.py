"""The evaluation report (评标报告, Reg. Art 53): written dissent, the PDF, and every
member's signature with their own certificate. A member who signs without a written dissent
agrees with the result."""

from __future__ import annotations

import base64
import binascii
import hashlib

from django.db import transaction

from ggzy.accounts.models import User
from ggzy.core import files
from ggzy.entities.models import Certificate, CertUsage
from ggzy.evaluation import events
from ggzy.kernel import clock, rules
from ggzy.kernel.crypto import get_suite, load_certificate
from ggzy.kernel.errors import Conflict, Forbidden, InvalidInput
from ggzy.kernel.ledger import canonical_json
from ggzy.kernel.text import clean_text
from ggzy.tendering.models import Lot, Notice
from ggzy.tendering.services.common import publish_notice, update_project_status

from ..models import Evaluation, Member
from ..report_pdf import render_report
from .common import chair_of, current_members, lock, member_of, require_status, witness

ART_53 = rules.REG.art(53)


@transaction.atomic
def dissent(*, user: User, evaluation_id: int, text: str, ip: str | None = None) -> Member:
    """A member's written disagreement with the result and why; it goes into the report."""
    evaluation = lock(evaluation_id)
    require_status(evaluation, Evaluation.Status.CONCLUDED)
    member = member_of(user, evaluation)
    member.dissent = clean_text(
        text, field="text", max_length=2000, multiline=True, label_zh="不同意见", label_en="dissent"
    )
    member.save(update_fields=["dissent"])
    digest = hashlib.sha256(member.dissent.encode()).hexdigest()
    witness(
        evaluation, events.EVALUATION_DISSENT, user, {"member": member.pk, "digest": digest}, ip
    )
    return member


def report_name(evaluation: Evaluation) -> str:
    """The report's name in the file store, relative to its root."""
    return f"evaluation/{evaluation.lot.code}/report-{evaluation.pk}-v{evaluation.version}.pdf"


@transaction.atomic
def issue_report(*, user: User, evaluation_id: int, ip: str | None = None) -> Evaluation:
    """Generate the report PDF from the result; members then sign it."""
    evaluation = lock(evaluation_id)
    require_status(evaluation, Evaluation.Status.CONCLUDED)
    chair_of(user, evaluation)
    pdf = render_report(evaluation)
    evaluation.report_file = files.store(report_name(evaluation), pdf)
    evaluation.report_digest = hashlib.sha256(pdf).hexdigest()
    evaluation.reported_at, evaluation.status = clock.now(), Evaluation.Status.REPORTED
    evaluation.save(update_fields=["report_file", "report_digest", "reported_at", "status"])
    witness(
        evaluation, events.EVALUATION_REPORT_ISSUED, user, {"digest": evaluation.report_digest}, ip
    )
    return evaluation


def statement(evaluation: Evaluation) -> bytes:
    """What each member signs: the lot, the evaluation and the report's SHA-256."""
    return canonical_json(
        {
            "type": "ggzy.evaluation-report",
            "lot": evaluation.lot.code,
            "evaluation": evaluation.pk,
            "report_sha256": evaluation.report_digest,
        }
    ).encode()


def _signature(value: object) -> bytes:
    try:
        if not isinstance(value, str):
            raise ValueError
        return base64.b64decode(value, validate=True)
    except (ValueError, binascii.Error):
        raise InvalidInput(
            "签名须为 Base64 编码", "the signature must be Base64", field="signature"
        ) from None


def _verified_certificate(user: User, data: bytes, signature: bytes) -> Certificate:
    now = clock.now()
    certificates = Certificate.objects.filter(
        user=user,
        usage=CertUsage.SIGN,
        revoked_at__isnull=True,
        not_before__lte=now,
        not_after__gte=now,
    )
    for cert in certificates:
        info = load_certificate(cert.pem.encode())
        if get_suite(cert.suite).verify(info.public_key_pem, data, signature):
            return cert
    raise InvalidInput(
        "签名无法用您绑定的有效签名证书验证；请用本人的数字证书签署评标报告",
        "the signature does not verify with any valid signing certificate bound to you",
        code="bad_signature",
        field="signature",
    )


def _finish(evaluation: Evaluation, user: User, ip: str | None) -> None:
    lot: Lot = evaluation.lot
    evaluation.status, evaluation.completed_at = Evaluation.Status.COMPLETE, clock.now()
    assert evaluation.result is not None
    if evaluation.result["failed"]:
        evaluation.status = Evaluation.Status.FAILED
        lot.status = Lot.Status.FAILED
        publish_notice(
            project=lot.project,
            lot=lot,
            kind=Notice.Kind.FAILURE,
            title=f"{lot.project.name}{lot.name}招标失败公告",
            body=f"评标委员会否决全部投标：{evaluation.result['ground']}。招标人将依法重新招标。",
            user=None,
            ip=ip,
        )
    else:
        lot.status = Lot.Status.EVALUATED
    evaluation.save(update_fields=["status", "completed_at"])
    lot.save(update_fields=["status"])
    update_project_status(lot.project)
    witness(
        evaluation, events.EVALUATION_COMPLETED, user, {"failed": evaluation.result["failed"]}, ip
    )


@transaction.atomic
def sign_report(
    *, user: User, evaluation_id: int, signature: object, ip: str | None = None
) -> Member:
    """A member signs the report with their own signing certificate (base64 signature over
    ``statement``). When the last member signs, the evaluation is complete."""
    evaluation = lock(evaluation_id)
    require_status(evaluation, Evaluation.Status.REPORTED)
    member = evaluation.members.filter(user=user, replaced_at__isnull=True).first()
    if member is None:
        raise Forbidden(
            f"只有评标委员会在任成员可以签署评标报告（依据{ART_53.zh}）",
            f"only current members of the committee sign the report ({ART_53.en})",
            code="not_member",
        )
    if member.report_signed_at is not None:
        raise Conflict("您已签署评标报告", "you have already signed", code="already_signed")
    cert = _verified_certificate(user, statement(evaluation), _signature(signature))
    member.report_signature = str(signature)
    member.report_certificate, member.report_signed_at = cert, clock.now()
    member.save(update_fields=["report_signature", "report_certificate", "report_signed_at"])
    witness(
        evaluation,
        events.EVALUATION_REPORT_SIGNED,
        user,
        {
            "member": member.pk,
            "certificate": cert.fingerprint,
            "signature": member.report_signature,
        },
        ip,
    )
    if all(m.report_signed_at for m in current_members(evaluation)):
        _finish(evaluation, user, ip)
    return member
