"""Checking a receipt or a notice reference against the ledger (回执核验), for anyone.

The input is a bid receipt as the platform issued it (JSON with ``ledger_seq``,
``ledger_hash`` and the platform's ``signature``), a notice's number (``uid``), or a plain
"sequence:hash" pair. The answer says whether the entry is in the ledger with that hash,
whether the platform's signature on the receipt holds, and — once the day's checkpoint is
published — the Merkle inclusion proof against that day's root, checked here and shown so
it can be checked again elsewhere.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ggzy.core import platform_key
from ggzy.core.models import LedgerEntry
from ggzy.core.selectors import inclusion_proof
from ggzy.kernel import ledger as chain

from .models import Publication

MAX_INPUT = 20_000
_PAIR = re.compile(r"^\s*#?(\d{1,18})\s*[:：,，\s]\s*([0-9a-fA-F]{64})\s*$")


@dataclass
class Verdict:
    found: bool = False
    hash_matches: bool = False
    signature: bool | None = None  # None: the input carried no signature
    proof: dict[str, Any] | None = None
    proof_ok: bool | None = None  # None: the day's checkpoint is not published yet
    entry: LedgerEntry | None = None
    publication: Publication | None = None
    problems: list[str] = field(default_factory=list)


def _reference(text: str) -> tuple[int | None, str | None, dict[str, Any] | None, str | None]:
    """(seq, hash, signed receipt, notice uid) read from the pasted text."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            return None, None, None, None
        if not isinstance(data, dict):
            return None, None, None, None
        seq = data.get("ledger_seq")
        digest = data.get("ledger_hash")
        return (
            seq if isinstance(seq, int) and not isinstance(seq, bool) else None,
            digest if isinstance(digest, str) else None,
            data if "signature" in data else None,
            None,
        )
    if match := _PAIR.match(stripped):
        return int(match[1]), match[2].lower(), None, None
    if re.fullmatch(r"[0-9A-Za-z]{8,24}", stripped):
        return None, None, None, stripped.upper()
    return None, None, None, None


def verify(text: str) -> Verdict:
    verdict = Verdict()
    if len(text) > MAX_INPUT:
        verdict.problems.append("内容过长 / input too long")
        return verdict
    seq, digest, receipt, uid = _reference(text)
    if uid is not None:
        verdict.publication = Publication.objects.filter(uid=uid).first()
        if verdict.publication is None:
            verdict.problems.append("没有这个公告编号 / no notice with this number")
            return verdict
        seq = verdict.publication.ledger_seq
        digest = LedgerEntry.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if seq is None:
        verdict.problems.append(
            "未能识别：请粘贴回执 JSON、公告编号，或“账本序号:哈希” / "
            "not recognised: paste a receipt, a notice number or seq:hash"
        )
        return verdict
    verdict.entry = LedgerEntry.objects.filter(seq=seq).first()
    verdict.found = verdict.entry is not None
    if verdict.entry is None:
        verdict.problems.append(f"账本中没有第 {seq} 条记录 / no such ledger entry")
        return verdict
    verdict.hash_matches = digest is not None and verdict.entry.hash == digest.lower()
    if receipt is not None:
        document = {k: v for k, v in receipt.items() if k != "signature"}
        verdict.signature = platform_key.verify(document, str(receipt["signature"]))
    proof = inclusion_proof(seq)
    if proof["checkpoint"] is not None:
        cp = proof["checkpoint"]
        verdict.proof = cp
        verdict.proof_ok = chain.verify_inclusion(
            cp["alg"],
            verdict.entry.hash,
            cp["index"],
            cp["last_seq"] - cp["first_seq"] + 1,
            cp["proof"],
            cp["root"],
        )
    return verdict
