"""`ggzy demo scenario land-listing` and `equity-bidding`, back to back on the demo data:
the listing goes on to timed bidding and is sold above its sealed reserve, the equity
bidding is sold after its timed period, and the ledger holds every bid."""

from __future__ import annotations

from typing import Any

from ggzy.auctions.models import Auction, AuctionBid
from ggzy.core.models import LedgerEntry
from ggzy.demo.auction import equity_bidding, land_listing
from ggzy.demo.load import load
from ggzy.kernel import clock


def test_both_auction_demos_run_on_the_demo_data(
    db: Any, tender_settings: Any, manual_clock: clock.ManualClock
) -> None:
    lines: list[str] = []
    load(progress=lambda *_: None)
    assert land_listing(lines.append), "\n".join(lines)
    assert equity_bidding(lines.append), "\n".join(lines)
    text = "\n".join(lines)
    assert text.count("期满：转入限时竞价") == 2
    assert "底价开启：¥19,800,000.00" in text
    assert text.count("成交确认书（电子印章）：验证通过") == 2
    assert text.count("倒计时重新开始") >= 4
    land, equity = Auction.objects.order_by("pk")
    assert (land.status, equity.status) == (Auction.Status.SOLD, Auction.Status.SOLD)
    assert land.final_price is not None and land.reserve is not None
    assert land.final_price >= land.reserve
    assert AuctionBid.objects.count() == LedgerEntry.objects.filter(kind="auction.bid").count()
    assert lines[-1].endswith("条记录，完整")
