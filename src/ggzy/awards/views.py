"""Web pages from the report to the contract (thin: parse, call one service, render).

A refusal re-renders the page with the user's input and the bilingual message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ggzy.accounts.models import User
from ggzy.core.http import acting_user, client_ip, form_error
from ggzy.entities.selectors import entity_of
from ggzy.evaluation.models import Evaluation
from ggzy.kernel.errors import DomainError
from ggzy.kernel.money import format_cny
from ggzy.tendering.forms import aware
from ggzy.tendering.models import Objection
from ggzy.tendering.selectors import get_lot
from ggzy.tendering.services.common import is_manager
from ggzy.tendering.services.documents import answer_objection as answer_objection_service

from . import selectors
from .forms import AnswerForm, AwardForm, ContractForm, PerformanceForm, PublicityForm, TextForm
from .models import Challenge
from .services import award, challenges, contract, publicity
from .services.common import is_gp


def _candidates(lot_id: int) -> list[tuple[int, str]]:
    evaluation = Evaluation.objects.filter(lot_id=lot_id, status=Evaluation.Status.COMPLETE).first()
    if evaluation is None or not evaluation.result:
        return []
    rows = {r["bid"]: r for r in evaluation.result["rows"]}
    return [
        (bid, f"第{n}名 {rows[bid]['entity']} {format_cny(rows[bid]['price'])}")
        for n, bid in enumerate(evaluation.result["candidates"], 1)
    ]


def _context(user: User, lot_id: int, **bound: forms.Form) -> dict[str, Any]:
    lot = get_lot(user, lot_id)
    project = lot.project
    entity = entity_of(user)
    state = selectors.lot_state(user, lot_id)
    candidates = _candidates(lot.pk)
    context: dict[str, Any] = {
        "lot": lot,
        "project": project,
        "state": state,
        "gp": is_gp(project),
        "candidates": candidates,
        "is_manager": is_manager(user, project),
        "is_initiator": entity is not None and entity.pk == project.initiator_id,
        "is_bidder": entity is not None and lot.bids.filter(entity=entity).exists(),
        "publicity_form": PublicityForm(),
        "objection_form": TextForm(prefix="objection"),
        "challenge_form": TextForm(prefix="challenge"),
        "answer_form": AnswerForm(),
        "award_form": AwardForm(candidates=candidates),
        "contract_form": ContractForm(),
        "performance_form": PerformanceForm(),
    }
    context.update(bound)
    return context


@login_required
def lot_page(request: HttpRequest, lot_id: int) -> HttpResponse:
    context = _context(acting_user(request), lot_id)
    return render(request, "awards/lot.html", context)


Action = Callable[[User, dict[str, Any], int, str | None], object]

ACTIONS: dict[str, tuple[str, Callable[..., forms.Form], Action, Any]] = {
    "publicity": (
        "publicity_form",
        PublicityForm,
        lambda u, d, lot, ip: publicity.publish_candidates(
            user=u, lot_id=lot, ends_at=aware(d["ends_at"]), ip=ip
        ),
        gettext_lazy("中标候选人公示已发布。"),
    ),
    "objection": (
        "objection_form",
        lambda data: TextForm(data, prefix="objection"),
        lambda u, d, lot, ip: publicity.raise_candidate_objection(
            user=u, lot_id=lot, text=d["text"], ip=ip
        ),
        gettext_lazy("异议已提交，招标人应在3日内答复。"),
    ),
    "challenge": (
        "challenge_form",
        lambda data: TextForm(data, prefix="challenge"),
        lambda u, d, lot, ip: challenges.file_challenge(user=u, lot_id=lot, text=d["text"], ip=ip),
        gettext_lazy("质疑已提交，采购人应在7个工作日内答复。"),
    ),
    "contract": (
        "contract_form",
        ContractForm,
        lambda u, d, lot, ip: contract.record_contract(user=u, lot_id=lot, ip=ip, **d),
        gettext_lazy("合同已登记并公告。"),
    ),
    "performance": (
        "performance_form",
        PerformanceForm,
        lambda u, d, lot, ip: contract.record_performance(user=u, lot_id=lot, ip=ip, **d),
        gettext_lazy("履约信息已公布。"),
    ),
}


def _run(
    request: HttpRequest, lot_id: int, name: str, form: forms.Form, call: Callable[[], object]
) -> HttpResponse:
    user = acting_user(request)
    if form.is_valid():
        try:
            call()
        except DomainError as exc:
            form_error(form, exc)
        else:
            return redirect("awards:lot", lot_id=lot_id)
    context = _context(user, lot_id, **{name: form})
    context["failed_form"] = name
    return render(request, "awards/lot.html", context, status=400)


@login_required
@require_POST
def act(request: HttpRequest, lot_id: int, action: str) -> HttpResponse:
    if action == "award":
        form: forms.Form = AwardForm(request.POST, candidates=_candidates(lot_id))

        def decide() -> object:
            d = form.cleaned_data
            result = award.decide(
                user=acting_user(request),
                lot_id=lot_id,
                bid_id=d["bid"],
                ground=d["ground"] or None,
                reason=d["reason"],
                ip=client_ip(request),
            )
            messages.success(request, _("已定标，中标/成交通知书和结果通知书已加盖电子印章发出。"))
            return result

        return _run(request, lot_id, "award_form", form, decide)
    if action not in ACTIONS:
        raise Http404(action)
    name, form_class, call, done = ACTIONS[action]
    form = form_class(request.POST)

    def run() -> object:
        result = call(acting_user(request), form.cleaned_data, lot_id, client_ip(request))
        messages.success(request, done)
        return result

    return _run(request, lot_id, name, form, run)


def _answer(
    request: HttpRequest, lot_id: int | None, answer: Callable[[str], object]
) -> HttpResponse:
    if lot_id is None:
        raise Http404("no such objection or challenge")
    form = AnswerForm(request.POST)
    return _run(request, lot_id, "answer_form", form, lambda: answer(form.cleaned_data["answer"]))


@login_required
@require_POST
def answer_objection(request: HttpRequest, objection_id: int) -> HttpResponse:
    lot_id = Objection.objects.filter(pk=objection_id).values_list("lot_id", flat=True).first()
    return _answer(
        request,
        lot_id,
        lambda text: answer_objection_service(
            user=acting_user(request), objection_id=objection_id, answer=text, ip=client_ip(request)
        ),
    )


@login_required
@require_POST
def answer_challenge(request: HttpRequest, challenge_id: int) -> HttpResponse:
    lot_id = Challenge.objects.filter(pk=challenge_id).values_list("lot_id", flat=True).first()
    return _answer(
        request,
        lot_id,
        lambda text: challenges.answer_challenge(
            user=acting_user(request), challenge_id=challenge_id, answer=text, ip=client_ip(request)
        ),
    )


@login_required
def letter(request: HttpRequest, letter_id: int) -> FileResponse:
    found = selectors.get_letter(acting_user(request), letter_id)
    return FileResponse(
        selectors.letter_file(found),
        content_type="application/pdf",
        filename=f"{found.award.lot.code}-{found.get_kind_display()}.pdf",
    )


@login_required
def warnings(request: HttpRequest) -> HttpResponse:
    return render(
        request, "awards/warnings.html", {"warnings": selectors.warnings(acting_user(request))}
    )
