"""The close and the result (竞价结果): the reserve opened by k keyholders, the outcome by
the land and property rules (RULES §3, §4), deposits to price or refund, the deal
confirmation and the result notice."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
from datetime import timedelta

from django.db import transaction

from ggzy.accounts.models import User
from ggzy.core import platform_key
from ggzy.core.services import record
from ggzy.disclosure.models import Kind
from ggzy.kernel import clock, rules
from ggzy.kernel.crypto.envelope import open_with_shares, read_header
from ggzy.kernel.crypto.shamir import Share
from ggzy.kernel.errors import DomainError, Forbidden, InvalidInput, RuleViolation
from ggzy.kernel.money import format_cny, from_fen

from .. import confirmation, engine
from ..engine import State
from ..models import Auction, Registration, ReserveShare
from ..trade_types import Method
from ._common import changed, lock_auction
from .notices import publish
from .setup import reserve_aad


def close(auction: Auction, state: State) -> None:
    """Bidding has ended (inside the caller's transaction): record it, and settle at once
    when there is no reserve to open."""
    auction.status = Auction.Status.CLOSED
    auction.closed_at = state.deadline
    auction.save(update_fields=["status", "closed_at"])
    record(
        "auction.closed",
        subject=f"auction:{auction.code}",
        payload={
            "at": auction.closed_at,
            "seq": auction.last_seq,
            "price": auction.price,
            "leader": auction.leader or None,
        },
    )
    if not auction.reserve_threshold:
        settle(auction, state, reserve=None, actor="system")


def envelope_parts(auction: Auction) -> dict[str, str]:
    """What a keyholder needs to unwrap its share on its own machine (header + signature)."""
    if auction.reserve_envelope is None:
        raise RuleViolation(
            "本项目没有密封底价", "this sale has no sealed reserve", code="no_reserve"
        )
    sealed = read_header(io.BytesIO(bytes(auction.reserve_envelope)))
    return {
        "header": base64.b64encode(sealed.header_bytes).decode(),
        "signature": base64.b64encode(sealed.signature).decode(),
    }


def _share(raw: object, key_id: str, auction: Auction) -> bytes:
    try:
        data = base64.b64decode(raw, validate=True) if isinstance(raw, str) else b""
        piece = Share.from_bytes(data)
    except (binascii.Error, ValueError, DomainError):
        raise InvalidInput(
            "托管份额格式有误", "malformed escrow share", code="bad_share", field="share"
        ) from None
    sealed = read_header(io.BytesIO(bytes(auction.reserve_envelope or b"")))
    own = {s.key_id: s.index for s in sealed.header.escrow_shares}.get(key_id)
    if own != piece.index:
        raise InvalidInput(
            "该份额不是本托管方的份额",
            "this is not the keyholder's own share",
            code="bad_share",
            field="share",
        )
    return data


def _open_reserve(auction: Auction) -> int:
    shares = [Share.from_bytes(bytes(s.share)) for s in auction.shares.all()]
    out = io.BytesIO()
    open_with_shares(
        io.BytesIO(bytes(auction.reserve_envelope or b"")),
        out,
        signer_public_pem=platform_key.public_pem(),
        shares=shares,
    )
    content = json.loads(out.getvalue())
    if {k: content.get(k) for k in reserve_aad(auction)} != reserve_aad(auction):
        raise RuleViolation(
            "底价信封不属于本项目",
            "the reserve envelope belongs to another sale",
            code="bad_reserve",
        )
    return int(content["reserve"])


@transaction.atomic
def submit_reserve_share(
    *, user: User, auction_id: int, share: object, ip: str | None = None
) -> Auction:
    """A keyholder hands in its share after the close; k shares open the reserve (开启底价)."""
    auction = lock_auction(auction_id)
    holder = auction.keyholders.filter(user=user, is_active=True).first()
    if holder is None:
        raise Forbidden(
            "您不是本项目的底价托管方",
            "you are not a reserve keyholder of this sale",
            code="not_keyholder",
        )
    if auction.status != Auction.Status.CLOSED:
        raise RuleViolation(
            "竞价结束后才能开启底价，且只开启一次",
            "the reserve is opened once, after bidding has ended",
            code="not_closed",
        )
    raw = _share(share, holder.key_id, auction)
    ReserveShare.objects.update_or_create(
        auction=auction, keyholder=holder, defaults={"share": raw, "at": clock.now()}
    )
    record(
        "auction.reserve_share",
        subject=f"auction:{auction.code}",
        payload={"keyholder": holder.key_id},
        actor=user.actor,
        ip=ip,
    )
    if auction.shares.count() >= auction.reserve_threshold:
        reserve = _open_reserve(auction)
        auction.reserve = reserve
        auction.save(update_fields=["reserve"])
        record(
            "auction.reserve_opened",
            subject=f"auction:{auction.code}",
            payload={"reserve": reserve},
            actor=user.actor,
            ip=ip,
        )
        from .bidding import state_of

        settle(auction, state_of(auction), reserve=reserve, actor=user.actor)
        changed(auction)
    return auction


def _too_few_bidders(auction: Auction) -> str | None:
    rule_id = auction.trade.min_bidders_rule
    if rule_id is None or auction.method != Method.AUCTION:
        return None
    minimum = rules.int_value(rule_id)
    qualified = auction.registrations.filter(status=Registration.Status.QUALIFIED).count()
    if qualified >= minimum:
        return None
    return (
        f"竞买人不足{minimum}人 / fewer than {minimum} bidders ({rules.get(rule_id).citation_zh})"
    )


def settle(auction: Auction, state: State, *, reserve: int | None, actor: str) -> None:
    """Decide the outcome. A winner by bidding faces the holders of a pre-emption right
    (优先购买权) first, where there are any; otherwise the sale is final at once."""
    outcome = engine.result(state, reserve)
    reason = _too_few_bidders(auction) or (outcome.reason if outcome.failed else "")
    if reason:
        finalise(auction, None, reason, actor)
        return
    leader = auction.registrations.select_related("entity").get(bidder_no=outcome.winner)
    auction.winner, auction.final_price = leader, outcome.price
    holders = list(
        auction.registrations.filter(
            status=Registration.Status.QUALIFIED, pre_emption=True
        ).exclude(pk=leader.pk)
    )
    if not holders:
        finalise(auction, leader, "", actor)
        return
    hours = rules.int_value("auctions.pre_emption_window_hours")
    auction.status = Auction.Status.PRE_EMPTION
    auction.pre_emption_ends_at = clock.now() + timedelta(hours=hours)
    auction.save(update_fields=["status", "winner", "final_price", "pre_emption_ends_at"])
    record(
        "auction.pre_emption_opened",
        subject=f"auction:{auction.code}",
        payload={
            "bidder_no": leader.bidder_no,
            "price": outcome.price,
            "holders": sorted(h.bidder_no for h in holders),
            "ends_at": auction.pre_emption_ends_at,
        },
        actor=actor,
    )


def finalise(auction: Auction, winner: Registration | None, reason: str, actor: str) -> None:
    """The sale is final: move the deposits, issue the confirmation and publish."""
    auction.settled_at = clock.now()
    auction.outcome = reason
    auction.winner = winner
    held = auction.registrations.filter(deposit_status=Registration.DepositStatus.HELD)
    if winner is not None:
        auction.status = Auction.Status.SOLD
        winner.deposit_status = Registration.DepositStatus.TO_PRICE
        winner.save(update_fields=["deposit_status"])
        held = held.exclude(pk=winner.pk)
    else:
        auction.status, auction.final_price = Auction.Status.FAILED, None
    refunds = held.update(deposit_status=Registration.DepositStatus.REFUND_DUE)
    if winner is not None:
        auction.confirmation_file, auction.confirmation_digest = confirmation.issue(auction, winner)
    auction.save(
        update_fields=[
            "status",
            "winner",
            "final_price",
            "outcome",
            "settled_at",
            "confirmation_file",
            "confirmation_digest",
        ]
    )
    record(
        "auction.settled",
        subject=f"auction:{auction.code}",
        payload={
            "status": auction.status,
            "bidder_no": winner.bidder_no if winner else None,
            "winner": winner.entity.uscc if winner else None,
            "price": auction.final_price,
            "reserve": auction.reserve,
            "reason": reason or None,
            "confirmation_sha256": auction.confirmation_digest or None,
            "refunds_due": refunds,
        },
        actor=actor,
    )
    _publish_result(auction, winner, actor)


def _publish_result(auction: Auction, winner: Registration | None, actor: str) -> None:
    lines = [
        f"项目编号：{auction.code}",
        f"标的：{auction.title}",
        f"交易品种：{auction.trade.name_zh}；交易方式：{Method(auction.method).label[0]}",
        f"出让人/转让方：{auction.transferor.name}",
        f"竞价结束时间：{clock.local_text(auction.closed_at or clock.now())}",
        f"有效报价次数：{auction.last_seq}",
    ]
    if winner is not None and auction.final_price is not None:
        lines += [
            f"竞得人/受让方：{winner.entity.name}（竞买号 {winner.bidder_no}）",
            f"成交价：{format_cny(from_fen(auction.final_price))}",
        ]
        kind, title = Kind.RESULT, f"{auction.title}成交结果公告"
    else:
        lines.append(f"结果：未成交（{auction.outcome}）")
        kind, title = Kind.FAILURE, f"{auction.title}未成交公告"
    publish(auction, kind=kind, title=title, body="\n".join(lines), actor=actor)


def confirmation_pdf(auction: Auction) -> bytes:
    if not auction.confirmation_file:
        raise RuleViolation("本项目没有成交确认书", "this sale has no confirmation", code="no_deal")
    with open(auction.confirmation_file, "rb") as f:
        data = f.read()
    if hashlib.sha256(data).hexdigest() != auction.confirmation_digest:
        raise RuleViolation(
            "成交确认书文件与账本记录不符", "the confirmation file does not match its digest"
        )
    return data
