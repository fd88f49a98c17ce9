"""Web pages for the pool (thin: parse, authorise, call a service or a selector).

Centre staff: pool list, expert detail, create/edit, sanctions, profile-change review,
Excel import/export. Supervisors and oversight: the same lists read-only. Experts: their
profile, change requests, leave, invitations, appraisals and remuneration.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ggzy.accounts.access import EXPERTS_ONLY, OVERSIGHT_ONLY, centre_only
from ggzy.accounts.selectors import is_centre_staff
from ggzy.core.http import acting_user, client_ip, flash_error, form_error, requires
from ggzy.kernel import clock
from ggzy.kernel.errors import DomainError, Forbidden

from ..forms import (
    ExpertForm,
    FilterForm,
    ImportForm,
    LeaveForm,
    OwnProfileForm,
    ReasonForm,
    SanctionForm,
    YearForm,
)
from ..models import Expert
from ..selectors import pool as selectors
from ..services import appraisal as appraisal_services
from ..services import pool as services

View = Callable[..., HttpResponse]


pool_reader = requires(selectors.can_read_pool, *OVERSIGHT_ONLY, code="oversight_only")


def expert_only(view: Callable[..., HttpResponse]) -> View:
    """Pass the user's own expert record to the view; refuse everyone else."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        expert = selectors.expert_of(acting_user(request))
        if expert is None:
            raise Forbidden(*EXPERTS_ONLY, code="experts_only")
        return view(request, expert, *args, **kwargs)

    return wrapper


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filtered(request: HttpRequest) -> tuple[FilterForm, Any]:
    form = FilterForm(request.GET or None)
    experts = selectors.experts_visible_to(acting_user(request))
    if form.is_valid():
        experts = selectors.filter_experts(experts, **form.cleaned_data)
    return form, experts


# --- centre staff, supervisors, oversight ---------------------------------------------------


@pool_reader
def pool_list(request: HttpRequest) -> HttpResponse:
    form, experts = _filtered(request)
    context = {
        "form": form,
        "experts": experts.order_by("id")[:500],
        "count": experts.count(),
        "can_manage": is_centre_staff(acting_user(request)),
        "query": request.GET.urlencode(),
    }
    return render(request, "experts/pool_list.html", context)


@pool_reader
def expert_detail(request: HttpRequest, expert_id: int) -> HttpResponse:
    user = acting_user(request)
    expert = selectors.get_expert(user, expert_id)
    full = is_centre_staff(user)
    context = {
        "expert": expert,
        "resident_id": expert.resident_id if full else selectors.mask_id(expert.resident_id),
        "can_manage": full,
        "others": expert.other_specialties.all(),
        "leaves": selectors.leaves_of(expert),
        "sanctions": selectors.sanctions_visible_to(user, expert),
        "changes": selectors.changes_of(expert)[:20],
        "appraisals": selectors.appraisals_visible_to(user, expert)[:50],
        "reason_form": ReasonForm(),
    }
    return render(request, "experts/expert_detail.html", context)


@pool_reader
def sanction_list(request: HttpRequest) -> HttpResponse:
    sanctions = selectors.sanctions_visible_to(acting_user(request))[:500]
    return render(request, "experts/sanctions.html", {"sanctions": sanctions})


def _initial(expert: Expert) -> dict[str, Any]:
    data = services.current_data(expert)
    data["declared_conflicts"] = ", ".join(data["declared_conflicts"])
    return data


@centre_only
@require_http_methods(["GET", "POST"])
def expert_create(request: HttpRequest) -> HttpResponse:
    form = ExpertForm(request.POST or None, initial={"in_comprehensive_pool": True})
    if request.method == "POST" and form.is_valid():
        try:
            expert = services.create_expert(
                user=acting_user(request), data=form.expert_data(), ip=client_ip(request)
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("专家已入库。"))
            return redirect("experts:detail", expert_id=expert.pk)
    return render(request, "experts/expert_form.html", {"form": form, "expert": None})


@centre_only
@require_http_methods(["GET", "POST"])
def expert_edit(request: HttpRequest, expert_id: int) -> HttpResponse:
    expert = selectors.get_expert(acting_user(request), expert_id)
    form = ExpertForm(request.POST or None, initial=_initial(expert))
    if request.method == "POST" and form.is_valid():
        changed = {k: v for k, v in form.expert_data().items() if k in form.changed_data}
        try:
            services.update_expert(
                user=acting_user(request),
                expert_id=expert.pk,
                changes=changed,
                ip=client_ip(request),
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("专家信息已保存。"))
            return redirect("experts:detail", expert_id=expert.pk)
    return render(request, "experts/expert_form.html", {"form": form, "expert": expert})


@centre_only
@require_http_methods(["GET", "POST"])
def expert_sanction(request: HttpRequest, expert_id: int) -> HttpResponse:
    expert = selectors.get_expert(acting_user(request), expert_id)
    form = SanctionForm(request.POST or None, initial={"start": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.sanction_expert(
                user=acting_user(request),
                expert_id=expert.pk,
                ip=client_ip(request),
                **form.cleaned_data,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("处理决定已登记。"))
            return redirect("experts:detail", expert_id=expert.pk)
    return render(request, "experts/sanction_form.html", {"form": form, "expert": expert})


@centre_only
@require_POST
def expert_restore(request: HttpRequest, expert_id: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写解除理由。"))
        return redirect("experts:detail", expert_id=expert_id)
    try:
        services.lift_sanction(
            user=acting_user(request),
            expert_id=expert_id,
            reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("已解除处理，专家恢复正常。"))
    return redirect("experts:detail", expert_id=expert_id)


@centre_only
@require_POST
def expert_account(request: HttpRequest, expert_id: int) -> HttpResponse:
    try:
        account = services.create_expert_account(
            user=acting_user(request), expert_id=expert_id, ip=client_ip(request)
        )
    except DomainError as exc:
        flash_error(request, exc)
        return redirect("experts:detail", expert_id=expert_id)
    return render(request, "experts/account_created.html", {"accounts": [account]})


@centre_only
def change_list(request: HttpRequest) -> HttpResponse:
    changes = selectors.pending_changes(acting_user(request))
    return render(request, "experts/change_list.html", {"changes": changes})


@centre_only
@require_http_methods(["GET", "POST"])
def change_review(request: HttpRequest, change_id: int) -> HttpResponse:
    user = acting_user(request)
    change = selectors.get_change(user, change_id)
    action = request.POST.get("action")
    form = ReasonForm(request.POST if action == "return" else None)
    if request.method == "POST":
        try:
            if action == "approve":
                services.approve_profile_change(
                    reviewer=user, change_id=change.pk, ip=client_ip(request)
                )
                messages.success(request, _("已审核通过。"))
                return redirect("experts:changes")
            if action == "return" and form.is_valid():
                services.return_profile_change(
                    reviewer=user,
                    change_id=change.pk,
                    reason=form.cleaned_data["reason"],
                    ip=client_ip(request),
                )
                messages.success(request, _("已退回，并已通知该专家。"))
                return redirect("experts:changes")
        except DomainError as exc:
            if action == "return":
                form_error(form, exc)
            else:
                flash_error(request, exc)
    current = services.current_data(change.expert)
    rows = [
        (services.FIELD_LABELS.get(k, (k, k))[0], current.get(k), v) for k, v in change.data.items()
    ]
    context = {"change": change, "rows": rows, "form": form}
    return render(request, "experts/change_review.html", context)


@centre_only
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if form.cleaned_data["kind"] == "specialties":
                report = services.import_specialties(
                    user=acting_user(request), file=upload, ip=client_ip(request)
                )
            else:
                report = services.import_experts(
                    user=acting_user(request),
                    file=upload,
                    create_accounts=form.cleaned_data["create_accounts"],
                    ip=client_ip(request),
                )
        except DomainError as exc:
            form_error(form, exc)
    status = 422 if report is not None and not report.ok else 200
    return render(request, "experts/import.html", {"form": form, "report": report}, status=status)


@centre_only
def export_experts(request: HttpRequest) -> HttpResponse:
    _, experts = _filtered(request)
    return _download(services.export_experts(experts), "experts.xlsx", services.XLSX_CONTENT_TYPE)


@pool_reader
def export_specialties(request: HttpRequest) -> HttpResponse:
    content = services.export_specialties()
    return _download(content, "specialties.xlsx", services.XLSX_CONTENT_TYPE)


# --- the expert's own pages -------------------------------------------------------------------


@expert_only
@require_http_methods(["GET", "POST"])
def my_profile(request: HttpRequest, expert: Expert) -> HttpResponse:
    form = OwnProfileForm(request.POST or None, initial=_initial(expert))
    if request.method == "POST" and form.is_valid():
        changed = {k: v for k, v in form.expert_data().items() if k in form.changed_data}
        try:
            result = services.update_own_profile(
                user=acting_user(request), changes=changed, ip=client_ip(request)
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            if result.applied:
                messages.success(request, _("联系方式等信息已更新。"))
            if result.change is not None:
                messages.success(request, _("工作单位、职称或专业的变更已提交，等待交易中心审核。"))
            if not result.applied and result.change is None:
                messages.info(request, _("没有需要保存的变更。"))
            return redirect("experts:me")
    context = {
        "expert": expert,
        "form": form,
        "others": expert.other_specialties.all(),
        "changes": selectors.changes_of(expert)[:10],
        "sanctions": selectors.sanctions_visible_to(acting_user(request), expert),
    }
    return render(request, "experts/me.html", context)


@expert_only
@require_http_methods(["GET", "POST"])
def my_leave(request: HttpRequest, expert: Expert) -> HttpResponse:
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_leave(
                user=acting_user(request),
                expert_id=expert.pk,
                ip=client_ip(request),
                **form.cleaned_data,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("请假已登记，期间不会被抽取。"))
            return redirect("experts:me-leave")
    context = {"expert": expert, "form": form, "leaves": selectors.leaves_of(expert)}
    return render(request, "experts/leave.html", context)


@login_required
@require_POST
def leave_cancel(request: HttpRequest, leave_id: int) -> HttpResponse:
    services.cancel_leave(user=acting_user(request), leave_id=leave_id, ip=client_ip(request))
    messages.success(request, _("请假已撤销。"))
    return redirect("experts:me-leave")


@expert_only
def my_invitations(request: HttpRequest, expert: Expert) -> HttpResponse:
    context = {"expert": expert, "invitations": selectors.invitations_of(expert)}
    return render(request, "experts/invitations.html", context)


@expert_only
def my_appraisals(request: HttpRequest, expert: Expert) -> HttpResponse:
    form = YearForm(request.GET or None, initial={"year": clock.today().year})
    year = form.cleaned_data["year"] if form.is_valid() else clock.today().year
    rows = [
        (a, appraisal_services.overall(a))
        for a in selectors.appraisals_visible_to(acting_user(request), expert)
    ]
    context = {
        "expert": expert,
        "form": form,
        "appraisals": rows,
        "assessment": appraisal_services.annual_assessment(expert, year),
        "items": appraisal_services.ITEMS,
    }
    return render(request, "experts/appraisals.html", context)


@expert_only
def my_remuneration(request: HttpRequest, expert: Expert) -> HttpResponse:
    rows = selectors.remunerations_visible_to(acting_user(request), expert)
    return render(request, "experts/remuneration.html", {"expert": expert, "rows": rows})
