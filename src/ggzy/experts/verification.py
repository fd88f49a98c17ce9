"""Re-running a draw from its record (复核抽取): ``ggzy experts verify-draw`` and the
supervisor's workspace use this. A draw verifies when its snapshot matches the digest the
ledger recorded before the draw, every party's secret hashes back to that party's published
anchor, and the seed and the selection recomputed from them give exactly the sealed list,
whose digest the ledger recorded at the draw."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ggzy.core import sealing
from ggzy.core.models import LedgerEntry
from ggzy.kernel.errors import DomainError

from . import beacon, drawing
from .models import DrawAttempt, RandomnessParty
from .services.draw import compute, result_digest, result_of, seal_aad


@dataclass
class Verdict:
    attempt: DrawAttempt
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _ledger_entry(kind: str, attempt: DrawAttempt) -> tuple[dict[str, object], str] | None:
    """The ledger entry of ``kind`` for this attempt: its payload and hash algorithm."""
    for entry in LedgerEntry.objects.filter(kind=kind, subject=f"draw:{attempt.request_id}"):
        payload = json.loads(entry.body)
        if payload.get("attempt") == attempt.number:
            return dict(payload), entry.alg
    return None


def verify_attempt(attempt: DrawAttempt) -> Verdict:
    verdict = Verdict(attempt)
    problems = verdict.problems
    found = _ledger_entry("expert.draw_started", attempt)
    if found is None:
        problems.append("账本中没有该次抽取的开始记录 / no draw_started entry in the ledger")
        return verdict
    started, alg = found
    if drawing.snapshot_digest(alg, attempt.snapshot) != attempt.snapshot_digest:
        problems.append("候选快照与其摘要不符 / the snapshot does not match its digest")
    if started.get("snapshot_digest") != attempt.snapshot_digest:
        problems.append("快照摘要与账本记录不符 / the snapshot digest differs from the ledger")
    if started.get("contributions") != attempt.contributions:
        problems.append("随机数序号与账本记录不符 / the reserved indexes differ from the ledger")
    if attempt.status != DrawAttempt.Status.DRAWN:
        abandoned = attempt.status == DrawAttempt.Status.ABANDONED
        if abandoned and _ledger_entry("expert.draw_abandoned", attempt) is None:
            problems.append("放弃的抽取没有账本记录 / an abandoned draw is missing from the ledger")
        return verdict
    for party_id, index in attempt.contributions.items():
        party = RandomnessParty.objects.filter(pk=int(party_id)).first()
        value = attempt.reveals.get(party_id, "")
        if party is None or not beacon.check_release(party.alg, party.anchor, int(index), value):
            problems.append(
                f"贡献方 {party_id} 的第 {index} 个随机数与其承诺不符 / "
                f"party {party_id}'s secret #{index} does not match its anchor"
            )
    if problems:
        return verdict
    seed, selection = compute(attempt, attempt.reveals, alg)
    if seed.hex() != attempt.seed:
        problems.append("种子重算不一致 / the recomputed seed differs")
    result = result_of(selection)
    try:
        sealed = sealing.unseal(attempt.sealed_result, seal_aad(attempt))
    except (DomainError, ValueError):
        problems.append("密封结果无法解开 / the sealed result cannot be opened")
        return verdict
    if json.loads(json.dumps(result)) != sealed:
        problems.append(
            "重算的结果与密封结果不同 / the recomputed result differs from the sealed one"
        )
    drawn = _ledger_entry("expert.drawn", attempt)
    if drawn is None or drawn[0].get("result_digest") != result_digest(alg, seed, result):
        problems.append("结果摘要与账本记录不符 / the result digest differs from the ledger")
    return verdict
