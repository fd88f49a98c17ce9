"""Drawing experts (专家抽取): requests, draws, confirmations and supplementary draws.

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
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import Max

from ggzy.accounts.models import Organisation, User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.core import sealing
from ggzy.core.services import ledger_alg, record
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from ggzy.kernel.ids import validate_uscc
from ggzy.kernel.ledger import canonical_json, hash_function
from ggzy.kernel.text import clean_text

from .. import beacon, drawing, notify
from ..eligibility import Context, Screening, candidates
from ..models import (
    DrawAttempt,
    DrawMode,
    DrawRequest,
    Expert,
    Invitation,
    RandomnessParty,
    Specialty,
    Venue,
)

# procedure → (pool family, minimum-members rule, expert-fraction rule)
_NON_TENDER = (
    "procurement",
    "gp.non_tender_panel_min_members",
    "gp.non_tender_panel_expert_min_fraction",
)
PROCEDURES: dict[str, tuple[str, str, str]] = {
    "works_tender": ("works", "works.panel_min_members", "works.panel_expert_min_fraction"),
    "gp_tender": (
        "procurement",
        "gp.tender_panel_min_members",
        "gp.tender_panel_expert_min_fraction",
    ),
    "gp_negotiation": _NON_TENDER,
    "gp_consultation": _NON_TENDER,
    "gp_inquiry": _NON_TENDER,
}
MAX_SECONDARY_VENUES = 3


def _subject(request: DrawRequest) -> str:
    return f"draw:{request.pk}"


def _require_centre(user: User) -> None:
    if not is_centre_staff(user):
        raise Forbidden("只有交易中心工作人员可以抽取专家", "only centre staff draw experts")


# --- the request ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    specialty: str
    venue: str  # "main" or "secondary-1" … "secondary-3"
    count: int

    @property
    def key(self) -> str:
        return f"{self.venue}:{self.specialty}"


def _requirements(raw: object, *, secondary: int) -> list[Requirement]:
    if not isinstance(raw, list) or not raw:
        raise InvalidInput(
            "请至少填写一项抽取要求（专业、场地、人数）",
            "give at least one requirement (specialty, venue, count)",
            field="requirements",
        )
    venues = {"main", *(f"secondary-{i}" for i in range(1, secondary + 1))}
    out: list[Requirement] = []
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise InvalidInput(
                f"第 {i} 项抽取要求格式错误", f"requirement {i} is malformed", field="requirements"
            )
        code, venue, count = item.get("specialty"), item.get("venue", "main"), item.get("count")
        if (
            not isinstance(code, str)
            or not Specialty.objects.filter(code=code, is_active=True).exists()
        ):
            raise InvalidInput(
                f"第 {i} 项：专业代码“{code}”不在专家专业分类中",
                f"requirement {i}: specialty code {code!r} is not in the classification",
                code="unknown_specialty",
                field="requirements",
            )
        if venue not in venues:
            raise InvalidInput(
                f"第 {i} 项：场地须为 {sorted(venues)} 之一",
                f"requirement {i}: venue must be one of {sorted(venues)}",
                field="requirements",
            )
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 50:
            raise InvalidInput(
                f"第 {i} 项：人数须为 1–50 的整数",
                f"requirement {i}: count must be 1–50",
                field="requirements",
            )
        out.append(Requirement(code, venue, count))
    if len({r.key for r in out}) != len(out):
        raise InvalidInput(
            "同一场地的同一专业只能填写一次",
            "one line per venue and specialty",
            field="requirements",
        )
    return out


def check_panel(procedure: str, committee: int, experts: int, owners: int) -> None:
    _family, min_rule, fraction_rule = PROCEDURES[procedure]
    minimum = rules.int_value(min_rule)
    if committee < minimum or committee % 2 == 0:
        raise rules.violation(
            min_rule,
            f"评标委员会应为 {minimum} 人以上单数，申请为 {committee} 人",
            f"the committee must have {minimum} or more members, an odd number; asked {committee}",
            field="committee_size",
        )
    if experts + owners != committee:
        raise InvalidInput(
            f"抽取专家 {experts} 人加招标人代表 {owners} 人应等于委员会人数 {committee}",
            f"{experts} drawn experts plus {owners} representatives must equal the "
            f"committee of {committee}",
            field="owner_representatives",
        )
    fraction = rules.fraction_value(fraction_rule)
    if Fraction(experts, committee) < fraction:
        raise rules.violation(
            fraction_rule,
            f"专家 {experts} 人不足委员会 {committee} 人的 {fraction}",
            f"{experts} experts are fewer than {fraction} of the committee of {committee}",
            field="requirements",
        )


def _check_draw_time(request: DrawRequest, now: datetime) -> None:
    if request.mode == DrawMode.REMOTE:
        return
    hours = rules.int_value("experts.draw_min_hours_before_opening")
    if now > request.opening_at - timedelta(hours=hours):
        raise rules.violation(
            "experts.draw_min_hours_before_opening",
            f"本地评标项目最迟应于开标前 {hours} 小时抽取专家（开标时间 "
            f"{request.opening_at.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M}）",
            f"experts must be drawn at least {hours} hours before the opening "
            f"({request.opening_at.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M})",
            field="opening_at",
        )


@transaction.atomic
def create_request(
    *,
    user: User,
    project_code: str,
    lot_name: str,
    procedure: str,
    supervisor_id: int,
    initiator_uscc: str,
    agent_uscc: str = "",
    bidder_usccs: Sequence[str] = (),
    opening_at: datetime,
    mode: str,
    committee_size: int,
    owner_representatives: int,
    requirements: object,
    main_venue_id: int,
    secondary_venue_count: int = 0,
    reply_minutes: int = 30,
) -> DrawRequest:
    """Register a request for experts for one lot (抽取申请)."""
    _require_centre(user)
    if procedure not in PROCEDURES:
        raise InvalidInput(
            f"采购/招标方式须为 {sorted(PROCEDURES)} 之一",
            f"procedure must be one of {sorted(PROCEDURES)}",
            field="procedure",
        )
    if mode not in DrawMode.values:
        raise InvalidInput(
            "评标方式须为 local 或 remote", "mode must be local or remote", field="mode"
        )
    secondary = secondary_venue_count if mode == DrawMode.REMOTE else 0
    if mode == DrawMode.REMOTE and not 1 <= secondary <= MAX_SECONDARY_VENUES:
        raise InvalidInput(
            "远程异地评标须随机抽取 1–3 个副场",
            "remote evaluation draws 1 to 3 secondary venues",
            field="secondary_venue_count",
        )
    needs = _requirements(requirements, secondary=secondary)
    check_panel(procedure, committee_size, sum(r.count for r in needs), owner_representatives)
    supervisor = Organisation.objects.filter(
        pk=supervisor_id, kind=Organisation.Kind.DEPARTMENT
    ).first()
    if supervisor is None:
        raise NotFound(
            "行政监督部门不存在", "no such supervisory department", field="supervisor_id"
        )
    main_venue = Venue.objects.filter(pk=main_venue_id, is_active=True).first()
    if main_venue is None:
        raise NotFound("评标场地不存在", "no such venue", field="main_venue_id")
    if (
        secondary
        and Venue.objects.filter(is_active=True).exclude(pk=main_venue.pk).count() < secondary
    ):
        raise InvalidInput(
            f"可供抽取的副场不足 {secondary} 个",
            f"fewer than {secondary} venues to draw from",
            field="secondary_venue_count",
        )
    if opening_at.tzinfo is None:
        raise InvalidInput(
            "开标时间须带时区", "the opening time needs a time zone", field="opening_at"
        )
    if not 1 <= reply_minutes <= 24 * 60:
        raise InvalidInput(
            "确认时限须为 1–1440 分钟", "reply time must be 1–1440 minutes", field="reply_minutes"
        )
    now = clock.now()
    request = DrawRequest(
        project_code=clean_text(
            project_code,
            field="project_code",
            max_length=64,
            label_zh="项目编号",
            label_en="project code",
        ),
        lot_name=clean_text(
            lot_name, field="lot_name", max_length=200, label_zh="标段名称", label_en="lot name"
        ),
        procedure=procedure,
        centre=user.organisation or main_venue.centre,
        supervisor=supervisor,
        initiator_uscc=validate_uscc(initiator_uscc, field="initiator_uscc"),
        agent_uscc=validate_uscc(agent_uscc, field="agent_uscc") if agent_uscc else "",
        bidder_usccs=sorted({validate_uscc(b, field="bidder_usccs") for b in bidder_usccs}),
        opening_at=opening_at,
        mode=mode,
        committee_size=committee_size,
        owner_representatives=owner_representatives,
        requirements=[r.__dict__ for r in needs],
        main_venue=main_venue,
        secondary_venue_count=secondary,
        reply_minutes=reply_minutes,
        created_by=user,
        created_at=now,
    )
    _check_draw_time(request, now)
    request.save()
    record(
        "expert.draw_requested",
        subject=_subject(request),
        actor=user.actor,
        payload={
            "request_id": request.pk,
            "project_code": request.project_code,
            "procedure": procedure,
            "mode": mode,
            "committee_size": committee_size,
            "requirements": request.requirements,
            "opening_at": opening_at,
        },
    )
    return request


# --- one attempt -----------------------------------------------------------------------------


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
    _check_draw_time(request, now)
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
        "expert.draw_started",
        subject=_subject(request),
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


def compute(
    attempt: DrawAttempt, reveals: dict[str, str], alg: str
) -> tuple[bytes, drawing.Selection]:
    """Seed and selection from an attempt's record — the same code verifies a draw."""
    ordered = [reveals[k] for k in sorted(reveals, key=int)]
    seed = drawing.draw_seed(
        alg,
        request_id=attempt.request_id,
        attempt=attempt.number,
        snapshot_digest=attempt.snapshot_digest,
        reveals=ordered,
    )
    snap = attempt.snapshot
    buckets = [
        drawing.Bucket(
            b["key"], b["count"], [drawing.Candidate(i, emp) for i, emp in b["eligible"]]
        )
        for b in snap["buckets"]
    ]
    venue_count = len(snap["venue_pool"]) and int(
        attempt.request.secondary_venue_count if not attempt.supplementary else 0
    )
    selection = drawing.select(
        alg,
        seed,
        buckets,
        one_per_employer=snap["one_per_employer"],
        taken_employers=snap["taken_employers"],
        venue_pool=snap["venue_pool"],
        venue_count=venue_count,
    )
    return seed, selection


def result_of(selection: drawing.Selection) -> dict[str, Any]:
    return {"buckets": selection.chosen, "venues": selection.venues}


def result_digest(alg: str, seed: bytes, result: dict[str, Any]) -> str:
    return hash_function(alg)(seed + canonical_json(result).encode()).hex()


def _venue_for(request: DrawRequest, venue_key: str) -> Venue:
    if venue_key == "main":
        return request.main_venue
    index = int(venue_key.removeprefix("secondary-")) - 1
    first = request.attempts.filter(supplementary=False, status=DrawAttempt.Status.DRAWN).first()
    assert first is not None
    venues = sealing.unseal(first.sealed_result, seal_aad(first))["venues"]  # type: ignore[index]
    return Venue.objects.get(pk=venues[index])


def seal_aad(attempt: DrawAttempt) -> bytes:
    return f"draw:{attempt.request_id}:{attempt.number}".encode()


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
        "expert.drawn",
        subject=_subject(request),
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
        "expert.draw_abandoned",
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
    _require_centre(user)
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


# --- replies ---------------------------------------------------------------------------------


def respond(*, user: User, invitation_id: int, accept: bool, reason: str = "") -> Invitation:
    """The expert confirms or declines; a decline brings a supplementary draw at once."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("expert", "request")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.expert.user_id != user.pk:
            raise NotFound("没有这条抽取通知", "no such invitation")
        if invitation.status != Invitation.Status.PENDING:
            raise Conflict("已答复过", "already answered", code="already_answered")
        now = clock.now()
        if now > invitation.reply_by:
            raise Conflict("已超过确认时限", "the time to reply has passed", code="reply_late")
        invitation.status = Invitation.Status.CONFIRMED if accept else Invitation.Status.DECLINED
        invitation.replied_at = now
        invitation.decline_reason = (
            ""
            if accept
            else clean_text(
                reason,
                field="reason",
                max_length=200,
                required=False,
                label_zh="理由",
                label_en="reason",
            )
        )
        invitation.save(update_fields=["status", "replied_at", "decline_reason"])
        record(
            "expert.confirmed" if accept else "expert.declined",
            subject=_subject(invitation.request),
            actor=user.actor,
            payload={"request_id": invitation.request_id, "invitation_id": invitation.pk},
        )
        _update_request_status(invitation.request_id)
    if not accept:
        supplementary_draw(
            request_id=invitation.request_id, bucket=invitation.bucket, actor="system"
        )
    return invitation


def expire_silent_invitations() -> int:
    """Invitations past their reply time count as declined and are replaced (task)."""
    now = clock.now()
    expired = 0
    for invitation in Invitation.objects.filter(status=Invitation.Status.PENDING, reply_by__lt=now):
        with transaction.atomic():
            locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
            if locked.status != Invitation.Status.PENDING:
                continue
            locked.status = Invitation.Status.EXPIRED
            locked.save(update_fields=["status"])
            record(
                "expert.reply_expired",
                subject=f"draw:{locked.request_id}",
                payload={"request_id": locked.request_id, "invitation_id": locked.pk},
            )
        try:
            supplementary_draw(request_id=locked.request_id, bucket=locked.bucket, actor="system")
        except DomainError:
            continue  # on record as abandoned; the centre sees the shortfall on the draw page
        expired += 1
    return expired


def _update_request_status(request_id: int) -> None:
    request = DrawRequest.objects.select_for_update().get(pk=request_id)
    experts = request.committee_size - request.owner_representatives
    confirmed = request.invitations.filter(status=Invitation.Status.CONFIRMED).count()
    status = DrawRequest.Status.COMPLETE if confirmed >= experts else DrawRequest.Status.OPEN
    if request.status != status and request.status != DrawRequest.Status.PUBLIC:
        request.status = status
        request.save(update_fields=["status"])


# --- after the result is public --------------------------------------------------------------


@transaction.atomic
def publish_reveals(*, user: User, request_id: int) -> DrawRequest:
    """Once the result is public, publish every attempt's secrets and seed in the ledger, so
    anyone can re-run the draw (not earlier: with them the sealed list could be recomputed)."""
    _require_centre(user)
    request = DrawRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise NotFound("抽取申请不存在", "no such draw request")
    if request.status == DrawRequest.Status.PUBLIC:
        raise Conflict("已公开", "already public", code="already_public")
    request.status, request.result_public_at = DrawRequest.Status.PUBLIC, clock.now()
    request.save(update_fields=["status", "result_public_at"])
    for attempt in request.attempts.filter(status=DrawAttempt.Status.DRAWN):
        record(
            "expert.draw_revealed",
            subject=_subject(request),
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


# --- randomness parties ---------------------------------------------------------------------


@transaction.atomic
def register_party(
    *, user: User, name: str, organisation: Organisation, chain: beacon.Chain, endpoint: str
) -> RandomnessParty:
    """Record a party's anchor (its commitment) in the ledger before any of its secrets is used."""
    _require_centre(user)
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
        "expert.randomness_party",
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
