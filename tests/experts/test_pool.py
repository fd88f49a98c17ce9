"""Pool services: profiles, self-service changes, review, leave, sanctions, the
classification — each writes the ledger and saves nothing on bad input."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from ggzy.core.models import LedgerEntry
from ggzy.experts.models import Expert, ExpertStatus, Leave, ProfileChange, Sanction, Specialty
from ggzy.experts.services import pool
from ggzy.experts.tasks import restore_expired
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, DomainError, Forbidden, InvalidInput, RuleViolation

from .conftest import expert_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("env")]


def kinds() -> list[str]:
    return list(LedgerEntry.objects.order_by("seq").values_list("kind", flat=True))


# --- classification ------------------------------------------------------------------------


def test_classification_loads_idempotently(db: None) -> None:
    count = pool.load_specialties()
    assert count == Specialty.objects.count() >= 40
    a08 = Specialty.objects.get(code="A08")
    assert a08.name == "工程施工" and a08.level == 2 and a08.parent_id == "A"
    assert Specialty.objects.get(code="A080101").level == 4
    assert {s.code for s in Specialty.objects.filter(level=1)} == {"A", "B", "C"}
    entries = LedgerEntry.objects.count()
    assert pool.load_specialties() == count  # twice: nothing changes, nothing witnessed
    assert LedgerEntry.objects.count() == entries == 1


def test_classification_file_says_it_is_a_subset() -> None:
    meta = json.loads(pool.DEFAULT_SPECIALTIES.read_text())["meta"]
    assert "子集" in meta["title_zh"] and "subset" in meta["completeness_en"]


def test_admin_additions_survive_reload(classification: int) -> None:
    Specialty.objects.create(code="C06", name="新增服务", level=2, parent_id="C")
    pool.load_specialties()
    assert Specialty.objects.filter(code="C06").exists()


# --- create and update -----------------------------------------------------------------------


def test_create_expert_records_ledger_without_personal_data(
    make_expert: Any, centre_user: Any
) -> None:
    expert = make_expert()
    assert expert.status == ExpertStatus.ACTIVE and expert.main_specialty_id == "A080101"
    assert list(expert.other_specialties.values_list("code", flat=True)) == ["A0802"]
    entry = LedgerEntry.objects.filter(kind="expert.created").get()
    assert entry.subject == f"expert:{expert.pk}" and entry.actor == centre_user.actor
    assert expert.resident_id not in entry.body and expert.name not in entry.body
    assert expert.mobile not in entry.body


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"main_specialty": "Z99"}, "main_specialty", "unknown_specialty"),
        ({"other_specialties": ["A08", "B99"]}, "other_specialties", "unknown_specialty"),
        ({"resident_id": "430102197506010011"}, "resident_id", None),
        ({"employer_uscc": "91350100M000100Y44"}, "employer_uscc", None),
        ({"years_of_practice": "很多"}, "years_of_practice", None),
        ({"years_of_practice": 5}, "years_of_practice", "expert_years"),
        ({"mobile": "12345"}, "mobile", None),
        ({"region": "999999"}, "region", "region"),
        ({"name": "<script>x</script>"}, "name", "text_markup"),
        ({"bank_account": "abc"}, "bank_account", "bank_account"),
        ({"bank_name": ""}, "bank_account", None),
        ({"in_comprehensive_pool": False}, "in_comprehensive_pool", None),
    ],
)
def test_create_refuses_bad_input(
    centre_user: Any,
    classification: int,
    unchanged: Any,
    overrides: dict[str, Any],
    field: str,
    code: str | None,
) -> None:
    with unchanged(), pytest.raises(DomainError) as caught:
        pool.create_expert(user=centre_user, data=expert_data(**overrides))
    assert caught.value.field == field
    assert caught.value.message_zh and caught.value.message_en
    if code:
        assert caught.value.code == code


def test_short_practice_cites_the_law(centre_user: Any, classification: int) -> None:
    with pytest.raises(RuleViolation) as caught:
        pool.create_expert(user=centre_user, data=expert_data(years_of_practice=7))
    assert "招标投标法" in caught.value.message_zh and caught.value.rule == "works.expert_min_years"


def test_duplicate_resident_id(make_expert: Any, centre_user: Any, unchanged: Any) -> None:
    first = make_expert()
    with unchanged(), pytest.raises(Conflict):
        pool.create_expert(user=centre_user, data=expert_data(resident_id=first.resident_id))


def test_only_centre_staff_manage_the_pool(
    expert: Expert, supervisor_user: Any, classification: int, unchanged: Any
) -> None:
    for user in (supervisor_user, expert.user):
        with unchanged(), pytest.raises(Forbidden):
            pool.create_expert(user=user, data=expert_data())
        with unchanged(), pytest.raises(Forbidden):
            pool.update_expert(user=user, expert_id=expert.pk, changes={"title": "教授"})


def test_centre_updates_any_field(expert: Expert, centre_user: Any) -> None:
    pool.update_expert(
        user=centre_user,
        expert_id=expert.pk,
        changes={"title": "正高级工程师", "other_specialties": ["B01", "C02"]},
    )
    expert.refresh_from_db()
    assert expert.title == "正高级工程师"
    assert sorted(expert.other_specialties.values_list("code", flat=True)) == ["B01", "C02"]
    assert kinds()[-1] == "expert.updated"


# --- self-service ------------------------------------------------------------------------------


def test_expert_updates_contact_directly_and_employer_by_review(
    expert: Expert, centre_user: Any
) -> None:
    new_uscc = "91350100M000100Y43"
    result = pool.update_own_profile(
        user=expert.user,
        changes={
            "mobile": "13700137000",
            "bank_account": "6222020000000000999",
            "employer_name": "湖南大学",
            "employer_uscc": new_uscc,
            "main_specialty": "A0802",
            "other_specialties": [],
        },
    )
    expert.refresh_from_db()
    assert expert.mobile == "13700137000" and expert.bank_account.endswith("999")
    assert result.applied == ["bank_account", "mobile"]
    assert expert.employer_name != "湖南大学" and expert.main_specialty_id == "A080101"
    change = result.change
    assert change is not None and change.status == ProfileChange.Status.PENDING
    assert set(change.data) == {
        "employer_name",
        "employer_uscc",
        "main_specialty",
        "other_specialties",
    }
    with pytest.raises(Conflict):
        pool.update_own_profile(user=expert.user, changes={"title": "教授"})
    pool.approve_profile_change(reviewer=centre_user, change_id=change.pk)
    expert.refresh_from_db()
    assert expert.employer_uscc == new_uscc and expert.main_specialty_id == "A0802"
    assert not expert.other_specialties.exists()
    assert "expert.change_approved" in kinds()
    assert expert.user.notifications.filter(kind="experts.change_approved").exists()


def test_returned_change_leaves_profile(expert: Expert, centre_user: Any) -> None:
    change = pool.update_own_profile(user=expert.user, changes={"title": "教授"}).change
    assert change is not None
    with pytest.raises(InvalidInput):
        pool.return_profile_change(reviewer=centre_user, change_id=change.pk, reason=" ")
    pool.return_profile_change(reviewer=centre_user, change_id=change.pk, reason="缺证书")
    expert.refresh_from_db()
    assert expert.title == "高级工程师"
    with pytest.raises(Conflict):
        pool.approve_profile_change(reviewer=centre_user, change_id=change.pk)
    with pytest.raises(Forbidden):
        pool.approve_profile_change(reviewer=expert.user, change_id=change.pk)


def test_expert_cannot_change_locked_fields(expert: Expert, unchanged: Any) -> None:
    with unchanged(), pytest.raises(Forbidden) as caught:
        pool.update_own_profile(user=expert.user, changes={"name": "改名", "mobile": "13700137000"})
    assert caught.value.field == "name"
    with unchanged(), pytest.raises(InvalidInput):
        pool.update_own_profile(user=expert.user, changes={"main_specialty": "X1"})


def test_expert_cannot_edit_another_expert(
    expert: Expert, other_expert: Expert, unchanged: Any
) -> None:
    today = clock.today()
    with unchanged(), pytest.raises(Forbidden):
        pool.add_leave(user=expert.user, expert_id=other_expert.pk, start=today, end=today)
    with unchanged(), pytest.raises(Forbidden):
        pool.update_expert(
            user=expert.user, expert_id=other_expert.pk, changes={"mobile": "13700137000"}
        )


def test_a_non_expert_has_no_profile(entity_user: Any, classification: int) -> None:
    with pytest.raises(Forbidden):
        pool.update_own_profile(user=entity_user, changes={"mobile": "13700137000"})


# --- leave -------------------------------------------------------------------------------------


def test_leave_overlap_and_order(expert: Expert, centre_user: Any, unchanged: Any) -> None:
    today = clock.today()
    leave = pool.add_leave(
        user=expert.user, expert_id=expert.pk, start=today, end=today + timedelta(days=5)
    )
    with unchanged(), pytest.raises(Conflict) as caught:
        pool.add_leave(
            user=centre_user,
            expert_id=expert.pk,
            start=today + timedelta(days=5),
            end=today + timedelta(days=9),
        )
    assert caught.value.code == "leave_overlap"
    with unchanged(), pytest.raises(InvalidInput):
        pool.add_leave(
            user=expert.user,
            expert_id=expert.pk,
            start=today + timedelta(days=20),
            end=today + timedelta(days=10),
        )
    pool.add_leave(
        user=centre_user,
        expert_id=expert.pk,
        start=today + timedelta(days=6),
        end=today + timedelta(days=6),
    )
    pool.cancel_leave(user=expert.user, leave_id=leave.pk)
    assert Leave.objects.filter(expert=expert).count() == 1
    assert kinds().count("expert.leave_added") == 2 and "expert.leave_cancelled" in kinds()


# --- sanctions --------------------------------------------------------------------------------


def test_suspension_and_restoration(
    expert: Expert, centre_user: Any, env: clock.ManualClock
) -> None:
    today = clock.today()
    sanction = pool.sanction_expert(
        user=centre_user,
        expert_id=expert.pk,
        kind="suspended",
        reason="无故缺席评标",
        document="湘公管〔2026〕12号",
        start=today,
        until=today + timedelta(days=2),
    )
    expert.refresh_from_db()
    assert expert.status == ExpertStatus.SUSPENDED and expert.status_document == sanction.document
    assert kinds()[-1] == "expert.suspended"
    assert restore_expired() == ""  # still within the period (through its last day)
    env.advance(timedelta(days=3))
    assert restore_expired() == "1 experts restored"
    expert.refresh_from_db()
    assert expert.status == ExpertStatus.ACTIVE and expert.status_until is None
    assert kinds()[-1] == "expert.restored"
    assert restore_expired() == ""  # idempotent


def test_blacklist_without_period_and_lift(expert: Expert, centre_user: Any) -> None:
    today = clock.today()
    pool.sanction_expert(
        user=centre_user,
        expert_id=expert.pk,
        kind="blacklisted",
        reason="收受投标人财物",
        document="湘公管〔2026〕13号",
        start=today - timedelta(days=1),
    )
    with pytest.raises(Conflict):
        pool.sanction_expert(
            user=centre_user,
            expert_id=expert.pk,
            kind="suspended",
            reason="x",
            document="y",
            start=today,
            until=today,
        )
    assert pool.restore_expired_sanctions(today=today + timedelta(days=999)) == []
    pool.lift_sanction(user=centre_user, expert_id=expert.pk, reason="复议撤销")
    expert.refresh_from_db()
    assert expert.status == ExpertStatus.ACTIVE
    with pytest.raises(Conflict):
        pool.lift_sanction(user=centre_user, expert_id=expert.pk, reason="再次")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"document": ""}, "document"),
        ({"document": "   "}, "document"),
        ({"reason": ""}, "reason"),
        ({"until": None}, "until"),
        ({"kind": "active"}, "kind"),
        ({"start": timedelta(days=1)}, "start"),
        ({"until": timedelta(days=-1)}, "until"),
    ],
)
def test_sanction_bad_input(
    expert: Expert, centre_user: Any, unchanged: Any, changes: dict[str, Any], field: str
) -> None:
    today = clock.today()
    args: dict[str, Any] = {
        "kind": "suspended",
        "reason": "迟到",
        "document": "湘公管〔2026〕14号",
        "start": today,
        "until": today + timedelta(days=30),
    }
    # a date is written as days from today
    args.update(
        {k: (today + v).isoformat() if isinstance(v, timedelta) else v for k, v in changes.items()}
    )
    with unchanged(), pytest.raises(InvalidInput) as caught:
        pool.sanction_expert(user=centre_user, expert_id=expert.pk, **args)
    assert caught.value.field == field


def test_only_centre_sanctions(expert: Expert, supervisor_user: Any, unchanged: Any) -> None:
    today = clock.today()
    with unchanged(), pytest.raises(Forbidden):
        pool.sanction_expert(
            user=supervisor_user,
            expert_id=expert.pk,
            kind="suspended",
            reason="x",
            document="y",
            start=today,
            until=today,
        )
    assert not Sanction.objects.exists()


def test_account_creation(make_expert: Any, centre_user: Any) -> None:
    expert = make_expert()
    account = pool.create_expert_account(user=centre_user, expert_id=expert.pk)
    expert.refresh_from_db()
    assert expert.user is not None and expert.user.role == "expert"
    assert expert.user.check_password(account.password)
    assert expert.resident_id not in account.username
    with pytest.raises(Conflict):
        pool.create_expert_account(user=centre_user, expert_id=expert.pk)


def test_unknown_expert(centre_user: Any, classification: int) -> None:
    with pytest.raises(DomainError) as caught:
        pool.update_expert(user=centre_user, expert_id=99999, changes={})
    assert caught.value.status == 404
