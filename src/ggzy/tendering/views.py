"""Web pages of tendering (thin: parse, call one service or selector, render).

Every service refusal is shown in the page in Chinese and English; forms keep their input.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ggzy.accounts.models import User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.core.http import acting_user, client_ip, flash_error, form_error
from ggzy.entities.selectors import entity_of
from ggzy.kernel.errors import DomainError, NotFound

from . import selectors, services
from .forms import (
    FIELD_MAP,
    AmendForm,
    AnswerForm,
    DocumentForm,
    NoticeForm,
    ProjectForm,
    TextForm,
)
from .models import Lot, Notice, Objection, Project
from .periods import calendar_note
from .procedures import get as get_procedure
from .services.bids import CHUNK_MAX, receipt
from .services.common import can_host, is_manager


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# --- projects ----------------------------------------------------------------------------


def project_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    projects = selectors.projects_visible_to(user).order_by("-created_at")[:200]
    entity = entity_of(user) if user.is_authenticated else None
    can_register = entity is not None and (entity.is_initiator or entity.is_agent)
    return render(
        request,
        "tendering/project_list.html",
        {"projects": projects, "can_register": can_register},
    )


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.register_project(
                user=user, data=form.service_data(), ip=client_ip(request)
            )
        except DomainError as exc:
            form_error(form, exc, FIELD_MAP)
        else:
            done = _("项目已登记")
            messages.success(request, f"{done}：{result.message_zh} / {result.message_en}")
            if result.split_warning:
                warning = result.split_warning
                messages.warning(request, f"{warning['message_zh']} / {warning['message_en']}")
            return redirect("tendering:project", project_id=result.project.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "tendering/project_new.html", {"form": form}, status=status)


def _project_context(user: User, project: Project, **bound: forms.Form) -> dict[str, Any]:
    manager = user.is_authenticated and is_manager(user, project)
    entity = entity_of(user) if user.is_authenticated else None
    objections = project.objections.select_related("entity").order_by("raised_at")
    if not (manager or selectors.sees_counts(user, project)):
        objections = objections.filter(entity=entity) if entity else objections.none()
    context: dict[str, Any] = {
        "project": project,
        "calendar_note": calendar_note(project),
        "procedure": get_procedure(project.procedure),
        "lots": project.lots.order_by("number"),
        "notices": project.notices.order_by("published_at"),
        "documents": selectors.issued_documents(project),
        "objections": objections,
        "is_manager": manager,
        "is_bidder": entity is not None and entity.is_respondent and not manager,
        "can_host": user.is_authenticated and can_host(user, project),
        "runs_centre": is_centre_staff(user) and user.organisation_id == project.centre_id,
        "document_form": DocumentForm(),
        "notice_form": NoticeForm(),
        "amend_form": AmendForm(),
        "terminate_form": TextForm(prefix="terminate"),
        "objection_form": TextForm(prefix="objection"),
        "answer_form": AnswerForm(),
    }
    if manager:
        context["pending_documents"] = project.documents.filter(issued_at__isnull=True)
    context.update(bound)
    return context


def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    user = acting_user(request)
    project = selectors.get_project(user, project_id)
    return render(request, "tendering/project_detail.html", _project_context(user, project))


def _project_action(
    request: HttpRequest,
    project_id: int,
    form: forms.Form,
    form_name: str,
    action: Callable[[User, forms.Form], Any],
    done: str,
) -> HttpResponse:
    """Validate ``form``, call the service; on a refusal re-render the page with the input."""
    user = acting_user(request)
    project = selectors.get_project(user, project_id)
    if form.is_valid():
        try:
            action(user, form)
        except DomainError as exc:
            form_error(form, exc, FIELD_MAP)
        else:
            messages.success(request, done)
            return redirect("tendering:project", project_id=project_id)
    project.refresh_from_db()
    context = _project_context(user, project, **{form_name: form})
    context["failed_form"] = form_name
    return render(request, "tendering/project_detail.html", context, status=400)


@login_required
@require_POST
def document_upload(request: HttpRequest, project_id: int) -> HttpResponse:
    def act(user: User, form: forms.Form) -> Any:
        d = form.cleaned_data
        return services.upload_document(
            user=user,
            project_id=project_id,
            title=d["title"],
            file=d["file"],
            filename=d["file"].name or "document",
            kind=d["kind"],
            affects_bids=d["affects_bids"],
        )

    form = DocumentForm(request.POST, request.FILES)
    return _project_action(request, project_id, form, "document_form", act, _("文件已上传。"))


@login_required
@require_POST
def notice_publish(request: HttpRequest, project_id: int) -> HttpResponse:
    def act(user: User, form: forms.Form) -> Any:
        return services.publish_tender_notice(
            user=user,
            project_id=project_id,
            ip=client_ip(request),
            **form.service_data(),  # type: ignore[attr-defined]
        )

    form = NoticeForm(request.POST)
    return _project_action(request, project_id, form, "notice_form", act, _("招标公告已发布。"))


@login_required
@require_POST
def amendment(request: HttpRequest, project_id: int) -> HttpResponse:
    def act(user: User, form: forms.Form) -> Any:
        return services.amend(
            user=user,
            project_id=project_id,
            ip=client_ip(request),
            **form.service_data(),  # type: ignore[attr-defined]
        )

    form = AmendForm(request.POST)
    return _project_action(request, project_id, form, "amend_form", act, _("变更公告已发布。"))


@login_required
@require_POST
def terminate(request: HttpRequest, project_id: int) -> HttpResponse:
    def act(user: User, form: forms.Form) -> Any:
        return services.terminate_project(
            user=user,
            project_id=project_id,
            reason=form.cleaned_data["text"],
            ip=client_ip(request),
        )

    form = TextForm(request.POST, prefix="terminate")
    return _project_action(request, project_id, form, "terminate_form", act, _("项目已终止。"))


@login_required
@require_POST
def retender(request: HttpRequest, project_id: int) -> HttpResponse:
    try:
        project = services.retender(
            user=acting_user(request), project_id=project_id, ip=client_ip(request)
        )
    except DomainError as exc:
        flash_error(request, exc)
        return redirect("tendering:project", project_id=project_id)
    messages.success(request, _("已登记重新招标项目。"))
    return redirect("tendering:project", project_id=project.pk)


@login_required
@require_POST
def objection_raise(request: HttpRequest, project_id: int) -> HttpResponse:
    def act(user: User, form: forms.Form) -> Any:
        return services.raise_objection(
            user=user, project_id=project_id, text=form.cleaned_data["text"], ip=client_ip(request)
        )

    form = TextForm(request.POST, prefix="objection")
    return _project_action(request, project_id, form, "objection_form", act, _("异议已提出。"))


@login_required
@require_POST
def objection_answer(request: HttpRequest, objection_id: int) -> HttpResponse:
    objection = Objection.objects.filter(pk=objection_id).first()
    if objection is None:
        return redirect("tendering:projects")

    def act(user: User, form: forms.Form) -> Any:
        return services.answer_objection(
            user=user,
            objection_id=objection_id,
            answer=form.cleaned_data["answer"],
            ip=client_ip(request),
        )

    form = AnswerForm(request.POST)
    return _project_action(
        request, objection.project_id, form, "answer_form", act, _("异议已答复。")
    )


@login_required
def document_download(request: HttpRequest, document_id: int) -> HttpResponseBase:
    document = services.record_download(
        user=acting_user(request), document_id=document_id, ip=client_ip(request)
    )
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.filename)


# --- bids --------------------------------------------------------------------------------


@login_required
def bid_page(request: HttpRequest, lot_id: int) -> HttpResponse:
    user = acting_user(request)
    lot = selectors.get_lot(user, lot_id)
    entity = entity_of(user)
    return render(
        request,
        "tendering/bid.html",
        {
            "lot": lot,
            "project": lot.project,
            "entity": entity,
            "sealing": selectors.sealing_info(lot),
            "bids": selectors.bids_of(user, lot).order_by("-received_at"),
            "server": request.build_absolute_uri("/").rstrip("/"),
            "chunk_max": CHUNK_MAX,
        },
    )


@login_required
@require_POST
def bid_withdraw(request: HttpRequest, bid_id: int) -> HttpResponse:
    try:
        bid = services.withdraw(user=acting_user(request), bid_id=bid_id, ip=client_ip(request))
    except DomainError as exc:
        flash_error(request, exc)
        lot_id = request.POST.get("lot", "")
        if lot_id.isdigit():
            return redirect("tendering:bid", lot_id=int(lot_id))
        return redirect("tendering:projects")
    messages.success(request, _("投标文件已撤回。"))
    return redirect("tendering:bid", lot_id=bid.lot_id)


@login_required
def bid_receipt(request: HttpRequest, bid_id: int) -> HttpResponse:
    bid = services.bids.own_bid(acting_user(request), bid_id)
    response = JsonResponse(receipt(bid), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="receipt-{bid.pk}.json"'
    return response


# --- the opening hall --------------------------------------------------------------------


def _hall_context(request: HttpRequest, lot_id: int) -> dict[str, Any]:
    user = acting_user(request)
    lot = selectors.get_lot(user, lot_id)
    selectors.require_watch(user, lot)
    state = selectors.hall_state(user, lot)
    opening = state["opening"]
    return {
        "lot": lot,
        "state": state,
        "state_json": json.dumps(
            {
                "now": state["now"],
                "deadline": state["deadline"],
                "window_ends_at": opening["window_ends_at"] if opening else None,
                "status": lot.status,
            }
        ),
        "deadline": _when(state["deadline"]),
        "window_ends_at": _when(opening["window_ends_at"]) if opening else None,
        "server": request.build_absolute_uri("/").rstrip("/"),
        "suite": settings.GGZY_CRYPTO_SUITE,
        "is_bidder": bool(state["own_bids"]),
        "objection_form": TextForm(prefix="objection"),
        "answer_form": AnswerForm(),
    }


@login_required
def hall(request: HttpRequest, lot_id: int) -> HttpResponse:
    context = _hall_context(request, lot_id)
    return render(request, "tendering/hall.html", context)


@login_required
def hall_fragment(request: HttpRequest, lot_id: int) -> HttpResponse:
    context = _hall_context(request, lot_id)
    return render(request, "tendering/_hall_state.html", context)


def _hall_action(
    request: HttpRequest, lot_id: int, action: Callable[[User], Any], done: str
) -> HttpResponse:
    try:
        action(acting_user(request))
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, done)
    return redirect("tendering:hall", lot_id=lot_id)


@login_required
@require_POST
def hall_sign_in(request: HttpRequest, lot_id: int) -> HttpResponse:
    return _hall_action(
        request,
        lot_id,
        lambda u: services.sign_in(user=u, lot_id=lot_id, ip=client_ip(request)),
        _("已签到。"),
    )


@login_required
@require_POST
def hall_objection(request: HttpRequest, lot_id: int) -> HttpResponse:
    form = TextForm(request.POST, prefix="objection")
    if not form.is_valid():
        messages.error(request, _("请填写异议内容。"))
        return redirect("tendering:hall", lot_id=lot_id)
    return _hall_action(
        request,
        lot_id,
        lambda u: services.raise_opening_objection(
            user=u, lot_id=lot_id, text=form.cleaned_data["text"], ip=client_ip(request)
        ),
        _("异议已提出。"),
    )


@login_required
@require_POST
def hall_answer(request: HttpRequest, lot_id: int, objection_id: int) -> HttpResponse:
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写答复内容。"))
        return redirect("tendering:hall", lot_id=lot_id)
    return _hall_action(
        request,
        lot_id,
        lambda u: services.answer_opening_objection(
            user=u,
            objection_id=objection_id,
            answer=form.cleaned_data["answer"],
            ip=client_ip(request),
        ),
        _("异议已答复。"),
    )


@login_required
@require_POST
def hall_close(request: HttpRequest, lot_id: int) -> HttpResponse:
    return _hall_action(
        request,
        lot_id,
        lambda u: services.close_opening(user=u, lot_id=lot_id, ip=client_ip(request)),
        _("开标已结束，开标记录已签名公布。"),
    )


# --- public notices ----------------------------------------------------------------------


def notice_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    notices = selectors.public_notices().order_by("-published_at")
    if kind in Notice.Kind.values:
        notices = notices.filter(kind=kind)
    return render(
        request,
        "tendering/notice_list.html",
        {"notices": notices[:200], "kinds": Notice.Kind.choices, "kind": kind},
    )


def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = selectors.public_notices().filter(pk=notice_id).first()
    if notice is None:
        raise NotFound("未找到该公告", "no such notice")
    lots: list[Lot] = list(notice.project.lots.order_by("number"))
    return render(request, "tendering/notice_detail.html", {"notice": notice, "lots": lots})
