"""The deal confirmation (成交确认书): a PDF sealed with the platform's electronic seal, for
the transferor and the winner. Amounts appear in figures and in capitalised Chinese."""

from __future__ import annotations

import hashlib

from ggzy.core import files, pdf, seal
from ggzy.kernel import clock
from ggzy.kernel.money import format_cny, from_fen, to_chinese_capital

from .models import Auction, Registration
from .trade_types import Method


def _amount(fen: int) -> str:
    value = from_fen(fen)
    return f"{format_cny(value)}（人民币{to_chinese_capital(value)}）"


def issue(auction: Auction, winner: Registration) -> tuple[str, str]:
    """Render, seal and store the confirmation; returns its stored name and SHA-256."""
    assert auction.final_price is not None
    assert auction.settled_at is not None
    at = auction.settled_at
    day = at.astimezone(clock.SHANGHAI).strftime("%Y年%m月%d日")
    entity = winner.entity
    blocks: list[pdf.Block] = [
        pdf.Fields(
            [
                ("项目编号", auction.code),
                ("标的", auction.title),
                ("交易品种", auction.trade.name_zh),
                ("交易方式", Method(auction.method).label[0]),
                ("出让人/转让方", f"{auction.transferor.name}（{auction.transferor.uscc}）"),
                ("竞得人/受让方", f"{entity.name}（{entity.uscc or entity.resident_id}）"),
                ("竞买号", winner.bidder_no),
                ("成交价", _amount(auction.final_price)),
                ("竞价结束时间", clock.local_text(auction.closed_at or at)),
                ("有效报价次数", str(auction.last_seq)),
            ]
        ),
        pdf.Para(
            f"经{auction.centre.name}组织网上交易，上述竞得人以最优有效报价竞得本标的。"
            "竞得人缴纳的竞买保证金转作价款，双方应按公告约定签订合同、支付价款。"
        ),
        pdf.Para(f"{auction.centre.name}（电子印章）  {day}"),
    ]
    document = pdf.render(
        title="成交确认书",
        blocks=blocks,
        subject=f"{auction.code} confirmation",
        footer=f"{auction.code} 成交确认书",
        created=at,
    )
    sealed = seal.seal_pdf(
        document, reason="成交确认书", location=auction.centre.name, signed_at=at
    )
    name = files.store(f"auctions/{auction.code}/confirmation.pdf", sealed)
    return name, hashlib.sha256(sealed).hexdigest()
