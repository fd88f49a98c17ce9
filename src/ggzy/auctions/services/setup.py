"""Setting up a sale: entry (进场登记), the sealed reserve price (底价), the announcement.

The reserve is sealed the moment it arrives: encrypted to the auction's keyholders, k of n
needed to open it, with no other recipient, so nobody — the platform included — can read it
before the keyholders hand in their shares after the close (MLR Order 39 Art 12).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction

from ggzy.accounts.models import Organisation, Region, User
from ggzy.auctions import events
from ggzy.core import platform_key
from ggzy.core.services import record
from ggzy.entities.models import EntityStatus, MarketEntity
from ggzy.entities.selectors import entity_of
from ggzy.kernel import clock, rules
from ggzy.kernel.crypto import get_suite
from ggzy.kernel.crypto.envelope import Escrow, seal
from ggzy.kernel.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from ggzy.kernel.money import format_cny, from_fen
from ggzy.kernel.text import clean_text
from ggzy.tendering.models import Keyholder
from ggzy.workcalendar.periods import notice_text, require_period

from .. import sealed_bid
from ..engine import Direction, Phase
from ..models import Auction
from ..periods import periods
from ..trade_types import Method, TradeType
from ..trade_types import get as get_trade_type
from ._common import lock_auction, positive_fen, require_staff

CODE_PREFIX = {"land": "TD", "mining": "KY", "property": "CQ", "other": "QT"}


def _instant(value: object, field: str) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidInput(
            "时间须带时区（如 2026-12-20T09:30:00+08:00）",
            "times need a timezone (e.g. 2026-12-20T09:30:00+08:00)",
            code="invalid_time",
            field=field,
        )
    return value.replace(microsecond=0)


def _organisation(org_id: object, kind: str, field: str, label: str) -> Organisation:
    found = Organisation.objects.filter(
        pk=org_id if isinstance(org_id, int) else -1, kind=kind, is_active=True
    ).first()
    if found is None:
        raise InvalidInput(f"{label}不存在", f"no such {field}", code="invalid", field=field)
    return found


def _transferor(uscc: object) -> MarketEntity:
    entity = MarketEntity.objects.filter(uscc=str(uscc or ""), status=EntityStatus.APPROVED).first()
    if entity is None:
        raise InvalidInput(
            "出让人/转让方须为审核通过的市场主体（按统一社会信用代码）",
            "the transferor must be an approved market entity (by USCC)",
            code="unknown_transferor",
            field="transferor_uscc",
        )
    return entity


def _method(trade: TradeType, value: object) -> Method:
    try:
        method = Method(str(value))
    except ValueError:
        method = None
    if method is None or method not in trade.methods:
        allowed = "、".join(m.label[0] for m in trade.methods)
        raise InvalidInput(
            f"「{trade.name_zh}」可采用的交易方式：{allowed}",
            f"{trade.name_en} may be sold by: {', '.join(m.value for m in trade.methods)}",
            code="method_not_allowed",
            field="method",
        )
    return method


def _direction(trade: TradeType, value: object) -> Direction:
    try:
        direction = Direction(str(value or Direction.FORWARD))
    except ValueError:
        raise InvalidInput(
            "竞价方向有误", "unknown direction", code="invalid_choice", field="direction"
        ) from None
    if direction is Direction.REVERSE and not trade.reverse:
        raise InvalidInput(
            f"「{trade.name_zh}」只能正向竞价（价高者得）",
            f"{trade.name_en} is sold by forward bidding only",
            code="reverse_not_allowed",
            field="direction",
        )
    return direction


def _escrow(
    trade: TradeType, method: Method, data: Mapping[str, Any]
) -> tuple[list[Keyholder], int, bool]:
    """The keyholders, how many open a sealed envelope, and whether there is a reserve. A
    reserve or single sealed bids need keyholders; keyholders alone mean a reserve."""
    ids = data.get("keyholders") or []
    has_reserve = bool(data.get("has_reserve", bool(ids)))
    if has_reserve and not trade.reserve:
        raise InvalidInput(
            f"「{trade.name_zh}」不设底价",
            f"{trade.name_en} has no reserve price",
            code="no_reserve_allowed",
            field="has_reserve",
        )
    if not ids:
        if has_reserve or method is Method.ONE_SHOT:
            raise InvalidInput(
                "设底价或一次报价须指定密钥托管方",
                "a reserve price or single sealed bids need escrow keyholders",
                code="keyholders_required",
                field="keyholders",
            )
        return [], 0, False
    holders = list(Keyholder.objects.filter(pk__in=ids, is_active=True))
    threshold = data.get("escrow_threshold")
    suite = settings.GGZY_CRYPTO_SUITE
    if len(holders) != len(set(ids)) or any(h.suite != suite for h in holders):
        raise InvalidInput(
            "密钥托管方不存在、未启用或算法体系不符",
            "a keyholder does not exist, is inactive or uses another suite",
            code="bad_keyholders",
            field="keyholders",
        )
    # Shamir's scheme needs k ≥ 2: with k = 1 every keyholder alone could open everything.
    if not isinstance(threshold, int) or not 2 <= threshold <= len(holders):
        raise InvalidInput(
            f"开启密封文件所需托管方数须在 2 至 {len(holders)} 之间（至少 2 个托管方）",
            f"the escrow threshold must be between 2 and {len(holders)} (at least two keyholders)",
            code="bad_threshold",
            field="escrow_threshold",
        )
    return holders, threshold, has_reserve


def _schedule(trade: TradeType, method: Method, data: Mapping[str, Any]) -> dict[str, Any]:
    starts_at = _instant(data.get("starts_at"), "starts_at")
    free_ends_at = _instant(data.get("free_ends_at"), "free_ends_at")
    if free_ends_at <= starts_at:
        raise InvalidInput(
            "挂牌/自由报价截止时间须晚于开始时间",
            "the free period must end after it starts",
            code="schedule_order",
            field="free_ends_at",
        )
    if method is Method.LISTING and trade.listing_rule:
        require_period(
            trade.listing_rule, starts_at, free_ends_at, "挂牌期", "the listing", "free_ends_at"
        )
    if method is Method.ONE_SHOT:  # sealed bids until the deadline, no timed bidding
        return {"starts_at": starts_at, "free_ends_at": free_ends_at, "timed_seconds": None}
    timed = data.get("timed_seconds", rules.int_value("auctions.timed_period_seconds"))
    if not isinstance(timed, int) or isinstance(timed, bool) or not 10 <= timed <= 3600:
        raise InvalidInput(
            "限时竞价时长须在 10 至 3600 秒之间",
            "the timed period must be 10 to 3,600 seconds",
            code="bad_timed_seconds",
            field="timed_seconds",
        )
    # A listing goes to timed bidding only when two or more bidders want to go on; an
    # auction and online bidding always end in the timed period.
    return {
        "starts_at": starts_at,
        "free_ends_at": free_ends_at,
        "timed_seconds": timed,
        "timed_min_bidders": 2 if method is Method.LISTING else 0,
    }


def _next_code(prefix: str, region: Region, year: int) -> str:
    stem = f"{prefix}{region.code}{year}"
    last = (
        Auction.objects.filter(code__startswith=stem)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    return f"{stem}{int(last[len(stem) :]) + 1 if last else 1:04d}"


@transaction.atomic
def register_auction(*, user: User, data: Mapping[str, Any], ip: str | None = None) -> Auction:
    """Enter a sale on the platform (进场登记), by centre staff, for the transferor."""
    require_staff(user)
    trade = get_trade_type(data.get("trade_type"))
    method = _method(trade, data.get("method"))
    title = clean_text(
        data.get("title"), field="title", max_length=200, label_zh="标的名称", label_en="title"
    )
    start_price = positive_fen(data.get("start_price"), "start_price", "起始价")
    increment = positive_fen(data.get("increment"), "increment", "加价幅度")
    deposit = positive_fen(data.get("deposit"), "deposit", "竞买保证金")
    region = Region.objects.filter(pk=str(data.get("region") or "")).first()
    if region is None:
        raise InvalidInput("行政区划不存在", "no such region", code="invalid", field="region")
    holders, threshold, has_reserve = _escrow(trade, method, data)
    weighted = bool(data.get("weighted"))
    if weighted and not (trade.weighted and method in (Method.ONLINE, Method.ONE_SHOT)):
        raise InvalidInput(
            "权重报价只适用于产权类及其他权益类的网络竞价或一次报价",
            "weighted bidding is for property and other rights, online or single sealed bids",
            code="weighted_not_allowed",
            field="weighted",
        )
    now = clock.now()
    auction = Auction.objects.create(
        code=_next_code(CODE_PREFIX[trade.category], region, clock.today().year),
        trade_type=trade.code,
        method=method,
        title=title,
        description=clean_text(
            data.get("description"),
            field="description",
            max_length=5000,
            required=False,
            multiline=True,
            label_zh="标的情况",
            label_en="description",
        ),
        transferor=_transferor(data.get("transferor_uscc")),
        centre=_organisation(data.get("centre"), Organisation.Kind.CENTRE, "centre", "交易中心"),
        supervisor=_organisation(
            data.get("supervisor"), Organisation.Kind.DEPARTMENT, "supervisor", "行政监督部门"
        ),
        region=region,
        direction=_direction(trade, data.get("direction")),
        start_price=start_price,
        increment=increment,
        deposit=deposit,
        escrow_threshold=threshold,
        has_reserve=has_reserve,
        weighted=weighted,
        created_by=user,
        created_at=now,
        **_schedule(trade, method, data),
    )
    auction.keyholders.set(holders)
    record(
        events.AUCTION_REGISTERED,
        subject=f"auction:{auction.code}",
        payload={
            "trade_type": trade.code,
            "method": method.value,
            "title": title,
            "transferor": auction.transferor.uscc,
            "start_price": start_price,
            "increment": increment,
            "deposit": deposit,
            "direction": auction.direction,
            "starts_at": auction.starts_at,
            "free_ends_at": auction.free_ends_at,
            "timed_seconds": auction.timed_seconds,
            "keyholders": [h.key_id for h in holders],
            "escrow_threshold": threshold,
            "has_reserve": has_reserve,
            "weighted": weighted,
        },
        actor=user.actor,
        ip=ip,
    )
    return auction


def reserve_aad(auction: Auction) -> dict[str, str]:
    return {"purpose": "auction-reserve", "auction": auction.code}


@transaction.atomic
def seal_reserve(*, user: User, auction_id: int, amount: object, ip: str | None = None) -> Auction:
    """The transferor enters the reserve price; it is sealed at once and never stored open.
    A later entry before bidding starts replaces the earlier one."""
    auction = lock_auction(auction_id)
    entity = entity_of(user)
    if entity is None or entity.pk != auction.transferor_id:
        raise Forbidden(
            "只有出让人/转让方可以设定底价",
            "only the transferor may set the reserve price",
            code="not_transferor",
        )
    if not auction.has_reserve:
        raise RuleViolation("本项目不设底价", "this sale has no reserve price", code="no_reserve")
    now = clock.now()
    if auction.status not in (Auction.Status.DRAFT, Auction.Status.ANNOUNCED) or (
        now >= auction.starts_at
    ):
        raise RuleViolation(
            "竞价已开始，底价不能再设定或修改",
            "bidding has started: the reserve can no longer be set",
            code="bidding_started",
        )
    reserve = positive_fen(amount, "amount", "底价")
    plain = sealed_bid.padded({**reserve_aad(auction), "reserve": reserve})
    container = io.BytesIO()
    suite = get_suite(settings.GGZY_CRYPTO_SUITE)
    sealed = seal(
        suite,
        io.BytesIO(plain),
        container,
        signer_private_pem=platform_key.signing_key_pem(),
        recipients=[],
        metadata=reserve_aad(auction),
        escrow=Escrow(
            auction.escrow_threshold,
            [h.public_pem.encode() for h in auction.keyholders.order_by("pk")],
        ),
    )
    auction.reserve_envelope = container.getvalue()
    auction.reserve_sealed_at = now
    auction.save(update_fields=["reserve_envelope", "reserve_sealed_at"])
    record(
        events.AUCTION_RESERVE_SEALED,
        subject=f"auction:{auction.code}",
        payload={
            "plaintext_commitment": sealed.header.plaintext_commitment,
            "envelope_sha256": suite.hash(auction.reserve_envelope).hex(),
            "threshold": auction.escrow_threshold,
        },
        actor=user.actor,
        ip=ip,
    )
    return auction


def sale_word(auction: Auction) -> str:
    """出让 for land and mining rights granted by the state, 转让 for property changing hands."""
    return "出让" if auction.trade.category in ("land", "mining") else "转让"


def _bidding_text(auction: Auction) -> str:
    start, end = clock.local_text(auction.starts_at), clock.local_text(auction.free_ends_at)
    if auction.method == Method.ONE_SHOT:
        return (
            f"一次报价：{start} 至 {end} 递交密封报价，截止后由密钥托管方开启，"
            "价优者得（同价者先递交者得）"
        )
    return (
        f"挂牌/自由报价期：{start} 至 {end}；限时竞价每期 {auction.timed_seconds} 秒，"
        "期间任何有效报价重新计时"
    )


def announcement_body(auction: Auction) -> str:
    trade = auction.trade
    method = Method(auction.method).label[0]
    return "\n".join(
        [
            f"项目编号：{auction.code}",
            f"交易品种：{trade.name_zh}；交易方式：{method}",
            f"标的：{auction.title}",
            auction.description,
            f"出让人/转让方：{auction.transferor.name}",
            f"起始价：{format_cny(from_fen(auction.start_price))}；"
            f"加价幅度：{format_cny(from_fen(auction.increment))}；"
            f"竞买保证金：{format_cny(from_fen(auction.deposit))}",
            f"{'设有底价，竞价结束后开启' if auction.has_reserve else '不设底价'}",
            _bidding_text(auction),
            "竞买申请：在本平台提交申请，经审查并确认保证金后取得竞买号；竞买人身份在结果公告前保密。",
        ]
    ) + notice_text(*(period for period, _, _ in periods(auction)))


@transaction.atomic
def announce(*, user: User, auction_id: int, ip: str | None = None) -> Auction:
    """Publish the announcement (出让/转让公告); the statutory period runs from now."""
    from ggzy.disclosure.models import Kind

    from .notices import publish

    require_staff(user)
    auction = lock_auction(auction_id)
    if auction.status != Auction.Status.DRAFT:
        raise Conflict("该项目已公告", "the sale was already announced", code="already_announced")
    trade = auction.trade
    now = clock.now()
    require_period(
        trade.announcement_rule,
        now,
        auction.starts_at,
        "公告期（至竞价开始）",
        "the announcement period (until bidding starts)",
        "starts_at",
    )
    if auction.has_reserve and auction.reserve_envelope is None:
        raise RuleViolation(
            "出让人/转让方尚未设定底价，不能公告",
            "the transferor has not set the reserve price yet",
            code="reserve_missing",
        )
    auction.status = Auction.Status.ANNOUNCED
    auction.announce_at = now
    auction.phase = Phase.FREE
    auction.deadline = auction.free_ends_at
    auction.save(update_fields=["status", "announce_at", "phase", "deadline"])
    record(
        events.AUCTION_ANNOUNCED,
        subject=f"auction:{auction.code}",
        payload={"starts_at": auction.starts_at, "free_ends_at": auction.free_ends_at},
        actor=user.actor,
        ip=ip,
    )
    publish(
        auction,
        kind=Kind.TRANSFER,
        title=f"{auction.title}{sale_word(auction)}公告（{Method(auction.method).label[0]}）",
        body=announcement_body(auction),
        actor=user.actor,
    )
    return auction
