"""The platform's electronic seal (电子印章) on PDFs: PAdES signatures made and checked with
pyHanko.

pyHanko and Acrobat do not handle SM2, so the seal always uses the INTL suite (ECDSA P-256
with SHA-256) whatever ``GGZY_CRYPTO_SUITE`` says. Seals to GB/T 38540 (SM2 electronic seals)
are not supported yet.

The seal's root CA and its certificate are made on first use in the database's own
directory (``core.instance``) by the development CA. Both certificates are published at
``/api/v1/ledger/seal-certificate`` so anyone can check a sealed PDF offline.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TypeVar

from asn1crypto import x509
from django.conf import settings
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers.pdf_signer import PdfSigningSession
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ggzy.kernel import clock
from ggzy.kernel.crypto.pki import DevCA
from ggzy.kernel.errors import InvalidInput

from . import instance

T = TypeVar("T")

FIELD = "ggzy-seal"
_SUITE = "intl"
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_DAYS = 36525  # to 2100: tests and demos run the clock at arbitrary dates
_CERT, _KEY, _ROOT = "seal.pem", "seal.key", "ca/ca.pem"


@dataclass(frozen=True)
class _Seal:
    root_pem: bytes
    cert_pem: bytes
    key_pem: bytes


def _seal() -> _Seal:
    return _load(instance.directory() / "platform-seal")


@cache
def _load(directory: Path) -> _Seal:
    if not (directory / _KEY).exists():
        _create(directory)
    return _Seal(
        root_pem=(directory / _ROOT).read_bytes(),
        cert_pem=(directory / _CERT).read_bytes(),
        key_pem=(directory / _KEY).read_bytes(),
    )


def _create(directory: Path) -> None:
    """Build the root CA and seal certificate in a private staging directory, then rename it
    into place: renaming is atomic, so a process that loses a race never sees half-written
    files and reads the winner's instead."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".platform-seal-", dir=directory.parent))
    try:
        ca = DevCA.create(
            staging / "ca",
            _SUITE,
            common_name="ggzy 电子印章根证书 (seal root CA)",
            not_before=_EPOCH,
            days=_DAYS,
        )
        holder = settings.GGZY_PLATFORM_NAME or "ggzy 公共资源交易平台"
        cert_pem, key_pem = ca.issue(
            f"{holder} 电子印章", usage="sign", not_before=_EPOCH, days=_DAYS
        )
        (staging / _CERT).write_bytes(cert_pem)
        fd = os.open(staging / _KEY, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(key_pem)
        try:
            staging.rename(directory)
        except OSError:
            if not (directory / _KEY).exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def certificate_pem() -> bytes:
    """The seal certificate."""
    return _seal().cert_pem


def root_pem() -> bytes:
    """The root CA certificate that issued the seal certificate."""
    return _seal().root_pem


class _TimedSigner(signers.PdfSigner):
    """pyHanko reads the signing time (the signature's ``/M``) from the wall clock; the
    platform's time comes from ``kernel.clock``."""

    def __init__(self, meta: signers.PdfSignatureMetadata, signer: signers.Signer, at: datetime):
        super().__init__(meta, signer)
        self._at = at

    def init_signing_session(
        self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False
    ) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._at
        return session


def seal_pdf(
    pdf: bytes, *, reason: str, location: str = "", signed_at: datetime | None = None
) -> bytes:
    """``pdf`` with the platform's seal: an invisible PAdES B-B signature in the field
    ``ggzy-seal`` over the whole file. ``signed_at`` (default: ``clock.now()``) is recorded
    to the second."""
    at = signed_at or clock.now()
    if at.tzinfo is None:
        raise ValueError("signed_at must be timezone-aware")
    seal = _seal()
    root = _certificate(seal.root_pem)
    signer = signers.SimpleSigner(
        signing_cert=_certificate(seal.cert_pem),
        signing_key=load_private_key_from_pemder_data(seal.key_pem, passphrase=None),
        cert_registry=SimpleCertificateStore.from_certs([root]),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location=location or None,
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except Exception as exc:  # pyHanko raises many kinds on an unreadable file
        raise InvalidInput(
            "无法读取该 PDF 文件，不能加盖电子印章",
            f"cannot read the PDF to seal: {exc}",
            code="pdf_unreadable",
        ) from exc
    timed = _TimedSigner(meta, signer, at.replace(microsecond=0))
    return _outside_event_loop(lambda: timed.sign_pdf(writer).getvalue())


@dataclass(frozen=True)
class SealCheck:
    """What a check of the platform seal on a PDF found.

    ``intact``: the sealed bytes are unchanged; ``valid``: intact, and the signature over them
    verifies; ``trusted``: valid, and the seal certificate chains to the given root;
    ``covers_document``: nothing was appended to the file after sealing."""

    intact: bool
    valid: bool
    trusted: bool
    covers_document: bool
    signer: str
    signed_at: datetime | None
    summary: str


def _failed(summary: str) -> SealCheck:
    return SealCheck(False, False, False, False, "", None, summary)


def _certificate(pem: bytes) -> x509.Certificate:
    return next(load_certs_from_pemder_data(pem))


def _common_name(cert: x509.Certificate) -> str:
    return str(cert.subject.native.get("common_name", cert.subject.human_friendly))


def _outside_event_loop(fn: Callable[[], T]) -> T:
    """pyHanko drives its own event loop (``asyncio.run``), which cannot start inside a
    running one (an async view, a Channels consumer, Playwright): hop to a thread then."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn()
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn).result()


def verify_pdf(pdf: bytes, *, root: bytes | None = None) -> SealCheck:
    """Check the platform seal on ``pdf`` against ``root`` (default: the platform's seal root),
    offline and at ``clock.now()``. Never raises: an unreadable file is reported as such."""
    return _outside_event_loop(lambda: _verify(pdf, root))


def _verify(pdf: bytes, root: bytes | None) -> SealCheck:
    try:
        trust_root = _certificate(root or root_pem())
    except Exception:  # asn1crypto raises many kinds on a bad certificate
        return _failed("根证书无法读取，不能核验电子印章")
    try:
        context = ValidationContext(
            trust_roots=[trust_root],
            allow_fetching=False,
            revocation_mode="soft-fail",
            moment=clock.now(),
        )
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = next(
            (s for s in reader.embedded_regular_signatures if s.field_name == FIELD), None
        )
        if embedded is None:
            return _failed("文件中没有平台电子印章")
        status = validate_pdf_signature(embedded, context)
    except Exception:  # garbage in: pyHanko and asn1crypto raise many kinds
        return _failed("无法读取该 PDF 文件或其中的电子印章")
    covers = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    check = SealCheck(
        intact=status.intact,
        valid=status.intact and status.valid,
        trusted=status.trusted,
        covers_document=covers,
        signer=_common_name(status.signing_cert),
        signed_at=status.signer_reported_dt,
        summary="",
    )
    return replace(check, summary=_summary(check))


def _summary(check: SealCheck) -> str:
    if not (check.intact and check.valid):
        return "电子印章无效：文件在盖章后被改动，或签名不正确"
    if not check.trusted:
        return f"电子印章签名正确，但「{check.signer}」的证书不受信任"
    if not check.covers_document:
        return "电子印章有效，但盖章后文件又被追加了内容，追加部分不在印章保护范围内"
    if check.signed_at is None:
        return f"电子印章有效：由「{check.signer}」加盖，文件未被改动"
    at = check.signed_at.astimezone(clock.SHANGHAI)
    return f"电子印章有效：由「{check.signer}」于 {at:%Y-%m-%d %H:%M:%S} 加盖，文件未被改动"
