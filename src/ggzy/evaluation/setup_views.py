"""Pages before the evaluation room exists: the method in the lot's documents (agent or
initiator) and forming the committee (centre staff). Thin: parse, call one service."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ggzy.core.http import acting_user, form_error
from ggzy.entities.models import EntityUser
from ggzy.experts.models import DrawRequest
from ggzy.kernel.errors import DomainError
from ggzy.tendering.models import Lot
from ggzy.tendering.selectors import get_lot
from ggzy.tendering.services.common import procedure_of

from .method import METHOD_NAMES
from .services import committee, tender_method

EXAMPLES: dict[str, dict[str, Any]] = {
    "works": {
        "kind": "comprehensive",
        "checks": [
            {"id": "Q1", "name": "营业执照、资质证书有效", "stage": "qualification"},
            {"id": "C1", "name": "投标函签字盖章齐全", "stage": "compliance"},
        ],
        "items": [
            {"id": "T1", "name": "施工组织设计", "group": "technical", "max": "30"},
            {"id": "B1", "name": "类似工程业绩", "group": "commercial", "max": "10"},
        ],
        "price_points": "60",
        "price_formula": "average_k",
        "average_k": {
            "k_min": "0.95",
            "k_max": "0.98",
            "k_step": "0.01",
            "above_penalty": "2",
            "below_penalty": "1",
            "trim": False,
        },
    },
    "gp": {
        "kind": "comprehensive",
        "checks": [{"id": "Q1", "name": "供应商资格条件", "stage": "qualification"}],
        "items": [
            {"id": "T1", "name": "技术参数响应", "group": "technical", "max": "50"},
            {"id": "B1", "name": "售后服务", "group": "commercial", "max": "20"},
        ],
        "price_points": "30",
        "price_formula": "lowest_benchmark",
    },
}


class MethodForm(forms.Form):
    method = forms.CharField(
        label=gettext_lazy("评标办法（JSON）"), widget=forms.Textarea(attrs={"rows": 24})
    )

    def clean_method(self) -> Any:
        try:
            return json.loads(self.cleaned_data["method"])
        except ValueError as exc:
            raise forms.ValidationError(f"不是有效的 JSON / not valid JSON: {exc}") from exc


class StartForm(forms.Form):
    draw_request = forms.TypedChoiceField(label=gettext_lazy("专家抽取申请"), coerce=int)
    representatives = forms.TypedMultipleChoiceField(
        label=gettext_lazy("招标人代表"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, lot: Lot, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        requests = DrawRequest.objects.filter(
            project_code=lot.project.code,
            status__in=[DrawRequest.Status.COMPLETE, DrawRequest.Status.PUBLIC],
            evaluation__isnull=True,
        ).order_by("-created_at")
        self.fields["draw_request"].choices = [  # type: ignore[attr-defined]
            (
                r.pk,
                f"#{r.pk} {r.lot_name}（{r.committee_size} 人，含招标人代表 "
                f"{r.owner_representatives} 人）",
            )
            for r in requests
        ]
        people = EntityUser.objects.filter(entity_id=lot.project.initiator_id).select_related(
            "user"
        )
        self.fields["representatives"].choices = [  # type: ignore[attr-defined]
            (link.user_id, str(link.user)) for link in people
        ]


@login_required
def method(request: HttpRequest, lot_id: int) -> HttpResponse:
    lot = get_lot(acting_user(request), lot_id)
    family = procedure_of(lot.project).family
    current = lot.evaluation_method or EXAMPLES[family]
    form = MethodForm(
        request.POST or None, initial={"method": json.dumps(current, ensure_ascii=False, indent=2)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            tender_method.set_method(
                user=acting_user(request),
                lot_id=lot.pk,
                data=form.cleaned_data["method"],
                ip=request.META.get("REMOTE_ADDR"),
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("评标办法已写入招标文件。"))
            return redirect("tendering:project", project_id=lot.project_id)
    allowed = [METHOD_NAMES[m] for m in procedure_of(lot.project).evaluation_methods]
    context = {"lot": lot, "form": form, "allowed": allowed, "is_set": bool(lot.evaluation_method)}
    return render(request, "evaluation/method.html", context, status=400 if form.errors else 200)


@login_required
def start(request: HttpRequest, lot_id: int) -> HttpResponse:
    lot = get_lot(acting_user(request), lot_id)
    form = StartForm(request.POST or None, lot=lot)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = committee.start(
                user=acting_user(request),
                lot_id=lot.pk,
                draw_request=form.cleaned_data["draw_request"],
                representatives=form.cleaned_data["representatives"],
                ip=request.META.get("REMOTE_ADDR"),
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("评标委员会已组建，专家名单已向评标室公开。"))
            return redirect("evaluation:room", evaluation_id=evaluation.pk)
    status = 400 if form.errors else 200
    return render(request, "evaluation/start.html", {"lot": lot, "form": form}, status=status)
