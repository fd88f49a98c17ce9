"""Candidates for rejection and the committee's rejections (否决投标).

The platform raises what it can see — a price above the ceiling, two prices, no valid
price, a missing deposit (Reg. Art 51), and the collusion presumptions of Reg. Art 40 that
leave traces here: bids made on the same machine, deposits paid from the same account. The
members' own checks raise more. The committee decides each one by vote and records why;
the chair enters the decision.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction

from ggzy.accounts.models import User
from ggzy.deposits.models import Deposit
from ggzy.deposits.selectors import ON_HAND, for_lot
from ggzy.evaluation import events
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import Conflict, InvalidInput, NotFound, RuleViolation
from ggzy.kernel.text import clean_text
from ggzy.tendering.models import Bid

from ..models import Evaluation, Flag, Member, Rejection
from .common import chair_of, current_members, lock, require_status, witness

ART_51 = rules.REG.art(51)
ART_40 = rules.REG.art(40)

# The grounds of Reg. Art 51 (否决投标的情形), by code.
REJECTION_REASONS: dict[str, tuple[str, str]] = {
    "no_seal": ("投标文件未经投标单位盖章和单位负责人签字", "not sealed and signed"),
    "consortium": ("投标联合体没有提交共同投标协议", "consortium without a joint agreement"),
    "unqualified": ("投标人不符合国家或者招标文件规定的资格条件", "bidder not qualified"),
    "two_prices": (
        "同一投标人提交两个以上不同的投标文件或者投标报价",
        "two or more different bids or prices",
    ),
    "price": (
        "投标报价低于成本或者高于招标文件设定的最高投标限价",
        "price below cost or above the ceiling price",
    ),
    "not_responsive": (
        "投标文件没有对招标文件的实质性要求和条件作出响应",
        "not responsive to the documents' substantive requirements",
    ),
    "collusion": ("投标人有串通投标、弄虚作假、行贿等违法行为", "collusion, fraud or bribery"),
}

# The machine traits that identify the computer a bid was made on (dataset 519).
_MACHINE_TRAITS = ("creator_id", "mac", "cpu_id", "disk_serial", "memory_serial")


def evaluated_bids(evaluation: Evaluation) -> list[Bid]:
    """The bids before the committee: those opened (decrypted) at the opening."""
    return list(
        evaluation.lot.bids.filter(status=Bid.Status.DECRYPTED)
        .select_related("entity")
        .order_by("received_at", "pk")
    )


def _price_flags(bid: Bid, ceiling: Decimal | None) -> Iterable[tuple[str, dict[str, Any]]]:
    sheet = bid.price_sheet or {}
    problems = {p["field"] for p in bid.price_sheet_problems}
    extra_prices = sorted(f for f in problems if f != "price" and "price" in f.lower())
    if extra_prices:
        yield Flag.Kind.TWO_PRICES, {"fields": extra_prices}
    if "price" not in sheet:
        yield Flag.Kind.NO_PRICE, {}
    elif ceiling is not None and Decimal(sheet["price"]) > ceiling:
        yield Flag.Kind.ABOVE_CEILING, {"price": sheet["price"], "ceiling": str(ceiling)}


def _shared(bids: list[Bid], key_of: dict[int, list[str]]) -> dict[int, list[dict[str, str]]]:
    """For each bid, the other bidders it shares a key with (a trait value, an account)."""
    holders: dict[str, set[int]] = defaultdict(set)
    for bid in bids:
        for key in key_of.get(bid.pk, []):
            holders[key].add(bid.pk)
    names = {b.pk: b.entity.name for b in bids}
    shared: dict[int, list[dict[str, str]]] = defaultdict(list)
    for key, group in sorted(holders.items()):
        if len(group) < 2:
            continue
        for pk in sorted(group):
            others = "、".join(names[o] for o in sorted(group - {pk}))
            shared[pk].append({"key": key, "with": others})
    return shared


def _traits(bid: Bid) -> list[str]:
    return [f"{t}={v}" for t in _MACHINE_TRAITS if (v := str(bid.fingerprint.get(t, "")))]


def _accounts(evaluation: Evaluation, bids: list[Bid]) -> dict[int, list[str]]:
    by_entity = {b.entity_id: b.pk for b in bids}
    accounts: dict[int, list[str]] = defaultdict(list)
    rows = Deposit.objects.filter(lot=evaluation.lot, status__in=ON_HAND).exclude(payer_account="")
    for entity_id, account in rows.values_list("entity_id", "payer_account"):
        if entity_id in by_entity:
            accounts[by_entity[entity_id]].append(f"account={account}")
    return accounts


def raise_automatic_flags(evaluation: Evaluation) -> int:
    """Raise what the platform can see; returns how many flags were raised."""
    lot, now = evaluation.lot, clock.now()
    bids = evaluated_bids(evaluation)
    flags: list[Flag] = []

    def add(bid: Bid, kind: str, detail: dict[str, Any]) -> None:
        flags.append(Flag(evaluation=evaluation, bid=bid, kind=kind, detail=detail, raised_at=now))

    deposits = for_lot(lot) if lot.deposit_amount > 0 else {}
    machines = _shared(bids, {b.pk: _traits(b) for b in bids})
    accounts = _shared(bids, _accounts(evaluation, bids))
    for bid in bids:
        for kind, detail in _price_flags(bid, lot.ceiling_price):
            add(bid, kind, detail)
        summary = deposits.get(bid.entity_id)
        if lot.deposit_amount > 0 and (summary is None or not summary.sufficient):
            paid = str(summary.total) if summary else "0"
            add(bid, Flag.Kind.DEPOSIT, {"required": str(lot.deposit_amount), "paid": paid})
        if bid.pk in machines:
            add(bid, Flag.Kind.SAME_FINGERPRINT, {"shared": machines[bid.pk]})
        if bid.pk in accounts:
            add(bid, Flag.Kind.SAME_ACCOUNT, {"shared": accounts[bid.pk]})
    Flag.objects.bulk_create(flags)
    return len(flags)


def raise_check_flags(evaluation: Evaluation, members: list[Member]) -> int:
    """After every member has submitted: a bid that a majority failed on a pass/fail item
    becomes a candidate for rejection (少数服从多数)."""
    from ..models import CheckResult

    failed: dict[tuple[int, str], list[str]] = defaultdict(list)
    rows = CheckResult.objects.filter(member__in=members, passed=False).values_list(
        "bid_id", "item", "reason"
    )
    for bid_id, item, reason in rows:
        failed[(bid_id, item)].append(reason)
    by_bid: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for (bid_id, item), reasons in sorted(failed.items()):
        if len(reasons) * 2 > len(members):
            by_bid[bid_id].append({"item": item, "votes": len(reasons), "reasons": reasons})
    rejected = set(evaluation.rejections.values_list("bid_id", flat=True))
    now = clock.now()
    new = [
        Flag(
            evaluation=evaluation,
            bid_id=bid_id,
            kind=Flag.Kind.CHECK_FAILED,
            detail={"items": items},
            raised_at=now,
        )
        for bid_id, items in by_bid.items()
        if bid_id not in rejected
        and not Flag.objects.filter(
            evaluation=evaluation, bid_id=bid_id, kind=Flag.Kind.CHECK_FAILED
        ).exists()
    ]
    Flag.objects.bulk_create(new)
    return len(new)


def withdraw_check_flags(evaluation: Evaluation) -> list[int]:
    """Undecided candidates raised by the members' checks are withdrawn when a sheet they
    counted changes (a replacement, a returned sheet); the checks are counted again once
    every current member has submitted. Returns the withdrawn flags' ids."""
    pending = evaluation.flags.filter(kind=Flag.Kind.CHECK_FAILED, resolved_at__isnull=True)
    withdrawn = list(pending.values_list("pk", flat=True))
    Flag.objects.filter(pk__in=withdrawn).delete()
    return withdrawn


def _votes(evaluation: Evaluation, votes_for: object, votes_against: object) -> tuple[int, int]:
    size = len(current_members(evaluation))
    if (
        not isinstance(votes_for, int)
        or not isinstance(votes_against, int)
        or isinstance(votes_for, bool)
        or isinstance(votes_against, bool)
    ):
        raise InvalidInput("票数须为整数", "votes must be whole numbers", field="votes_for")
    if votes_for < 0 or votes_against < 0 or votes_for + votes_against != size:
        raise InvalidInput(
            f"同意票与反对票之和须等于在任成员人数 {size}",
            f"votes for and against must add up to the {size} current members",
            field="votes_for",
        )
    return votes_for, votes_against


def _reason(code: object) -> str:
    if not isinstance(code, str) or code not in REJECTION_REASONS:
        listed = "；".join(f"{k}：{v[0]}" for k, v in REJECTION_REASONS.items())
        raise InvalidInput(
            f"否决情形须为{ART_51.zh}所列之一：{listed}",
            f"the reason must be one of {ART_51.en}: {', '.join(REJECTION_REASONS)}",
            field="reason",
        )
    return code


def _ground(text: str) -> str:
    return clean_text(
        text,
        field="ground",
        max_length=2000,
        multiline=True,
        label_zh="否决的事实与理由",
        label_en="ground",
    )


def _reject(
    evaluation: Evaluation, bid: Bid, reason: str, ground: str, votes: tuple[int, int], by: Member
) -> Rejection:
    if Rejection.objects.filter(bid=bid).exists():
        raise Conflict("该投标已被否决", "the bid is already rejected", code="already_rejected")
    now = clock.now()
    rejection = Rejection.objects.create(
        evaluation=evaluation,
        bid=bid,
        reason=reason,
        ground=ground,
        votes_for=votes[0],
        votes_against=votes[1],
        recorded_by=by,
        decided_at=now,
    )
    evaluation.flags.filter(bid=bid, resolved_at__isnull=True).update(
        resolution=Flag.Resolution.REJECTED, resolution_reason=ground, resolved_at=now
    )
    return rejection


def _review_open(evaluation: Evaluation) -> None:
    require_status(evaluation, Evaluation.Status.REVIEWING)


@transaction.atomic
def resolve_flag(
    *,
    user: User,
    flag_id: int,
    votes_for: object,
    votes_against: object,
    ground: str,
    reason: object = None,
    ip: str | None = None,
) -> Flag:
    """The committee's vote on a candidate for rejection: rejected when most vote for it
    (then ``reason`` is the Art 51 ground), otherwise dismissed; ``ground`` says why."""
    found = Flag.objects.filter(pk=flag_id).values_list("evaluation_id", flat=True).first()
    if found is None:
        raise NotFound("否决提示不存在", "no such flag", field="flag")
    evaluation = lock(found)
    _review_open(evaluation)
    chair = chair_of(user, evaluation)
    flag = Flag.objects.select_for_update().select_related("bid").get(pk=flag_id)
    if flag.resolved_at is not None:
        raise Conflict("该提示已处理", "the flag is already resolved", code="flag_resolved")
    votes = _votes(evaluation, votes_for, votes_against)
    text = _ground(ground)
    if votes[0] > votes[1]:
        _reject(evaluation, flag.bid, _reason(reason), text, votes, chair)
        flag.refresh_from_db()
    elif flag.kind == Flag.Kind.NO_PRICE:
        # The price score and the ranking need the price read out at the opening.
        raise RuleViolation(
            f"{flag.bid.entity.name}的开标一览表没有有效的投标报价，无法计算价格分和排序，"
            f"不能不予否决；请按{ART_51.zh}（投标文件未对实质性要求作出响应）表决",
            f"the bid of {flag.bid.entity.name} has no valid price in its price sheet, so it "
            f"can be neither scored nor ranked; it cannot be let through ({ART_51.en}: not "
            f"responsive)",
            code="price_missing",
            field="votes_for",
        )
    else:
        flag.resolution, flag.resolution_reason = Flag.Resolution.DISMISSED, text
        flag.resolved_at = clock.now()
        flag.save(update_fields=["resolution", "resolution_reason", "resolved_at"])
    witness(
        evaluation,
        events.EVALUATION_FLAG_RESOLVED,
        user,
        {"flag": flag.pk, "bid": flag.bid_id, "resolution": flag.resolution, "votes": votes},
        ip,
    )
    return flag


@transaction.atomic
def reject_bid(
    *,
    user: User,
    evaluation_id: int,
    bid_id: int,
    reason: object,
    ground: str,
    votes_for: object,
    votes_against: object,
    ip: str | None = None,
) -> Rejection:
    """A rejection the committee decides on its own motion (not from a flag)."""
    evaluation = lock(evaluation_id)
    _review_open(evaluation)
    chair = chair_of(user, evaluation)
    bid = next((b for b in evaluated_bids(evaluation) if b.pk == bid_id), None)
    if bid is None:
        raise NotFound("该投标不在本次评审范围内", "no such bid under evaluation", field="bid")
    code, text = _reason(reason), _ground(ground)
    votes = _votes(evaluation, votes_for, votes_against)
    if votes[0] <= votes[1]:
        raise RuleViolation(
            f"否决投标须经评标委员会多数同意（同意 {votes[0]}，反对 {votes[1]}）",
            f"a rejection needs a majority of the committee ({votes[0]} for, {votes[1]} against)",
            code="no_majority",
            field="votes_for",
        )
    rejection = _reject(evaluation, bid, code, text, votes, chair)
    witness(
        evaluation,
        events.EVALUATION_BID_REJECTED,
        user,
        {"bid": bid.pk, "reason": code, "votes": votes},
        ip,
    )
    return rejection
