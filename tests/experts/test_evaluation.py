"""At the evaluation: sign-in, random seats from a seed, the chair, replacement."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

import pytest

from ggzy.core.models import LedgerEntry
from ggzy.experts.models import Invitation
from ggzy.experts.services import evaluation
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, Forbidden, InvalidInput

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("env")]
SEED = bytes(range(32))


def test_permutation_is_deterministic_and_complete() -> None:
    items = list(range(1, 8))
    first = evaluation.permutation(SEED, items)
    assert first == evaluation.permutation(SEED, items)
    assert sorted(first) == items
    assert first != evaluation.permutation(b"another seed of 16+", items)


def test_sign_in_seats_and_chair(committee: Any, centre_user: Any) -> None:
    request, members = committee(5)
    for member in members[:4]:
        evaluation.sign_in(invitation=member, by=centre_user)
    # the fifth signs in on their own account
    evaluation.sign_in(invitation=members[4].pk, by=members[4].expert.user)
    with pytest.raises(Conflict):
        evaluation.sign_in(invitation=members[0], by=centre_user)
    seats = evaluation.assign_seats(request=request, seed=SEED, by=centre_user)
    assert sorted(seats.values()) == [1, 2, 3, 4, 5]
    entry = LedgerEntry.objects.filter(kind="expert.seats_assigned").get()
    body = json.loads(entry.body)
    assert body["seed_sha256"] == hashlib.sha256(SEED).hexdigest()
    assert body["seats"] == {str(k): v for k, v in seats.items()}
    with pytest.raises(Conflict):
        evaluation.assign_seats(request=request, seed=SEED, by=centre_user)
    chair = evaluation.elect_chair(request=request, invitation=members[2], by=centre_user)
    assert chair.is_chair
    evaluation.elect_chair(request=request, invitation=members[3], by=centre_user)
    assert list(Invitation.objects.filter(is_chair=True).values_list("pk", flat=True)) == [
        members[3].pk
    ]


def test_replacement_voids_and_frees_the_seat(
    committee: Any, centre_user: Any, make_expert: Any
) -> None:
    request, members = committee(5)
    for member in members:
        evaluation.sign_in(invitation=member, by=centre_user)
    seats = evaluation.assign_seats(request=request, seed=SEED, by=centre_user)
    evaluation.elect_chair(request=request, invitation=members[0], by=centre_user)
    replaced = evaluation.replace_member(invitation=members[0], reason="身体不适", by=centre_user)
    assert replaced.replaced_at == clock.now() and replaced.status == Invitation.Status.REPLACED
    assert not replaced.is_chair and replaced.replaced_reason == "身体不适"
    with pytest.raises(Conflict):
        evaluation.elect_chair(request=request, invitation=members[0], by=centre_user)
    with pytest.raises(Conflict):
        evaluation.replace_member(invitation=members[0], reason="again", by=centre_user)
    # the newcomer (here: an invitation made by hand, as the supplementary draw would)
    newcomer = Invitation.objects.create(
        attempt=members[0].attempt,
        request=request,
        expert=make_expert(name="补抽专家"),
        bucket="A08",
        venue=members[0].venue,
        status=Invitation.Status.CONFIRMED,
        notified_at=clock.now(),
        reply_by=clock.now() + timedelta(minutes=30),
    )
    evaluation.sign_in(invitation=newcomer, by=centre_user)
    new_seat = evaluation.assign_seats(request=request, seed=SEED, by=centre_user)
    assert new_seat == {newcomer.pk: seats[members[0].pk]}


def test_only_the_running_centre(
    committee: Any, other_centre_user: Any, supervisor_user: Any, unchanged: Any
) -> None:
    _request, members = committee(5)
    for user in (other_centre_user, supervisor_user, members[1].expert.user):
        with unchanged(), pytest.raises(Forbidden):
            evaluation.sign_in(invitation=members[0], by=user)
    for user in (other_centre_user, supervisor_user):
        with unchanged(), pytest.raises(Forbidden):
            evaluation.replace_member(invitation=members[0], reason="x", by=user)


def test_bad_input(committee: Any, centre_user: Any, unchanged: Any) -> None:
    request, members = committee(5)
    other_request, others = committee(5)
    with unchanged(), pytest.raises(Conflict):
        evaluation.elect_chair(request=request, invitation=members[0], by=centre_user)
    with unchanged(), pytest.raises(Conflict):
        evaluation.assign_seats(request=request, seed=SEED, by=centre_user)
    evaluation.sign_in(invitation=members[0], by=centre_user)
    with unchanged(), pytest.raises(InvalidInput):
        evaluation.assign_seats(request=request, seed=b"short", by=centre_user)
    with unchanged(), pytest.raises(InvalidInput):
        evaluation.elect_chair(request=other_request, invitation=members[0], by=centre_user)
    with unchanged(), pytest.raises(InvalidInput):
        evaluation.replace_member(invitation=members[1], reason="", by=centre_user)
    with unchanged(), pytest.raises(InvalidInput):
        evaluation.sign_in(
            invitation=members[1], by=centre_user, at=clock.now() + timedelta(hours=1)
        )
    declined = others[0]
    Invitation.objects.filter(pk=declined.pk).update(status=Invitation.Status.DECLINED)
    with unchanged(), pytest.raises(Conflict):
        evaluation.sign_in(invitation=declined.pk, by=centre_user)
