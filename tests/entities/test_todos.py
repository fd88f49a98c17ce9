"""Entities' to-dos: centre staff review registrations; an entity renews the qualifications
that expire soon. Supervisors, oversight and other entities see none of them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings

from ggzy.accounts.models import User
from ggzy.entities import services
from ggzy.entities.selectors import todos
from ggzy.kernel import clock

from ..fixtures.todos import only
from .conftest import upload

pytestmark = pytest.mark.django_db


def test_centre_staff_review_pending_registrations(
    registration: services.Registration,
    centre_user: User,
    supervisor_user: User,
    oversight_user: User,
) -> None:
    item = only(todos(centre_user), "entities.review")
    assert item.link == f"/entities/review/{registration.revision.pk}/"
    assert (item.code, item.name) == (registration.entity.uscc, registration.entity.name)
    assert todos(supervisor_user) == [] and todos(oversight_user) == []
    assert todos(registration.user) == []
    services.approve(reviewer=centre_user, revision_id=registration.revision.pk)
    assert todos(centre_user) == []


def test_an_entity_renews_qualifications_about_to_expire(
    approved: services.Registration,
    other: services.Registration,
    centre_user: User,
) -> None:
    soon = clock.today() + timedelta(days=settings.GGZY_QUALIFICATION_WARNING_DAYS - 1)
    later = clock.today() + timedelta(days=settings.GGZY_QUALIFICATION_WARNING_DAYS + 30)
    for number, valid_until in (("Q-SOON", soon), ("Q-LATER", later)):
        services.add_qualification(
            user=approved.user,
            entity_id=approved.entity.pk,
            type="建筑工程施工总承包",
            certificate_no=number,
            issuer="湖南省住房和城乡建设厅",
            valid_until=valid_until,
            file=upload(),
        )
    item = only(todos(approved.user), "entities.renew_qualification")
    assert "Q-SOON" in item.title_zh and item.deadline == soon and not item.overdue
    assert item.link == "/entities/mine/"
    assert todos(other.user) == []
    assert other.entity.name in {t.name for t in todos(centre_user)}
