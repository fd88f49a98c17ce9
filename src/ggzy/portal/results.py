"""A trade's public result (交易结果) for its page on the portal: lots, the bids read out
at the opening, awards, contracts and payments, read from the trade's compiled OCDS record
so that the page and the open data can never disagree. Trades without a record (kinds the
OCDS export does not cover yet) show their notices only."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import ocds

LOT_STATUS = {
    "active": _("进行中"),
    "complete": _("已完成"),
    "unsuccessful": _("失败（流标）"),
    "cancelled": _("已终止"),
}
BID_STATUS = {
    "pending": _("待评审"),
    "valid": _("有效"),
    "disqualified": _("被否决/无效"),
    "withdrawn": _("未解密（视为撤回）"),
}
CONTRACT_STATUS = {"active": _("履行中"), "terminated": _("已履行完毕")}


@dataclass
class LotResult:
    code: str
    title: str
    status: str
    value: Decimal | None
    bids: list[dict[str, Any]] = field(default_factory=list)
    awards: list[dict[str, Any]] = field(default_factory=list)
    contracts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class TradeResult:
    ocid: str
    lots: list[LotResult]


def _amount(value: dict[str, Any] | None) -> Decimal | None:
    return Decimal(str(value["amount"])) if value else None


def _names(refs: list[dict[str, Any]]) -> str:
    return "、".join(ref["name"] for ref in refs)


def of_trade(trade_code: str, base_url: str) -> TradeResult | None:
    trade = ocds.trade_for(f"{settings.GGZY_OCID_PREFIX}-{trade_code}")
    if trade is None:
        return None
    record = ocds.build_record(trade, base_url)
    release = record["compiledRelease"]
    lots = {
        lot["id"]: LotResult(
            code=lot["id"],
            title=lot["title"],
            status=str(LOT_STATUS.get(lot.get("status", ""), lot.get("status", ""))),
            value=_amount(lot.get("value")),
        )
        for lot in release.get("tender", {}).get("lots", [])
    }
    for bid in release.get("bids", {}).get("details", []):
        for code in bid.get("relatedLots", []):
            lots[code].bids.append(
                {
                    "tenderers": _names(bid["tenderers"]),
                    "value": _amount(bid.get("value")),
                    "status": BID_STATUS.get(bid["status"], bid["status"]),
                }
            )
    awards = {}
    for award in release.get("awards", []):
        awards[award["id"]] = award
        for code in award.get("relatedLots", []):
            lots[code].awards.append(
                {
                    "suppliers": _names(award["suppliers"]),
                    "value": _amount(award.get("value")),
                    "date": award["date"][:10],
                }
            )
    for contract in release.get("contracts", []):
        for code in awards[contract["awardID"]].get("relatedLots", []):
            paid = sum(
                (
                    _amount(t["value"]) or Decimal(0)
                    for t in contract.get("implementation", {}).get("transactions", [])
                ),
                Decimal(0),
            )
            lots[code].contracts.append(
                {
                    "description": contract.get("description", contract.get("title", "")),
                    "value": _amount(contract.get("value")),
                    "signed": contract.get("dateSigned", "")[:10],
                    "status": CONTRACT_STATUS.get(contract["status"], contract["status"]),
                    "paid": paid,
                }
            )
    return TradeResult(ocid=record["ocid"], lots=list(lots.values()))
