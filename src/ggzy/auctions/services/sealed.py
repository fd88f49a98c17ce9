"""Handing in a single sealed bid (递交一次报价) before the deadline. The platform checks
what it can without opening anything: the header is signed by a signing certificate bound
to the bidder, names this sale and the bidder's number, has no recipient, and splits its
key among exactly this sale's keyholders with this sale's threshold; the ciphertext matches
its digest. A bidder may replace its bid until the deadline."""

from __future__ import annotations

import hashlib
import io

from django.conf import settings
from django.db import transaction

from ggzy.accounts.models import User
from ggzy.auctions import events
from ggzy.core.services import record
from ggzy.entities.selectors import entity_of
from ggzy.kernel import clock
from ggzy.kernel.crypto import load_certificate
from ggzy.kernel.crypto.envelope import SealedHeader, check_ciphertext, read_header
from ggzy.kernel.errors import DomainError, InvalidInput, RuleViolation
from ggzy.tendering.services.bids import check_signer

from .. import sealed_bid
from ..models import Auction, SealedBid
from ..trade_types import Method
from ._common import bidder_actor, lock_auction
from .bidding import bidder_no_of, require_live


def _refused(zh: str, en: str, code: str) -> InvalidInput:
    return InvalidInput(f"密封报价不予接收：{zh}", f"sealed bid refused: {en}", code=code)


def _check(auction: Auction, bidder_no: str, sealed: SealedHeader) -> None:
    header = sealed.header
    if header.suite != settings.GGZY_CRYPTO_SUITE:
        raise _refused(
            "算法体系不符", f"the suite must be {settings.GGZY_CRYPTO_SUITE}", "wrong_suite"
        )
    if header.metadata != sealed_bid.aad(auction.code, bidder_no):
        raise _refused(
            "信封未注明本项目或您的竞买号",
            "the envelope does not name this sale and your number",
            "wrong_envelope",
        )
    holders = {h.key_id for h in auction.keyholders.all()}
    if (
        header.recipients
        or header.escrow_threshold != auction.escrow_threshold
        or {s.key_id for s in header.escrow_shares} != holders
    ):
        raise _refused(
            f"报价须只加密给本项目的 {len(holders)} 个托管方"
            f"（任 {auction.escrow_threshold} 个可开启）",
            f"the bid must be sealed only to this sale's keyholders, {auction.escrow_threshold} of "
            f"{len(holders)}",
            "escrow_mismatch",
        )


@transaction.atomic
def submit_sealed_bid(
    *, user: User, auction_id: int, container: bytes, ip: str | None = None
) -> SealedBid:
    auction = lock_auction(auction_id)
    if auction.method != Method.ONE_SHOT:
        raise RuleViolation(
            "本项目不采用一次报价", "this sale does not take sealed bids", code="not_sealed_bidding"
        )
    now = clock.now()
    require_live(auction, now)
    if now >= auction.free_ends_at:
        raise RuleViolation("报价已截止", "bidding has ended", code="bidding_closed")
    bidder_no = bidder_no_of(user, auction)
    if len(container) > sealed_bid.MAX_BYTES:
        raise _refused("文件过大", "the envelope is too large", "too_large")
    try:
        sealed = read_header(io.BytesIO(container))
        check_ciphertext(io.BytesIO(container), sealed)
    except DomainError as exc:
        raise _refused(exc.message_zh, exc.message_en, exc.code) from None
    _check(auction, bidder_no, sealed)
    entity = entity_of(user)
    assert entity is not None  # a bidder number belongs to an entity
    signer = check_signer(entity, sealed)
    digest = hashlib.sha256(container).hexdigest()
    entry = record(
        events.AUCTION_SEALED_BID,
        subject=f"auction:{auction.code}",
        payload={
            "bidder_no": bidder_no,
            "envelope_sha256": digest,
            "plaintext_commitment": sealed.header.plaintext_commitment,
        },
        actor=bidder_actor(auction, bidder_no),
        ip=ip,
    )
    bid, _ = SealedBid.objects.update_or_create(
        auction=auction,
        bidder_no=bidder_no,
        defaults={
            "container": container,
            "envelope_sha256": digest,
            "signer_public_pem": load_certificate(signer.pem.encode()).public_key_pem.decode(),
            "submitted_at": now,
            "ledger_seq": entry.seq,
        },
    )
    return bid
