"""Draw pages: the centre's request form and draw page with live confirmation status, the
expert's invitation page, and the supervisor's view with exclusions and re-run check."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from ggzy.accounts.access import CENTRE_ONLY, OVERSIGHT_ONLY
from ggzy.accounts.models import STAFF_ROLES, Organisation, User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.core.http import acting_user, flash_error, form_error
from ggzy.kernel import clock
from ggzy.kernel.errors import DomainError, Forbidden

from ..models import DrawMode, Specialty
from ..selectors import draws as selectors
from ..services import draw as services
from ..verification import verify_attempt

PROCEDURE_CHOICES = [
    ("works_tender", _l("工程建设项目招标")),
    ("gp_tender", _l("政府采购公开/邀请招标")),
    ("gp_negotiation", _l("竞争性谈判")),
    ("gp_consultation", _l("竞争性磋商")),
    ("gp_inquiry", _l("询价")),
]
VENUE_KEYS = [("main", _l("主场")), *((f"secondary-{i}", f"{_l('副场')}{i}") for i in range(1, 4))]
REQUIREMENT_ROWS = 4


class DrawRequestForm(forms.Form):
    project_code = forms.CharField(label=_l("项目编号"), max_length=64)
    lot_name = forms.CharField(label=_l("标段/包名称"), max_length=200)
    procedure = forms.ChoiceField(label=_l("招标/采购方式"), choices=PROCEDURE_CHOICES)
    supervisor = forms.ModelChoiceField(
        label=_l("行政监督部门"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT),
    )
    initiator_uscc = forms.CharField(label=_l("招标人/采购人统一社会信用代码"), max_length=40)
    agent_uscc = forms.CharField(
        label=_l("代理机构统一社会信用代码"), max_length=40, required=False
    )
    bidder_usccs = forms.CharField(
        label=_l("已知投标人统一社会信用代码（每行一个，可空）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    opening_at = forms.DateTimeField(
        label=_l("开标时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    mode = forms.ChoiceField(label=_l("评标方式"), choices=DrawMode.choices)
    secondary_venue_count = forms.IntegerField(
        label=_l("副场数量（远程异地评标 1–3）"), min_value=0, max_value=3, initial=0
    )
    main_venue = forms.ModelChoiceField(label=_l("主场"), queryset=selectors.venues())
    committee_size = forms.IntegerField(label=_l("评标委员会人数"), min_value=1, max_value=99)
    owner_representatives = forms.IntegerField(
        label=_l("招标人代表人数"), min_value=0, max_value=50, initial=0
    )
    reply_minutes = forms.IntegerField(
        label=_l("专家确认时限（分钟）"), min_value=1, max_value=1440, initial=30
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        specialties = [("", "—")] + [
            (s.code, f"{s.code} {s.name}") for s in Specialty.objects.filter(is_active=True)
        ]
        for i in range(REQUIREMENT_ROWS):
            self.fields[f"specialty_{i}"] = forms.ChoiceField(
                label=_l("专业"), choices=specialties, required=False
            )
            self.fields[f"venue_{i}"] = forms.ChoiceField(
                label=_l("场地"), choices=VENUE_KEYS, required=False
            )
            self.fields[f"count_{i}"] = forms.IntegerField(
                label=_l("人数"), min_value=1, max_value=50, required=False
            )

    def requirement_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"specialty_{i}"], self[f"venue_{i}"], self[f"count_{i}"])
            for i in range(REQUIREMENT_ROWS)
        ]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        opening: datetime = data["opening_at"]
        return {
            "project_code": data["project_code"],
            "lot_name": data["lot_name"],
            "procedure": data["procedure"],
            "supervisor_id": data["supervisor"].pk,
            "initiator_uscc": data["initiator_uscc"],
            "agent_uscc": data["agent_uscc"],
            "bidder_usccs": [
                line.strip() for line in data["bidder_usccs"].splitlines() if line.strip()
            ],
            "opening_at": opening if opening.tzinfo else opening.replace(tzinfo=clock.SHANGHAI),
            "mode": data["mode"],
            "committee_size": data["committee_size"],
            "owner_representatives": data["owner_representatives"],
            "requirements": [
                {
                    "specialty": data[f"specialty_{i}"],
                    "venue": data[f"venue_{i}"] or "main",
                    "count": data[f"count_{i}"],
                }
                for i in range(REQUIREMENT_ROWS)
                if data.get(f"specialty_{i}")
            ],
            "main_venue_id": data["main_venue"].pk,
            "secondary_venue_count": data["secondary_venue_count"],
            "reply_minutes": data["reply_minutes"],
        }


DRAW_FIELDS = {"supervisor_id": "supervisor", "main_venue_id": "main_venue"}


@login_required
def draw_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if user.role not in STAFF_ROLES:
        raise Forbidden(*OVERSIGHT_ONLY, code="oversight_only")
    requests = selectors.requests_visible_to(user).order_by("-created_at")[:100]
    return render(
        request, "experts/draw_list.html", {"requests": requests, "can_draw": is_centre_staff(user)}
    )


@login_required
def draw_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not is_centre_staff(user):
        raise Forbidden(*CENTRE_ONLY, code="centre_staff_only")
    form = DrawRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_request(user=user, **form.service_arguments())
        except DomainError as exc:
            form_error(form, exc, DRAW_FIELDS)
        else:
            messages.success(request, _("抽取申请已登记。"))
            return redirect("experts:draw", request_id=created.pk)
    return render(request, "experts/draw_new.html", {"form": form})


def _detail_context(user: User, request_id: int) -> dict[str, Any]:
    draw_request = selectors.get_request(user, request_id)
    attempts = list(draw_request.attempts.all())
    invitations = draw_request.invitations.select_related("expert", "venue", "attempt").order_by(
        "pk"
    )
    shortfall = []
    for need in draw_request.requirements:
        key = f"{need['venue']}:{need['specialty']}"
        live = [i for i in invitations if i.bucket == key and i.status in ("pending", "confirmed")]
        if attempts and len(live) < need["count"]:
            shortfall.append({"bucket": key, "missing": need["count"] - len(live)})
    return {
        "draw": draw_request,
        "attempts": attempts,
        "invitations": invitations,
        "shortfall": shortfall,
        "can_draw": is_centre_staff(user),
        "drawn": any(a.status == "drawn" and not a.supplementary for a in attempts),
    }


@login_required
def draw_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    user = acting_user(request)
    if user.role not in STAFF_ROLES:
        raise Forbidden(*OVERSIGHT_ONLY, code="oversight_only")
    context = _detail_context(user, request_id)
    if request.GET.get("verify"):
        context["verdicts"] = [verify_attempt(a) for a in context["attempts"]]
    template = "experts/draw_status.html" if request.htmx else "experts/draw_detail.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _act(request: HttpRequest, request_id: int, action: Any, done: str) -> HttpResponse:
    user = acting_user(request)
    try:
        selectors.get_request(user, request_id)
        action(user)
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, done)
    return redirect("experts:draw", request_id=request_id)


@login_required
@require_POST
def draw_run(request: HttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        lambda u: services.draw(user=u, request_id=request_id),
        _("抽取完成，已通知抽中的专家。"),
    )


@login_required
@require_POST
def draw_supplementary(request: HttpRequest, request_id: int) -> HttpResponse:
    bucket = request.POST.get("bucket", "")
    if not is_centre_staff(acting_user(request)):
        raise Forbidden(*CENTRE_ONLY, code="centre_staff_only")
    return _act(
        request,
        request_id,
        lambda u: services.supplementary_draw(request_id=request_id, bucket=bucket, actor=u.actor),
        _("补抽完成。"),
    )


@login_required
@require_POST
def draw_publish(request: HttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        lambda u: services.publish_reveals(user=u, request_id=request_id),
        _("抽取结果与随机数已公开。"),
    )


@login_required
def invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    user = acting_user(request)
    item = selectors.invitation_of(user, invitation_id)
    if request.method == "POST":
        accept = request.POST.get("answer") == "accept"
        try:
            services.respond(
                user=user,
                invitation_id=item.pk,
                accept=accept,
                reason=request.POST.get("reason", ""),
            )
        except DomainError as exc:
            flash_error(request, exc)
        else:
            messages.success(
                request, _("已确认参加。") if accept else _("已拒绝，系统将补抽其他专家。")
            )
        return redirect("experts:invitation", invitation_id=item.pk)
    return render(request, "experts/draw_invitation.html", {"invitation": item})
