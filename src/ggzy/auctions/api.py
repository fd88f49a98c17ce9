"""REST API for listings, auctions and online bidding, mounted at /api/v1/auctions (thin:
parse, call). Amounts in requests are yuan (``"10200000.00"``); amounts in responses are
whole fen, as in the ledger. Domain errors are mapped in ``ggzy.api``."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from ggzy.accounts.models import User
from ggzy.core.http import acting_user, client_ip
from ggzy.kernel import rules
from ggzy.kernel.errors import InvalidInput
from ggzy.workcalendar.schemas import CalendarNoteOut

from . import hall, selectors, services
from .models import Auction, Registration
from .periods import calendar_note
from .services.results import confirmation_pdf
from .trade_types import all_types

router = Router(tags=["auctions 网上挂牌/拍卖/网络竞价"])


class AuctionIn(Schema):
    trade_type: str
    method: str
    title: str = Field(max_length=200)
    description: str = Field("", max_length=5000)
    transferor_uscc: str = Field(max_length=18)
    centre: int
    supervisor: int
    region: str = Field(max_length=6)
    direction: str = "forward"
    start_price: str = Field(max_length=20)
    increment: str = Field(max_length=20)
    deposit: str = Field(max_length=20)
    starts_at: datetime
    free_ends_at: datetime
    timed_seconds: int | None = None
    keyholders: list[int] = []
    escrow_threshold: int | None = None
    has_reserve: bool | None = None
    weighted: bool = False


class AuctionOut(Schema):
    id: int
    code: str
    trade_type: str
    method: str
    title: str
    description: str
    transferor: str = Field(alias="transferor.name")
    region: str = Field(alias="region_id")
    status: str
    direction: str
    start_price: int
    increment: int
    deposit: int
    has_reserve: bool
    weighted: bool
    escrow_threshold: int
    announce_at: datetime | None
    starts_at: datetime
    free_ends_at: datetime
    timed_seconds: int | None
    reserve: int | None
    final_price: int | None
    outcome: str
    pre_emption_ends_at: datetime | None
    calendar_note: CalendarNoteOut | None

    @staticmethod
    def resolve_calendar_note(obj: Auction) -> dict[str, object] | None:
        return calendar_note(obj)


class AmountIn(Schema):
    amount: str = Field(max_length=20)


class ApplicationIn(Schema):
    statement: str = Field("", max_length=2000)


class ReviewIn(Schema):
    accept: bool
    note: str = Field("", max_length=500)
    pre_emption: bool = False
    weight: str | None = Field(None, max_length=10)


class PreEmptionIn(Schema):
    exercise: bool


class DepositIn(Schema):
    kind: str = Field(max_length=10)
    amount: str = Field(max_length=20)
    reference: str = Field(max_length=64)


class RegistrationOut(Schema):
    id: int
    auction: int = Field(alias="auction_id")
    entity: str | None = None
    status: str
    review_note: str
    deposit_status: str
    bidder_no: str
    pre_emption: bool
    weight: str


class BidIn(Schema):
    amount: str = Field(max_length=20)
    key: str = Field(max_length=64)


class BidOut(Schema):
    seq: int
    bidder_no: str
    amount: int
    at: datetime
    ledger_seq: int


class PlacedOut(BidOut):
    repeated: bool


class SharesIn(Schema):
    shares: dict[str, str]


class SealedIn(Schema):
    envelope: str = Field(max_length=100_000)


class SealedOut(Schema):
    bidder_no: str
    envelope_sha256: str
    submitted_at: datetime
    ledger_seq: int


def _registration(user: User, registration: Registration) -> dict[str, Any]:
    named = selectors.sees_identities(user, registration.auction)
    return {
        "id": registration.pk,
        "auction_id": registration.auction_id,
        "entity": registration.entity.name if named else None,
        "status": registration.status,
        "review_note": registration.review_note,
        "deposit_status": registration.deposit_status,
        "bidder_no": registration.bidder_no,
        "pre_emption": registration.pre_emption,
        "weight": str(registration.weight),
    }


@router.get("/trade-types", auth=None)
def trade_types(request: HttpRequest) -> list[dict[str, Any]]:
    """Every trade type with its methods and the rule (and article) of its periods."""
    return [
        {
            "code": t.code,
            "name_zh": t.name_zh,
            "name_en": t.name_en,
            "category": t.category,
            "methods": [m.value for m in t.methods],
            "announcement_rule": t.announcement_rule,
            "announcement_min": rules.int_value(t.announcement_rule),
            "announcement_unit": rules.get(t.announcement_rule).unit,
            "citation": rules.get(t.announcement_rule).citation_zh,
            "listing_rule": t.listing_rule,
            "reserve": t.reserve,
            "whole_increments": t.whole_increments,
            "reverse": t.reverse,
            "pre_emption": t.pre_emption,
        }
        for t in all_types().values()
    ]


@router.post("", response={201: AuctionOut})
def register(request: HttpRequest, payload: AuctionIn) -> Status[Auction]:
    data = payload.dict(exclude_none=True)
    auction = services.register_auction(user=acting_user(request), data=data, ip=client_ip(request))
    return Status(201, auction)


@router.get("", response=list[AuctionOut], auth=None)
def auctions(request: HttpRequest) -> list[Auction]:
    return list(selectors.auctions_visible_to(request.user)[:200])  # type: ignore[arg-type]


@router.get("/{int:auction_id}", auth=None)
def live(request: HttpRequest, auction_id: int) -> dict[str, Any]:
    """The live state with the latest bids: what the hall sends a (re)connecting watcher."""
    return hall.full_state(selectors.get_auction(request.user, auction_id))  # type: ignore[arg-type]


@router.get("/{int:auction_id}/details", response=AuctionOut, auth=None)
def details(request: HttpRequest, auction_id: int) -> Auction:
    return selectors.get_auction(request.user, auction_id)  # type: ignore[arg-type]


@router.post("/{int:auction_id}/reserve", response=AuctionOut)
def seal_reserve(request: HttpRequest, auction_id: int, payload: AmountIn) -> Auction:
    """The transferor's reserve price, sealed at once to the keyholders (k of n)."""
    return services.seal_reserve(
        user=acting_user(request),
        auction_id=auction_id,
        amount=payload.amount,
        ip=client_ip(request),
    )


@router.post("/{int:auction_id}/announce", response=AuctionOut)
def announce(request: HttpRequest, auction_id: int) -> Auction:
    return services.announce(
        user=acting_user(request), auction_id=auction_id, ip=client_ip(request)
    )


@router.post("/{int:auction_id}/applications", response={201: RegistrationOut})
def apply(request: HttpRequest, auction_id: int, payload: ApplicationIn) -> Status[dict[str, Any]]:
    user = acting_user(request)
    registration = services.apply(
        user=user, auction_id=auction_id, statement=payload.statement, ip=client_ip(request)
    )
    return Status(201, _registration(user, registration))


@router.get("/{int:auction_id}/applications", response=list[RegistrationOut])
def applications(request: HttpRequest, auction_id: int) -> list[dict[str, Any]]:
    user = acting_user(request)
    auction = selectors.get_auction(user, auction_id)
    return [_registration(user, r) for r in selectors.registrations_of(user, auction)]


@router.post("/applications/{int:registration_id}/review", response=RegistrationOut)
def review(request: HttpRequest, registration_id: int, payload: ReviewIn) -> dict[str, Any]:
    user = acting_user(request)
    registration = services.review(
        user=user,
        registration_id=registration_id,
        accept=payload.accept,
        note=payload.note,
        pre_emption=payload.pre_emption,
        weight=payload.weight,
        ip=client_ip(request),
    )
    return _registration(user, registration)


@router.post("/applications/{int:registration_id}/deposit", response=RegistrationOut)
def confirm_deposit(
    request: HttpRequest, registration_id: int, payload: DepositIn
) -> dict[str, Any]:
    user = acting_user(request)
    registration = services.confirm_deposit(
        user=user, registration_id=registration_id, ip=client_ip(request), **payload.dict()
    )
    return _registration(user, registration)


@router.post("/{int:auction_id}/bids", response={200: PlacedOut, 201: PlacedOut})
def place_bid(request: HttpRequest, auction_id: int, payload: BidIn) -> Status[dict[str, Any]]:
    """One bid; acknowledged only once it and its ledger entry are committed. A retry with
    the same key answers 200 with the bid accepted first."""
    placed = services.place_bid(
        user=acting_user(request),
        auction_id=auction_id,
        amount=payload.amount,
        key=payload.key,
        ip=client_ip(request),
    )
    body = {**hall.bid_view(placed.bid), "ledger_seq": placed.bid.ledger_seq}
    return Status(200 if placed.repeated else 201, {**body, "repeated": placed.repeated})


@router.get("/{int:auction_id}/bids", response=list[BidOut], auth=None)
def bids(request: HttpRequest, auction_id: int, after: int = 0, limit: int = 500) -> Any:
    """The anonymous bid history in order, ``after`` a sequence number, up to 1,000."""
    auction = selectors.get_auction(request.user, auction_id)  # type: ignore[arg-type]
    return list(selectors.bids_after(auction, max(after, 0), min(max(limit, 1), 1000)))


@router.post("/{int:auction_id}/declare", response=AuctionOut)
def declare(request: HttpRequest, auction_id: int) -> Auction:
    return services.declare(user=acting_user(request), auction_id=auction_id, ip=client_ip(request))


@router.post("/{int:auction_id}/pre-emption", response=AuctionOut)
def pre_emption(request: HttpRequest, auction_id: int, payload: PreEmptionIn) -> Auction:
    """A holder of a pre-emption right buys at the final price, or declines."""
    return services.answer_pre_emption(
        user=acting_user(request),
        auction_id=auction_id,
        exercise=payload.exercise,
        ip=client_ip(request),
    )


@router.get("/{int:auction_id}/envelopes")
def sealed_envelopes(request: HttpRequest, auction_id: int) -> dict[str, list[dict[str, str]]]:
    """The sealed envelopes' signed headers (the reserve, each sealed bid): a keyholder
    unwraps its shares on its own machine (``ggzy bid escrow-share``) after the close."""
    user = acting_user(request)
    auction = selectors.get_auction(user, auction_id)
    selectors.require_keyholder_after_close(user, auction)
    return {"envelopes": services.envelope_parts(auction)}


@router.post("/{int:auction_id}/shares", response=AuctionOut)
def hand_in_shares(request: HttpRequest, auction_id: int, payload: SharesIn) -> Auction:
    """A keyholder's shares, one per envelope (``{"shares": {"reserve": "…", "bid-7": …}}``)."""
    return services.submit_shares(
        user=acting_user(request),
        auction_id=auction_id,
        shares=payload.shares,
        ip=client_ip(request),
    )


@router.get("/{int:auction_id}/sealing")
def sealing(request: HttpRequest, auction_id: int) -> dict[str, Any]:
    """What a bidder needs to seal a single sealed bid on its own machine."""
    user = acting_user(request)
    auction = selectors.get_auction(user, auction_id)
    own = selectors.own_registration(user, auction)
    return {
        "auction": auction.code,
        "bidder_no": own.bidder_no if own else None,
        "suite": settings.GGZY_CRYPTO_SUITE,
        "threshold": auction.escrow_threshold,
        "keyholders": [h.public_pem for h in auction.keyholders.order_by("pk")],
        "deadline": auction.free_ends_at,
    }


@router.post("/{int:auction_id}/sealed-bids", response={201: SealedOut})
def hand_in_sealed_bid(
    request: HttpRequest, auction_id: int, payload: SealedIn
) -> Status[dict[str, Any]]:
    """A single sealed bid: the envelope from ``sealed_bid.seal_offer``, base64."""
    try:
        container = base64.b64decode(payload.envelope, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(
            "envelope 不是有效的 base64", "envelope is not valid base64", field="envelope"
        ) from None
    bid = services.submit_sealed_bid(
        user=acting_user(request), auction_id=auction_id, container=container, ip=client_ip(request)
    )
    return Status(
        201,
        {
            "bidder_no": bid.bidder_no,
            "envelope_sha256": bid.envelope_sha256,
            "submitted_at": bid.submitted_at,
            "ledger_seq": bid.ledger_seq,
        },
    )


@router.get("/{int:auction_id}/confirmation.pdf")
def confirmation(request: HttpRequest, auction_id: int) -> HttpResponse:
    user = acting_user(request)
    auction = selectors.get_auction(user, auction_id)
    selectors.require_confirmation_reader(user, auction)
    response = HttpResponse(confirmation_pdf(auction), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{auction.code}-confirmation.pdf"'
    return response
