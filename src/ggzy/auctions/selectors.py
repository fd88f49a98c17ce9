"""Who sees what of an auction. The public and the bidders see bidder numbers only; who
stands behind a number is for the centre, the supervising department and oversight, and for
everyone once the result is out (the winner is named in the result notice)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from ggzy.accounts.access import centre_desk
from ggzy.accounts.models import Role, User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.entities.models import MarketEntity
from ggzy.entities.selectors import entity_of
from ggzy.kernel.errors import Forbidden, NotFound
from ggzy.tendering.models import Keyholder
from ggzy.workspace.todo import Todo, todo

from .engine import Phase
from .models import Auction, AuctionBid, Registration, SealedBid
from .trade_types import Method


def sees_identities(user: User, auction: Auction) -> bool:
    if not user.is_authenticated:
        return False
    return (
        is_centre_staff(user)
        or user.role == Role.OVERSIGHT
        or (user.role == Role.SUPERVISOR and user.organisation_id == auction.supervisor_id)
    )


def auctions_visible_to(user: User) -> QuerySet[Auction]:
    rows = Auction.objects.select_related("region", "centre", "transferor")
    if user.is_authenticated and is_centre_staff(user):
        return rows
    return rows.exclude(status=Auction.Status.DRAFT)


def get_auction(user: User, auction_id: int) -> Auction:
    found = auctions_visible_to(user).filter(pk=auction_id).first()
    if found is None:
        raise NotFound("竞价项目不存在", "no such auction", code="auction_not_found")
    return found


def own_registration(user: User, auction: Auction) -> Registration | None:
    entity = entity_of(user) if user.is_authenticated else None
    if entity is None:
        return None
    return Registration.objects.filter(auction=auction, entity=entity).first()


def registrations_of(user: User, auction: Auction) -> QuerySet[Registration]:
    rows = Registration.objects.filter(auction=auction).select_related("entity")
    if sees_identities(user, auction):
        return rows
    own = own_registration(user, auction)
    return rows.filter(pk=own.pk if own else -1)


def get_registration(user: User, registration_id: int) -> Registration:
    found = Registration.objects.select_related("auction", "entity").filter(pk=registration_id)
    registration = found.first()
    if registration is None or not registrations_of(user, registration.auction).filter(
        pk=registration_id
    ):
        raise NotFound("竞买申请不存在", "no such application", code="registration_not_found")
    return registration


def bids_after(auction: Auction, after: int, limit: int) -> QuerySet[AuctionBid]:
    return AuctionBid.objects.filter(auction=auction, seq__gt=after).order_by("seq")[:limit]


def may_read_confirmation(user: User, auction: Auction) -> bool:
    if sees_identities(user, auction):
        return True
    entity = entity_of(user) if user.is_authenticated else None
    if entity is None:
        return False
    winner = auction.winner
    return entity.pk == auction.transferor_id or (
        winner is not None and winner.entity_id == entity.pk
    )


def require_confirmation_reader(user: User, auction: Auction) -> None:
    if not may_read_confirmation(user, auction):
        raise Forbidden(
            "成交确认书仅向出让人/转让方、竞得人及监管人员提供",
            "the confirmation is for the transferor, the winner and the supervisors",
            code="not_a_party",
        )


def require_keyholder_after_close(user: User, auction: Auction) -> None:
    """The sealed envelopes' headers go to this sale's keyholders, and only after the close:
    before it, even their number would tell who bid."""
    holder = user.is_authenticated and auction.keyholders.filter(user=user, is_active=True)
    if not holder or auction.status != Auction.Status.CLOSED:
        raise Forbidden(
            "密封文件仅在竞价结束后向本项目的密钥托管方提供",
            "the sealed envelopes go to this sale's keyholders, after bidding has ended",
            code="not_keyholder",
        )


# --- to-dos (待办事项) ----------------------------------------------------------------------

PRE_EMPTION_RULE = "auctions.pre_emption_window_hours"


def todos(user: User) -> list[Todo]:
    """Centre staff: applications to review and deposits to confirm on their centre's sales.
    A keyholder: the sealed envelopes of closed sales. A buyer: its applications, the
    bidding periods it may bid in, and a pre-emption right to answer."""
    if not user.is_authenticated:
        return []
    found = _shares(user)
    desk = centre_desk(user)
    if desk is not None:
        found += _desk(user, desk)
    entity = entity_of(user)
    if entity is not None:
        found += _buyer(user, entity)
    return found


def _sale_todo(
    auction: Auction,
    kind: str,
    zh: str,
    en: str,
    due: datetime | None = None,
    *,
    link: str = "auctions:hall",
    rule: str | None = None,
) -> Todo:
    return todo(
        f"auctions.{kind}",
        zh,
        en,
        code=auction.code,
        name=auction.title,
        link=reverse(link, args=[auction.pk]),
        deadline=due,
        rule=rule,
    )


def _shares(user: User) -> list[Todo]:
    holders = Keyholder.objects.filter(user=user, is_active=True)
    closed = (
        auctions_visible_to(user)
        .filter(status=Auction.Status.CLOSED, keyholders__in=holders)
        .exclude(shares__keyholder__in=holders)
        .distinct()
    )
    zh, en = "开启密封文件：提交密钥份额", "Hand in your key shares for the sealed envelopes"
    return [_sale_todo(auction, "shares", zh, en) for auction in closed]


def _desk(user: User, desk: Q) -> list[Todo]:
    """Applications close with the free period, and with them the desk's work."""
    sales = auctions_visible_to(user).filter(desk, status=Auction.Status.ANNOUNCED)
    waiting = Q(status=Registration.Status.ACCEPTED, deposit_status="")
    counts = {
        row["auction_id"]: row
        for row in Registration.objects.filter(auction__in=sales)
        .values("auction_id")
        .annotate(
            applied=Count("pk", filter=Q(status=Registration.Status.APPLIED)),
            to_confirm=Count("pk", filter=waiting),
        )
    }
    found = []
    for sale in sales.filter(pk__in=counts).order_by("free_ends_at"):
        applied, to_confirm = counts[sale.pk]["applied"], counts[sale.pk]["to_confirm"]
        if applied:
            zh, en = f"审查竞买申请（{applied} 件）", f"Review bid applications ({applied})"
            found.append(
                _sale_todo(sale, "review", zh, en, sale.free_ends_at, link="auctions:desk")
            )
        if to_confirm:
            zh, en = f"确认竞买保证金（{to_confirm} 件）", f"Confirm bid deposits ({to_confirm})"
            found.append(
                _sale_todo(sale, "deposit", zh, en, sale.free_ends_at, link="auctions:desk")
            )
    return found


def _buyer(user: User, entity: MarketEntity) -> list[Todo]:
    own = list(
        Registration.objects.filter(
            entity=entity, auction__in=auctions_visible_to(user)
        ).select_related("auction")
    )
    sealed = set(
        SealedBid.objects.filter(auction__in=[r.auction_id for r in own]).values_list(
            "auction_id", "bidder_no"
        )
    )
    found = []
    for registration in own:
        auction = registration.auction
        handed_in = bool(registration.bidder_no) and (auction.pk, registration.bidder_no) in sealed
        step = _buyer_step(registration, handed_in)
        if step is not None:
            kind, zh, en, due, rule = step
            found.append(_sale_todo(auction, kind, zh, en, due, rule=rule))
    return found


Step = tuple[str, str, str, datetime | None, str | None]


def _buyer_step(registration: Registration, sealed: bool) -> Step | None:
    auction, status = registration.auction, registration.status
    if auction.status == Auction.Status.PRE_EMPTION:
        waiting = registration.pre_emption and not registration.pre_emption_answer
        zh, en = "行使或放弃优先购买权", "Exercise or waive your pre-emption right"
        due = auction.pre_emption_ends_at
        return ("pre_emption", zh, en, due, PRE_EMPTION_RULE) if waiting else None
    if auction.status != Auction.Status.ANNOUNCED:
        return None
    free_ends = auction.free_ends_at
    if status == Registration.Status.APPLIED:
        return ("applied", "竞买申请审查中", "Bid application under review", free_ends, None)
    if status == Registration.Status.ACCEPTED and not registration.deposit_status:
        zh, en = "缴纳竞买保证金（待交易中心确认）", "Pay the bid deposit (the centre confirms it)"
        return ("deposit_due", zh, en, free_ends, None)
    if status != Registration.Status.QUALIFIED:
        return None
    if auction.phase == Phase.TIMED:
        return ("timed", "限时竞价进行中", "Timed bidding under way", auction.deadline, None)
    if auction.phase != Phase.FREE:
        return None
    if auction.method == Method.ONE_SHOT:
        if sealed:
            zh, en = (
                "一次报价截止（已递交，截止前可替换）",
                "Sealed bid in (replaceable until the deadline)",
            )
            return ("sealed_in", zh, en, free_ends, None)
        return ("sealed_due", "递交一次报价（密封）", "Hand in your sealed bid", free_ends, None)
    if auction.method == Method.LISTING:
        return ("listing", "挂牌期截止", "Listing period ends", free_ends, None)
    return ("free", "自由报价期截止", "Free bidding period ends", free_ends, None)
