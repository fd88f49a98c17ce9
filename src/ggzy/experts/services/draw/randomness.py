"""The randomness of draws in the open: each party's commitment before its secrets are used,
and every attempt's secrets and seed once the result is public."""

from __future__ import annotations

from django.db import transaction

from ggzy.accounts.models import Organisation, User
from ggzy.core import sealing
from ggzy.core.services import record
from ggzy.experts import events
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, NotFound

from ... import beacon
from ...models import DrawAttempt, DrawRequest, RandomnessParty
from .requests import require_centre, subject_of
from .selection import seal_aad


@transaction.atomic
def publish_reveals(*, user: User, request_id: int) -> DrawRequest:
    """Once the result is public, publish every attempt's secrets and seed in the ledger, so
    anyone can re-run the draw (not earlier: with them the sealed list could be recomputed)."""
    require_centre(user)
    request = DrawRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise NotFound("抽取申请不存在", "no such draw request")
    if request.status == DrawRequest.Status.PUBLIC:
        raise Conflict("已公开", "already public", code="already_public")
    request.status, request.result_public_at = DrawRequest.Status.PUBLIC, clock.now()
    request.save(update_fields=["status", "result_public_at"])
    for attempt in request.attempts.filter(status=DrawAttempt.Status.DRAWN):
        record(
            events.EXPERT_DRAW_REVEALED,
            subject=subject_of(request),
            actor=user.actor,
            payload={
                "request_id": request.pk,
                "attempt": attempt.number,
                "reveals": attempt.reveals,
                "seed": attempt.seed,
                "result": sealing.unseal(attempt.sealed_result, seal_aad(attempt)),
            },
        )
    return request


@transaction.atomic
def register_party(
    *, user: User, name: str, organisation: Organisation, chain: beacon.Chain, endpoint: str
) -> RandomnessParty:
    """Record a party's anchor (its commitment) in the ledger before any of its secrets is used."""
    require_centre(user)
    party = RandomnessParty.objects.create(
        name=name,
        organisation=organisation,
        anchor=chain.anchor,
        length=chain.length,
        alg=chain.alg,
        endpoint=endpoint,
        created_at=clock.now(),
    )
    record(
        events.EXPERT_RANDOMNESS_PARTY,
        subject=f"party:{party.pk}",
        actor=user.actor,
        payload={
            "party_id": party.pk,
            "organisation_id": organisation.pk,
            "anchor": party.anchor,
            "length": party.length,
            "alg": party.alg,
        },
    )
    return party
