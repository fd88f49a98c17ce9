"""Reads about deposits, scoped to who is asking (最小权限).

Centre staff and oversight see the lots of the centres in their region; a supervisor sees the
projects its department supervises; an entity's users see their own entity's deposits. Who
paid a deposit tells who is bidding, which stays confidential until the opening (Law Art
22), so supervisors and oversight see deposits only once the bid deadline has passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse

from ggzy.accounts.models import Role, User
from ggzy.accounts.selectors import is_centre_staff, region_prefix
from ggzy.kernel import clock
from ggzy.kernel.errors import NotFound
from ggzy.kernel.money import ZERO, format_cny
from ggzy.tendering.models import Lot
from ggzy.workspace.todo import Todo, todo

from .models import Deposit, Kind, Status
from .periods import refund_rule

# Deposits that count towards a lot's requirement: received and not owed back.
ON_HAND = (Status.HELD, Status.FORFEITABLE)


def _staff_scope(user: User, project: str) -> Q | None:
    """The projects a staff user may see (``project`` is the lookup path), or None."""
    if not user.is_authenticated:
        return None
    if user.is_superuser or user.role == Role.ADMIN:
        return Q()
    if user.role in (Role.CENTRE, Role.OVERSIGHT):
        prefix = region_prefix(user)
        if prefix is None:
            return None
        return Q(**{f"{project}__centre__region__code__startswith": prefix})
    if user.role == Role.SUPERVISOR and user.organisation_id is not None:
        return Q(**{f"{project}__supervisor": user.organisation_id})
    return None


def lots_visible_to(user: User) -> QuerySet[Lot]:
    lots = Lot.objects.select_related("project")
    scope = _staff_scope(user, "project")
    if scope is not None:
        return lots.filter(scope)
    if user.is_authenticated and user.role == Role.ENTITY:
        return lots.exclude(status=Lot.Status.DRAFT)
    return lots.none()


def get_lot(user: User, lot_id: int) -> Lot:
    lot = lots_visible_to(user).filter(pk=lot_id).first()
    if lot is None:
        raise NotFound(
            f"标段/包 {lot_id} 不存在或无权查看",
            f"no lot {lot_id}, or you may not see it",
            field="lot",
        )
    return lot


def visible_to(user: User) -> QuerySet[Deposit]:
    deposits = Deposit.objects.select_related("lot", "lot__project", "entity")
    scope = _staff_scope(user, "lot__project")
    if scope is not None:
        if user.role in (Role.SUPERVISOR, Role.OVERSIGHT):
            scope &= Q(lot__project__bid_deadline__lte=clock.now())
        return deposits.filter(scope)
    if user.is_authenticated:
        return deposits.filter(entity__users__user=user)
    return deposits.none()


def overdue(user: User) -> QuerySet[Deposit]:
    """Refunds past their due date and not yet made, oldest first; then refunds owed whose
    due date the holiday calendar cannot compute yet (its year is not entered)."""
    return (
        visible_to(user)
        .filter(status=Status.REFUND_DUE)
        .filter(Q(refund_due_on__lt=clock.today()) | Q(refund_due_on__isnull=True))
        .order_by("refund_due_on", "id")
    )


def lots_with_deposits(user: User) -> QuerySet[Lot]:
    """Visible lots that hold any deposit, with the bidders and the amount on hand."""
    on_hand = Q(deposits__status__in=ON_HAND)
    return (
        lots_visible_to(user)
        .filter(deposits__isnull=False)
        .annotate(
            bidders=Count("deposits__entity", distinct=True),
            on_hand=Sum("deposits__amount", filter=on_hand),
        )
        .order_by("-project__bid_deadline", "-id")
    )


@dataclass(frozen=True)
class Summary:
    """One bidder's deposit on one lot, as the opening record shows it."""

    entity_id: int
    total: Decimal
    sufficient: bool
    kinds: tuple[str, ...]
    text: str


def _describe(deposit: Deposit) -> str:
    amount = format_cny(deposit.amount)
    if deposit.kind == Kind.GUARANTEE:
        return f"电子保函 No.{deposit.guarantee_no} {amount}"
    return f"银行转账 {amount}"


def summarise(required: Decimal, deposits: Iterable[Deposit]) -> dict[int, Summary]:
    """Each bidder's deposits added up; sufficient when the total reaches ``required``."""
    by_entity: dict[int, list[Deposit]] = {}
    for deposit in deposits:
        by_entity.setdefault(deposit.entity_id, []).append(deposit)
    summaries = {}
    for entity_id, items in by_entity.items():
        total = sum((d.amount for d in items), ZERO)
        summaries[entity_id] = Summary(
            entity_id=entity_id,
            total=total,
            sufficient=total >= required,
            kinds=tuple(dict.fromkeys(d.kind for d in items)),
            text="；".join(_describe(d) for d in items),
        )
    return summaries


def for_lot(lot: Lot) -> dict[int, Summary]:
    """Every bidder's deposits on hand for ``lot``, keyed by entity id (for the opening)."""
    deposits = Deposit.objects.filter(lot=lot, status__in=ON_HAND).order_by("recorded_at", "id")
    return summarise(lot.deposit_amount, deposits)


# --- to-dos (待办事项) ----------------------------------------------------------------------


def todos(user: User) -> list[Todo]:
    """Refunds owed: centre staff make them; supervisors and oversight chase the overdue
    ones; a bidder sees what is owed back to it. Each cites the rule that sets its date."""
    if not user.is_authenticated:
        return []
    if is_centre_staff(user):
        owed = visible_to(user).filter(status=Status.REFUND_DUE)
        return [
            _refund(d, "refund", "退还投标保证金", "Refund a deposit", staff=True) for d in owed
        ]
    if user.role in (Role.SUPERVISOR, Role.OVERSIGHT):
        late = overdue(user).filter(refund_due_on__isnull=False)
        zh, en = "督促退还逾期的投标保证金", "Chase an overdue deposit refund"
        return [_refund(d, "refund_overdue", zh, en, staff=False) for d in late]
    owed = visible_to(user).filter(status=Status.REFUND_DUE)
    zh, en = "投标保证金待退还给本单位", "Deposit to be refunded to you"
    return [_refund(d, "refund_owed", zh, en, staff=False) for d in owed]


def _refund(deposit: Deposit, kind: str, zh: str, en: str, *, staff: bool) -> Todo:
    """Centre staff act on the lot's deposits page; the others read the project's page."""
    lot = deposit.lot
    link = (
        reverse("deposits:lot", args=[lot.pk])
        if staff
        else reverse("tendering:project", args=[lot.project_id])
    )
    who = deposit.entity.name
    return todo(
        f"deposits.{kind}",
        f"{zh}（{who}，{format_cny(deposit.amount)}）",
        f"{en} ({who}, CNY {deposit.amount})",
        code=lot.code,
        name=f"{lot.project.name} {lot.name}",
        link=link,
        deadline=deposit.refund_due_on,
        rule=refund_rule(deposit),
        since=deposit.refund_from,
    )
