"""Web pages of auctions (thin: parse, call one service or selector, render): the public
list, the bidding hall (which also takes bids without JavaScript), the bidder's
application, the transferor's reserve, and the centre's review and deposit desk."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ggzy.accounts.models import User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.core.http import acting_user, client_ip, flash_error, form_error
from ggzy.entities.selectors import entity_of
from ggzy.kernel.errors import DomainError, Forbidden, NotFound
from ggzy.kernel.money import format_cny, from_fen

from . import hall, selectors, services
from .forms import AuctionForm
from .models import Auction, Registration
from .periods import calendar_note
from .trade_types import Method


def _cny(fen: int | None) -> str:
    return format_cny(from_fen(fen)) if fen is not None else "—"


def auction_list(request: HttpRequest) -> HttpResponse:
    rows = [
        {
            "auction": a,
            "trade": a.trade.name_zh,
            "method": Method(a.method).label[0],
            "price": _cny(a.final_price or a.price or a.start_price),
        }
        for a in selectors.auctions_visible_to(acting_user(request))[:200]
    ]
    user = acting_user(request)
    context = {"rows": rows, "may_register": is_centre_staff(user)}
    return render(request, "auctions/list.html", context)


@login_required
def auction_new(request: HttpRequest) -> HttpResponse:
    """Entry by centre staff (进场登记), for the transferor."""
    user = acting_user(request)
    if not is_centre_staff(user):
        raise Forbidden("只有交易中心工作人员可以登记", "centre staff only")
    form = AuctionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            auction = services.register_auction(
                user=user, data=form.service_data(), ip=client_ip(request)
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("已登记，请出让人/转让方设定底价（如设），再发布公告。"))
            return redirect("auctions:hall", auction_id=auction.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "auctions/new.html", {"form": form}, status=status)


def _hall_context(request: HttpRequest, auction: Auction) -> dict[str, Any]:
    user = acting_user(request)
    own = selectors.own_registration(user, auction)
    entity = entity_of(user) if user.is_authenticated else None
    state = hall.full_state(auction)
    live = state["state"]
    return {
        "auction": auction,
        "calendar_note": calendar_note(auction),
        "trade": auction.trade,
        "method": Method(auction.method).label[0],
        "state": state,
        "bids": state["bids"][::-1],
        "own": own,
        "may_apply": entity is not None
        and own is None
        and entity.pk != auction.transferor_id
        and auction.status == Auction.Status.ANNOUNCED,
        "is_transferor": entity is not None and entity.pk == auction.transferor_id,
        "is_staff": is_centre_staff(user),
        "names": selectors.sees_identities(user, auction),
        "amounts": {
            "start": _cny(auction.start_price),
            "increment": _cny(auction.increment),
            "deposit": _cny(auction.deposit),
            "price": _cny(live["price"]),
            "next": _cny(live["minimum_next"]),
            "final": _cny(auction.final_price),
            "reserve": _cny(auction.reserve),
        },
        "next_yuan": from_fen(live["minimum_next"]) if live["minimum_next"] else "",
        "key": secrets.token_urlsafe(12),
        "winner": auction.winner if auction.status == Auction.Status.SOLD else None,
        "opening": _opening(user, auction),
        "may_pre_empt": own is not None
        and own.pre_emption
        and not own.pre_emption_answer
        and auction.status == Auction.Status.PRE_EMPTION
        and own.pk != auction.winner_id,
    }


def _opening(user: User, auction: Auction) -> dict[str, Any] | None:
    """After the close, while the sealed envelopes wait for the keyholders (开启密封文件):
    how many have handed in their shares, and whether this user is one who still must."""
    if auction.status != Auction.Status.CLOSED or not auction.escrow_threshold:
        return None
    handed = set(auction.shares.values_list("keyholder__user", flat=True).distinct())
    return {
        "handed": len(handed),
        "threshold": auction.escrow_threshold,
        "holders": auction.keyholders.filter(is_active=True).count(),
        "yours": user.is_authenticated
        and user.pk not in handed
        and auction.keyholders.filter(user=user, is_active=True).exists(),
    }


def auction_hall(request: HttpRequest, auction_id: int) -> HttpResponse:
    auction = selectors.get_auction(acting_user(request), auction_id)
    return render(request, "auctions/hall.html", _hall_context(request, auction))


def _act(
    request: HttpRequest, auction_id: int, action: Any, done: str, to: str = "auctions:hall"
) -> HttpResponse:
    try:
        action(acting_user(request))
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, done)
    return redirect(to, auction_id=auction_id)


@login_required
@require_POST
def place_bid(request: HttpRequest, auction_id: int) -> HttpResponse:
    """The form's path for a bid (the page uses the WebSocket when it can)."""
    return _act(
        request,
        auction_id,
        lambda u: services.place_bid(
            user=u,
            auction_id=auction_id,
            amount=request.POST.get("amount", ""),
            key=request.POST.get("key", ""),
            ip=client_ip(request),
        ),
        _("报价已受理。"),
    )


@login_required
@require_POST
def declare(request: HttpRequest, auction_id: int) -> HttpResponse:
    return _act(
        request,
        auction_id,
        lambda u: services.declare(user=u, auction_id=auction_id, ip=client_ip(request)),
        _("已申请参加限时竞价。"),
    )


@login_required
@require_POST
def apply(request: HttpRequest, auction_id: int) -> HttpResponse:
    return _act(
        request,
        auction_id,
        lambda u: services.apply(
            user=u,
            auction_id=auction_id,
            statement=request.POST.get("statement", ""),
            ip=client_ip(request),
        ),
        _("竞买申请已提交，请等待审查并缴纳保证金。"),
    )


@login_required
@require_POST
def pre_emption(request: HttpRequest, auction_id: int) -> HttpResponse:
    exercise = request.POST.get("exercise") == "1"
    return _act(
        request,
        auction_id,
        lambda u: services.answer_pre_emption(
            user=u, auction_id=auction_id, exercise=exercise, ip=client_ip(request)
        ),
        _("已行使优先购买权。") if exercise else _("已放弃优先购买权。"),
    )


@login_required
@require_POST
def seal_reserve(request: HttpRequest, auction_id: int) -> HttpResponse:
    return _act(
        request,
        auction_id,
        lambda u: services.seal_reserve(
            user=u,
            auction_id=auction_id,
            amount=request.POST.get("amount", ""),
            ip=client_ip(request),
        ),
        _("底价已密封，竞价结束前任何人无法查看。"),
    )


@login_required
@require_POST
def announce(request: HttpRequest, auction_id: int) -> HttpResponse:
    return _act(
        request,
        auction_id,
        lambda u: services.announce(user=u, auction_id=auction_id, ip=client_ip(request)),
        _("公告已发布。"),
    )


@login_required
def desk(request: HttpRequest, auction_id: int) -> HttpResponse:
    """The centre's desk: applications to review and deposits to confirm (identities shown)."""
    user = acting_user(request)
    auction = selectors.get_auction(user, auction_id)
    if not selectors.sees_identities(user, auction):
        raise Forbidden("仅限交易中心及监管人员", "centre staff and supervisors only")
    registrations = selectors.registrations_of(user, auction)
    return render(
        request,
        "auctions/desk.html",
        {
            "auction": auction,
            "registrations": registrations,
            "is_staff": is_centre_staff(user),
            "pre_emption": auction.trade.pre_emption,
        },
    )


def _desk_act(request: HttpRequest, registration_id: int, action: Any, done: str) -> HttpResponse:
    rows = Registration.objects.filter(pk=registration_id)
    auction_id = rows.values_list("auction_id", flat=True).first()
    if auction_id is None:
        raise NotFound("竞买申请不存在", "no such application")
    return _act(request, auction_id, action, done, to="auctions:desk")


@login_required
@require_POST
def review(request: HttpRequest, registration_id: int) -> HttpResponse:
    return _desk_act(
        request,
        registration_id,
        lambda u: services.review(
            user=u,
            registration_id=registration_id,
            accept=request.POST.get("accept") == "1",
            note=request.POST.get("note", ""),
            pre_emption=request.POST.get("pre_emption") == "1",
            weight=request.POST.get("weight") or None,
            ip=client_ip(request),
        ),
        _("审查结果已记录。"),
    )


@login_required
@require_POST
def confirm_deposit(request: HttpRequest, registration_id: int) -> HttpResponse:
    return _desk_act(
        request,
        registration_id,
        lambda u: services.confirm_deposit(
            user=u,
            registration_id=registration_id,
            kind=request.POST.get("kind", ""),
            amount=request.POST.get("amount", ""),
            reference=request.POST.get("reference", ""),
            ip=client_ip(request),
        ),
        _("保证金已确认。"),
    )
