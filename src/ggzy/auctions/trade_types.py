"""Trade types as data (交易品种): what each right may be sold by, the period its
announcement must run, whether it has a reserve price (底价), how bids move, and whether a
pre-emption right (优先购买权) may follow. Periods are rule ids (RULES §3, §4), so every
refusal cites its article. The "other rights" family shares one template; a centre adds
rights with ``settings.GGZY_OTHER_RIGHTS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings

from ggzy.kernel.errors import InvalidInput


class Method(StrEnum):
    LISTING = "listing"  # 挂牌：挂牌期报价，期满可转限时竞价
    AUCTION = "auction"  # 拍卖：自由竞价后限时竞价
    ONLINE = "online"  # 网络竞价（多次报价）：自由报价期 + 限时报价期
    ONE_SHOT = "one_shot"  # 一次报价（密封）

    @property
    def label(self) -> tuple[str, str]:
        return METHOD_LABELS[self]


METHOD_LABELS: Mapping[Method, tuple[str, str]] = {
    Method.LISTING: ("挂牌", "listing"),
    Method.AUCTION: ("拍卖", "auction"),
    Method.ONLINE: ("网络竞价（多次报价）", "online bidding (multiple bids)"),
    Method.ONE_SHOT: ("一次报价", "single sealed bid"),
}

# Methods whose bidding is open and live in the hall; a one-shot bid is sealed instead.
LIVE_METHODS = frozenset({Method.LISTING, Method.AUCTION, Method.ONLINE})


@dataclass(frozen=True)
class TradeType:
    code: str
    name_zh: str
    name_en: str
    category: str  # disclosure.models.Category
    methods: tuple[Method, ...]
    announcement_rule: str  # the announcement or disclosure period before bidding starts
    listing_rule: str | None = None  # the least listing period, for Method.LISTING
    min_bidders_rule: str | None = None  # the least qualified bidders for an auction
    reserve: bool = False  # a reserve price may be set (sealed until the close)
    whole_increments: bool = False  # bids move by whole increments (property rights)
    reverse: bool = False  # reverse bidding (lower wins) may be chosen
    pre_emption: bool = False  # a pre-emption right may be exercised after bidding
    weighted: bool = False  # weighted bidding (权重报价) may be chosen

    @property
    def name(self) -> str:
        return f"{self.name_zh} / {self.name_en}"


_LAND = TradeType(
    "land_use",
    "国有建设用地使用权出让",
    "state-owned construction land use rights",
    "land",
    (Method.LISTING, Method.AUCTION, Method.ONE_SHOT),
    announcement_rule="land.announcement_min_days",
    listing_rule="land.listing_min_days",
    reserve=True,
)
_MINING = TradeType(
    "mining",
    "矿业权出让",
    "mining rights",
    "mining",
    (Method.LISTING, Method.AUCTION),
    announcement_rule="mining.announcement_min_working_days",
    listing_rule="mining.listing_min_working_days",
    min_bidders_rule="mining.auction_min_bidders",
    reserve=True,
)


def _property(code: str, name_zh: str, name_en: str, rule: str, *, reverse: bool) -> TradeType:
    return TradeType(
        code,
        name_zh,
        name_en,
        "property",
        (Method.ONLINE, Method.ONE_SHOT),
        announcement_rule=rule,
        reserve=True,
        whole_increments=True,
        reverse=reverse,
        pre_emption=True,
        weighted=True,
    )


_EQUITY = _property(
    "equity_transfer",
    "企业产权（股权）转让",
    "equity transfer",
    "property.equity_disclosure_min_working_days",
    reverse=False,
)
_CAPITAL = _property(
    "capital_increase",
    "企业增资",
    "capital increase",
    "property.capital_increase_disclosure_min_working_days",
    reverse=False,
)
_ASSET = _property(
    "asset_transfer",
    "企业资产转让",
    "asset transfer",
    "property.asset_transfer_disclosure_min_working_days",
    reverse=True,
)

OTHER_RIGHTS: tuple[tuple[str, str, str], ...] = (
    ("emission", "排污权", "emission rights"),
    ("carbon", "碳排放权", "carbon emission rights"),
    ("forest", "林权", "forest rights"),
    ("water", "水权", "water rights"),
    ("sand", "采砂权", "sand mining rights"),
    ("rural_collective", "农村集体产权", "rural collective property rights"),
    ("land_lease", "土地租赁", "land leases"),
    ("concession", "特许经营权", "concessions"),
)


def _other(code: str, name_zh: str, name_en: str) -> TradeType:
    return TradeType(
        f"other.{code}",
        name_zh,
        name_en,
        "other",
        (Method.ONLINE, Method.LISTING, Method.ONE_SHOT),
        announcement_rule="other.announcement_min_working_days",
        reserve=True,
        whole_increments=True,
        reverse=True,
        weighted=True,
    )


def all_types() -> dict[str, TradeType]:
    others = (*OTHER_RIGHTS, *getattr(settings, "GGZY_OTHER_RIGHTS", ()))
    types = [_LAND, _MINING, _EQUITY, _CAPITAL, _ASSET, *(_other(*row) for row in others)]
    return {t.code: t for t in types}


def get(code: object) -> TradeType:
    found = all_types().get(str(code))
    if found is None:
        raise InvalidInput(
            f"未知的交易品种：{code}",
            f"unknown trade type: {code}",
            code="unknown_trade_type",
            field="trade_type",
        )
    return found
