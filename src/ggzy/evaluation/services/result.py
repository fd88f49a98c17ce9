"""The committee's result (评标结果): committee scores, price scores, ranking, at most three
candidates — or, when too few valid bids remain, the rejection of all of them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from ggzy.accounts.models import User
from ggzy.evaluation import events
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import RuleViolation
from ggzy.kernel.text import clean_text
from ggzy.tendering.models import Bid
from ggzy.tendering.procedures import COMPREHENSIVE
from ggzy.tendering.services.common import digest_of, identifier, procedure_of

from .. import scoring
from ..method import Method
from ..models import Evaluation, Member, Score
from .committee import public_seed
from .common import chair_of, current_members, lock, method_of, require_status, witness
from .flags import REJECTION_REASONS, evaluated_bids

REJECT_ALL = rules.EVAL_12.art(27) + rules.LAW.art(42)


def _price(bid: Bid) -> Decimal:
    return Decimal(bid.price_sheet["price"])  # type: ignore[index]


def _item_scores(
    method: Method, members: list[Member], bids: list[Bid]
) -> dict[int, dict[str, Decimal]]:
    values: dict[tuple[int, str], list[Decimal]] = {}
    for bid_id, item, value in Score.objects.filter(member__in=members, bid__in=bids).values_list(
        "bid_id", "item", "value"
    ):
        values.setdefault((bid_id, item), []).append(value)
    return {
        b.pk: {i.id: scoring.item_score(values[(b.pk, i.id)]) for i in method.items} for b in bids
    }


def _price_scores(
    evaluation: Evaluation, method: Method, prices: dict[int, Decimal]
) -> tuple[dict[int, Decimal], Decimal | None]:
    if method.kind != COMPREHENSIVE or method.price_points is None:
        return {}, None
    if method.price_formula == "average_k":
        assert method.average_k is not None
        assert evaluation.k_value is not None
        spec, k = method.average_k, evaluation.k_value
        benchmark = scoring.average_k_benchmark(list(prices.values()), k, trim=spec.trim)
        return scoring.average_k_scores(prices, method.price_points, spec, k), benchmark
    return scoring.lowest_benchmark_scores(prices, method.price_points), min(prices.values())


def compute(evaluation: Evaluation, valid: list[Bid]) -> dict[str, Any]:
    """Totals and ranking of the valid bids, from the current members' submitted sheets."""
    method = method_of(evaluation)
    members = current_members(evaluation)
    items = _item_scores(method, members, valid)
    prices = {b.pk: _price(b) for b in valid}
    price_scores, benchmark = _price_scores(evaluation, method, prices)
    groups = {i.id: i.group for i in method.items}
    rows: dict[int, dict[str, Any]] = {}
    entries = []
    for bid in valid:
        parts = items[bid.pk]
        technical = sum((v for k, v in parts.items() if groups[k] == "technical"), Decimal(0))
        commercial = sum((v for k, v in parts.items() if groups[k] == "commercial"), Decimal(0))
        total = technical + commercial + price_scores[bid.pk] if price_scores else None
        entries.append(scoring.Entry(bid.pk, total, prices[bid.pk], technical))
        rows[bid.pk] = {
            "bid": bid.pk,
            "entity": bid.entity.name,
            "code": identifier(bid.entity),
            "price": str(prices[bid.pk]),
            "items": {k: str(v) for k, v in parts.items()},
            "technical": str(technical),
            "commercial": str(commercial),
            "price_score": str(price_scores[bid.pk]) if price_scores else None,
            "total": str(total) if total is not None else None,
        }
    ranked = scoring.rank(entries, kind=method.kind, seed=public_seed(evaluation.lot))
    for r in ranked:
        rows[r.key].update(rank=r.rank, decided_by=r.decided_by)
    limit = rules.int_value("works.max_candidates")
    return {
        "failed": False,
        "benchmark": str(benchmark) if benchmark is not None else None,
        "k": str(evaluation.k_value) if evaluation.k_value is not None else None,
        "rows": [rows[r.key] for r in ranked],
        "candidates": [r.key for r in ranked[:limit]],
    }


def _rejected(evaluation: Evaluation) -> list[dict[str, Any]]:
    return [
        {
            "bid": r.bid_id,
            "entity": r.bid.entity.name,
            "reason": r.reason,
            "reason_text": REJECTION_REASONS[r.reason][0],
            "ground": r.ground,
            "votes": [r.votes_for, r.votes_against],
        }
        for r in evaluation.rejections.select_related("bid__entity")
    ]


def _ready(evaluation: Evaluation) -> None:
    members = current_members(evaluation)
    waiting = [m.name for m in members if m.submitted_at is None]
    if waiting:
        raise RuleViolation(
            f"尚有成员未提交评审表：{'、'.join(waiting)}",
            f"{len(waiting)} members have not submitted their sheets",
            code="sheets_outstanding",
        )
    open_flags = evaluation.flags.filter(resolved_at__isnull=True).count()
    if open_flags:
        raise RuleViolation(
            f"尚有 {open_flags} 项否决提示未经委员会处理",
            f"{open_flags} candidates for rejection are undecided",
            code="flags_open",
        )


@transaction.atomic
def conclude(
    *,
    user: User,
    evaluation_id: int,
    reject_all: bool = False,
    ground: str = "",
    ip: str | None = None,
) -> Evaluation:
    """Reach the result. With fewer than three valid bids a works committee may reject all
    (the procedure fails, EVAL_12 Art 27); a procurement tender then must fail (GP Law Art
    36); with none left the procedure fails either way."""
    evaluation = lock(evaluation_id)
    require_status(evaluation, Evaluation.Status.REVIEWING)
    chair_of(user, evaluation)
    _ready(evaluation)
    rejected = set(evaluation.rejections.values_list("bid_id", flat=True))
    valid = [b for b in evaluated_bids(evaluation) if b.pk not in rejected]
    procedure = procedure_of(evaluation.lot.project)
    minimum = rules.int_value(procedure.min_bidders_rule)
    if reject_all and len(valid) >= minimum:
        raise RuleViolation(
            f"有效投标 {len(valid)} 家，不少于 {minimum} 家，不得否决全部投标"
            f"（依据{REJECT_ALL.zh}）",
            f"{len(valid)} valid bids remain; all may be rejected only below {minimum} "
            f"({REJECT_ALL.en})",
            code="reject_all_refused",
        )
    must_fail = not valid or (procedure.family == "gp" and len(valid) < minimum)
    if reject_all or must_fail:
        text = clean_text(
            ground or "有效投标不足，缺乏竞争",
            field="ground",
            max_length=2000,
            multiline=True,
            label_zh="理由",
            label_en="ground",
        )
        result: dict[str, Any] = {"failed": True, "ground": text, "rows": [], "candidates": []}
    else:
        result = compute(evaluation, valid)
    result["valid"] = len(valid)
    result["rejected"] = _rejected(evaluation)
    evaluation.result, evaluation.concluded_at = result, clock.now()
    evaluation.status = Evaluation.Status.CONCLUDED
    evaluation.save(update_fields=["result", "concluded_at", "status"])
    witness(
        evaluation,
        events.EVALUATION_CONCLUDED,
        user,
        {
            "digest": digest_of(result),
            "failed": result["failed"],
            "candidates": result["candidates"],
        },
        ip,
    )
    return evaluation


def divergences(evaluation: Evaluation) -> list[dict[str, Any]]:
    """Items on which a member's score is far from the others' (for the chair to discuss),
    once every current member has submitted. Before that the list would show the scores of
    the members who have submitted to those who have not, so it is empty."""
    method = method_of(evaluation)
    members = current_members(evaluation)
    if not all(m.submitted_at for m in members):
        return []
    fraction = rules.fraction_value("evaluation.divergence_max_fraction")
    by_key: dict[tuple[int, str], dict[int, Decimal]] = {}
    for member_id, bid_id, item, value in Score.objects.filter(member__in=members).values_list(
        "member_id", "bid_id", "item", "value"
    ):
        by_key.setdefault((bid_id, item), {})[member_id] = value
    maxima = {i.id: i.max for i in method.items}
    names = {m.pk: m.name for m in members}
    found = []
    for (bid_id, item), scores in sorted(by_key.items()):
        for member_id in sorted(scoring.divergent(scores, maxima[item], fraction)):
            found.append(
                {
                    "bid": bid_id,
                    "item": item,
                    "member": member_id,
                    "name": names[member_id],
                    "score": str(scores[member_id]),
                    "others": [str(v) for m, v in sorted(scores.items()) if m != member_id],
                }
            )
    return found
