"""Who sees what of an auction. The public and the bidders see bidder numbers only; who
stands behind a number is for the centre, the supervising department and oversight, and for
everyone once the result is out (the winner is named in the result notice)."""

from __future__ import annotations

from django.db.models import QuerySet

from ggzy.accounts.models import Role, User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.entities.selectors import entity_of
from ggzy.kernel.errors import Forbidden, NotFound

from .models import Auction, AuctionBid, Registration


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
