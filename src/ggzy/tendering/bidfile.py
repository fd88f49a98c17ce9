"""A sealed bid (密封投标文件), built and sealed on the bidder's own machine.

The plaintext is a PAX tar stream: ``price-sheet.json`` (the canonical JSON of the checked
price sheet) first, then each attachment as ``attachments/<name>``. It is sealed with
:func:`ggzy.kernel.crypto.envelope.seal` to the bidder's encryption certificate (and, if
the lot asks for it, split k-of-n among escrow keyholders), signed with the bidder's key.
No Django here: a bidder runs this with only the package installed.
"""

from __future__ import annotations

import io
import os
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ggzy import __version__
from ggzy.kernel import clock as kernel_clock
from ggzy.kernel.crypto.canonical import canonical_json
from ggzy.kernel.crypto.envelope import (
    Escrow,
    parse_header,
    seal,
    unwrap_data_key,
    unwrap_escrow_share,
)
from ggzy.kernel.crypto.pki import load_certificate, require_usage
from ggzy.kernel.crypto.stream import DEFAULT_CHUNK_SIZE
from ggzy.kernel.crypto.suites import SUITE_NAMES, get_suite
from ggzy.kernel.errors import InvalidInput

from . import fingerprint as machine
from .price_sheet import FIELDS, validate

FORMAT = "ggzy-bid/1"
PRICE_SHEET = "price-sheet.json"
ATTACHMENTS = "attachments/"
MAX_PRICE_SHEET = 64 * 1024

Source = str | os.PathLike[str] | IO[bytes]


@dataclass(frozen=True)
class LotInfo:
    """What the bidder needs to know about a lot to seal a bid for it."""

    lot_code: str
    project_code: str
    family: str  # "works" | "gp": which price sheet
    suite: str  # "gm" | "intl"
    escrow: Escrow | None = None  # threshold k and the keyholders' public key PEMs
    bid_deadline: str | None = None  # ISO 8601, for display

    @classmethod
    def from_json(cls, obj: Any) -> LotInfo:
        """Read the platform's lot description (``GET .../lots/{id}/sealing``)."""
        try:
            escrow = None
            if obj.get("escrow") is not None:
                escrow = Escrow(
                    threshold=int(obj["escrow"]["threshold"]),
                    keyholders=tuple(
                        k["public_pem"].encode("ascii") for k in obj["escrow"]["keyholders"]
                    ),
                )
            info = cls(
                lot_code=str(obj["lot_code"]),
                project_code=str(obj["project_code"]),
                family=str(obj["family"]),
                suite=str(obj["suite"]),
                escrow=escrow,
                bid_deadline=obj.get("bid_deadline"),
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(
                f"标段信息格式错误：{exc!r}",
                f"malformed lot description: {exc!r}",
                code="bid_lot_info",
            ) from exc
        if info.family not in FIELDS or info.suite not in SUITE_NAMES:
            raise InvalidInput(
                f"标段信息中的类别 {info.family!r} 或密码套件 {info.suite!r} 不受支持",
                f"unsupported family {info.family!r} or suite {info.suite!r} in the lot",
                code="bid_lot_info",
            )
        return info


@dataclass(frozen=True)
class SealedBidInfo:
    path: Path
    size: int  # bytes of the sealed file, as uploaded
    plaintext_size: int  # bytes of the tar inside
    ciphertext_digest: str  # hex, as signed in the header
    header_bytes: bytes
    signature: bytes
    metadata: dict[str, Any]


def _safe_name(name: str) -> bool:
    return name not in ("", ".", "..") and not any(c in name for c in "/\\\x00")


def _check_attachments(attachments: Sequence[Path]) -> None:
    seen: dict[str, Path] = {}
    for path in attachments:
        name = path.name
        if not _safe_name(name):
            raise InvalidInput(
                f"附件名无效：{str(path)!r}",
                f"invalid attachment name: {str(path)!r}",
                code="bid_attachment_name",
            )
        # Case-insensitive: the platform and evaluators may unpack on Windows.
        clash = seen.get(name.casefold())
        if clash is not None:
            raise InvalidInput(
                f"附件重名：{clash} 与 {path}，请改名后再封装",
                f"two attachments share a name: {clash} and {path}; rename one",
                code="bid_attachment_name",
            )
        if not path.is_file():
            raise InvalidInput(
                f"附件不是普通文件：{path}",
                f"attachment is not a regular file: {path}",
                code="bid_attachment_missing",
            )
        seen[name.casefold()] = path


def _member(name: str, size: int, mtime: int) -> tarfile.TarInfo:
    # Built by hand rather than tar.add(), which would record local user names and modes.
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, mtime, 0o644
    return info


def _write_tar(dst: IO[bytes], sheet: bytes, attachments: Sequence[Path], mtime: int) -> None:
    with tarfile.open(fileobj=dst, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        tar.addfile(_member(PRICE_SHEET, len(sheet), mtime), io.BytesIO(sheet))
        for path in attachments:
            with path.open("rb") as f:
                size = os.fstat(f.fileno()).st_size
                tar.addfile(_member(ATTACHMENTS + path.name, size, mtime), f)


def seal_bid(
    *,
    lot: LotInfo,
    bidder_id: str,
    bidder_name: str,
    price_sheet: dict[str, Any],
    attachments: Sequence[Path],
    signer_key_pem: bytes,
    encryption_cert_pem: bytes,
    out: Path,
    fingerprint: dict[str, Any] | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    clock: kernel_clock.Clock | None = None,
) -> SealedBidInfo:
    """Check the price sheet and attachments, build the tar and seal it into ``out``."""
    cleaned, problems = validate(price_sheet, lot.family)
    if problems:
        raise InvalidInput(
            "开标一览表有误：" + "；".join(p.zh for p in problems),
            "the price sheet has problems: " + "; ".join(p.en for p in problems),
            code="bid_price_sheet_invalid",
            field=problems[0].field or None,
        )
    attachments = [Path(p) for p in attachments]
    _check_attachments(attachments)
    cert = load_certificate(encryption_cert_pem)
    require_usage(cert, "encrypt")
    if cert.suite != lot.suite:
        raise InvalidInput(
            f"加密证书的密码套件（{cert.suite}）与标段要求的（{lot.suite}）不一致",
            f"the encryption certificate is {cert.suite}, the lot requires {lot.suite}",
            code="bid_suite_mismatch",
        )
    suite = get_suite(lot.suite)
    suite.public_key(signer_key_pem)  # a key of the wrong suite fails here, before any work

    now = (clock or kernel_clock.get_clock()).now().astimezone(kernel_clock.SHANGHAI)
    metadata = {
        "format": FORMAT,
        "lot": lot.lot_code,
        "project": lot.project_code,
        "bidder": bidder_id,
        "bidder_name": bidder_name,
        "fingerprint": machine.collect() if fingerprint is None else fingerprint,
        "sealed_at": now.isoformat(timespec="seconds"),
        "tool": f"ggzy-bid/{__version__}",
    }
    out = Path(out)
    fd, part = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    try:
        with tempfile.TemporaryFile(dir=out.parent) as plain, os.fdopen(fd, "wb") as dst:
            _write_tar(plain, canonical_json(cleaned), attachments, int(now.timestamp()))
            plain.seek(0)
            sealed = seal(
                suite,
                plain,
                dst,
                signer_private_pem=signer_key_pem,
                recipients=[cert.public_key_pem],
                metadata=metadata,
                escrow=lot.escrow,
                chunk_size=chunk_size,
            )
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(part, out)
    except BaseException:
        Path(part).unlink(missing_ok=True)
        raise
    return SealedBidInfo(
        path=out,
        size=out.stat().st_size,
        plaintext_size=sealed.header.size,
        ciphertext_digest=sealed.header.ciphertext_digest,
        header_bytes=sealed.header_bytes,
        signature=sealed.signature,
        metadata=sealed.header.metadata,
    )


# -- the platform's side, after opening -------------------------------------------------


def _malformed(zh: str, en: str, code: str = "bid_malformed") -> InvalidInput:
    return InvalidInput(f"投标文件格式错误：{zh}", f"malformed bid file: {en}", code=code)


def _members(src: Source) -> Iterator[tuple[tarfile.TarFile, tarfile.TarInfo]]:
    """Walk the tar as a stream: price sheet first, then attachments, nothing else."""
    if isinstance(src, str | os.PathLike):
        with open(src, "rb") as f:
            yield from _members(f)
        return
    try:
        with tarfile.open(fileobj=src, mode="r|") as tar:
            first = True
            for member in tar:
                if first:
                    if member.name != PRICE_SHEET or not member.isfile():
                        raise _malformed(
                            f"第一项必须是 {PRICE_SHEET}，实为 {member.name!r}",
                            f"the first member must be {PRICE_SHEET}, found {member.name!r}",
                            code="bid_no_price_sheet",
                        )
                    first = False
                else:
                    name = member.name.removeprefix(ATTACHMENTS)
                    if name == member.name or not _safe_name(name) or not member.isfile():
                        raise _malformed(
                            f"不允许的成员 {member.name!r}", f"unexpected member {member.name!r}"
                        )
                yield tar, member
            if first:
                raise _malformed(
                    f"缺少 {PRICE_SHEET}", f"{PRICE_SHEET} is missing", code="bid_no_price_sheet"
                )
    except tarfile.TarError as exc:
        raise _malformed(
            f"不是有效的 tar 文件（{exc}）", f"not a valid tar stream ({exc})"
        ) from exc


def read_price_sheet(src: Source) -> bytes:
    """The raw ``price-sheet.json`` of an opened bid (check it with ``price_sheet.validate``)."""
    for tar, member in _members(src):
        if member.size > MAX_PRICE_SHEET:
            raise _malformed(
                f"开标一览表超过 {MAX_PRICE_SHEET} 字节",
                f"the price sheet exceeds {MAX_PRICE_SHEET} bytes",
                code="bid_price_sheet_too_large",
            )
        data = tar.extractfile(member)
        assert data is not None  # a regular file, checked in _members
        return data.read()
    raise AssertionError("unreachable: _members yields the price sheet or raises")


def list_attachments(src: Source) -> list[tuple[str, int]]:
    """(name, size) of each attachment of an opened bid, in order."""
    return [
        (member.name.removeprefix(ATTACHMENTS), member.size)
        for _, member in _members(src)
        if member.name != PRICE_SHEET
    ]


# -- releasing the key at the opening ---------------------------------------------------


def release_key(header_bytes: bytes, signature: bytes, encryption_key_pem: bytes) -> bytes:
    """The data key, unwrapped with the bidder's encryption private key."""
    return unwrap_data_key(parse_header(header_bytes, signature), encryption_key_pem)


def escrow_share(header_bytes: bytes, signature: bytes, keyholder_key_pem: bytes) -> bytes:
    """A keyholder's share of the data key (``Share.to_bytes``)."""
    return unwrap_escrow_share(parse_header(header_bytes, signature), keyholder_key_pem).to_bytes()
