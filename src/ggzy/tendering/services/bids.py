"""Sealed bids: resumable uploads, receipt, withdrawal and replacement (投标文件递交).

The platform never holds a key that opens a bid. It accepts only a container whose signed
header names this lot and this bidder, signed by the bidder's bound signing certificate and
wrapped to the bidder's own encryption certificate (plus the lot's escrow keyholders).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

from ggzy.accounts.models import User
from ggzy.core import files, platform_key
from ggzy.core.services import record
from ggzy.entities.models import Certificate, CertUsage, MarketEntity
from ggzy.entities.services.certificates import trust_store
from ggzy.kernel import clock
from ggzy.kernel.crypto import (
    Hasher,
    SealedHeader,
    check_ciphertext,
    container_size,
    get_suite,
    parse_header,
    read_header,
    verify_chain,
    verify_header_signature,
)
from ggzy.kernel.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    RuleViolation,
)
from ggzy.kernel.ledger import format_instant

from .. import events
from ..models import Bid, Lot, Upload
from .common import before_deadline, identifier, lock_lot, require_bidder, require_not_suspended

BID_FORMAT = "ggzy-bid/1"
CHUNK_MAX = 8 * 1024 * 1024
COPY_BUFFER = 1024 * 1024


class OffsetConflict(Conflict):
    """A chunk at the wrong offset: the body says where to resume."""

    def __init__(self, received: int) -> None:
        super().__init__(
            f"续传位置应为 {received}", f"resume at offset {received}", code="upload_offset"
        )
        self.received = received

    def as_dict(self) -> dict[str, Any]:
        return super().as_dict() | {"received": self.received}


def spool_dir() -> Path:
    """Where bids wait while their chunks arrive (GGZY_UPLOAD_DIR): a local directory whose
    files are written at any offset; a complete, verified bid moves on to the file store."""
    path = Path(settings.GGZY_UPLOAD_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def stored_name(upload: Upload) -> str:
    """The sealed bid's name in the file store, relative to its root."""
    return f"tendering/bids/{upload.lot.code}/{upload.token}.sealed"


def _refused(zh: str, en: str, code: str, field: str = "header") -> InvalidInput:
    return InvalidInput(f"投标文件不予接收：{zh}", f"bid refused: {en}", code=code, field=field)


def _b64(value: object, field: str) -> bytes:
    if not isinstance(value, str):
        raise _refused(
            f"{field} 须为 base64 文本", f"{field} must be base64 text", "bad_base64", field
        )
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _refused(
            f"{field} 不是有效的 base64", f"{field} is not valid base64", "bad_base64", field
        ) from None


def _certificate(
    entity: MarketEntity, usage: str, key_id: str, suite_name: str
) -> Certificate | None:
    suite = get_suite(suite_name)
    for cert in Certificate.objects.filter(entity=entity, usage=usage, revoked_at__isnull=True):
        info = _cert_info(cert)
        if info.suite == suite_name and suite.key_id(info.public_key_pem) == key_id:
            return cert
    return None


def _cert_info(cert: Certificate) -> Any:
    from ggzy.kernel.crypto import load_certificate

    return load_certificate(cert.pem.encode())


def check_signer(entity: MarketEntity, sealed: SealedHeader) -> Certificate:
    """The header is signed by a signing certificate bound to this bidder, valid now."""
    header = sealed.header
    cert = _certificate(entity, CertUsage.SIGN, header.sender_key_id, header.suite)
    if cert is None:
        any_cert = Certificate.objects.filter(entity=entity, usage=CertUsage.SIGN).exists()
        raise _refused(
            "签名证书不属于本投标人或已解绑" if any_cert else "本投标人未绑定签名证书",
            "the signing certificate is not bound to this bidder, or was unbound",
            "signer_not_bound",
        )
    roots, revoked = trust_store()
    info = verify_chain(
        cert.pem.encode(), roots, at=clock.now(), revoked_serials=revoked, usage="sign"
    )
    try:
        verify_header_signature(sealed, info.public_key_pem)
    except DomainError as exc:
        raise _refused(exc.message_zh, exc.message_en, exc.code) from None
    return cert


def _check_header(lot: Lot, entity: MarketEntity, sealed: SealedHeader) -> None:
    header = sealed.header
    if header.suite != settings.GGZY_CRYPTO_SUITE:
        raise _refused(
            f"算法体系须为 {settings.GGZY_CRYPTO_SUITE}",
            f"the suite must be {settings.GGZY_CRYPTO_SUITE}",
            "wrong_suite",
        )
    meta = header.metadata
    if meta.get("format") != BID_FORMAT:
        raise _refused("不是 ggzy 投标文件信封", "not a ggzy bid envelope", "not_a_bid")
    if meta.get("lot") != lot.code:
        raise _refused(
            f"信封是为标段 {meta.get('lot')} 制作的，不是 {lot.code}",
            f"the envelope was sealed for lot {meta.get('lot')}, not {lot.code}",
            "wrong_lot",
        )
    if meta.get("bidder") != identifier(entity):
        raise _refused(
            "信封中的投标人与登录主体不符", "the bidder in the envelope is not you", "wrong_bidder"
        )
    recipient_ids = {r.key_id for r in header.recipients}
    own = [
        c
        for c in Certificate.objects.filter(
            entity=entity, usage=CertUsage.ENCRYPT, revoked_at__isnull=True
        )
        if get_suite(header.suite).key_id(_cert_info(c).public_key_pem) in recipient_ids
    ]
    if not own:
        raise _refused(
            "数据密钥未加密给本投标人已绑定的加密证书，开标时将无法解密",
            "the data key is not wrapped to your bound encryption certificate",
            "no_bidder_recipient",
        )
    holders = {h.key_id for h in lot.escrow_keyholders.all()}
    shares = {s.key_id for s in header.escrow_shares}
    if lot.escrow_threshold:
        if header.escrow_threshold != lot.escrow_threshold or shares != holders:
            raise _refused(
                f"本标段要求密钥托管（{lot.escrow_threshold}/{len(holders)}），信封托管设置不符",
                f"this lot requires escrow {lot.escrow_threshold}-of-{len(holders)}; the envelope "
                "does not match",
                "escrow_mismatch",
            )
    elif shares:
        raise _refused("本标段未启用密钥托管", "this lot has no escrow", "escrow_mismatch")


def _bidding_lot(lot_id: int, *, lock: bool) -> Lot:
    lot = (
        lock_lot(lot_id)
        if lock
        else Lot.objects.select_related("project").filter(pk=lot_id).first()
    )
    if lot is None:
        raise NotFound("标段/包不存在", "no such lot", code="lot_not_found")
    if lot.status != Lot.Status.BIDDING:
        raise RuleViolation(
            f"标段/包当前状态为「{lot.get_status_display()}」，不接收投标文件",
            f"the lot is {lot.status}: no bids accepted",
            code="not_bidding",
        )
    return lot


@transaction.atomic
def start_upload(
    *,
    user: User,
    lot_id: int,
    size: object,
    header: object,
    signature: object,
    ip: str | None = None,
) -> Upload:
    """Check the signed header before any bulk bytes arrive; open a resumable upload."""
    entity = require_bidder(user)
    lot = _bidding_lot(lot_id, lock=False)
    before_deadline(lot.project)
    require_not_suspended(lot.project)
    try:
        sealed = parse_header(_b64(header, "header"), _b64(signature, "signature"))
    except InvalidInput as exc:
        if exc.code == "bad_base64":
            raise
        raise _refused(exc.message_zh, exc.message_en, exc.code) from None
    _check_header(lot, entity, sealed)
    signer = check_signer(entity, sealed)
    if Bid.objects.filter(lot=lot, ciphertext_digest=sealed.header.ciphertext_digest).exists():
        raise Conflict(
            "同一份投标文件已经递交过",
            "this sealed bid was already submitted",
            code="duplicate_bid",
        )
    expected = container_size(sealed)
    if not isinstance(size, int) or size != expected:
        raise _refused(
            f"文件大小应为 {expected} 字节（由信封头计算），申报为 {size}",
            f"the file should be {expected} bytes by its header, not {size}",
            "size_mismatch",
            "size",
        )
    if size > settings.GGZY_BID_MAX_BYTES:
        raise _refused(
            f"投标文件超过上限 {settings.GGZY_BID_MAX_BYTES} 字节",
            f"the bid is over the {settings.GGZY_BID_MAX_BYTES}-byte limit",
            "bid_too_large",
            "size",
        )
    token = secrets.token_hex(16)
    path = spool_dir() / f"{token}.part"
    path.touch(exist_ok=False)
    return Upload.objects.create(
        token=token,
        lot=lot,
        entity=entity,
        user=user,
        signer=signer,
        size=size,
        header=sealed.header_bytes,
        signature=sealed.signature,
        path=str(path),
        started_at=clock.now(),
        ip=ip,
    )


def get_upload(user: User, token: str) -> Upload:
    upload = Upload.objects.select_related("lot__project").filter(token=token).first()
    if upload is None or upload.user_id != user.pk:
        raise NotFound("上传任务不存在", "no such upload", code="upload_not_found")
    return upload


# In-process running hashes of the ciphertext region, so completing an upload whose chunks
# all came to this process needs no second pass over the file. Lost on restart: then the
# file is hashed again at completion.
_hashers: dict[str, tuple[Hasher, int]] = {}
_hashers_lock = threading.Lock()


def _stream_region(upload: Upload) -> tuple[int, int]:
    sealed = parse_header(bytes(upload.header), bytes(upload.signature))
    start = sealed.stream_offset
    return start, start + sealed.header.ciphertext_size


def _hash_piece(token: str, offset: int, data: bytes, region: tuple[int, int]) -> None:
    # One upload's chunks arrive in order, so only the dictionary needs the lock; hashing
    # runs outside it and uploads hash in parallel.
    with _hashers_lock:
        state = _hashers.pop(token, None)
    if state is None and offset == 0:
        state = (get_suite(settings.GGZY_CRYPTO_SUITE).hasher(), region[0])
    if state is None or state[1] < offset or state[1] > offset + len(data):
        return
    hasher, position = state
    lo, hi = max(position, region[0]), min(offset + len(data), region[1])
    if hi > lo:
        hasher.update(memoryview(data)[lo - offset : hi - offset])
    with _hashers_lock:
        _hashers[token] = (hasher, max(position, hi))


@dataclass(frozen=True)
class ChunkPlan:
    """A checked chunk about to be written: where, how much, and the hashed region."""

    token: str
    upload_id: int
    path: str
    offset: int
    length: int
    size: int
    region: tuple[int, int]


def plan_chunk(*, user: User, token: str, offset: object, length: int) -> ChunkPlan:
    """Check a chunk before any of its bytes are read: owner, state, deadline, offset."""
    upload = get_upload(user, token)
    if upload.status != Upload.Status.RECEIVING:
        raise Conflict("上传已结束", "the upload is finished", code="upload_finished")
    before_deadline(upload.lot.project)
    if not isinstance(offset, int) or offset != upload.received:
        raise OffsetConflict(upload.received)
    if length <= 0 or length > CHUNK_MAX or offset + length > upload.size:
        raise InvalidInput(
            f"分片大小须为 1–{CHUNK_MAX} 字节且不超过文件末尾",
            f"a chunk is 1–{CHUNK_MAX} bytes and ends within the file",
            code="bad_chunk",
            field="body",
        )
    return ChunkPlan(
        token, upload.pk, upload.path, offset, length, upload.size, _stream_region(upload)
    )


def write_piece(plan: ChunkPlan, out: IO[bytes], position: int, data: bytes) -> None:
    """Write ``data`` at file offset ``position`` and feed the running hash."""
    out.seek(position)
    out.write(data)
    _hash_piece(plan.token, position, data, plan.region)


def commit_chunk(plan: ChunkPlan, written: int) -> int:
    """Record the chunk once all of it is on disk; returns the bytes received so far."""
    if written != plan.length:
        with _hashers_lock:
            _hashers.pop(plan.token, None)
        raise InvalidInput(
            "分片数据不完整（连接中断？），请从已接收位置续传",
            "the chunk arrived incomplete; resume from the received offset",
            code="chunk_incomplete",
            field="body",
        )
    end = plan.offset + plan.length
    if not Upload.objects.filter(pk=plan.upload_id, received=plan.offset).update(received=end):
        raise Conflict(
            "同一位置的分片被并发写入",
            "a concurrent chunk was written at this offset",
            code="upload_offset",
        )
    return end


def receive_chunk(
    *, user: User, token: str, offset: object, stream: IO[bytes], length: int
) -> Upload:
    """Append one chunk at ``offset`` (must equal what was received so far)."""
    plan = plan_chunk(user=user, token=token, offset=offset, length=length)
    written = 0
    with open(plan.path, "r+b") as out:
        while written < length:
            piece = stream.read(min(COPY_BUFFER, length - written))
            if not piece:
                break
            write_piece(plan, out, plan.offset + written, piece)
            written += len(piece)
    commit_chunk(plan, written)
    return get_upload(user, token)


def _received(upload: Upload) -> IO[bytes]:
    """The received container: the spool file, or the stored one when an earlier completion
    stored it and was then refused or failed to commit (the spool moved into the store)."""
    if Path(upload.path).exists():
        return open(upload.path, "rb")
    if default_storage.exists(stored_name(upload)):
        return files.open_stored(stored_name(upload))
    raise Conflict(
        "已接收的投标文件丢失，请重新上传",
        "the received bid file is missing: upload it again",
        code="upload_lost",
    )


def _store(upload: Upload) -> None:
    """Move the verified container from the spool into the file store under
    ``stored_name`` (a rename on the local disk, a streamed multipart upload to S3)."""
    name, spool = stored_name(upload), Path(upload.path)
    if not spool.exists():
        return  # stored by an attempt that was refused or did not commit (``_received``)
    try:
        if Path(default_storage.path(name)) == spool:
            return  # begun by an earlier version, which wrote it in place on the disk
    except NotImplementedError:
        pass  # a store with no local paths (S3)
    if default_storage.exists(name):
        # Left by an attempt that failed while storing: no bid refers to it while the upload
        # is receiving, so it is replaced rather than kept beside a second copy.
        default_storage.delete(name)
    stored = files.store_spooled(name, spool)
    if stored != name:  # a concurrent completion stored the same bytes first
        default_storage.delete(stored)


def _verify_file(upload: Upload) -> SealedHeader:
    with _received(upload) as src:
        sealed = read_header(src)
        if sealed.header_bytes != bytes(upload.header) or sealed.signature != bytes(
            upload.signature
        ):
            raise _refused(
                "文件末尾的信封头与开始上传时申报的不一致",
                "the header at the end of the file differs from the one declared",
                "header_changed",
            )
        with _hashers_lock:
            state = _hashers.pop(upload.token, None)
        _, end = _stream_region(upload)
        if state is not None and state[1] == end:
            if not hmac.compare_digest(state[0].digest().hex(), sealed.header.ciphertext_digest):
                raise _refused(
                    "密文摘要与已签名的信封头不符（密文被篡改或损坏）",
                    "the ciphertext digest differs from the signed header",
                    "envelope_digest_mismatch",
                    "body",
                )
        else:
            try:
                check_ciphertext(src, sealed)
            except InvalidInput as exc:
                raise _refused(exc.message_zh, exc.message_en, exc.code, "body") from None
    return sealed


def receipt_document(bid: Bid) -> dict[str, Any]:
    """The receipt's signed content (回执): what the bidder keeps as proof of submission."""
    return {
        "bid_id": bid.pk,
        "lot_code": bid.lot.code,
        "bidder": identifier(bid.entity),
        "ledger_seq": bid.ledger_seq,
        "ledger_hash": bid.ledger_hash,
        "at": format_instant(bid.received_at),
        "ciphertext_digest": bid.ciphertext_digest,
        "size": bid.size,
        "platform_key_id": platform_key.public_key()["key_id"],
    }


def receipt(bid: Bid) -> dict[str, Any]:
    return {**receipt_document(bid), "signature": bid.receipt_signature}


def bidder_ref(lot: Lot, entity: MarketEntity) -> str:
    """A pseudonym for the public ledger: bidders stay anonymous until the opening."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{lot.code}/{entity.pk}".encode(), "sha256").hexdigest()[:16]


def _ready(upload: Upload, lot: Lot) -> datetime:
    """A receiving upload may complete now: before the deadline, not suspended, every byte
    received. Returns the moment checked."""
    if upload.status != Upload.Status.RECEIVING:
        raise Conflict("上传已结束", "the upload is finished", code="upload_finished")
    now = before_deadline(lot.project)
    require_not_suspended(lot.project)
    if lot.status != Lot.Status.BIDDING:
        raise RuleViolation("标段/包不在投标期", "the lot is not taking bids", code="not_bidding")
    if upload.received != upload.size:
        raise Conflict(
            f"文件尚未传完（{upload.received}/{upload.size} 字节）",
            f"the upload is incomplete ({upload.received}/{upload.size} bytes)",
            code="upload_incomplete",
        )
    return now


def complete_upload(*, user: User, token: str, ip: str | None = None) -> Bid:
    """Verify the whole container, store it, witness it, and sign the receipt.

    The file is verified and handed to the file store first, outside the transaction, so a
    slow store (S3) holds neither the lot's lock nor the database's write lock while other
    bidders complete; the transaction then checks everything again and writes the rows. A
    completion refused there leaves the stored file under its name, where a retry finds it.
    """
    upload = get_upload(user, token)
    if upload.status == Upload.Status.RECEIVING:
        _ready(upload, upload.lot)
        _verify_file(upload)
        _store(upload)
    return _record_bid(user=user, token=token, ip=ip)


@transaction.atomic
def _record_bid(*, user: User, token: str, ip: str | None) -> Bid:
    """The receipt of a verified, stored container: the bid, the ledger entry, the signed
    receipt; the bid it replaces."""
    upload = get_upload(user, token)
    lot = lock_lot(upload.lot_id)
    if upload.status == Upload.Status.COMPLETE:
        # A retry after a lost response, or a completion that raced this one: the same
        # receipt back.
        assert upload.bid_id is not None  # set with the status, in one save
        return Bid.objects.select_related("lot", "entity").get(pk=upload.bid_id)
    now = _ready(upload, lot)
    # Verified against this header before it was stored; chunks stop once all arrived.
    sealed = parse_header(bytes(upload.header), bytes(upload.signature))
    replaced = list(
        Bid.objects.select_for_update().filter(
            lot=lot, entity=upload.entity, status=Bid.Status.SUBMITTED
        )
    )
    for old in replaced:
        old.status, old.ended_at = Bid.Status.REPLACED, now
        old.save(update_fields=["status", "ended_at"])
    entry = record(
        events.BID_RECEIVED,
        subject=f"lot:{lot.code}",
        payload={
            "bidder_ref": bidder_ref(lot, upload.entity),
            "ciphertext_digest": sealed.header.ciphertext_digest,
            "size": upload.size,
            "replaces": [b.ledger_seq for b in replaced],
        },
        actor=user.actor,
        ip=ip,
    )
    bid = Bid.objects.create(
        lot=lot,
        entity=upload.entity,
        submitted_by=user,
        signer=upload.signer,
        file=stored_name(upload),
        size=upload.size,
        ciphertext_digest=sealed.header.ciphertext_digest,
        header=sealed.header_bytes,
        signature=sealed.signature,
        fingerprint=sealed.header.metadata.get("fingerprint") or {},
        received_at=entry.at,
        ip=ip,
        ledger_seq=entry.seq,
        ledger_hash=entry.hash,
        receipt_signature="",
    )
    bid.receipt_signature = platform_key.sign(receipt_document(bid))
    bid.save(update_fields=["receipt_signature"])
    upload.status, upload.bid = Upload.Status.COMPLETE, bid
    upload.save(update_fields=["status", "bid"])
    return bid


def own_bid(user: User, bid_id: int, *, lock: bool = False) -> Bid:
    rows = Bid.objects.select_related("lot__project", "entity")
    bid = (rows.select_for_update() if lock else rows).filter(pk=bid_id).first()
    if bid is None or not bid.entity.users.filter(user=user).exists():
        raise NotFound("投标文件不存在", "no such bid", code="bid_not_found")
    return bid


@transaction.atomic
def withdraw(*, user: User, bid_id: int, ip: str | None = None) -> Bid:
    """Withdraw before the deadline (撤回); the deposit becomes refundable (Reg. Art 35)."""
    bid = own_bid(user, bid_id, lock=True)
    if bid.status != Bid.Status.SUBMITTED:
        raise RuleViolation(
            "只有已递交的投标文件可以撤回",
            "only a submitted bid can be withdrawn",
            code="not_submitted",
        )
    now = before_deadline(bid.lot.project)
    bid.status, bid.ended_at = Bid.Status.WITHDRAWN, now
    bid.save(update_fields=["status", "ended_at"])
    record(
        events.BID_WITHDRAWN,
        subject=f"lot:{bid.lot.code}",
        payload={"bid_ledger_seq": bid.ledger_seq, "bidder_ref": bidder_ref(bid.lot, bid.entity)},
        actor=user.actor,
        ip=ip,
        objects={"bid": bid},
    )
    return bid


def require_owner(user: User, bid: Bid) -> None:
    if not bid.entity.users.filter(user=user).exists():
        raise Forbidden("只有投标人本人可以操作", "only the bidder may do this", code="not_owner")
