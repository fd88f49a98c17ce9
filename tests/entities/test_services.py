"""Services: registration, changes, review, qualifications, staff, expiry warnings."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from ggzy.accounts.models import Notification, Role, User
from ggzy.core.models import LedgerEntry
from ggzy.core.selectors import verify_ledger
from ggzy.entities import selectors, services
from ggzy.entities.models import (
    EntityRevision,
    EntityStatus,
    Qualification,
    RevisionStatus,
    StaffMember,
)
from ggzy.entities.tasks import warn_expiring_qualifications
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, Forbidden, InvalidInput

from .conftest import PASSWORD, PDF, VALID_UNTIL, new_resident_id, upload

pytestmark = pytest.mark.django_db


def test_register_creates_entity_revision_account_and_ledger_entry(
    register: Any, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    registration = register()
    entity, revision, user = registration.entity, registration.revision, registration.user
    assert entity.status == EntityStatus.PENDING and entity.version == 0
    assert revision.number == 1 and revision.status == RevisionStatus.PENDING
    assert revision.data["uscc"] == entity.uscc and revision.data["qualifications"] == []
    assert user.role == Role.ENTITY and user.entity_link.entity == entity
    assert user.entity_link.is_admin
    assert user.password.startswith("argon2")
    assert user.check_password(PASSWORD)
    entry = LedgerEntry.objects.get(kind="entity.registered")
    assert entry.subject == f"entity:{entity.pk}"
    body = json.loads(entry.body)
    assert body["revision"] == 1 and body["status"] == "pending"
    # The ledger payload is small and holds no personal data.
    assert entity.uscc not in entry.body and entity.legal_rep_id not in entry.body
    assert registration.receipt["ledger_seq"] == entry.seq
    assert verify_ledger().ok


def test_natural_person_registers_with_resident_id(register: Any) -> None:
    result = register("buyer", person=True, uscc="ignored", legal_rep_name="ignored")
    entity = result.entity
    assert entity.kind == "person" and entity.uscc == "" and entity.legal_rep_name == ""
    assert result.user.resident_id == entity.resident_id
    assert entity.identifier == entity.resident_id


def test_identifiers_are_normalised(register: Any) -> None:
    from .conftest import new_uscc

    code = new_uscc()
    messy = " " + code.lower()[:9] + " " + code.lower()[9:]
    entity = register(uscc=messy, contact_mobile="+86 138-0013-8000").entity
    assert entity.uscc == code and entity.contact_mobile == "13800138000"


def test_duplicate_uscc_is_a_conflict_naming_the_status(registration: Any, register: Any) -> None:
    with pytest.raises(Conflict) as info:
        register("second", uscc=registration.entity.uscc)
    assert info.value.field == "uscc"
    assert "待审核" in info.value.message_zh and "pending" in info.value.message_en


def test_duplicate_username_is_a_conflict(registration: Any, register: Any) -> None:
    with pytest.raises(Conflict) as info:
        register("BIDDER")
    assert info.value.field == "username"


def test_weak_password_is_refused_in_both_languages(province: Any) -> None:
    from .conftest import legal_data

    with pytest.raises(InvalidInput) as info:
        services.register_entity(data=legal_data(), username="weak", password="12345678")
    assert info.value.field == "password"
    assert "密码" in info.value.message_zh and "password" in info.value.message_en.lower()


def test_approve_makes_the_entity_approved(approved: Any, centre_user: User) -> None:
    entity = approved.entity
    assert entity.status == EntityStatus.APPROVED and entity.version == 1
    revision = EntityRevision.objects.get(pk=approved.revision.pk)
    assert revision.reviewed_by == centre_user and revision.reviewed_at == clock.now()
    assert LedgerEntry.objects.filter(kind="entity.approved").count() == 1
    assert Notification.objects.filter(recipient=approved.user, kind="entities.approved").exists()


def test_only_centre_staff_review(registration: Any, supervisor_user: User, other: Any) -> None:
    for reviewer in (registration.user, other.user, supervisor_user):
        with pytest.raises(Forbidden):
            services.approve(reviewer=reviewer, revision_id=registration.revision.pk)
        with pytest.raises(Forbidden):
            services.return_for_revision(
                reviewer=reviewer, revision_id=registration.revision.pk, reason="x"
            )


def test_return_needs_a_reason_and_then_resubmission(registration: Any, centre_user: User) -> None:
    with pytest.raises(InvalidInput) as info:
        services.return_for_revision(
            reviewer=centre_user, revision_id=registration.revision.pk, reason="  "
        )
    assert info.value.field == "reason"
    services.return_for_revision(
        reviewer=centre_user,
        revision_id=registration.revision.pk,
        reason="地址不完整\n请补充门牌号",
    )
    entity = registration.entity
    entity.refresh_from_db()
    assert entity.status == EntityStatus.RETURNED
    note = Notification.objects.get(recipient=registration.user, kind="entities.returned")
    assert "地址不完整" in note.message_zh
    revision = services.submit_change(
        user=registration.user,
        entity_id=entity.pk,
        changes={"address": "湖南省长沙市岳麓区麓山南路1号2栋"},
    )
    entity.refresh_from_db()
    assert revision.number == 2 and entity.status == EntityStatus.PENDING
    assert entity.address.endswith("2栋")  # never approved: the row follows the submission


def test_reviewing_twice_is_a_conflict(approved: Any, centre_user: User) -> None:
    with pytest.raises(Conflict):
        services.approve(reviewer=centre_user, revision_id=approved.revision.pk)
    with pytest.raises(Conflict):
        services.return_for_revision(
            reviewer=centre_user, revision_id=approved.revision.pk, reason="太迟了"
        )


def test_change_after_approval_waits_for_review(approved: Any, centre_user: User) -> None:
    entity, user = approved.entity, approved.user
    revision = services.submit_change(
        user=user, entity_id=entity.pk, changes={"name": "湖南建工集团股份有限公司"}
    )
    entity.refresh_from_db()
    assert entity.name == "湖南建工集团有限公司"  # the approved data stays live
    assert entity.status == EntityStatus.APPROVED
    with pytest.raises(Conflict):  # one pending revision at a time
        services.submit_change(user=user, entity_id=entity.pk, changes={"name": "第三个名字"})
    view = selectors.review_view(centre_user, revision.pk)
    assert [c.field for c in view.changes] == ["name"]
    assert view.changes[0].before_text == "湖南建工集团有限公司"
    services.approve(reviewer=centre_user, revision_id=revision.pk)
    entity.refresh_from_db()
    assert entity.name == "湖南建工集团股份有限公司" and entity.version == 2
    assert list(entity.revisions.values_list("number", flat=True)) == [2, 1]


def test_returned_change_keeps_the_approved_data(approved: Any, centre_user: User) -> None:
    entity = approved.entity
    revision = services.submit_change(
        user=approved.user, entity_id=entity.pk, changes={"contact_mobile": "13700137000"}
    )
    services.return_for_revision(reviewer=centre_user, revision_id=revision.pk, reason="请说明")
    entity.refresh_from_db()
    assert entity.status == EntityStatus.APPROVED and entity.contact_mobile == "13800138000"
    assert entity.version == 1


def test_change_cannot_touch_identity_or_be_empty(approved: Any, other: Any) -> None:
    entity, user = approved.entity, approved.user
    with pytest.raises(InvalidInput) as info:
        services.submit_change(user=user, entity_id=entity.pk, changes={"uscc": other.entity.uscc})
    assert info.value.code == "identity_immutable"
    with pytest.raises(InvalidInput) as info:
        services.submit_change(user=user, entity_id=entity.pk, changes={"name": entity.name})
    assert info.value.code == "no_change"
    with pytest.raises(InvalidInput) as info:
        services.submit_change(user=user, entity_id=entity.pk, changes={"colour": "red"})
    assert info.value.code == "unknown_field"


def test_only_members_change_their_entity(approved: Any, other: Any, centre_user: User) -> None:
    for user in (other.user, centre_user):
        with pytest.raises(Forbidden):
            services.submit_change(user=user, entity_id=approved.entity.pk, changes={"name": "x"})
        with pytest.raises(Forbidden):
            services.add_staff_member(
                user=user, entity_id=approved.entity.pk, name="x", resident_id=new_resident_id()
            )


def test_qualification_joins_a_new_revision_and_is_approved_with_it(
    approved: Any, centre_user: User, settings: Any
) -> None:
    entity = approved.entity
    qualification = services.add_qualification(
        user=approved.user,
        entity_id=entity.pk,
        type="建筑工程施工总承包",
        level="一级",
        certificate_no="D143000001",
        issuer="湖南省住房和城乡建设厅",
        valid_until=VALID_UNTIL,
        file=upload(PDF, "证书.exe"),
    )
    assert qualification.file_type == "pdf" and qualification.file.name.endswith(".pdf")
    assert (settings.MEDIA_ROOT / qualification.file.name).read_bytes() == PDF
    revision = qualification.revision
    assert revision is not None and revision.number == 2
    assert revision.status == RevisionStatus.PENDING
    assert revision.data["qualifications"][0]["certificate_no"] == "D143000001"
    body = json.loads(LedgerEntry.objects.get(kind="entity.qualification_added").body)
    assert body["file_sha256"] == qualification.file_sha256 and body["opened_revision"]
    # A staff member added now joins the same open revision.
    member = services.add_staff_member(
        user=approved.user,
        entity_id=entity.pk,
        name="孙七",
        resident_id=new_resident_id(),
        position="项目经理",
        certificate_no="湘143000000001",
    )
    assert member.revision == revision
    revision.refresh_from_db()
    staff = revision.data["staff"][0]
    assert staff["name"] == "孙七" and "*" in staff["resident_id"]
    view = selectors.review_view(centre_user, revision.pk)
    assert {c.field for c in view.changes} == {"qualifications", "staff"}
    services.approve(reviewer=centre_user, revision_id=revision.pk)
    assert Qualification.objects.get().approved and StaffMember.objects.get().approved


def test_items_of_a_returned_revision_join_the_next_one(approved: Any, centre_user: User) -> None:
    member = services.add_staff_member(
        user=approved.user, entity_id=approved.entity.pk, name="周八", resident_id=new_resident_id()
    )
    first = member.revision
    assert first is not None
    services.return_for_revision(reviewer=centre_user, revision_id=first.pk, reason="证书不清晰")
    revision = services.submit_change(user=approved.user, entity_id=approved.entity.pk, changes={})
    member.refresh_from_db()
    assert member.revision == revision and not member.approved


def test_duplicate_items_are_conflicts(approved: Any) -> None:
    number = new_resident_id()
    args: dict[str, Any] = {"user": approved.user, "entity_id": approved.entity.pk}
    services.add_staff_member(**args, name="吴九", resident_id=number)
    with pytest.raises(Conflict):
        services.add_staff_member(**args, name="吴九", resident_id=number)
    fields: dict[str, Any] = {
        "type": "市政公用工程施工总承包",
        "certificate_no": "D2",
        "issuer": "住建厅",
        "valid_until": VALID_UNTIL.isoformat(),
    }
    services.add_qualification(**args, **fields, file=upload())
    with pytest.raises(Conflict):
        services.add_qualification(**args, **fields, file=upload())


def test_expiry_warnings_are_sent_once(approved: Any, manual_clock: Any, settings: Any) -> None:
    settings.GGZY_QUALIFICATION_WARNING_DAYS = 30
    today = clock.today()
    args = {"user": approved.user, "entity_id": approved.entity.pk, "issuer": "住建厅"}
    soon = services.add_qualification(
        **args,
        type="甲",
        certificate_no="A1",
        valid_until=today + timedelta(days=10),
        file=upload(),
    )
    services.add_qualification(
        **args,
        type="乙",
        certificate_no="B1",
        valid_until=today + timedelta(days=90),
        file=upload(),
    )
    assert warn_expiring_qualifications() == "1 notifications"
    assert warn_expiring_qualifications() == ""
    note = Notification.objects.get(kind="entities.qualification_expiry")
    assert "A1" in note.message_zh and "10" in note.message_zh
    assert selectors.expiry_state(soon.valid_until) == "warn"
    manual_clock.advance(timedelta(days=11))
    assert selectors.expiry_state(soon.valid_until) == "bad"
    assert warn_expiring_qualifications() == ""  # once per qualification
    manual_clock.advance(timedelta(days=70))
    assert warn_expiring_qualifications() == "1 notifications"  # the second one, now due
    context = selectors.workspace_context(approved.user)
    assert {q.certificate_no for q, _ in context["my_expiring"]} == {"A1", "B1"}


def test_public_stats(registration: Any, other: Any, centre_user: User) -> None:
    services.approve(reviewer=centre_user, revision_id=other.revision.pk)
    assert selectors.public_stats() == {"approved_entities": 1, "pending_entities": 1}


def test_workspace_context_per_role(
    registration: Any, centre_user: User, supervisor_user: User, expert_user: User
) -> None:
    assert selectors.workspace_context(registration.user)["my_entity"] == registration.entity
    assert selectors.workspace_context(centre_user) == {
        "entities_panel": "centre",
        "entities_pending_count": 1,
    }
    assert selectors.workspace_context(supervisor_user) == {"entities_panel": "readonly"}
    assert selectors.workspace_context(expert_user) == {}


def test_selectors_scope_entities(
    registration: Any, other: Any, supervisor_user: User, oversight_user: User
) -> None:
    assert list(selectors.entities_visible_to(registration.user)) == [registration.entity]
    for user in (supervisor_user, oversight_user):
        assert selectors.entities_visible_to(user).count() == 2
    lonely = User.objects.create_user(username="nobody", password=PASSWORD, role=Role.ENTITY)
    assert selectors.entities_visible_to(lonely).count() == 0
    with pytest.raises(Forbidden):
        selectors.pending_revisions(supervisor_user)
