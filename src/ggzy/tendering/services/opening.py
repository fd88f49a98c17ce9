"""The online opening (不见面开标): start at the deadline, decrypt, read out, sign the record.

Decryption failures follow 电子招标投标办法 Art 31: through the bidder's fault (no key
released in the window, or an envelope whose content does not match what the bidder signed)
the bid counts as revoked; through anyone else's fault (the stored ciphertext no longer
matches the digest receipted at submission) it counts as withdrawn. Other bids still open.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
from datetime import timedelta
from typing import Any

from django.db import transaction

from ggzy.accounts.models import User
from ggzy.core import files, sealing
from ggzy.core.services import record
from ggzy.kernel import clock, rules
from ggzy.kernel.crypto import (
    Share,
    check_ciphertext,
    load_certificate,
    open_envelope,
    parse_header,
    read_header,
    recover_data_key,
)
from ggzy.kernel.errors import DomainError, Forbidden, InvalidInput, NotFound, RuleViolation

from .. import events
from ..bidfile import ATTACHMENTS, MAX_PRICE_SHEET, read_price_sheet
from ..models import (
    Bid,
    EscrowShare,
    Keyholder,
    Lot,
    Notice,
    Opening,
    SignIn,
)
from ..price_sheet import validate
from ..tar_index import TarIndex
from .bids import own_bid
from .common import (
    digest_of,
    hall_changed,
    identifier,
    lock_lot,
    procedure_of,
    publish_notice,
    require_bidder,
    update_project_status,
)

ART_31 = rules.ETENDER.art(31)


SHEET_HEADROOM = 64 * 1024  # tar and PAX headers before the price sheet's bytes


def opened_key_aad(bid: Bid) -> bytes:
    return f"ggzy/tendering/opened-key/{bid.pk}/{bid.ciphertext_digest}".encode()


def _family(lot: Lot) -> str:
    return procedure_of(lot.project).family


def due_lots() -> list[int]:
    now = clock.now()
    rows = Lot.objects.filter(status=Lot.Status.BIDDING, project__bid_deadline__lte=now)
    return list(rows.values_list("pk", flat=True))


@transaction.atomic
def start_opening(lot_id: int) -> Lot:
    """At the deadline: fewer bids than the minimum → no opening (re-tender); else the hall
    opens and the decryption window starts. Idempotent."""
    lot = lock_lot(lot_id)
    project = lot.project
    now = clock.now()
    if (
        lot.status != Lot.Status.BIDDING
        or project.bid_deadline is None
        or now < project.bid_deadline
    ):
        return lot
    if project.objections.filter(answered_at__isnull=True).exists():
        return lot  # suspended (Reg. Art 22): the deadline must be moved first
    live = list(lot.bids.filter(status=Bid.Status.SUBMITTED).select_related("entity"))
    rule_id = procedure_of(project).min_bidders_rule
    minimum = rules.int_value(rule_id)
    if len(live) < minimum:
        for bid in live:
            bid.status, bid.ended_at = Bid.Status.RETURNED, now
            bid.save(update_fields=["status", "ended_at"])
        lot.status = Lot.Status.FAILED
        lot.save(update_fields=["status"])
        citation = rules.get(rule_id).citation_zh
        record(
            events.LOT_FAILED,
            subject=f"lot:{lot.code}",
            payload={"bids": len(live), "minimum": minimum, "rule": rule_id},
            objects={"lot": lot, "at": now},
        )
        publish_notice(
            project=project,
            lot=lot,
            kind=Notice.Kind.FAILURE,
            title=f"{project.name}{lot.name}流标公告",
            body=(
                f"标段/包编号：{lot.code}\n投标截止时递交投标文件的投标人为{len(live)}家，"
                f"少于{minimum}家，不予开标（{citation}）。招标人将依法重新招标。"
            ),
            user=None,
        )
        update_project_status(project)
        return lot
    window = lot.decryption_minutes
    Opening.objects.create(lot=lot, started_at=now, window_ends_at=now + timedelta(minutes=window))
    lot.status = Lot.Status.OPENING
    lot.save(update_fields=["status"])
    record(
        events.OPENING_STARTED,
        subject=f"lot:{lot.code}",
        payload={
            "bids": [
                {"ledger_seq": b.ledger_seq, "ciphertext_digest": b.ciphertext_digest} for b in live
            ],
            "window_minutes": window,
        },
    )
    hall_changed(lot.pk)
    return lot


def open_due_lots() -> int:
    started = [start_opening(lot_id) for lot_id in due_lots()]
    return sum(lot.status != Lot.Status.BIDDING for lot in started)


def _open_hall(lot: Lot) -> Opening:
    opening = Opening.objects.select_for_update().filter(lot=lot).first()
    if opening is None or opening.status != Opening.Status.DECRYPTING:
        raise RuleViolation(
            "开标不在解密阶段", "the opening is not in its decryption stage", code="not_decrypting"
        )
    return opening


def _bump(opening: Opening) -> None:
    opening.version += 1
    opening.save(update_fields=["version"])
    hall_changed(opening.lot_id)


@transaction.atomic
def sign_in(*, user: User, lot_id: int, ip: str | None = None) -> SignIn:
    entity = require_bidder(user)
    lot = lock_lot(lot_id)
    opening = _open_hall(lot)
    if (
        not lot.bids.filter(entity=entity)
        .exclude(status__in=[Bid.Status.WITHDRAWN, Bid.Status.REPLACED])
        .exists()
    ):
        raise Forbidden(
            "只有本标段的投标人可以签到",
            "only this lot's bidders sign in",
            code="not_a_bidder_here",
        )
    sign, created = SignIn.objects.get_or_create(
        opening=opening, entity=entity, defaults={"user": user, "at": clock.now(), "ip": ip}
    )
    if created:
        record(
            events.OPENING_SIGNED_IN,
            subject=f"lot:{lot.code}",
            payload={"bidder": identifier(entity)},
            actor=user.actor,
            ip=ip,
        )
        _bump(opening)
    return sign


def _key_bytes(value: object) -> bytes:
    try:
        key = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        key = b""
    if len(key) not in (16, 32):
        raise InvalidInput(
            "数据密钥须为 32 或 64 位十六进制",
            "the data key must be 16 or 32 bytes in hex",
            code="bad_key",
            field="data_key",
        )
    return key


def _signer_public(bid: Bid) -> bytes:
    return load_certificate(bid.signer.pem.encode()).public_key_pem


def _mark_failed(bid: Bid, status: str, reason_zh: str, actor: str) -> None:
    bid.status, bid.failure_reason = status, reason_zh
    bid.save(update_fields=["status", "failure_reason"])
    treated = "revoked" if status == Bid.Status.REVOKED else "withdrawn_at_opening"
    record(
        events.BID_DECRYPTION_FAILED,
        subject=f"lot:{bid.lot.code}",
        payload={
            "bid_ledger_seq": bid.ledger_seq,
            "treated_as": treated,
            "reason": reason_zh,
            "rule": ART_31.zh,
        },
        actor=actor,
        objects={"bid": bid, "treated_as": treated},
    )


def _storage_intact(bid: Bid, src: Any) -> bool:
    """Whether the stored container is byte for byte what was receipted."""
    sealed = parse_header(bytes(bid.header), bytes(bid.signature))
    try:
        stored = read_header(src)
        check_ciphertext(src, sealed)
    except InvalidInput:
        return False
    return stored.header_bytes == sealed.header_bytes and stored.signature == sealed.signature


class _Prefix:
    """A sink that keeps the plaintext's first bytes (the price sheet comes first) and lets
    the rest go: the opening verifies every byte but stores no plaintext copy."""

    def __init__(self, limit: int) -> None:
        self.data = bytearray()
        self.limit = limit

    def write(self, chunk: bytes) -> int:
        room = self.limit - len(self.data)
        if room > 0:
            self.data += chunk[:room]
        return len(chunk)


class _Tee:
    def __init__(self, *sinks: _Prefix | TarIndex) -> None:
        self.sinks = sinks

    def write(self, chunk: bytes) -> int:
        for sink in self.sinks:
            sink.write(chunk)
        return len(chunk)


def _read_sheet(prefix: bytes, family: str) -> tuple[dict[str, Any], list[dict[str, str]]]:
    try:
        sheet, problems = validate(json.loads(read_price_sheet(io.BytesIO(prefix))), family)
    except (DomainError, ValueError) as exc:
        zh, en = getattr(exc, "message_zh", str(exc)), getattr(exc, "message_en", str(exc))
        return {}, [{"field": "", "zh": zh, "en": en}]
    return sheet, [p.as_dict() for p in problems]


def _decrypt(bid: Bid, key: bytes, source: str, actor: str) -> Bid:
    """Decrypt with a released or recovered key in one pass (``open_envelope`` checks the
    key, every chunk, the ciphertext digest and the plaintext commitment); only when that
    fails look at the stored container to decide the Art 31 fault."""
    prefix, index = _Prefix(MAX_PRICE_SHEET + SHEET_HEADROOM), TarIndex()
    sink = _Tee(prefix, index)
    with files.open_stored(bid.file) as src:
        try:
            opened = open_envelope(src, sink, signer_public_pem=_signer_public(bid), data_key=key)
        except InvalidInput as exc:
            intact = _storage_intact(bid, src)
            if exc.code == "envelope_key_mismatch" and intact:
                raise  # a wrong key: the bidder may try again within the window
            if intact:
                reason = (
                    f"投标文件内容与投标人签署的承诺不符（投标人原因：{exc.message_zh}），"
                    f"按{ART_31.zh}视为撤销"
                )
                _mark_failed(bid, Bid.Status.REVOKED, reason, actor)
            else:
                reason = f"平台存储的密文与递交回执不符（非投标人原因），按{ART_31.zh}视为撤回"
                _mark_failed(bid, Bid.Status.WITHDRAWN_AT_OPENING, reason, actor)
            return bid
    sheet, problem_list = _read_sheet(bytes(prefix.data), _family(bid.lot))
    bid.opened_key = sealing.seal(key.hex(), opened_key_aad(bid))
    bid.status, bid.key_source, bid.decrypted_at = Bid.Status.DECRYPTED, source, clock.now()
    bid.plaintext_digest = opened.plaintext_digest.hex()
    bid.price_sheet, bid.price_sheet_problems = sheet, problem_list
    bid.attachments = [
        [name.removeprefix(ATTACHMENTS), size]
        for name, size in index.files
        if name.startswith(ATTACHMENTS)
    ]
    bid.save(
        update_fields=[
            "opened_key",
            "status",
            "key_source",
            "decrypted_at",
            "plaintext_digest",
            "price_sheet",
            "price_sheet_problems",
            "attachments",
        ]
    )
    record(
        events.BID_DECRYPTED,
        subject=f"lot:{bid.lot.code}",
        payload={
            "bid_ledger_seq": bid.ledger_seq,
            "key_source": source,
            "plaintext_digest": bid.plaintext_digest,
            "price_sheet_digest": digest_of(sheet),
        },
        actor=actor,
    )
    return bid


@transaction.atomic
def release_key(*, user: User, bid_id: int, data_key: object, ip: str | None = None) -> Bid:
    """The bidder releases the bid's data key from their own machine (在线解密)."""
    bid = own_bid(user, bid_id, lock=True)
    opening = _open_hall(lock_lot(bid.lot_id))
    if clock.now() > opening.window_ends_at:
        raise RuleViolation(
            f"解密时限已于 {clock.local_text(opening.window_ends_at)} 结束",
            f"the decryption window closed at {clock.local_text(opening.window_ends_at)}",
            code="window_closed",
        )
    if bid.status != Bid.Status.SUBMITTED:
        raise RuleViolation(
            f"该投标文件状态为「{bid.get_status_display()}」，无需解密",
            f"the bid is {bid.status}",
            code="not_sealed",
        )
    try:
        _decrypt(bid, _key_bytes(data_key), "bidder", user.actor)
    except InvalidInput as exc:
        record(
            events.BID_KEY_REJECTED,
            subject=f"lot:{bid.lot.code}",
            payload={"bid_ledger_seq": bid.ledger_seq, "code": exc.code},
            actor=user.actor,
            ip=ip,
        )
        raise
    _bump(opening)
    return bid


def _keyholder_of(user: User, bid: Bid) -> Keyholder:
    holder = bid.lot.escrow_keyholders.filter(user=user, is_active=True).first()
    if holder is None:
        raise Forbidden(
            "您不是本标段的密钥托管方",
            "you are not an escrow keyholder of this lot",
            code="not_keyholder",
        )
    return holder


@transaction.atomic
def submit_escrow_share(*, user: User, bid_id: int, share: object, ip: str | None = None) -> Bid:
    """A keyholder's share for a bid whose bidder lost the key; k shares open it (密钥恢复)."""
    bid = (
        Bid.objects.select_for_update()
        .select_related("lot__project", "entity", "signer")
        .filter(pk=bid_id)
        .first()
    )
    if bid is None:
        raise NotFound("投标文件不存在", "no such bid", code="bid_not_found")
    holder = _keyholder_of(user, bid)
    opening = _open_hall(lock_lot(bid.lot_id))
    if bid.status != Bid.Status.SUBMITTED:
        raise RuleViolation(
            "该投标文件无需恢复密钥", "this bid needs no recovery", code="not_sealed"
        )
    try:
        raw = base64.b64decode(share, validate=True) if isinstance(share, str) else b""
        piece = Share.from_bytes(raw)
    except (binascii.Error, ValueError, DomainError):
        raise InvalidInput(
            "托管份额格式有误", "malformed escrow share", code="bad_share", field="share"
        ) from None
    sealed = parse_header(bytes(bid.header), bytes(bid.signature))
    own = {s.key_id: s.index for s in sealed.header.escrow_shares}.get(holder.key_id)
    if own != piece.index:
        raise InvalidInput(
            "该份额不是本托管方的份额",
            "this is not the keyholder's own share",
            code="bad_share",
            field="share",
        )
    EscrowShare.objects.update_or_create(
        bid=bid, keyholder=holder, defaults={"share": raw, "at": clock.now()}
    )
    record(
        events.BID_ESCROW_SHARE,
        subject=f"lot:{bid.lot.code}",
        payload={"bid_ledger_seq": bid.ledger_seq, "keyholder": holder.key_id},
        actor=user.actor,
        ip=ip,
    )
    shares = [Share.from_bytes(bytes(s.share)) for s in bid.escrow_shares.all()]
    if len(shares) >= bid.lot.escrow_threshold:
        _decrypt(bid, recover_data_key(sealed, shares), "escrow", user.actor)
    _bump(opening)
    return bid


def write_plaintext(bid: Bid, dst: Any) -> None:
    """Decrypt an opened bid again into ``dst`` (the committee reads it in part 2 of the
    procedure); every check of the opening runs again."""
    if bid.status != Bid.Status.DECRYPTED or not bid.opened_key:
        raise RuleViolation("投标文件尚未解密", "the bid has not been opened", code="not_opened")
    key = bytes.fromhex(str(sealing.unseal(bid.opened_key, opened_key_aad(bid))))
    with files.open_stored(bid.file) as src:
        open_envelope(src, dst, signer_public_pem=_signer_public(bid), data_key=key)
