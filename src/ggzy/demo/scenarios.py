"""Demo scenarios (`ggzy demo scenario NAME`): a trade step by step on the demo data,
printing what happened."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from ggzy.accounts.models import Organisation, User
from ggzy.core import sealing
from ggzy.entities.models import MarketEntity
from ggzy.experts.models import Expert, Invitation, RandomnessParty, Venue
from ggzy.experts.services import draw, pool
from ggzy.experts.verification import verify_attempt
from ggzy.kernel import clock

from .auction import equity_bidding, land_listing
from .full_tender import full_tender
from .load import has_data, load
from .tender import tender_to_opening

Print = Callable[[str], object]


def _login_of(staff: User, expert: Expert) -> User:
    """The expert's login, created the way the centre would if the expert has none yet."""
    if expert.user is None:
        pool.create_expert_account(user=staff, expert_id=expert.pk)
        expert.refresh_from_db()
    assert expert.user is not None
    return expert.user


def expert_draw(say: Print = print) -> bool:
    """Draw a 7-member committee for a demo lot, have one expert decline and be replaced,
    confirm the rest, reveal the seeds, and re-run every draw."""
    staff = User.objects.get(username="demo_centre")
    initiator = MarketEntity.objects.get(users__user__username="demo_initiator")
    agent = MarketEntity.objects.get(users__user__username="demo_agent")
    bidders = list(MarketEntity.objects.filter(is_respondent=True).exclude(uscc="")[:5])
    opening = (clock.local_now() + timedelta(days=2)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    request = draw.create_request(
        user=staff,
        project_code=f"DEMO-{clock.local_now():%Y%m%d%H%M%S}",
        lot_name="湘西州某中学教学楼施工（演示）",
        procedure="works_tender",
        supervisor_id=Organisation.objects.get(name="湖南省住房和城乡建设厅").pk,
        initiator_uscc=initiator.uscc,
        agent_uscc=agent.uscc,
        bidder_usccs=[b.uscc for b in bidders],
        opening_at=opening,
        mode="local",
        committee_size=7,
        owner_representatives=0,
        requirements=[
            {"specialty": "A0801", "venue": "main", "count": 5},
            {"specialty": "A0802", "venue": "main", "count": 2},
        ],
        main_venue_id=Venue.objects.order_by("pk").first().pk,  # type: ignore[union-attr]
    )
    say(f"抽取申请 #{request.pk}：{request.lot_name}，开标 {opening:%Y-%m-%d %H:%M}，7 名专家")
    for party in RandomnessParty.objects.order_by("pk"):
        say(f"  随机数贡献方 {party.name}：链锚 {party.anchor[:16]}…，下一序号 {party.next_index}")
    attempt = draw.draw(user=staff, request_id=request.pk)
    excluded = attempt.snapshot["exclusions"]
    digest = attempt.snapshot_digest[:16]
    say(f"第 {attempt.number} 次抽取：快照摘要 {digest}…，回避 {len(excluded)} 人")
    for x in excluded:
        say(f"    回避专家 #{x['expert']}：{x['reason_zh']}（{x['rule']}）")
    invitations = list(Invitation.objects.filter(request=request).select_related("expert"))
    for invitation in invitations:
        expert = invitation.expert
        say(f"  抽中 {expert.name}（{expert.employer_name}，{invitation.bucket}）")
    declined = invitations[0]
    draw.respond(
        user=_login_of(staff, declined.expert),
        invitation_id=declined.pk,
        accept=False,
        reason="出差在外",
    )
    replacement = Invitation.objects.filter(request=request).order_by("-pk").first()
    assert replacement is not None
    name, number = replacement.expert.name, replacement.attempt.number
    say(f"{declined.expert.name} 拒绝参加，第 {number} 次抽取（补抽）：{name}")
    pending = Invitation.objects.filter(request=request, status="pending").select_related("expert")
    for invitation in pending:
        draw.respond(
            user=_login_of(staff, invitation.expert), invitation_id=invitation.pk, accept=True
        )
    request.refresh_from_db()
    confirmed = request.invitations.filter(status="confirmed").count()
    say(f"已确认 {confirmed} 人，申请状态：{request.get_status_display()}")
    draw.publish_reveals(user=staff, request_id=request.pk)
    say("结果公开后，账本公布了每次抽取的随机数与种子：")
    ok = True
    for attempt in request.attempts.all():
        verdict = verify_attempt(attempt)
        ok &= verdict.ok
        drawn = sealing.unseal(attempt.sealed_result, draw.seal_aad(attempt))
        outcome = "一致" if verdict.ok else "不一致：" + "；".join(verdict.problems)
        say(f"  第 {attempt.number} 次：种子 {attempt.seed[:16]}…，结果 {drawn}，复核{outcome}")
    return ok


SCENARIOS: dict[str, Callable[[Print], bool]] = {
    "expert-draw": expert_draw,
    "tender-to-opening": tender_to_opening,
    "full-tender": full_tender,
    "land-listing": land_listing,
    "equity-bidding": equity_bidding,
}


# The longest scenario runs about seven weeks: on an empty database the demo data and the
# scenario start this long ago, so that what they record lies in the past.
LEAD = timedelta(days=90)


def run(name: str, say: Print = print) -> bool:
    """Run a scenario on the demo data. On a database that already holds data, the scenario
    starts now and runs ahead of the clock; on an empty one, the demo data and the scenario
    start in the past."""
    if has_data():
        return SCENARIOS[name](say)
    with clock.use_clock(clock.ManualClock(clock.now() - LEAD)):
        load(progress=say)
        return SCENARIOS[name](say)
