"""Appraisal (一项目一考评), the annual assessment, remuneration and the bank batch."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from ggzy.entities.models import EntityStatus, EntityUser, MarketEntity
from ggzy.experts.models import DrawRequest, Invitation
from ggzy.experts.services import appraisal, pool
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, Forbidden, InvalidInput

from .conftest import INITIATOR_USCC

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("env")]
SCORES = {"attitude": 95, "discipline": 100, "professional": 88, "confidentiality": 100}


@pytest.fixture
def initiator_user(entity_user: Any, regions: Any) -> Any:
    entity = MarketEntity.objects.create(
        kind="legal",
        name="长沙市某中学",
        uscc=INITIATOR_USCC,
        address="长沙市",
        contact_name="王",
        contact_mobile="13800138000",
        status=EntityStatus.APPROVED,
        is_initiator=True,
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    EntityUser.objects.create(user=entity_user, entity=entity, created_at=clock.now())
    return entity_user


def test_one_appraisal_per_side(committee: Any, centre_user: Any, initiator_user: Any) -> None:
    request, members = committee(5)
    result = appraisal.appraise(user=centre_user, invitation_id=members[0].pk, **SCORES)
    assert result.by == "centre" and appraisal.overall(result) == Decimal("95.75")
    with pytest.raises(Conflict):
        appraisal.appraise(user=centre_user, invitation_id=members[0].pk, **SCORES)
    # the initiator waits until the result is public (names are sealed until then)
    with pytest.raises(Forbidden):
        appraisal.appraise(user=initiator_user, invitation_id=members[0].pk, **SCORES)
    DrawRequest.objects.filter(pk=request.pk).update(status=DrawRequest.Status.PUBLIC)
    other = appraisal.appraise(
        user=initiator_user, invitation_id=members[0].pk, remarks="认真负责", **SCORES
    )
    assert other.by == "initiator"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"attitude": 101}, "attitude"),
        ({"discipline": -1}, "discipline"),
        ({"professional": "90"}, "professional"),
        ({"remarks": "<b>x</b>"}, "remarks"),
    ],
)
def test_appraisal_bad_scores(
    committee: Any, centre_user: Any, unchanged: Any, change: dict[str, Any], field: str
) -> None:
    _, members = committee(5)
    with unchanged(), pytest.raises(InvalidInput) as caught:
        appraisal.appraise(user=centre_user, invitation_id=members[0].pk, **{**SCORES, **change})
    assert caught.value.field == field


def test_strangers_cannot_appraise(
    committee: Any, other_centre_user: Any, supervisor_user: Any, entity_user: Any, unchanged: Any
) -> None:
    _, members = committee(5)
    for user in (other_centre_user, supervisor_user, entity_user, members[1].expert.user):
        with unchanged(), pytest.raises(Forbidden):
            appraisal.appraise(user=user, invitation_id=members[0].pk, **SCORES)


def test_declined_invitation_is_not_appraised(
    committee: Any, centre_user: Any, unchanged: Any
) -> None:
    _, members = committee(5)
    Invitation.objects.filter(pk=members[0].pk).update(status=Invitation.Status.DECLINED)
    with unchanged(), pytest.raises(Conflict):
        appraisal.appraise(user=centre_user, invitation_id=members[0].pk, **SCORES)


def test_annual_assessment(committee: Any, centre_user: Any) -> None:
    request, members = committee(5)
    _second, others = committee(5)
    expert = members[0].expert
    Invitation.objects.filter(pk=others[0].pk).update(expert=expert)
    appraisal.appraise(user=centre_user, invitation_id=members[0].pk, **SCORES)
    appraisal.appraise(
        user=centre_user,
        invitation_id=others[0].pk,
        attitude=85,
        discipline=90,
        professional=80,
        confidentiality=100,
    )
    appraisal.record_remuneration(
        user=centre_user, invitation_id=members[0].pk, hours="4.5", amount="900.00"
    )
    pool.sanction_expert(
        user=centre_user,
        expert_id=expert.pk,
        kind="suspended",
        reason="迟到",
        document="湘公管〔2026〕20号",
        start=clock.today(),
        until=clock.today() + timedelta(days=30),
    )
    year = request.opening_at.astimezone(clock.SHANGHAI).year
    result = appraisal.annual_assessment(expert, year)
    assert result.projects == 2 and result.appraisals == 2
    assert result.averages["attitude"] == Decimal("90.00")
    assert result.overall == Decimal("92.25")
    assert [s.document for s in result.sanctions] == ["湘公管〔2026〕20号"]
    assert result.hours == Decimal("4.5") and result.amount == Decimal("900.00")
    empty = appraisal.annual_assessment(expert, year - 1)
    assert empty.projects == 0 and empty.overall is None and empty.sanctions == []


@pytest.mark.parametrize(
    ("hours", "amount", "field"),
    [
        ("0", "100", "hours"),
        ("25", "100", "hours"),
        ("1.25", "100", "hours"),
        ("abc", "100", "hours"),
        (4.5, "100", "hours"),
        ("4", "100.001", "amount"),
        ("4", 100.5, "amount"),
        ("4", "-5", "amount"),
        ("4", "1,000", "amount"),
    ],
)
def test_remuneration_bad_input(
    committee: Any, centre_user: Any, unchanged: Any, hours: Any, amount: Any, field: str
) -> None:
    _, members = committee(5)
    with unchanged(), pytest.raises(InvalidInput) as caught:
        appraisal.record_remuneration(
            user=centre_user, invitation_id=members[0].pk, hours=hours, amount=amount
        )
    assert caught.value.field == field


def test_bank_batch(committee: Any, centre_user: Any, other_centre_user: Any) -> None:
    request, members = committee(5)
    for member in members[:3]:
        appraisal.record_remuneration(
            user=centre_user, invitation_id=member.pk, hours="4", amount="800.00"
        )
    with pytest.raises(Conflict):
        appraisal.record_remuneration(
            user=centre_user, invitation_id=members[0].pk, hours="4", amount="800.00"
        )
    with pytest.raises(Forbidden):
        appraisal.export_bank_batch(user=other_centre_user, request=request)
    content = appraisal.export_bank_batch(user=centre_user, request=request)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == list(appraisal.CSV_HEADER)
    assert len(rows) == 4 and {r[3] for r in rows[1:]} == {"800.00"}
    assert rows[1][2] == members[0].expert.bank_account and request.project_code in rows[1][4]
    # exported rows are not exported twice unless asked
    with pytest.raises(Conflict):
        appraisal.export_bank_batch(user=centre_user, request=request)
    again = appraisal.export_bank_batch(user=centre_user, request=request, include_exported=True)
    assert len(list(csv.reader(io.StringIO(again.decode("utf-8-sig"))))) == 4
    opening = request.opening_at.astimezone(clock.SHANGHAI).date()
    period = (opening, opening)
    by_period = appraisal.export_bank_batch(user=centre_user, period=period, include_exported=True)
    assert by_period.count(b"800.00") == 3


def test_bank_batch_refuses_payees_without_account(
    committee: Any, centre_user: Any, unchanged: Any
) -> None:
    request, members = committee(5)
    for member in members[:2]:
        appraisal.record_remuneration(
            user=centre_user, invitation_id=member.pk, hours="4", amount="800.00"
        )
    pool.update_expert(
        user=centre_user,
        expert_id=members[1].expert_id,
        changes={"bank_name": "", "bank_account": ""},
    )
    with unchanged(), pytest.raises(InvalidInput) as caught:
        appraisal.export_bank_batch(user=centre_user, request=request)
    assert caught.value.code == "no_bank_account"
    assert "专家1" in caught.value.message_zh and "现金" in caught.value.message_zh
    with unchanged(), pytest.raises(InvalidInput):
        appraisal.export_bank_batch(user=centre_user)
    today = clock.today()
    with unchanged(), pytest.raises(InvalidInput):
        appraisal.export_bank_batch(user=centre_user, period=(today, today - timedelta(days=31)))
