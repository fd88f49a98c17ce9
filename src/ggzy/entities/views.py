"""Web pages for market entities (thin: parse, authorise, call a service or a selector)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ggzy.accounts.access import OVERSIGHT_ONLY, centre_only
from ggzy.core.http import acting_user, client_ip, flash_error, form_error
from ggzy.kernel.errors import DomainError, Forbidden

from . import selectors, services
from .forms import EntityFieldsForm, QualificationForm, RegisterForm, ReturnForm, StaffForm
from .models import MarketEntity
from .uploads import CONTENT_TYPES

View = Callable[..., HttpResponse]


def entity_member(view: Callable[..., HttpResponse]) -> View:
    """Pass the user's own entity to the view; refuse users without one."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        entity = selectors.entity_of(acting_user(request))
        if entity is None:
            raise Forbidden(
                "此页面仅供已注册的市场主体用户使用。",
                "this page is for registered market entities' users only",
                code="entity_users_only",
            )
        return view(request, entity, *args, **kwargs)

    return wrapper


# --- public registration -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.register_entity(
                data=form.entity_data(),
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                ip=client_ip(request),
            )
        except DomainError as exc:
            form_error(form, exc, aliases={"password": "password1"})
        else:
            context = {"entity": result.entity, "account": result.user, "receipt": result.receipt}
            return render(request, "entities/registered.html", context)
    return render(request, "entities/register.html", {"form": form})


# --- the entity's own pages ----------------------------------------------------------------


@entity_member
def mine(request: HttpRequest, entity: MarketEntity) -> HttpResponse:
    context = selectors.entity_page(entity)
    context["certificates"] = selectors.certificates_of(acting_user(request))
    return render(request, "entities/mine.html", context)


@entity_member
@require_http_methods(["GET", "POST"])
def change(request: HttpRequest, entity: MarketEntity) -> HttpResponse:
    initial = selectors.live_data(entity)
    form = EntityFieldsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            revision = services.submit_change(
                user=acting_user(request),
                entity_id=entity.pk,
                changes=form.entity_data(),
                ip=client_ip(request),
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request, _("变更已提交（第%(n)s版），等待交易中心审核。") % {"n": revision.number}
            )
            return redirect("entities:mine")
    return render(request, "entities/change.html", {"form": form, "entity": entity})


def _add_item(
    request: HttpRequest,
    entity: MarketEntity,
    form: forms.Form,
    *,
    add: Callable[..., object],
    added: str,
    template: str,
) -> HttpResponse:
    """Add a qualification or staff member to the entity's open submission."""
    if request.method == "POST" and form.is_valid():
        try:
            add(
                user=acting_user(request),
                entity_id=entity.pk,
                ip=client_ip(request),
                **form.cleaned_data,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, added)
            return redirect("entities:mine")
    return render(request, template, {"form": form, "entity": entity})


@entity_member
@require_http_methods(["GET", "POST"])
def add_qualification(request: HttpRequest, entity: MarketEntity) -> HttpResponse:
    return _add_item(
        request,
        entity,
        QualificationForm(request.POST or None, request.FILES or None),
        add=services.add_qualification,
        added=_("资质已添加，将随本次提交一并审核。"),
        template="entities/qualification_form.html",
    )


@entity_member
@require_http_methods(["GET", "POST"])
def add_staff(request: HttpRequest, entity: MarketEntity) -> HttpResponse:
    return _add_item(
        request,
        entity,
        StaffForm(request.POST or None),
        add=services.add_staff_member,
        added=_("人员已添加，将随本次提交一并审核。"),
        template="entities/staff_form.html",
    )


@login_required
def qualification_file(request: HttpRequest, qualification_id: int) -> HttpResponseBase:
    """The scanned certificate, for the entity itself and for staff who may see it."""
    qualification = selectors.qualification_for(acting_user(request), qualification_id)
    response = FileResponse(
        qualification.file.open("rb"),
        content_type=CONTENT_TYPES.get(qualification.file_type, "application/octet-stream"),
        filename=f"qualification-{qualification.pk}.{qualification.file_type}",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- centre staff: review ------------------------------------------------------------------


@centre_only
def review_list(request: HttpRequest) -> HttpResponse:
    revisions = selectors.pending_revisions(acting_user(request))
    return render(request, "entities/review_list.html", {"revisions": revisions})


@centre_only
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, revision_id: int) -> HttpResponse:
    user = acting_user(request)
    view = selectors.review_view(user, revision_id)
    action = request.POST.get("action")
    form = ReturnForm(request.POST if action == "return" else None)
    if request.method == "POST":
        try:
            if action == "approve":
                services.approve(reviewer=user, revision_id=revision_id, ip=client_ip(request))
                messages.success(request, _("已审核通过。"))
                return redirect("entities:review-list")
            if action == "return" and form.is_valid():
                services.return_for_revision(
                    reviewer=user,
                    revision_id=revision_id,
                    reason=form.cleaned_data["reason"],
                    ip=client_ip(request),
                )
                messages.success(request, _("已退回，并已通知该市场主体。"))
                return redirect("entities:review-list")
        except DomainError as exc:
            if action == "return":
                form_error(form, exc)
            else:
                flash_error(request, exc)
            view = selectors.review_view(user, revision_id)
    entity_context = selectors.entity_page(view.revision.entity)
    context = {**entity_context, "view": view, "form": form}
    return render(request, "entities/review.html", context)


# --- read-only lists for centre staff, supervisors and oversight -------------------------------


@login_required
def entity_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not selectors.can_read_all(user):
        raise Forbidden(*OVERSIGHT_ONLY, code="oversight_only")
    entities = selectors.entities_visible_to(user).order_by("-created_at")[:500]
    return render(request, "entities/list.html", {"entities": entities})


@login_required
def entity_detail(request: HttpRequest, entity_id: int) -> HttpResponse:
    user = acting_user(request)
    entity = selectors.get_entity(user, entity_id)
    return render(request, "entities/detail.html", selectors.entity_page(entity))
