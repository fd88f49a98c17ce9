"""The living demo on an empty database: history in the past, the present now, every stage
and category, and the simulated bidders acting in real time afterwards."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Max

from ggzy.accounts.models import User
from ggzy.auctions.models import Auction, AuctionBid, Registration
from ggzy.awards.selectors import warnings
from ggzy.core.models import LedgerEntry
from ggzy.core.scheduler import run_due
from ggzy.core.selectors import verify_ledger
from ggzy.demo.bots import Bots
from ggzy.demo.living import load_living
from ggzy.deposits.models import Deposit
from ggzy.disclosure.models import Category, Publication
from ggzy.evaluation.models import Evaluation
from ggzy.experts.models import DrawRequest
from ggzy.kernel import clock
from ggzy.tendering.models import Bid, Lot, Opening


def test_the_living_demo_stands_at_every_stage_and_moves_on(
    db: Any, tender_settings: Any, manual_clock: clock.ManualClock
) -> None:
    lines: list[str] = []
    finished = load_living(lines.append)
    now = clock.now()

    assert finished["works-completed"], "\n".join(lines)
    assert finished["procurement-completed"]
    assert finished["land-sold"]
    assert finished["award-overdue"]
    assert verify_ledger().ok
    assert LedgerEntry.objects.aggregate(last=Max("at"))["last"] <= now
    assert Publication.objects.aggregate(last=Max("published_at"))["last"] <= now
    assert LedgerEntry.objects.order_by("seq").first().at <= now - timedelta(days=79)
    shown = set(Publication.objects.values_list("category", flat=True))
    assert shown == set(Category.values)

    by_name = {lot.project.name: lot for lot in Lot.objects.select_related("project")}
    status = {name.removesuffix("（演示）"): lot.status for name, lot in by_name.items()}
    assert status["湘西州某中学教学楼施工"] == Lot.Status.CONTRACTED
    assert status["州人民医院医用设备采购"] == Lot.Status.CONTRACTED
    assert status["州政务服务中心办公家具采购"] == Lot.Status.EVALUATED
    assert status["古丈县农田水利灌溉渠道改造工程"] == Lot.Status.EVALUATING
    assert status["吉首市保障性住房二期施工"] == Lot.Status.BIDDING
    assert status["凤凰县乡村公路桥梁改造工程"] == Lot.Status.BIDDING
    assert status["州数据中心信息化运维服务采购"] == Lot.Status.BIDDING

    opening = by_name["吉首市保障性住房二期施工（演示）"].project.bid_deadline
    assert now < opening <= now + timedelta(hours=3)
    assert DrawRequest.objects.filter(status__in=["complete", "public"]).count() == 5

    under_way = Evaluation.objects.get(lot__project__name__startswith="古丈县")
    expert = User.objects.get(username="demo_expert")
    seat = under_way.members.get(user=expert)
    assert seat.submitted_at is None
    assert under_way.members.exclude(submitted_at=None).exists()
    assert under_way.status == Evaluation.Status.REVIEWING

    supervisor_gp = User.objects.get(username="demo_supervisor_gp")
    assert "award_late" in {w["kind"] for w in warnings(supervisor_gp)}
    owed = Deposit.objects.filter(status="refund_due", refund_due_on__lt=clock.today())
    assert owed.exists()

    sales = {a.trade_type: a for a in Auction.objects.all()}
    assert sales["land_use"].status == Auction.Status.SOLD
    assert sales["mining"].status == Auction.Status.ANNOUNCED
    assert sales["other.emission"].phase == "free"
    live = sales["equity_transfer"]
    assert (live.status, live.phase) == (Auction.Status.ANNOUNCED, "timed")
    assert live.deadline is not None and live.deadline > now
    person = Registration.objects.get(auction=live, entity__users__user__username="demo_person")
    assert person.status == Registration.Status.QUALIFIED

    # Real time goes on: the bots bid before the countdown runs out, and decrypt at the opening.
    bots = Bots()
    bids = AuctionBid.objects.filter(auction=live).count()
    assert bots.tick() == 0  # plans its next bid
    manual_clock.set(bots.next_bid[live.pk])
    assert bots.tick() == 1
    assert AuctionBid.objects.filter(auction=live).count() == bids + 1
    live.refresh_from_db()
    assert live.deadline is not None and live.deadline > clock.now()

    manual_clock.set(opening + timedelta(minutes=2))
    run_due()
    lot = by_name["吉首市保障性住房二期施工（演示）"]
    assert Opening.objects.filter(lot=lot).exists()
    manual_clock.advance(timedelta(minutes=2))
    for _ in range(4):
        bots.tick()
    assert Bid.objects.filter(lot=lot, status=Bid.Status.DECRYPTED).count() == 4
