"""Seed, selection and result digest from an attempt's record — the same code verifies a
draw (``experts.verification``)."""

from __future__ import annotations

from typing import Any

from ggzy.kernel.ledger import canonical_json, hash_function

from ... import drawing
from ...models import DrawAttempt


def compute(
    attempt: DrawAttempt, reveals: dict[str, str], alg: str
) -> tuple[bytes, drawing.Selection]:
    """Seed and selection from an attempt's record — the same code verifies a draw."""
    ordered = [reveals[k] for k in sorted(reveals, key=int)]
    seed = drawing.draw_seed(
        alg,
        request_id=attempt.request_id,
        attempt=attempt.number,
        snapshot_digest=attempt.snapshot_digest,
        reveals=ordered,
    )
    snap = attempt.snapshot
    buckets = [
        drawing.Bucket(
            b["key"], b["count"], [drawing.Candidate(i, emp) for i, emp in b["eligible"]]
        )
        for b in snap["buckets"]
    ]
    venue_count = len(snap["venue_pool"]) and int(
        attempt.request.secondary_venue_count if not attempt.supplementary else 0
    )
    selection = drawing.select(
        alg,
        seed,
        buckets,
        one_per_employer=snap["one_per_employer"],
        taken_employers=snap["taken_employers"],
        venue_pool=snap["venue_pool"],
        venue_count=venue_count,
    )
    return seed, selection


def result_of(selection: drawing.Selection) -> dict[str, Any]:
    return {"buckets": selection.chosen, "venues": selection.venues}


def result_digest(alg: str, seed: bytes, result: dict[str, Any]) -> str:
    return hash_function(alg)(seed + canonical_json(result).encode()).hex()


def seal_aad(attempt: DrawAttempt) -> bytes:
    return f"draw:{attempt.request_id}:{attempt.number}".encode()
