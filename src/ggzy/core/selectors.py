"""Reads over the ledger: verification and inclusion proofs. Anyone may read the ledger."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ggzy.kernel import ledger as chain
from ggzy.kernel.errors import NotFound

from .models import Checkpoint, LedgerEntry, LedgerHead


@dataclass(frozen=True)
class VerifyReport:
    checked: int
    checkpoints: int
    problem: chain.Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


Progress = Callable[[int], object]


def _entries(progress: Progress | None, batch: int = 2000) -> Iterator[chain.Entry]:
    last = 0
    while True:
        rows = list(LedgerEntry.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        for row in rows:
            yield row.as_chain_entry()
        last = rows[-1].seq
        if progress is not None:
            progress(last)


def verify_ledger(progress: Progress | None = None) -> VerifyReport:
    """Check the whole chain, the head and every checkpoint root; name the first bad entry.

    ``progress`` is called with the last sequence number read, every few thousand entries.
    """
    checked, problem = chain.verify_chain(_entries(progress))
    if problem is not None:
        return VerifyReport(checked, 0, problem)
    head = LedgerHead.objects.filter(id=1).first()
    head_seq = head.seq if head else 0
    if head_seq != checked:
        missing = checked + 1
        return VerifyReport(
            checked,
            0,
            chain.Problem(
                missing,
                "missing",
                f"账本头记录到第 {head_seq} 条，但只找到 {checked} 条：第 {missing} 条起被删除",
                f"the ledger head says #{head_seq} but only {checked} entries exist: "
                f"entries from #{missing} were deleted",
            ),
        )
    count = 0
    for checkpoint in Checkpoint.objects.order_by("first_seq"):
        hashes = list(
            LedgerEntry.objects.filter(seq__gte=checkpoint.first_seq, seq__lte=checkpoint.last_seq)
            .order_by("seq")
            .values_list("hash", flat=True)
        )
        if (
            len(hashes) != checkpoint.size
            or chain.merkle_root(checkpoint.alg, hashes) != checkpoint.root
        ):
            return VerifyReport(
                checked,
                count,
                chain.Problem(
                    checkpoint.first_seq,
                    "checkpoint_mismatch",
                    f"{checkpoint.day} 的检查点默克尔根与账本不符",
                    f"the checkpoint of {checkpoint.day} does not match the ledger",
                ),
            )
        count += 1
    return VerifyReport(checked, count, None)


def inclusion_proof(seq: int) -> dict[str, Any]:
    """The proof that entry ``seq`` is under its day's published Merkle root."""
    entry = LedgerEntry.objects.filter(seq=seq).first()
    if entry is None:
        raise NotFound(f"账本中没有第 {seq} 条记录", f"no ledger entry #{seq}", field="seq")
    checkpoint = Checkpoint.objects.filter(first_seq__lte=seq, last_seq__gte=seq).first()
    result: dict[str, Any] = {"entry": entry.as_chain_entry().__dict__, "checkpoint": None}
    if checkpoint is None:
        return result
    hashes = list(
        LedgerEntry.objects.filter(seq__gte=checkpoint.first_seq, seq__lte=checkpoint.last_seq)
        .order_by("seq")
        .values_list("hash", flat=True)
    )
    index = seq - checkpoint.first_seq
    result["checkpoint"] = {
        "day": checkpoint.day.isoformat(),
        "first_seq": checkpoint.first_seq,
        "last_seq": checkpoint.last_seq,
        "alg": checkpoint.alg,
        "root": checkpoint.root,
        "index": index,
        "proof": chain.inclusion_proof(checkpoint.alg, hashes, index),
    }
    return result
