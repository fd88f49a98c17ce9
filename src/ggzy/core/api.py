"""Public, read-only ledger API: anyone may fetch entries, checkpoints and proofs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from . import seal
from .models import Checkpoint, LedgerEntry
from .platform_key import public_key
from .selectors import inclusion_proof

router = Router(tags=["ledger 数字见证账本"])


class EntryOut(Schema):
    seq: int
    at: str
    kind: str
    actor: str
    subject: str
    body: str
    alg: str
    prev_hash: str
    hash: str


class CheckpointOut(Schema):
    day: str
    first_seq: int
    last_seq: int
    alg: str
    root: str


@router.get("/entries", response=list[EntryOut], auth=None)
def list_entries(request: HttpRequest, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
    """Entries after sequence number ``after`` (a watermark: clients never skip an entry)."""
    rows = LedgerEntry.objects.filter(seq__gt=after).order_by("seq")[: max(1, min(limit, 1000))]
    return [row.as_chain_entry().__dict__ for row in rows]


@router.get("/entries/{seq}", auth=None)
def get_entry(request: HttpRequest, seq: int) -> dict[str, Any]:
    """One entry, with its inclusion proof once its day's checkpoint exists."""
    return inclusion_proof(seq)


@router.get("/checkpoints", response=list[CheckpointOut], auth=None)
def list_checkpoints(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "day": c.day.isoformat(),
            "first_seq": c.first_seq,
            "last_seq": c.last_seq,
            "alg": c.alg,
            "root": c.root,
        }
        for c in Checkpoint.objects.order_by("day")
    ]


@router.get("/platform-key", auth=None)
def platform_key(request: HttpRequest) -> dict[str, str]:
    """The public key that signs receipts and opening records (平台签名公钥)."""
    return public_key()


@router.get("/seal-certificate", auth=None)
def seal_certificate(request: HttpRequest) -> dict[str, str]:
    """The platform's electronic seal certificate and its root (电子印章证书), to check sealed
    PDFs offline."""
    return {
        "certificate_pem": seal.certificate_pem().decode(),
        "root_pem": seal.root_pem().decode(),
    }
