"""The close and the result (竞价结果): the reserve opened by k keyholders, the outcome by
the land and property rules (RULES §3, §4), deposits to price or refund, the deal
confirmation and the result notice."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
from collections import Counter
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.db import transaction

from ggzy.accounts.models import User
from ggzy.auctions import events
from ggzy.core import files, platform_key
from ggzy.core.services import record
from ggzy.disclosure.models import Kind
from ggzy.kernel import clock, rules
from ggzy.kernel.crypto.envelope import open_with_shares, read_header
from ggzy.kernel.crypto.shamir import Share
from ggzy.kernel.errors import DomainError, Forbidden, InvalidInput, RuleViolation
from ggzy.kernel.money import format_cny, from_fen

from .. import confirmation, engine, sealed_bid
from ..engine import State
from ..models import Auction, EnvelopeShare, Registration, SealedBid
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
        events.AUCTION_CLOSED,
        subject=f"auction:{auction.code}",
        payload={
            "at": auction.closed_at,
            "seq": auction.last_seq,
            "price": auction.price,
            "leader": auction.leader or None,
        },
    )
    if auction.method == Method.ONE_SHOT and not auction.sealed_bids.exists():
        finalise(auction, None, "无人报价 / no bids", "system")
    elif not envelopes(auction):
        settle(auction, engine.result(state, None), "system")


def envelopes(auction: Auction) -> dict[str, bytes]:
    """The sealed envelopes opened after the close: the reserve, and every sealed bid."""
    out = {"reserve": bytes(auction.reserve_envelope)} if auction.reserve_envelope else {}
    for bid in auction.sealed_bids.all():
        out[bid.envelope] = bytes(bid.container)
    return out


def envelope_parts(auction: Auction) -> list[dict[str, str]]:
    """What a keyholder needs to unwrap its shares on its own machine: each envelope's
    signed header (``ggzy bid escrow-share``)."""
    parts = []
    for name, container in envelopes(auction).items():
        sealed = read_header(io.BytesIO(container))
        parts.append(
            {
                "envelope": name,
                "header": base64.b64encode(sealed.header_bytes).decode(),
                "signature": base64.b64encode(sealed.signature).decode(),
            }
        )
    return parts


def _share(raw: object, key_id: str, name: str, container: bytes) -> bytes:
    try:
        data = base64.b64decode(raw, validate=True) if isinstance(raw, str) else b""
        piece = Share.from_bytes(data)
    except (binascii.Error, ValueError, DomainError):
        raise InvalidInput(
            f"信封 {name} 的托管份额格式有误",
            f"malformed escrow share for {name}",
            code="bad_share",
            field=name,
        ) from None
    sealed = read_header(io.BytesIO(container))
    own = {s.key_id: s.index for s in sealed.header.escrow_shares}.get(key_id)
    if own != piece.index:
        raise InvalidInput(
            f"信封 {name} 的份额不是本托管方的份额",
            f"the share for {name} is not the keyholder's own",
            code="bad_share",
            field=name,
        )
    return data


def _open(auction: Auction, name: str, container: bytes, signer_public_pem: bytes) -> Any:
    shares = [Share.from_bytes(bytes(s.share)) for s in auction.shares.filter(envelope=name)]
    out = io.BytesIO()
    open_with_shares(io.BytesIO(container), out, signer_public_pem=signer_public_pem, shares=shares)
    return json.loads(out.getvalue())


def _open_reserve(auction: Auction, container: bytes) -> int:
    content = _open(auction, "reserve", container, platform_key.public_pem())
    if {k: content.get(k) for k in reserve_aad(auction)} != reserve_aad(auction):
        raise RuleViolation(
            "底价信封不属于本项目",
            "the reserve envelope belongs to another sale",
            code="bad_reserve",
        )
    return int(content["reserve"])


MAX_OFFER = 10**15  # fen: far above any sale, far below the database's integer


def _offer(auction: Auction, bid: SealedBid) -> int:
    """The amount a sealed bid offers, or ``ValueError`` with why it is invalid. The bidder
    sealed the envelope itself, so nothing in it is trusted: an envelope that does not open,
    or opens to anything but this sale's offer, is the bidder's invalid bid and never stops
    the sale."""
    try:
        content = _open(auction, bid.envelope, bytes(bid.container), bid.signer_public_pem.encode())
    except (DomainError, ValueError, TypeError):
        raise ValueError("信封无法开启 / the envelope does not open") from None
    expected = sealed_bid.aad(auction.code, bid.bidder_no)
    if not isinstance(content, dict) or {k: content.get(k) for k in expected} != expected:
        raise ValueError("信封内容与本项目或竞买号不符 / not for this sale or bidder")
    amount = content.get("amount")
    if type(amount) is not int or not 0 < amount < MAX_OFFER:
        raise ValueError("报价金额无效 / the amount is invalid")
    return amount


def _open_bids(auction: Auction, actor: str) -> list[engine.Offer]:
    """Open every sealed bid; an invalid one is recorded as such."""
    offers = []
    for bid in auction.sealed_bids.order_by("submitted_at", "pk"):
        try:
            bid.amount = _offer(auction, bid)
        except ValueError as invalid:
            bid.invalid_reason = str(invalid)
        else:
            offers.append(engine.Offer(bid.bidder_no, bid.amount, bid.submitted_at))
        bid.save(update_fields=["amount", "invalid_reason"])
        record(
            events.AUCTION_SEALED_BID_OPENED,
            subject=f"auction:{auction.code}",
            payload={
                "bidder_no": bid.bidder_no,
                "amount": bid.amount,
                "invalid": bid.invalid_reason or None,
            },
            actor=actor,
        )
    return offers


@transaction.atomic
def submit_shares(
    *, user: User, auction_id: int, shares: Mapping[str, object], ip: str | None = None
) -> Auction:
    """A keyholder hands in its shares after the close, one per sealed envelope; when every
    envelope has k shares, the reserve and the sealed bids open and the result follows."""
    auction = lock_auction(auction_id)
    holder = auction.keyholders.filter(user=user, is_active=True).first()
    if holder is None:
        raise Forbidden(
            "您不是本项目的密钥托管方",
            "you are not an escrow keyholder of this sale",
            code="not_keyholder",
        )
    if auction.status != Auction.Status.CLOSED:
        raise RuleViolation(
            "竞价结束后才能开启密封文件，且只开启一次",
            "sealed envelopes are opened once, after bidding has ended",
            code="not_closed",
        )
    sealed = envelopes(auction)
    unknown = sorted(set(shares) - set(sealed))
    if unknown or not shares:
        raise InvalidInput(
            f"没有这些密封信封：{'、'.join(unknown) or '（空）'}",
            f"no such envelopes: {', '.join(unknown) or '(none)'}",
            code="unknown_envelope",
            field="shares",
        )
    pieces = {name: _share(raw, holder.key_id, name, sealed[name]) for name, raw in shares.items()}
    for name, piece in pieces.items():
        EnvelopeShare.objects.update_or_create(
            auction=auction,
            keyholder=holder,
            envelope=name,
            defaults={"share": piece, "at": clock.now()},
        )
    record(
        events.AUCTION_SHARES,
        subject=f"auction:{auction.code}",
        payload={"keyholder": holder.key_id, "envelopes": sorted(pieces)},
        actor=user.actor,
        ip=ip,
    )
    counts = Counter(auction.shares.values_list("envelope", flat=True))
    if all(counts[name] >= auction.escrow_threshold for name in sealed):
        _open_all(auction, sealed, user.actor)
        changed(auction)
    return auction


def _open_all(auction: Auction, sealed: dict[str, bytes], actor: str) -> None:
    from .bidding import rules_of, state_of

    reserve = None
    if "reserve" in sealed:
        reserve = auction.reserve = _open_reserve(auction, sealed["reserve"])
        auction.save(update_fields=["reserve"])
        record(
            events.AUCTION_RESERVE_OPENED,
            subject=f"auction:{auction.code}",
            payload={"reserve": reserve},
            actor=actor,
        )
    if auction.method == Method.ONE_SHOT:
        outcome = engine.sealed_result(rules_of(auction), _open_bids(auction, actor), reserve)
    else:
        outcome = engine.result(state_of(auction), reserve)
    settle(auction, outcome, actor)


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


def settle(auction: Auction, outcome: engine.Result, actor: str) -> None:
    """Act on the outcome. A winner by bidding faces the holders of a pre-emption right
    (优先购买权) first, where there are any; otherwise the sale is final at once."""
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
        events.AUCTION_PRE_EMPTION_OPENED,
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
        events.AUCTION_SETTLED,
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
    data = files.read_stored(auction.confirmation_file)
    if hashlib.sha256(data).hexdigest() != auction.confirmation_digest:
        raise RuleViolation(
            "成交确认书文件与账本记录不符", "the confirmation file does not match its digest"
        )
    return data
