"""The living demo (`make run`; `ggzy demo` on an empty database): a platform in motion.

History lies in the past and the present is now. The demo's organisations, entities and
experts arrive about eighty days ago; eleven trades across works, procurement, land, mining,
equity and an emission right then run as timelines on one clock, in the order things happened,
through the same HTTP API users call, up to this moment. They stand at every stage: completed
with contracts and performance, evaluated with the award overdue (a warning), under
evaluation, opening later today, in their bidding, listing or announcement periods, and one
equity sale in timed bidding. What lies ahead is left to the live platform: the scheduler in
``ggzy serve`` opens the bids at the deadline and closes the timed bidding, and the demo's
simulated bidders (``bots.py``, ``ggzy serve --demo``) bid and decrypt in real time.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from django.test import Client

from ggzy.core.models import LedgerHead
from ggzy.kernel import clock
from ggzy.workcalendar.services import load_calendar

from . import auction as sales
from .bots import ceiling
from .committee import DrawSpec
from .full_tender import (
    GP,
    WORKS,
    Spec,
    Tender,
    announce,
    bid,
    draw,
    evaluate,
    open_bids,
    to_contract,
)
from .load import load
from .tender import (
    BIDDERS,
    DemoError,
    Print,
    forget_sessions,
    obtain_documents,
    ok,
    post,
    session,
)
from .timeline import Timeline, interleave

HISTORY_DAYS = 80
STAFF = "demo_centre_xx"  # the centre of the tenders (湘西州)
DEPOSITS = "/api/v1/deposits"


@dataclass(frozen=True)
class Scene:
    """What every trade of the demo shares."""

    say: Print
    now: datetime  # the present, when the load began
    workdir: Path

    def at(self, days: int, hour: int, minute: int = 0) -> datetime:
        """``days`` from today at hh:mm in Beijing."""
        day = self.now.astimezone(clock.SHANGHAI).date() + timedelta(days=days)
        return datetime.combine(day, time(hour, minute), clock.SHANGHAI)

    @property
    def staff(self) -> Client:
        return session(STAFF)


def workdays_before(moment: datetime, n: int) -> datetime:
    """09:00 on the day that leaves ``n`` working days before ``moment``'s day."""
    calendar, day, count = load_calendar(), moment.astimezone(clock.SHANGHAI).date(), 0
    while count < n:
        day -= timedelta(days=1)
        count += calendar.is_workday(day)
    return datetime.combine(day, time(9), clock.SHANGHAI)


def later_today(now: datetime) -> datetime:
    """Two hours on, at the next full or half hour: an opening still to come today."""
    moment = (now + timedelta(hours=2)).astimezone(clock.SHANGHAI)
    moment = moment.replace(minute=0 if moment.minute < 30 else 30, second=0, microsecond=0)
    return moment + timedelta(minutes=30)


PRICES = {  # each demo bidder's price as a share of the estimate; the fourth goes over
    "works": ("0.960", "0.953", "0.970", "1.014", "0.957"),
    "goods": ("0.932", "1.027", "0.912", "0.959", "0.938"),
}


def sheet(kind: str, estimate: str, n: int) -> dict[str, Any]:
    price = (Decimal(estimate) * Decimal(PRICES[kind][n])).quantize(Decimal("1000"))
    if kind == "works":
        return {
            "price": f"{price}.00",
            "duration_days": 240 + n * 10,
            "quality": "合格",
            "project_manager": f"项目经理{n + 1}",
        }
    return {
        "price": f"{price}.00",
        "delivery_days": 20 + n * 5,
        "warranty_months": 24,
        "quality": "满足采购需求，提供原厂质保",
    }


def works(label: str, item: str, supervisor: str, estimate: str, needs: list[Any]) -> Spec:
    return replace(
        WORKS,
        label=label,
        item=item,
        supervisor=supervisor,
        estimate=estimate,
        draw=DrawSpec("works_tender", supervisor, needs),
        sheet=partial(sheet, "works", estimate),
    )


def goods(label: str, item: str, estimate: str) -> Spec:
    return replace(
        GP, label=label, item=item, estimate=estimate, sheet=partial(sheet, "goods", estimate)
    )


WATER = works(
    "古丈县农田水利灌溉渠道改造工程",
    "CON-WORKS-WATER",
    "湖南省水利厅",
    "5200000.00",
    [
        {"specialty": "A0804", "venue": "main", "count": 1},  # the demo_expert login
        {"specialty": "A0801", "venue": "main", "count": 2},
        {"specialty": "A0802", "venue": "main", "count": 1},
    ],
)
HOUSING = works(
    "吉首市保障性住房二期施工",
    "CON-WORKS-HOUSING",
    "湖南省住房和城乡建设厅",
    "12800000.00",
    WORKS.draw.requirements,
)
ROADS = works(
    "凤凰县乡村公路桥梁改造工程",
    "CON-WORKS-TRANSPORT",
    "湖南省交通运输厅",
    "7400000.00",
    [{"specialty": "A0803", "venue": "main", "count": 4}],
)
FURNITURE = goods("州政务服务中心办公家具采购", "GP-GOODS-GENERAL", "1280000.00")
SERVICES = goods("州数据中心信息化运维服务采购", "GP-SERVICES-GENERAL", "1360000.00")


def _refund(scene: Scene, tender: Tender, *, unpaid: int = 0) -> None:
    """The centre returns the deposits owed on the lot, all but ``unpaid`` of them."""
    deposits = ok(scene.staff.get(f"{DEPOSITS}/lots/{tender.lot['id']}"))
    owed = [d for d in deposits if d["status"] == "refund_due"]
    for deposit in owed[: len(owed) - unpaid]:
        body = {"reference": f"TK{deposit['id']:08d}"}
        post(scene.staff, f"{DEPOSITS}/{deposit['id']}/refunded", body)
    left = f"，{unpaid} 笔尚未退还" if unpaid else ""
    scene.say(f"  交易中心退还投标保证金 {len(owed) - unpaid} 笔{left}")


def works_completed(scene: Scene) -> Timeline[bool]:
    yield scene.at(-76, 9, 30)
    tender = yield from to_contract(scene.say, scene.staff, WORKS, scene.workdir)
    yield clock.now() + timedelta(days=1)
    _refund(scene, tender)
    return tender.done


def procurement_completed(scene: Scene) -> Timeline[bool]:
    """To the contract; the centre then refunds three of the four losers' deposits and the
    fourth falls overdue (a warning on the deposits desk)."""
    yield scene.at(-71, 10)
    tender = yield from to_contract(scene.say, scene.staff, GP, scene.workdir)
    yield clock.now() + timedelta(days=2)
    _refund(scene, tender, unpaid=1)
    return tender.done


def under_evaluation(scene: Scene) -> Timeline[bool]:
    """Opened this morning (or yesterday afternoon); the committee is scoring, and the
    demo_expert's sheet is still to come."""
    opening = (
        scene.at(0, 9, 30)
        if scene.now.astimezone(clock.SHANGHAI).hour >= 12
        else scene.at(-1, 14, 30)
    )
    yield opening - timedelta(days=21, hours=4)
    tender = yield from announce(scene.say, scene.staff, WATER, deadline=opening)
    yield from bid(scene.say, tender, scene.workdir, BIDDERS)
    yield from draw(scene.say, scene.staff, tender)
    yield from open_bids(scene.say, tender)
    return (yield from evaluate(scene.say, scene.staff, tender, waiting=("demo_expert",)))


def opening_today(scene: Scene) -> Timeline[None]:
    """Four sealed bids in; the committee drawn yesterday; the opening is later today."""
    opening = later_today(scene.now)
    yield opening - timedelta(days=21, hours=4)
    tender = yield from announce(scene.say, scene.staff, HOUSING, deadline=opening)
    yield from bid(scene.say, tender, scene.workdir, BIDDERS[:4])
    yield from draw(scene.say, scene.staff, tender)


def works_bidding(scene: Scene) -> Timeline[None]:
    """Two bids in; demo_bidder has paid its deposit and obtained the documents; a bidder's
    objection to the documents waits for the agent's answer."""
    yield scene.at(-6, 10)
    payers = [*BIDDERS[:3], "demo_bidder"]
    tender = yield from announce(
        scene.say, scene.staff, ROADS, deadline=scene.at(15, 9, 30), payers=payers
    )
    yield from bid(scene.say, tender, scene.workdir, BIDDERS[1:3])
    yield clock.now() + timedelta(hours=5)
    obtain_documents("demo_bidder", tender.project["id"])
    scene.say("  demo_bidder 获取招标文件")
    yield clock.now() + timedelta(hours=3)
    text = "招标文件第三章技术标准中桥梁荷载等级前后不一致，请澄清。"
    path = f"/api/v1/tendering/projects/{tender.project['id']}/objections"
    post(session(BIDDERS[2]), path, {"text": text}, 201)
    scene.say(f"  {BIDDERS[2]} 对招标文件提出异议：{text}")


def award_overdue(scene: Scene) -> Timeline[bool]:
    """Evaluated more than five working days ago; the purchaser has not picked the supplier
    (GP Reg. Art 43): a warning for the supervisor and a to-do for the purchaser."""
    yield scene.at(-46, 10)
    tender = yield from announce(scene.say, scene.staff, FURNITURE)
    yield from bid(scene.say, tender, scene.workdir, BIDDERS)
    yield from draw(scene.say, scene.staff, tender)
    yield from open_bids(scene.say, tender)
    return (yield from evaluate(scene.say, scene.staff, tender))


def procurement_bidding(scene: Scene) -> Timeline[None]:
    yield scene.at(-9, 14)
    tender = yield from announce(
        scene.say, scene.staff, SERVICES, deadline=scene.at(12, 9, 30), payers=BIDDERS[:2]
    )
    yield from bid(scene.say, tender, scene.workdir, BIDDERS[:1])


def land_sold(scene: Scene) -> Timeline[bool]:
    year = scene.now.astimezone(clock.SHANGHAI).year
    sale = replace(sales.LAND, title=f"吉首市乾州新区QZ{year}-08号地块国有建设用地使用权")
    yield scene.at(-63, 10)
    auction = yield from sales.enter(
        scene.say, sale, starts=scene.at(-40, 9), free_ends=scene.at(-30, 9)
    )
    numbers = yield from sales.register(scene.say, auction, sale)
    yield from sales.bidding(scene.say, auction, sale, numbers)
    return (yield from sales.settle(scene.say, auction, sale))


MINING = sales.Sale(
    trade_type="mining",
    method="auction",
    title="花垣县某锰矿采矿权",
    description="矿区面积 2.36 平方公里，开采深度 680 米至 420 米标高，出让年限 10 年。",
    supervisor="湖南省自然资源厅",
    region="湘西土家族苗族自治州",
    start_price="12000000.00",
    increment="100000.00",
    deposit="2400000.00",
    announce_days=0,
    free_days=0,
    reserve="13000000.00",
    bidders={"demo_b06": 0, "demo_b07": 0},
    listing_bids=[],
)


def mining_announced(scene: Scene) -> Timeline[None]:
    """Announced; one bidder qualified, another's application waits for the centre."""
    starts = scene.at(16, 9)
    yield workdays_before(starts, 22) - timedelta(hours=4)
    auction = yield from sales.enter(
        scene.say, MINING, starts=starts, free_ends=starts + timedelta(hours=2)
    )
    yield from sales.register(scene.say, auction, MINING, ["demo_b06"])
    yield clock.now() + timedelta(days=3)
    sales.post_as("demo_b07", f"{sales.API}/{auction['id']}/applications", status=201)
    scene.say("  demo_b07 提交竞买申请，待交易中心审查")


EQUITY = replace(
    sales.EQUITY,
    title="湘西州城投物业服务有限公司 51% 股权",
    timed_seconds=600,
    bidders={"demo_b02": 0, "demo_b04": 0, "demo_b05": 0},
)


def equity_live(scene: Scene) -> Timeline[None]:
    """Announced a month ago; free bidding from two days ago; timed bidding since twenty
    minutes ago, going on live with the simulated bidders and whoever joins as demo_person."""
    starts = scene.at(-2, 9)
    yield workdays_before(starts, 22) - timedelta(hours=4)
    auction = yield from sales.enter(
        scene.say, EQUITY, starts=starts, free_ends=scene.now - timedelta(minutes=20)
    )
    start, step = int(Decimal(EQUITY.start_price) * 100), int(Decimal(EQUITY.increment) * 100)
    tops = {u: ceiling(auction["code"], u, start, step) // 100 for u in EQUITY.bidders}
    sale = replace(EQUITY, bidders=tops)
    numbers = yield from sales.register(scene.say, auction, sale, [*tops, "demo_person"])
    yield from sales.bidding(scene.say, auction, sale, numbers)


EMISSION = sales.Sale(
    trade_type="other.emission",
    method="listing",
    title="湘西州某化工企业二氧化硫排污权（50 吨/年）",
    description="排污权有效期 5 年，受让方须符合区域总量控制要求。",
    supervisor="湘西州发展和改革委员会",
    region="湘西土家族苗族自治州",
    start_price="300000.00",
    increment="5000.00",
    deposit="60000.00",
    announce_days=0,
    free_days=0,
    reserve=None,
    bidders={"demo_b08": 360000, "demo_b09": 345000},
    listing_bids=[("demo_b08", 0), ("demo_b09", 1), ("demo_b08", 2)],
)


def emission_listing(scene: Scene) -> Timeline[None]:
    starts = scene.at(-3, 9)
    yield workdays_before(starts, 12) - timedelta(hours=4)
    auction = yield from sales.enter(scene.say, EMISSION, starts=starts, free_ends=scene.at(7, 15))
    numbers = yield from sales.register(scene.say, auction, EMISSION)
    yield from sales.bidding(scene.say, auction, EMISSION, numbers)


TRADES: list[tuple[str, Callable[[Scene], Timeline[Any]]]] = [
    ("works-completed", works_completed),
    ("procurement-completed", procurement_completed),
    ("land-sold", land_sold),
    ("award-overdue", award_overdue),
    ("under-evaluation", under_evaluation),
    ("opening-today", opening_today),
    ("works-bidding", works_bidding),
    ("procurement-bidding", procurement_bidding),
    ("mining-announced", mining_announced),
    ("equity-live", equity_live),
    ("emission-listing", emission_listing),
]


def load_living(say: Print = print) -> dict[str, Any]:
    """Load the demo into an empty database: its base data eighty days ago, then the trades'
    history up to now. Returns what each trade that finished returned."""
    outer = clock.get_clock()
    now = outer.now()
    start = now - timedelta(days=HISTORY_DAYS)
    head = LedgerHead.objects.filter(pk=1).values_list("at", flat=True).first()
    if head is not None and head > start:
        raise DemoError(
            f"账本已有 {clock.local_text(head)} 的记录，演示历史无法写在它之前：请在空数据库上"
            "载入演示 / the ledger already holds later entries: load the demo into an empty "
            "database"
        )
    forget_sessions()
    # Eighty days of jobs and notifications: say only what fails.
    quiet = [logging.getLogger(name) for name in ("ggzy.worker", "ggzy.notify")]
    levels = [log.level for log in quiet]
    for log in quiet:
        log.setLevel(logging.WARNING)
    manual = clock.ManualClock(start)
    with clock.use_clock(manual), tempfile.TemporaryDirectory() as tmp:
        load(progress=say)
        scene = Scene(say, now, Path(tmp))
        say("载入演示交易（过去八十天的历史，直到此刻）/ loading the demo's trades …")
        try:
            finished = interleave(
                ((name, trade(scene)) for name, trade in TRADES), manual, outer.now
            )
        finally:
            for log, level in zip(quiet, levels, strict=True):
                log.setLevel(level)
    forget_sessions()
    return finished
