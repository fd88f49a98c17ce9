"""Pages of the trading catalogue: the public catalogue and, for provincial centre staff,
the management of versions (drafts, items, publication). Thin: forms parse, services act."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ggzy.accounts.models import User
from ggzy.core.http import flash_error, form_error, requires
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, DomainError

from . import selectors, services
from .forms import DraftForm, ItemForm, PublishForm
from .models import CatalogueVersion

View = Callable[..., HttpResponse]


manager_required = requires(
    selectors.can_manage,
    "只有省级公共资源交易中心工作人员可以编辑或发布交易目录。",
    "only provincial trading-centre staff may edit or publish the trading catalogue",
    code="catalogue_managers_only",
)


def _version(user: Any, pk: int) -> CatalogueVersion:
    return selectors.version_for(user, pk)


def _parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def public(request: HttpRequest) -> HttpResponse:
    """The catalogue in force today (or on ?on=YYYY-MM-DD), and the version history."""
    asked = request.GET.get("on", "").strip()
    day = _parse_day(asked)
    if asked and day is None:
        messages.warning(request, _("日期格式应为 YYYY-MM-DD，已显示今天生效的目录。"))
    day = day or clock.today()
    version = selectors.current_version(day)
    return _render_version(request, version, day=day)


def version_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One published or superseded version (drafts open in the management pages)."""
    version = _version(None, pk)
    return _render_version(request, version, day=None)


def _render_version(
    request: HttpRequest, version: CatalogueVersion | None, *, day: date | None
) -> HttpResponse:
    context = {
        "version": version,
        "groups": selectors.grouped_items(version) if version else [],
        "history": selectors.history(),
        "day": day,
        "today": clock.today(),
        "can_manage": selectors.can_manage(request.user),
    }
    return render(request, "catalogue/public.html", context)


@manager_required
def manage(request: HttpRequest) -> HttpResponse:
    """All versions, and a form to start a new draft."""
    user: User = request.user  # type: ignore[assignment]
    form = DraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.create_draft(
                actor_user=user,
                title=form.cleaned_data["title"],
                document_number=form.cleaned_data["document_number"],
                based_on=form.cleaned_data["based_on"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("已创建第%(number)s版草稿。") % {"number": draft.number})
            return redirect("catalogue:manage_version", pk=draft.pk)
    context = {"form": form, "versions": selectors.versions_visible_to(user)}
    return render(request, "catalogue/manage.html", context, status=400 if form.errors else 200)


def _render_manage_version(
    request: HttpRequest,
    version: CatalogueVersion,
    *,
    item_form: ItemForm | None = None,
    publish_form: PublishForm | None = None,
) -> HttpResponse:
    if item_form is None:
        code = request.GET.get("item", "")
        item = version.items.select_related("category").filter(code=code).first() if code else None
        item_form = ItemForm(initial=ItemForm.initial_for(item) if item else None)
    context = {
        "version": version,
        "items": selectors.items_of(version),
        "item_form": item_form,
        "publish_form": publish_form or PublishForm(initial={"effective_from": clock.today()}),
        "editing": request.GET.get("item", ""),
    }
    bad = bool(item_form.errors or (publish_form and publish_form.errors))
    return render(request, "catalogue/manage_version.html", context, status=400 if bad else 200)


@manager_required
def manage_version(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_manage_version(request, _version(request.user, pk))


@manager_required
@require_POST
def save_item(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    version = _version(user, pk)
    form = ItemForm(request.POST)
    if form.is_valid():
        try:
            item, created = services.upsert_item(
                actor_user=user, version=version, code=form.cleaned_data["code"], spec=form.spec()
            )
        except Conflict as exc:  # the version is no longer a draft
            flash_error(request, exc)
            return redirect("catalogue:manage_version", pk=version.pk)
        except DomainError as exc:
            form_error(form, exc)
        else:
            text = _("已添加事项 %(code)s。") if created else _("已修改事项 %(code)s。")
            messages.success(request, text % {"code": item.code})
            return redirect("catalogue:manage_version", pk=version.pk)
    return _render_manage_version(request, version, item_form=form)


@manager_required
@require_POST
def remove_item(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    version = _version(user, pk)
    try:
        services.remove_item(actor_user=user, version=version, code=code)
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("已删除事项 %(code)s。") % {"code": code})
    return redirect("catalogue:manage_version", pk=version.pk)


@manager_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    version = _version(user, pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            services.publish(
                actor_user=user, version=version, effective_from=form.cleaned_data["effective_from"]
            )
        except Conflict as exc:
            flash_error(request, exc)
            return redirect("catalogue:manage_version", pk=version.pk)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("第%(number)s版目录已发布，自%(day)s起生效。")
                % {"number": version.number, "day": form.cleaned_data["effective_from"]},
            )
            return redirect("catalogue:manage_version", pk=version.pk)
    return _render_manage_version(request, version, publish_form=form)


@manager_required
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    version = _version(user, pk)
    try:
        services.discard_draft(actor_user=user, version=version)
    except DomainError as exc:
        flash_error(request, exc)
        return redirect("catalogue:manage_version", pk=version.pk)
    messages.success(request, _("已删除第%(number)s版草稿。") % {"number": version.number})
    return redirect("catalogue:manage")
