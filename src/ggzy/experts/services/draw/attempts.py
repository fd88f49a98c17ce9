"""One draw attempt (专家抽取), initial or supplementary.

A draw happens in three steps, so that every attempt stays on record:
1. *start* (one transaction): screen the pool, snapshot the eligible experts and every
   exclusion with its reason, reserve the next secret of each randomness party, and write
   the snapshot digest and the reserved indexes to the ledger;
2. *collect* the parties' secrets and check each against its published anchor;
3. *draw* (one transaction): seed, select, seal the list, invite the experts, and write the
   digest of the sealed result to the ledger.
If step 2 or 3 fails the attempt is marked abandoned — visibly, in the ledger.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max

from ggzy.accounts.models import User
from ggzy.core import sealing
from ggzy.core.services import ledger_alg, record
from ggzy.experts import events
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import Conflict, DomainError, InvalidInput, NotFound

from ... import beacon, drawing, notify
from ...eligibility import Context, Screening, candidates
from ...models import DrawAttempt, DrawRequest, Expert, Invitation, RandomnessParty, Venue
from .requests import PROCEDURES, Requirement, check_draw_time, require_centre, subject_of
from .selection import compute, result_digest, result_of, seal_aad


def _context(request: DrawRequest) -> Context:
    invited = Invitation.objects.filter(request=request).values_list("expert_id", flat=True)
    return Context(
        procedure_family=PROCEDURES[request.procedure][0],
        opening_day=request.opening_at.astimezone(clock.SHANGHAI).date(),
        initiator=request.initiator_uscc,
        agent=request.agent_uscc,
        bidders=frozenset(request.bidder_usccs),
        supervisor_uscc=request.supervisor.uscc,
        already_invited=frozenset(invited),
    )


def _snapshot(
    request: DrawRequest, needs: Sequence[Requirement], venue_pool: Sequence[int]
) -> dict[str, Any]:
    ctx = _context(request)
    screening = Screening(ctx)
    conflicts = screening.declared
    buckets, exclusions = [], {}
    for need in needs:
        pool = candidates(need.specialty, ctx.procedure_family, conflicts)
        eligible, excluded = screening.split(pool)
        for x in excluded:
            exclusions[x.expert] = x.as_dict()
        buckets.append(
            {
                "key": need.key,
                "specialty": need.specialty,
                "venue": need.venue,
                "count": need.count,
                "eligible": [[e.pk, e.employer_uscc] for e in eligible],
            }
        )
    taken = sorted(
        set(
            Invitation.objects.filter(request=request)
            .exclude(
                status__in=[
                    Invitation.Status.DECLINED,
                    Invitation.Status.EXPIRED,
                    Invitation.Status.REPLACED,
                ]
            )
            .values_list("expert__employer_uscc", flat=True)
        )
    )
    return {
        "request": request.pk,
        "buckets": buckets,
        "exclusions": [exclusions[k] for k in sorted(exclusions)],
        "taken_employers": taken,
        "venue_pool": sorted(venue_pool),
        "one_per_employer": bool(rules.int_value("experts.one_per_employer")),
    }


def _not_enough(snapshot: dict[str, Any], bucket_key: str, wanted: int, found: int) -> InvalidInput:
    counts: dict[str, int] = {}
    for x in snapshot["exclusions"]:
        counts[x["rule"]] = counts.get(x["rule"], 0) + 1
    why = "；".join(
        f"{rules.RULES[r].citation_zh if r in rules.RULES else r} {n} 人"
        for r, n in sorted(counts.items())
    )
    why_en = "; ".join(f"{r}: {n}" for r, n in sorted(counts.items()))
    return InvalidInput(
        f"“{bucket_key}”需要 {wanted} 名专家，符合条件的只有 {found} 名。"
        f"被回避排除的：{why or '无'}",
        f"{bucket_key!r} needs {wanted} experts but only {found} are eligible. "
        f"Excluded: {why_en or 'none'}",
        code="not_enough_experts",
        field="requirements",
    )


def _precheck(snapshot: dict[str, Any]) -> None:
    for bucket in snapshot["buckets"]:
        if len(bucket["eligible"]) < bucket["count"]:
            raise _not_enough(snapshot, bucket["key"], bucket["count"], len(bucket["eligible"]))


@transaction.atomic
def _start(
    request_id: int,
    needs: Sequence[Requirement],
    *,
    supplementary: bool,
    actor: str,
    venue_count: int,
) -> DrawAttempt:
    request = DrawRequest.objects.select_for_update().get(pk=request_id)
    if request.status not in (DrawRequest.Status.OPEN, DrawRequest.Status.COMPLETE):
        raise Conflict("该抽取申请已结束", "this request is closed", code="draw_closed")
    now = clock.now()
    check_draw_time(request, now)
    venue_pool = (
        list(
            Venue.objects.filter(is_active=True)
            .exclude(pk=request.main_venue_id)
            .values_list("pk", flat=True)
        )
        if venue_count
        else []
    )
    snapshot = _snapshot(request, needs, venue_pool)
    _precheck(snapshot)
    parties = list(
        RandomnessParty.objects.select_for_update().filter(is_active=True).order_by("pk")
    )
    if len(parties) < 2:
        raise Conflict(
            "至少需要两个独立的随机数贡献方（交易中心与行政监督部门）",
            "at least two independent randomness parties are needed "
            "(the centre and the supervisor)",
            code="not_enough_parties",
        )
    contributions = {}
    for party in parties:
        if party.next_index > party.length:
            raise Conflict(
                f"{party.name} 的随机数链已用尽",
                f"{party.name}'s hash chain is used up",
                code="beacon_exhausted",
            )
        contributions[str(party.pk)] = party.next_index
        party.next_index += 1
        party.save(update_fields=["next_index"])
    alg = ledger_alg()
    number = (request.attempts.aggregate(n=Max("number"))["n"] or 0) + 1
    attempt = DrawAttempt.objects.create(
        request=request,
        number=number,
        supplementary=supplementary,
        status=DrawAttempt.Status.STARTED,
        started_at=now,
        snapshot=snapshot,
        snapshot_digest=drawing.snapshot_digest(alg, snapshot),
        contributions=contributions,
    )
    record(
        events.EXPERT_DRAW_STARTED,
        subject=subject_of(request),
        actor=actor,
        payload={
            "request_id": request.pk,
            "attempt": number,
            "supplementary": supplementary,
            "snapshot_digest": attempt.snapshot_digest,
            "eligible": {b["key"]: len(b["eligible"]) for b in snapshot["buckets"]},
            "excluded": len(snapshot["exclusions"]),
            "contributions": contributions,
        },
    )
    return attempt


def _collect(attempt: DrawAttempt) -> dict[str, str]:
    reveals = {}
    for party_id, index in sorted(attempt.contributions.items(), key=lambda kv: int(kv[0])):
        party = RandomnessParty.objects.get(pk=int(party_id))
        value = beacon.source_for(party.endpoint).release(
            index, f"draw:{attempt.request_id}:{attempt.number}"
        )
        if not beacon.check_release(party.alg, party.anchor, index, value):
            raise Conflict(
                f"{party.name} 提供的第 {index} 个随机数与其承诺不符",
                f"{party.name}'s secret #{index} does not match its commitment",
                code="reveal_mismatch",
            )
        reveals[party_id] = value
    return reveals


def _venue_for(request: DrawRequest, venue_key: str) -> Venue:
    if venue_key == "main":
        return request.main_venue
    index = int(venue_key.removeprefix("secondary-")) - 1
    first = request.attempts.filter(supplementary=False, status=DrawAttempt.Status.DRAWN).first()
    assert first is not None
    venues = sealing.unseal(first.sealed_result, seal_aad(first))["venues"]  # type: ignore[index]
    return Venue.objects.get(pk=venues[index])


def _invitation_message(invitation: Invitation) -> notify.Message:
    request, venue = invitation.request, invitation.venue
    reply_by = f"{invitation.reply_by.astimezone(clock.SHANGHAI):%m-%d %H:%M}"
    return notify.Message(
        invitation.expert,
        "expert.invited",
        f"您被抽中参加“{request.lot_name}”评标，评标地点：{venue.name}，"
        f"请于 {reply_by} 前确认是否参加。",
        f"You were drawn for the evaluation of {request.lot_name!r} at {venue.name}; "
        f"please confirm by {reply_by}.",
        url=f"/experts/invitations/{invitation.pk}/",
    )


@transaction.atomic
def _finish(attempt: DrawAttempt, reveals: dict[str, str], actor: str) -> DrawAttempt:
    """``attempt`` is the one ``_start`` returned, snapshot in memory: only its status is
    read back (under a lock), not the snapshot, which can run to a megabyte."""
    status = (
        DrawAttempt.objects.select_for_update()
        .filter(pk=attempt.pk)
        .values_list("status", flat=True)
        .get()
    )
    if status != DrawAttempt.Status.STARTED:
        raise Conflict("该次抽取已结束", "this draw attempt is over", code="attempt_over")
    alg = ledger_alg()
    try:
        seed, selection = compute(attempt, reveals, alg)
    except drawing.NotEnough as exc:
        raise _not_enough(attempt.snapshot, exc.bucket, exc.wanted, exc.found) from None
    result = result_of(selection)
    now = clock.now()
    attempt.reveals, attempt.seed = reveals, seed.hex()
    attempt.sealed_result = sealing.seal(result, seal_aad(attempt))
    attempt.result_digest = result_digest(alg, seed, result)
    attempt.status, attempt.drawn_at = DrawAttempt.Status.DRAWN, now
    attempt.save(
        update_fields=["reveals", "seed", "sealed_result", "result_digest", "status", "drawn_at"]
    )
    request = attempt.request
    keys = {b["key"]: b["venue"] for b in attempt.snapshot["buckets"]}
    invitations = []
    for bucket, ids in selection.chosen.items():
        venue = _venue_for(request, keys[bucket])
        invitations += [
            Invitation(
                attempt=attempt,
                request=request,
                expert=expert,
                bucket=bucket,
                venue=venue,
                status=Invitation.Status.PENDING,
                notified_at=now,
                reply_by=now + timedelta(minutes=request.reply_minutes),
            )
            for expert in Expert.objects.filter(pk__in=ids).select_related("user")
        ]
    for invitation in Invitation.objects.bulk_create(invitations):
        notify.enqueue(_invitation_message(invitation))
    record(
        events.EXPERT_DRAWN,
        subject=subject_of(request),
        actor=actor,
        payload={
            "request_id": request.pk,
            "attempt": attempt.number,
            "result_digest": attempt.result_digest,
            "drawn": {k: len(v) for k, v in selection.chosen.items()},
            "skipped_same_employer": len(selection.skipped_same_employer),
        },
    )
    return attempt


@transaction.atomic
def _abandon(attempt_id: int, error: Exception, actor: str) -> None:
    attempt = DrawAttempt.objects.select_for_update().get(pk=attempt_id)
    attempt.status = DrawAttempt.Status.ABANDONED
    attempt.save(update_fields=["status"])
    reason = error.code if isinstance(error, DomainError) else type(error).__name__
    record(
        events.EXPERT_DRAW_ABANDONED,
        subject=f"draw:{attempt.request_id}",
        actor=actor,
        payload={"request_id": attempt.request_id, "attempt": attempt.number, "reason": reason},
    )


def _run(
    request_id: int,
    needs: Sequence[Requirement],
    *,
    supplementary: bool,
    actor: str,
    venue_count: int = 0,
) -> DrawAttempt:
    attempt = _start(
        request_id, needs, supplementary=supplementary, actor=actor, venue_count=venue_count
    )
    try:
        return _finish(attempt, _collect(attempt), actor)
    except Exception as exc:
        _abandon(attempt.pk, exc, actor)
        raise


def draw(*, user: User, request_id: int) -> DrawAttempt:
    """The initial draw for a request."""
    require_centre(user)
    request = DrawRequest.objects.filter(pk=request_id).first()
    if request is None:
        raise NotFound("抽取申请不存在", "no such draw request")
    if request.attempts.filter(supplementary=False, status=DrawAttempt.Status.DRAWN).exists():
        raise Conflict(
            "该申请已完成首次抽取，请使用补抽",
            "already drawn: use a supplementary draw",
            code="already_drawn",
        )
    needs = [Requirement(**r) for r in request.requirements]
    return _run(
        request.pk,
        needs,
        supplementary=False,
        actor=user.actor,
        venue_count=request.secondary_venue_count,
    )


def supplementary_draw(*, request_id: int, bucket: str, count: int = 1, actor: str) -> DrawAttempt:
    """Draw replacements under the same constraints (补抽), for declines, silence or replacement."""
    request = DrawRequest.objects.get(pk=request_id)
    need = next(
        (Requirement(**r) for r in request.requirements if Requirement(**r).key == bucket), None
    )
    if need is None:
        raise NotFound(f"没有抽取分组 {bucket}", f"no bucket {bucket}", field="bucket")
    return _run(
        request.pk,
        [Requirement(need.specialty, need.venue, count)],
        supplementary=True,
        actor=actor,
    )
