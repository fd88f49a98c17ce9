"""Auction notices go out through the one publication service (公告发布), which sanitises,
masks, indexes and witnesses them; the trade's notices are found by its code."""

from __future__ import annotations

from ggzy.disclosure import services as disclosure
from ggzy.disclosure.attachments import File
from ggzy.disclosure.models import Publication

from ..models import Auction


def publish(
    auction: Auction,
    *,
    kind: str,
    title: str,
    body: str,
    actor: str,
    attachments: tuple[File, ...] = (),
) -> Publication:
    return disclosure.publish(
        disclosure.Notice(
            kind=kind,
            category=auction.trade.category,
            region=auction.region,
            centre=auction.centre,
            trade_code=auction.code,
            trade_title=auction.title,
            title=title,
            body=body,
            attachments=attachments,
        ),
        actor=actor,
    )
