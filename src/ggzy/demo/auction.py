"""`ggzy demo scenario land-listing` and `ggzy demo scenario equity-bidding`: a land listing
that goes on to timed bidding, and an online equity bidding, through the HTTP API on an
accelerated clock, with simulated bidders, printing what happened. The steps are timelines
(``timeline.py``), which the living demo runs on its shared clock.

Each simulated bidder has a private ceiling and bids the least next amount at random
moments (a seeded generator, so a run can be repeated); the countdown restarts with every
bid and the scheduler closes the sale when a full period passes. The reserve price is
sealed to three keyholders whose private keys the demo keeps (``keys.py``); two of them hand
in their shares after the close, exactly as ``ggzy bid escrow-share`` would.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings

from ggzy.accounts.models import Organisation, Region, User
from ggzy.auctions.models import Auction
from ggzy.auctions.sealed_bid import keyholder_shares
from ggzy.auctions.trade_types import get as get_trade_type
from ggzy.core import files, seal
from ggzy.disclosure.models import Publication
from ggzy.entities.models import MarketEntity
from ggzy.kernel import clock, rules
from ggzy.kernel.crypto import get_suite
from ggzy.kernel.money import format_cny, from_fen
from ggzy.tendering.models import Keyholder
from ggzy.workcalendar.periods import last_day

from .keys import demo_keys
from .tender import forget_sessions, ok, post, say_ledger, session
from .timeline import Timeline, alone

Print = Callable[[str], object]
API = "/api/v1/auctions"
KEYHOLDERS = ["demo_centre", "demo_supervisor", "demo_oversight"]


@dataclass(frozen=True)
class Sale:
    trade_type: str
    method: str
    title: str
    description: str
    supervisor: str
    region: str
    start_price: str
    increment: str
    deposit: str
    announce_days: int
    free_days: int
    reserve: str | None
    bidders: dict[str, int]  # demo user → ceiling in yuan
    listing_bids: list[tuple[str, int]]  # (user, increments above the start) in the free period
    timed_seconds: int | None = None  # the countdown of timed bidding; None: the rule's default


def _keyholder(username: str) -> Keyholder:
    """The demo keyholder of this user; its private key stays in the demo's keys (``keys.py``)."""
    user = User.objects.get(username=username)
    suite_name = settings.GGZY_CRYPTO_SUITE
    found = Keyholder.objects.filter(user=user, suite=suite_name, is_active=True).first()
    if found is not None:
        return found
    suite = get_suite(suite_name)
    private, public = suite.generate_keypair()
    path = key_path(username)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(private)
    path.chmod(0o600)
    kind = "supervisor" if user.role == "supervisor" else "centre"
    return Keyholder.objects.create(
        name=f"{user.real_name}（底价托管）",
        kind=kind if user.role != "oversight" else "third_party",
        user=user,
        suite=suite_name,
        public_pem=public.decode(),
        key_id=suite.key_id(public),
    )


def post_as(username: str, path: str, body: dict[str, Any] | None = None, status: int = 200) -> Any:
    return post(session(username), path, body, status)


def key_path(username: str) -> Path:
    return demo_keys() / f"keyholder-{username}-{settings.GGZY_CRYPTO_SUITE}.key.pem"


def _uscc(username: str) -> str:
    entity = MarketEntity.objects.get(users__user__username=username)
    return entity.uscc


def _announced_for(sale: Sale) -> datetime:
    """09:00 ``announce_days`` on, or later when holidays leave too few working days for the
    announcement period."""
    day = (clock.local_now() + timedelta(days=sale.announce_days)).date()
    rule = get_trade_type(sale.trade_type).announcement_rule
    if (earliest := last_day(rule, clock.now())) is not None:
        day = max(day, earliest + timedelta(days=1))
    return datetime.combine(day, time(9), clock.SHANGHAI)


def enter(
    say: Print,
    sale: Sale,
    *,
    starts: datetime | None = None,
    free_ends: datetime | None = None,
    staff: str = "demo_centre",
) -> Timeline[dict[str, Any]]:
    """Entry, the sealed reserve, the announcement. By default bidding starts at 09:00
    ``announce_days`` on and the free period lasts ``free_days``."""
    yield clock.now()
    holders = [_keyholder(u) for u in KEYHOLDERS]
    if starts is None:
        starts = _announced_for(sale)
    free_ends = free_ends or starts + timedelta(days=sale.free_days)
    body = {
        "trade_type": sale.trade_type,
        "method": sale.method,
        "title": sale.title,
        "description": sale.description,
        "transferor_uscc": _uscc("demo_initiator"),
        "centre": Organisation.objects.get(name="湖南省公共资源交易中心").pk,
        "supervisor": Organisation.objects.get(name=sale.supervisor).pk,
        "region": Region.objects.get(name=sale.region).pk,
        "start_price": sale.start_price,
        "increment": sale.increment,
        "deposit": sale.deposit,
        "starts_at": starts.isoformat(),
        "free_ends_at": free_ends.isoformat(),
    }
    if sale.timed_seconds is not None:
        body["timed_seconds"] = sale.timed_seconds
    if sale.reserve is not None:
        body |= {"keyholders": [h.pk for h in holders], "escrow_threshold": 2}
    auction = post_as(staff, API, body, 201)
    say(
        f"进场登记 {auction['code']}：{sale.title}（{auction['trade_type']} / {auction['method']}）"
    )
    say(
        f"  起始价 {format_cny(sale.start_price)}，加价幅度 {format_cny(sale.increment)}，"
        f"保证金 {format_cny(sale.deposit)}"
    )
    if sale.reserve is not None:
        yield clock.now() + timedelta(hours=3)
        post_as("demo_initiator", f"{API}/{auction['id']}/reserve", {"amount": sale.reserve})
        say("  出让人设定底价：提交即密封给 3 个托管方（任 2 个可开启），平台无法读取")
    yield clock.now() + timedelta(hours=1)
    post_as(staff, f"{API}/{auction['id']}/announce")
    say(f"  公告发布，竞价（挂牌）{starts:%Y-%m-%d %H:%M} 开始，公告期满足法定要求")
    return auction


def register(
    say: Print, auction: dict[str, Any], sale: Sale, bidders: list[str] | None = None
) -> Timeline[dict[str, str]]:
    """Each bidder applies a day or so apart; the centre reviews and confirms the deposit."""
    numbers = {}
    for username in sale.bidders if bidders is None else bidders:
        yield clock.now() + timedelta(hours=22)
        reg = post_as(username, f"{API}/{auction['id']}/applications", status=201)
        post_as("demo_centre", f"{API}/applications/{reg['id']}/review", {"accept": True})
        deposit = {"kind": "transfer", "amount": sale.deposit, "reference": f"DEMO{reg['id']:06d}"}
        done = post_as("demo_centre", f"{API}/applications/{reg['id']}/deposit", deposit)
        numbers[username] = done["bidder_no"]
        say(f"  {username} 申请竞买，审查通过，保证金到账 → 竞买号 {done['bidder_no']}")
    return numbers


def _yuan(fen: int) -> str:
    return format_cny(from_fen(fen))


def bid_as(username: str, auction_id: int, amount: int, key: str) -> dict[str, Any] | None:
    response = session(username).post(
        f"{API}/{auction_id}/bids",
        {"amount": f"{amount / 100:.2f}", "key": key},
        content_type="application/json",
    )
    return response.json() if response.status_code in (200, 201) else None


def live_state(auction_id: int) -> dict[str, Any]:
    """The sale's live state as the hall shows it (phase, deadline, leader, least next)."""
    state: dict[str, Any] = ok(session("demo_centre").get(f"{API}/{auction_id}"))["state"]
    return state


def _free_period(
    say: Print, auction: dict[str, Any], sale: Sale, numbers: dict[str, str]
) -> Timeline[None]:
    start = datetime.fromisoformat(auction["starts_at"])
    step = (datetime.fromisoformat(auction["free_ends_at"]) - start) / (len(sale.listing_bids) + 1)
    for n, (username, above) in enumerate(sale.listing_bids, 1):
        yield start + step * n
        amount = int(float(sale.start_price) * 100) + above * int(float(sale.increment) * 100)
        placed = bid_as(username, auction["id"], amount, f"free-{n}")
        assert placed is not None
        at, no = clock.local_text(clock.now()), numbers[username]
        say(f"  {at} 竞买号 {no} 报价 {_yuan(amount)}（序号 {placed['seq']}）")


def keen(state: dict[str, Any], bidders: Mapping[str, tuple[str, int]]) -> list[str]:
    """Who would still bid the least next amount: not the leader, and within their private
    ceiling. ``bidders``: username → (bidder number, ceiling in fen)."""
    least = state["minimum_next"]
    return [u for u, (no, top) in bidders.items() if top >= least and no != state["leader"]]


def _timed_period(
    say: Print, auction_id: int, sale: Sale, numbers: dict[str, str]
) -> Timeline[None]:
    """Simulated bidders bid the least next amount at random moments until none will."""
    draw = random.Random(auction_id)  # noqa: S311 — a repeatable simulation, not a secret
    bidders = {u: (numbers[u], c * 100) for u, c in sale.bidders.items() if u in numbers}
    n = 0
    while True:
        state = live_state(auction_id)
        if state["phase"] != "timed":
            return
        least = state["minimum_next"]
        willing = keen(state, bidders)
        deadline = datetime.fromisoformat(state["deadline"])
        if not willing:
            yield deadline
            return
        who = draw.choice(willing)
        yield clock.now() + timedelta(seconds=draw.randint(5, 280))
        n += 1
        placed = bid_as(who, auction_id, least, f"timed-{n}")
        if placed is not None:
            left = (deadline - clock.now()).total_seconds()
            at, no = clock.local_text(clock.now()), numbers[who]
            say(f"    {at} 竞买号 {no} 报价 {_yuan(least)}（剩余 {left:.0f} 秒，倒计时重新开始）")


def open_reserve(say: Print, auction_id: int) -> None:
    parts = ok(session(KEYHOLDERS[0]).get(f"{API}/{auction_id}/envelopes"))["envelopes"]
    for username in KEYHOLDERS[:2]:
        shares = keyholder_shares(parts, key_path(username).read_bytes())
        post_as(username, f"{API}/{auction_id}/shares", {"shares": shares})
        say(f"  托管方 {username} 在本机解出份额并提交")


def _report(say: Print, auction_id: int) -> bool:
    auction = Auction.objects.select_related("winner__entity").get(pk=auction_id)
    if auction.reserve is not None:
        say(f"  底价开启：{_yuan(auction.reserve)}")
    if auction.status == Auction.Status.SOLD and auction.winner is not None:
        assert auction.final_price is not None
        winner = auction.winner
        price = _yuan(auction.final_price)
        say(f"成交：{winner.entity.name}（竞买号 {winner.bidder_no}），成交价 {price}")
        check = seal.verify_pdf(files.read_stored(auction.confirmation_file))
        say(
            f"  成交确认书（电子印章）：{'验证通过' if check.valid else '验证失败'}，"
            f"SHA-256 {auction.confirmation_digest[:16]}…"
        )
        to_price = auction.registrations.filter(deposit_status="to_price").count()
        refund = auction.registrations.filter(deposit_status="refund_due").count()
        say(f"  保证金：{to_price} 笔转为价款，{refund} 笔应退还")
    else:
        say(f"未成交：{auction.outcome}")
    for notice in Publication.objects.filter(trade_code=auction.code).order_by("published_at"):
        say(f"  公告 {notice.uid}：{notice.title}")
    return auction.status == Auction.Status.SOLD


def bidding(
    say: Print, auction: dict[str, Any], sale: Sale, numbers: dict[str, str]
) -> Timeline[None]:
    """The free (listing) period, the bidders who go on, the timed period to its end."""
    say("自由报价 / 挂牌期：")
    yield from _free_period(say, auction, sale, numbers)
    if sale.method == "listing":
        for username in list(numbers)[:3]:
            post_as(username, f"{API}/{auction['id']}/declare")
            say(f"  竞买号 {numbers[username]} 申请参加限时竞价")
    yield datetime.fromisoformat(auction["free_ends_at"])
    state = live_state(auction["id"])
    seconds = sale.timed_seconds or rules.int_value("auctions.timed_period_seconds")
    say(f"期满：{f'转入限时竞价，每期 {seconds} 秒' if state['phase'] == 'timed' else '竞价结束'}")
    yield from _timed_period(say, auction["id"], sale, numbers)
    say(f"限时竞价结束：{clock.local_text(clock.now())}")


def settle(say: Print, auction: dict[str, Any], sale: Sale) -> Timeline[bool]:
    """Two keyholders hand in their shares the next morning; the result."""
    if sale.reserve is not None:
        yield clock.now() + timedelta(hours=16)
        open_reserve(say, auction["id"])
    return _report(say, auction["id"])


def _run(say: Print, sale: Sale) -> bool:
    forget_sessions()

    def whole() -> Timeline[bool]:
        auction = yield from enter(say, sale)
        numbers = yield from register(say, auction, sale)
        yield from bidding(say, auction, sale, numbers)
        return (yield from settle(say, auction, sale))

    return alone(whole) and say_ledger(say)


LAND = Sale(
    trade_type="land_use",
    method="listing",
    title="吉首市乾州新区QZ2026-08号地块国有建设用地使用权",
    description="商住用地，面积 32,560 平方米，容积率 ≤ 2.5，出让年限住宅 70 年、商业 40 年。",
    supervisor="湘西州自然资源和规划局",
    region="吉首市",
    start_price="18600000.00",
    increment="200000.00",
    deposit="3720000.00",
    announce_days=21,
    free_days=10,
    reserve="19800000.00",
    bidders={"demo_b01": 21_000_000, "demo_b02": 20_400_000, "demo_b03": 20_000_000},
    listing_bids=[("demo_b01", 0), ("demo_b02", 1), ("demo_b03", 2)],
)

EQUITY = Sale(
    trade_type="equity_transfer",
    method="online",
    title="湘西州城投物业服务有限公司 51% 股权",
    description="转让方持有的标的企业 51% 股权；职工安置方案已经职代会通过。",
    supervisor="湖南省人民政府国有资产监督管理委员会",
    region="湘西土家族苗族自治州",
    start_price="5600000.00",
    increment="50000.00",
    deposit="560000.00",
    announce_days=35,
    free_days=1,
    reserve=None,
    bidders={"demo_b02": 6_100_000, "demo_b04": 5_900_000, "demo_b05": 6_000_000},
    listing_bids=[("demo_b04", 0), ("demo_b05", 2)],
)


def land_listing(say: Print = print) -> bool:
    """A land listing with price sheets, three bidders going on to timed bidding, the
    reserve opened by two of three keyholders, the deal confirmed."""
    return _run(say, LAND)


def equity_bidding(say: Print = print) -> bool:
    """Online equity bidding (多次报价): a free period, then a timed period restarted by every
    valid bid, by whole increments; no reserve above the listed price."""
    return _run(say, EQUITY)
