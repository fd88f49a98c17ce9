"""The centre finance page (thin: parse, authorise, call a service or a selector).

Service errors are shown on the form that caused them; nothing here answers with a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ggzy.accounts.access import centre_only
from ggzy.core.http import acting_user, client_ip, form_error
from ggzy.kernel.errors import DomainError

from . import selectors, services
from .forms import GuaranteeForm, RefundedForm, StatementForm, TransferForm

View = Callable[..., HttpResponse]


def _page(request: HttpRequest, status: int = 200, **context: Any) -> HttpResponse:
    """The finance page; ``context`` replaces a blank form with a bound one, or adds a
    statement report."""
    user = acting_user(request)
    page = {
        "transfer_form": TransferForm(user),
        "statement_form": StatementForm(user),
        "guarantee_form": GuaranteeForm(user),
        "refunded_form": RefundedForm(),
        "lots": selectors.lots_with_deposits(user)[:200],
        "overdue": selectors.overdue(user)[:200],
        **context,
    }
    return render(request, "deposits/index.html", page, status=status)


@centre_only
def index(request: HttpRequest) -> HttpResponse:
    return _page(request)


@centre_only
@require_POST
def transfer(request: HttpRequest) -> HttpResponse:
    form = TransferForm(acting_user(request), request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.record_transfer(
                user=acting_user(request),
                lot_id=data.pop("lot").pk,
                entity_id=data.pop("entity").pk,
                ip=client_ip(request),
                **data,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("已登记银行转账。"))
            return redirect("deposits:index")
    return _page(request, transfer_form=form)


@centre_only
@require_POST
def statement(request: HttpRequest) -> HttpResponse:
    form = StatementForm(acting_user(request), request.POST, request.FILES)
    if form.is_valid():
        try:
            report = services.import_statement(
                user=acting_user(request),
                lot_id=form.cleaned_data["lot"].pk,
                csv_file=form.cleaned_data["file"],
                ip=client_ip(request),
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            return _page(request, 200 if report.ok else 422, statement_form=form, report=report)
    return _page(request, statement_form=form)


@centre_only
@require_POST
def guarantee(request: HttpRequest) -> HttpResponse:
    form = GuaranteeForm(acting_user(request), request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.record_guarantee(
                user=acting_user(request),
                lot_id=data.pop("lot").pk,
                entity_id=data.pop("entity").pk,
                ip=client_ip(request),
                **data,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("已登记电子保函。"))
            return redirect("deposits:index")
    return _page(request, guarantee_form=form)


@centre_only
@require_POST
def refunded(request: HttpRequest, deposit_id: int) -> HttpResponse:
    form = RefundedForm(request.POST)
    if form.is_valid():
        try:
            services.mark_refunded(
                user=acting_user(request),
                deposit_id=deposit_id,
                reference=form.cleaned_data["reference"],
                ip=client_ip(request),
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("已登记退还。"))
            return redirect("deposits:index")
    return _page(request, refunded_form=form, refunded_id=deposit_id)


@centre_only
def lot(request: HttpRequest, lot_id: int) -> HttpResponse:
    user = acting_user(request)
    the_lot = selectors.get_lot(user, lot_id)
    summaries = selectors.for_lot(the_lot)
    deposits = list(selectors.visible_to(user).filter(lot=the_lot))
    names = {d.entity_id: d.entity.name for d in deposits}
    context = {
        "lot": the_lot,
        "summaries": [(names.get(entity_id, ""), s) for entity_id, s in summaries.items()],
        "deposits": deposits,
        "refunded_form": RefundedForm(),
    }
    return render(request, "deposits/lot.html", context)
