"""`ggzy demo scenario land-listing` and `ggzy demo scenario equity-bidding`: a land listing
that goes on to timed bidding, and an online equity bidding, through the HTTP API on an
accelerated clock, with simulated bidders, printing what happened.

Each simulated bidder has a private ceiling and bids the least next amount at random
moments (a seeded generator, so a run can be repeated); the countdown restarts with every
bid and the scheduler closes the sale when a full period passes. The reserve price is
sealed to three keyholders whose private keys the demo keeps in ``var/demo-keys/``; two of
them hand in their shares after the close, exactly as ``ggzy bid escrow-share`` would.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from ggzy.accounts.models import Organisation, Region, User
from ggzy.accounts.otp import device_for
from ggzy.auctions.models import Auction
from ggzy.auctions.sealed_bid import keyholder_shares
from ggzy.core import seal
from ggzy.core.scheduler import run_due
from ggzy.disclosure.models import Publication
from ggzy.entities.models import MarketEntity
from ggzy.kernel import clock
from ggzy.kernel.crypto import get_suite
from ggzy.kernel.money import format_cny, from_fen
from ggzy.tendering.models import Keyholder

from .tender import login, ok, say_ledger

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


def _keyholder(username: str) -> Keyholder:
    """The demo keyholder of this user; its private key stays in ``var/demo-keys/``."""
    user = User.objects.get(username=username)
    suite_name = settings.GGZY_CRYPTO_SUITE
    found = Keyholder.objects.filter(user=user, suite=suite_name, is_active=True).first()
    if found is not None:
        return found
    suite = get_suite(suite_name)
    private, public = suite.generate_keypair()
    path = _key_path(username)
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


_sessions: dict[str, Client] = {}


def _session(username: str) -> Client:
    """One session per demo user for the run. Like the password, the demo skips typing the
    staff's one-time code: the session is marked as past the second factor with the user's
    confirmed demo authenticator (a code can be used once per 30 s, and demos run back to
    back)."""
    if username not in _sessions:
        client = login(username)
        user = User.objects.get(username=username)
        if user.needs_second_factor:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device_for(user).persistent_id
            session.save()
        _sessions[username] = client
    return _sessions[username]


def _post(username: str, path: str, body: dict[str, Any] | None = None, status: int = 200) -> Any:
    return ok(_session(username).post(path, body or {}, content_type="application/json"), status)


def _key_path(username: str) -> Path:
    suite = settings.GGZY_CRYPTO_SUITE
    return Path(settings.VAR_DIR) / "demo-keys" / f"keyholder-{username}-{suite}.key.pem"


def _uscc(username: str) -> str:
    entity = MarketEntity.objects.get(users__user__username=username)
    return entity.uscc


def _enter(say: Print, sale: Sale, holders: list[Keyholder]) -> dict[str, Any]:
    day = clock.local_now() + timedelta(days=sale.announce_days)
    starts = day.replace(hour=9, minute=0, second=0)
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
        "free_ends_at": (starts + timedelta(days=sale.free_days)).isoformat(),
    }
    if sale.reserve is not None:
        body |= {"keyholders": [h.pk for h in holders], "escrow_threshold": 2}
    auction = _post("demo_centre", API, body, 201)
    say(
        f"进场登记 {auction['code']}：{sale.title}（{auction['trade_type']} / {auction['method']}）"
    )
    say(
        f"  起始价 {format_cny(sale.start_price)}，加价幅度 {format_cny(sale.increment)}，"
        f"保证金 {format_cny(sale.deposit)}"
    )
    if sale.reserve is not None:
        _post("demo_initiator", f"{API}/{auction['id']}/reserve", {"amount": sale.reserve})
        say("  出让人设定底价：提交即密封给 3 个托管方（任 2 个可开启），平台无法读取")
    _post("demo_centre", f"{API}/{auction['id']}/announce")
    say(f"  公告发布，竞价（挂牌）{starts:%Y-%m-%d %H:%M} 开始，公告期满足法定要求")
    return auction


def _register(say: Print, auction: dict[str, Any], sale: Sale) -> dict[str, str]:
    numbers = {}
    for username in sale.bidders:
        reg = _post(username, f"{API}/{auction['id']}/applications", status=201)
        _post("demo_centre", f"{API}/applications/{reg['id']}/review", {"accept": True})
        deposit = {"kind": "transfer", "amount": sale.deposit, "reference": f"DEMO{reg['id']:06d}"}
        done = _post("demo_centre", f"{API}/applications/{reg['id']}/deposit", deposit)
        numbers[username] = done["bidder_no"]
        say(f"  {username} 申请竞买，审查通过，保证金到账 → 竞买号 {done['bidder_no']}")
    return numbers


def _yuan(fen: int) -> str:
    return format_cny(from_fen(fen))


def _bid(username: str, auction_id: int, amount: int, key: str) -> dict[str, Any] | None:
    response = _session(username).post(
        f"{API}/{auction_id}/bids",
        {"amount": f"{amount / 100:.2f}", "key": key},
        content_type="application/json",
    )
    return response.json() if response.status_code in (200, 201) else None


def _live(auction_id: int) -> dict[str, Any]:
    return ok(_session("demo_centre").get(f"{API}/{auction_id}"))


def _free_period(
    say: Print,
    manual: clock.ManualClock,
    auction: dict[str, Any],
    sale: Sale,
    numbers: dict[str, str],
) -> None:
    start = datetime.fromisoformat(auction["starts_at"])
    manual.set(start)
    step = timedelta(days=sale.free_days) / (len(sale.listing_bids) + 1)
    for n, (username, above) in enumerate(sale.listing_bids, 1):
        manual.set(start + step * n)
        amount = int(float(sale.start_price) * 100) + above * int(float(sale.increment) * 100)
        placed = _bid(username, auction["id"], amount, f"free-{n}")
        assert placed is not None
        at, no = clock.local_text(clock.now()), numbers[username]
        say(f"  {at} 竞买号 {no} 报价 {_yuan(amount)}（序号 {placed['seq']}）")


def _timed_period(
    say: Print, manual: clock.ManualClock, auction_id: int, sale: Sale, numbers: dict[str, str]
) -> None:
    """Simulated bidders bid the least next amount at random moments until none will."""
    draw = random.Random(auction_id)  # noqa: S311 — a repeatable simulation, not a secret
    ceilings = {u: c * 100 for u, c in sale.bidders.items()}
    n = 0
    while True:
        state = _live(auction_id)["state"]
        if state["phase"] != "timed":
            return
        least = state["minimum_next"]
        keen = [u for u, c in ceilings.items() if c >= least and numbers[u] != state["leader"]]
        deadline = datetime.fromisoformat(state["deadline"])
        if not keen:
            manual.set(deadline)
            run_due()
            return
        who = draw.choice(keen)
        manual.set(clock.now() + timedelta(seconds=draw.randint(5, 280)))
        n += 1
        placed = _bid(who, auction_id, least, f"timed-{n}")
        if placed is not None:
            left = (deadline - clock.now()).total_seconds()
            at, no = clock.local_text(clock.now()), numbers[who]
            say(f"    {at} 竞买号 {no} 报价 {_yuan(least)}（剩余 {left:.0f} 秒，倒计时重新开始）")


def _open_reserve(say: Print, auction_id: int) -> None:
    parts = ok(_session(KEYHOLDERS[0]).get(f"{API}/{auction_id}/envelopes"))["envelopes"]
    for username in KEYHOLDERS[:2]:
        shares = keyholder_shares(parts, _key_path(username).read_bytes())
        _post(username, f"{API}/{auction_id}/shares", {"shares": shares})
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
        with open(auction.confirmation_file, "rb") as f:
            check = seal.verify_pdf(f.read())
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
    return say_ledger(say) and auction.status == Auction.Status.SOLD


def _run(say: Print, sale: Sale) -> bool:
    _sessions.clear()  # a new run may be on a new database
    manual = clock.ManualClock(clock.now().replace(microsecond=0))
    with clock.use_clock(manual):
        holders = [_keyholder(u) for u in KEYHOLDERS]
        auction = _enter(say, sale, holders)
        numbers = _register(say, auction, sale)
        say("自由报价 / 挂牌期：")
        _free_period(say, manual, auction, sale, numbers)
        if sale.method == "listing":
            for username in list(sale.bidders)[:3]:
                _post(username, f"{API}/{auction['id']}/declare")
                say(f"  竞买号 {numbers[username]} 申请参加限时竞价")
        manual.set(datetime.fromisoformat(auction["free_ends_at"]))
        run_due()
        state = _live(auction["id"])["state"]
        say(f"期满：{'转入限时竞价，每期 300 秒' if state['phase'] == 'timed' else '竞价结束'}")
        _timed_period(say, manual, auction["id"], sale, numbers)
        say(f"限时竞价结束：{clock.local_text(clock.now())}")
        if sale.reserve is not None:
            _open_reserve(say, auction["id"])
        return _report(say, auction["id"])


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
