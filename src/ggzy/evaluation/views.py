"""Web pages of the evaluation room (thin: parse, call one service or selector, render).

Every service refusal is shown in the page in Chinese and English, never as a server error.
"""

from __future__ import annotations

import base64
import mimetypes
import secrets
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ggzy.accounts.models import User
from ggzy.core.http import acting_user, client_ip, flash_error
from ggzy.kernel.errors import DomainError, NotFound

from . import selectors
from .forms import (
    AddMemberForm,
    ConcludeForm,
    DissentForm,
    MemberForm,
    ReasonForm,
    RejectForm,
    SignatureForm,
    VoteForm,
    form_errors,
    sheet_input,
)
from .models import Evaluation
from .services import committee, flags, report, result, review
from .services.flags import REJECTION_REASONS

# Attachments a browser may show in the page; anything else is downloaded, never rendered.
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "text/plain"})


def _room_url(evaluation_id: int, anchor: str = "") -> str:
    url = reverse("evaluation:room", args=[evaluation_id])
    return f"{url}#{anchor}" if anchor else url


# --- what the room shows -----------------------------------------------------------------


def _flag_detail(kind: str, detail: dict[str, Any]) -> str:
    """The platform's evidence for a flag, in words."""
    try:
        return _describe(kind, detail)
    except (KeyError, TypeError, ValueError):  # an unexpected shape: show it as it is
        return str(detail)


def _describe(kind: str, detail: dict[str, Any]) -> str:
    if kind == "above_ceiling":
        return _("报价 %(price)s，最高投标限价 %(ceiling)s") % detail
    if kind == "deposit":
        return _("应交 %(required)s，已交 %(paid)s") % detail
    if kind == "two_prices":
        return _("多个报价字段：%(fields)s") % {"fields": "、".join(detail["fields"])}
    if kind in ("same_fingerprint", "same_account"):
        return "；".join(_("%(key)s（与 %(with)s 相同）") % shared for shared in detail["shared"])
    if kind == "check_failed":
        return "；".join(
            _("%(item)s：%(votes)s 人认定不通过（%(reasons)s）")
            % {"item": i["item"], "votes": i["votes"], "reasons": "；".join(i["reasons"])}
            for i in detail["items"]
        )
    return ""


def _live_key(state: dict[str, Any]) -> str:
    """What, when it changes, makes the page's forms stale (the status, the member's own
    seat, the flags to decide, whether every sheet is in)."""
    me = state.get("me") or {}
    open_flags = sum(1 for f in state.get("flags", []) if not f["resolution"])
    return "-".join(
        str(part)
        for part in (
            state["status"],
            int(bool(me.get("submitted"))),
            int(bool(me.get("is_chair"))),
            int(bool(me.get("signed_in"))),
            len(state.get("flags", [])),
            open_flags,
            len(state.get("rejections", [])),
            len(state.get("divergences", [])),
        )
    )


def _live_context(user: User, evaluation: Evaluation) -> dict[str, Any]:
    state = selectors.state(user, evaluation)
    names = {b["id"]: b["entity"] for b in state.get("bids", [])}
    result_data = state.get("result") or {}
    items = state["method"].get("items", [])
    for row in result_data.get("rows", []):
        names.setdefault(row["bid"], row["entity"])
    return {
        "evaluation": evaluation,
        "state": state,
        "in_room": "members" in state,
        "me": state.get("me"),
        "flag_lines": [
            f
            | {
                "entity": names.get(f["bid"], f["bid"]),
                "text": _flag_detail(f["kind"], f["detail"]),
            }
            for f in state.get("flags", [])
        ],
        "rejection_lines": [
            r | {"entity": names.get(r["bid"], r["bid"])} for r in state.get("rejections", [])
        ],
        "candidates": [names.get(b, b) for b in result_data.get("candidates", [])],
        "result_items": items,
        "result_rows": [
            row | {"item_values": [row.get("items", {}).get(i["id"], "") for i in items]}
            for row in result_data.get("rows", [])
        ],
        "dissents": [m for m in state.get("members", []) if m["dissent"] and not m["replaced"]],
        "live_key": _live_key(state),
    }


def _room_context(
    request: HttpRequest, evaluation: Evaluation, posted: dict[str, Any] | None = None
) -> dict[str, Any]:
    user = acting_user(request)
    context = _live_context(user, evaluation)
    state, me = context["state"], context["me"]
    names = {b["id"]: b["entity"] for b in state.get("bids", [])}
    status = state["status"]
    runner = selectors.runs(user, evaluation)
    current = [m for m in state.get("members", []) if not m["replaced"]]
    desk = []
    if me and status == Evaluation.Status.REVIEWING:
        desk = selectors.review_desk(user, evaluation)
        if posted:
            _keep_input(desk, posted)
    context |= {
        "runner": runner,
        "is_chair": bool(me and me["is_chair"]),
        "desk": desk,
        "posted": posted,
        "others": selectors.submitted_sheets(state) if me else [],
        "open_bids": [b for b in state.get("bids", []) if not b["rejected"]],
        "divergence_lines": [
            d | {"entity": names.get(d["bid"], d["bid"])} for d in state.get("divergences", [])
        ],
        "reasons": [(code, zh, en) for code, (zh, en) in REJECTION_REASONS.items()],
        "current_members": current,
        "unseated": [m for m in current if m["signed_in"] and m["seat"] is None],
        "seatable": (
            selectors.seatable_invitations(evaluation)
            if runner and status == Evaluation.Status.FORMING
            else []
        ),
        "suite": settings.GGZY_CRYPTO_SUITE,
        "api": f"/api/v1/evaluation/{evaluation.pk}",
    }
    if status == Evaluation.Status.REPORTED and me:
        context["statement"] = base64.b64encode(report.statement(evaluation)).decode()
    return context


def _keep_input(desk: list[dict[str, Any]], posted: dict[str, Any]) -> None:
    """Show the refused input again in the form it came from (nothing of it was saved)."""
    for bid in desk:
        if bid["id"] != posted["bid"]:
            continue
        for check in bid["checks"]:
            if check["id"] in posted["checks"]:
                check["passed"] = posted["checks"][check["id"]]["passed"]
                check["reason"] = posted["checks"][check["id"]]["reason"]
        for item in bid["items"]:
            if item["id"] in posted["scores"]:
                item["value"] = posted["scores"][item["id"]]
            item["invalid"] = posted["field"] == f"scores.{item['id']}"


# --- pages -------------------------------------------------------------------------------


@login_required
def evaluation_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    return render(
        request,
        "evaluation/list.html",
        {"evaluations": selectors.listed_for(user), "is_centre": user.role == "centre"},
    )


@login_required
def room(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = selectors.get_evaluation(acting_user(request), evaluation_id)
    return render(request, "evaluation/room.html", _room_context(request, evaluation))


@login_required
def live(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    """The part of the room that refreshes itself (htmx polling); it says when the page's
    forms are out of date."""
    user = acting_user(request)
    evaluation = selectors.get_evaluation(user, evaluation_id)
    context = _live_context(user, evaluation)
    context["stale"] = request.GET.get("key", context["live_key"]) != context["live_key"]
    return render(request, "evaluation/_live.html", context)


@login_required
def bid_file(request: HttpRequest, evaluation_id: int, bid_id: int, name: str) -> HttpResponseBase:
    """One document of a bid under review, decrypted again and streamed (nothing is kept)."""
    bid = selectors.bid_under_review(acting_user(request), evaluation_id, bid_id)
    stream, size = selectors.attachment(bid, name)
    guessed, _encoding = mimetypes.guess_type(name)
    inline = guessed in INLINE_TYPES
    response = FileResponse(
        stream,
        as_attachment=not inline,
        filename=PurePosixPath(name).name,
        content_type=guessed if inline else "application/octet-stream",
    )
    response["Content-Length"] = str(size)
    return response


@login_required
def report_pdf(request: HttpRequest, evaluation_id: int) -> HttpResponseBase:
    evaluation = selectors.get_evaluation(acting_user(request), evaluation_id)
    if not evaluation.report_file:
        raise NotFound("评标报告尚未生成", "the report has not been issued")
    return FileResponse(
        selectors.report_file(evaluation),  # the response closes it
        content_type="application/pdf",
        filename=f"{evaluation.lot.code}-评标报告.pdf",
    )


# --- actions -----------------------------------------------------------------------------


def _act(
    request: HttpRequest,
    evaluation_id: int,
    action: Callable[[User, dict[str, Any]], Any],
    done: str,
    form: forms.Form | None = None,
    anchor: str = "",
) -> HttpResponse:
    """Check the user is in the room, parse ``form``, call the service, say how it went."""
    user = acting_user(request)
    selectors.get_evaluation(user, evaluation_id, room=True)
    if form is not None and not form.is_valid():
        check = _("请检查输入")
        messages.error(request, f"{check}：{form_errors(form)}")
        return redirect(_room_url(evaluation_id, anchor))
    try:
        action(user, form.cleaned_data if form is not None else {})
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, done)
    return redirect(_room_url(evaluation_id, anchor))


@login_required
@require_POST
def sign_in(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    return _act(
        request,
        evaluation_id,
        lambda u, d: committee.sign_in(
            user=u, evaluation_id=evaluation_id, member_id=d["member"], ip=client_ip(request)
        ),
        _("已签到。"),
        MemberForm(request.POST),
        "committee",
    )


@login_required
@require_POST
def assign_seats(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    return _act(
        request,
        evaluation_id,
        lambda u, d: committee.assign_seats(
            user=u, evaluation_id=evaluation_id, seed=secrets.token_bytes(32), ip=client_ip(request)
        ),
        _("已随机分配座位号。"),
        anchor="committee",
    )


@login_required
@require_POST
def elect_chair(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    return _act(
        request,
        evaluation_id,
        lambda u, d: committee.elect_chair(
            user=u, evaluation_id=evaluation_id, member_id=d["member"], ip=client_ip(request)
        ),
        _("已记录主任委员。"),
        MemberForm(request.POST),
        "committee",
    )


@login_required
@require_POST
def replace_member(request: HttpRequest, evaluation_id: int, member_id: int) -> HttpResponse:
    return _act(
        request,
        evaluation_id,
        lambda u, d: committee.replace_member(
            user=u,
            evaluation_id=evaluation_id,
            member_id=member_id,
            reason=d["reason"],
            ip=client_ip(request),
        ),
        _("已更换该成员；评标委员会待补足后继续。"),
        ReasonForm(request.POST),
        "committee",
    )


@login_required
@require_POST
def add_member(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    return _act(
        request,
        evaluation_id,
        lambda u, d: committee.add_member(
            user=u,
            evaluation_id=evaluation_id,
            invitation_id=d["invitation"],
            representative_id=d["representative"],
            ip=client_ip(request),
        ),
        _("已增补评标委员会成员。"),
        AddMemberForm(request.POST),
        "committee",
    )


@login_required
@require_POST
def save_sheet(request: HttpRequest, evaluation_id: int, bid_id: int) -> HttpResponse:
    """Save the member's review of one bid; a refusal shows the page again with the input."""
    user = acting_user(request)
    evaluation = selectors.get_evaluation(user, evaluation_id, room=True)
    entry = sheet_input(
        request.POST,
        [c["id"] for c in evaluation.method.get("checks", [])],
        [i["id"] for i in evaluation.method.get("items", [])],
    )
    try:
        review.save_sheet(
            user=user, evaluation_id=evaluation_id, bid_id=bid_id, ip=client_ip(request), **entry
        )
    except DomainError as exc:
        flash_error(request, exc)
        evaluation.refresh_from_db()
        posted = entry | {"bid": bid_id, "field": exc.field or "", "error": exc}
        context = _room_context(request, evaluation, posted)
        return render(request, "evaluation/room.html", context, status=400)
    messages.success(request, _("已保存。"))
    return redirect(_room_url(evaluation_id, f"bid-{bid_id}"))


@login_required
@require_POST
def submit(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    return _act(
        request,
        evaluation_id,
        lambda u, d: review.submit(user=u, evaluation_id=evaluation_id, ip=client_ip(request)),
        _("评审表已提交。"),
        anchor="committee",
    )


@login_required
@require_POST
def return_sheet(request: HttpRequest, evaluation_id: int, member_id: int) -> HttpResponse:
    return _act(
        request,
        evaluation_id,
        lambda u, d: review.return_sheet(
            user=u,
            evaluation_id=evaluation_id,
            member_id=member_id,
            reason=d["reason"],
            ip=client_ip(request),
        ),
        _("已退回该成员的评审表。"),
        ReasonForm(request.POST),
        "chair",
    )


@login_required
@require_POST
def resolve_flag(request: HttpRequest, evaluation_id: int, flag_id: int) -> HttpResponse:
    return _act(
        request,
        evaluation_id,
        lambda u, d: flags.resolve_flag(
            user=u,
            flag_id=flag_id,
            votes_for=d["votes_for"],
            votes_against=d["votes_against"],
            ground=d["ground"],
            reason=d["reason"] or None,
            ip=client_ip(request),
        ),
        _("已记录委员会的决定。"),
        VoteForm(request.POST),
        "chair",
    )


@login_required
@require_POST
def reject(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    return _act(
        request,
        evaluation_id,
        lambda u, d: flags.reject_bid(
            user=u,
            evaluation_id=evaluation_id,
            bid_id=d["bid"],
            reason=d["reason"] or None,
            ground=d["ground"],
            votes_for=d["votes_for"],
            votes_against=d["votes_against"],
            ip=client_ip(request),
        ),
        _("已否决该投标。"),
        RejectForm(request.POST),
        "chair",
    )


@login_required
@require_POST
def conclude(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    return _act(
        request,
        evaluation_id,
        lambda u, d: result.conclude(
            user=u,
            evaluation_id=evaluation_id,
            reject_all=d["reject_all"],
            ground=d["ground"],
            ip=client_ip(request),
        ),
        _("已形成评标结果。"),
        ConcludeForm(request.POST),
        "result",
    )


@login_required
@require_POST
def dissent(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    return _act(
        request,
        evaluation_id,
        lambda u, d: report.dissent(
            user=u, evaluation_id=evaluation_id, text=d["text"], ip=client_ip(request)
        ),
        _("已记录您的不同意见。"),
        DissentForm(request.POST),
        "result",
    )


@login_required
@require_POST
def issue_report(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    return _act(
        request,
        evaluation_id,
        lambda u, d: report.issue_report(
            user=u, evaluation_id=evaluation_id, ip=client_ip(request)
        ),
        _("评标报告已生成，请各成员签署。"),
        anchor="report",
    )


@login_required
@require_POST
def sign_report(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    return _act(
        request,
        evaluation_id,
        lambda u, d: report.sign_report(
            user=u, evaluation_id=evaluation_id, signature=d["signature"], ip=client_ip(request)
        ),
        _("您已签署评标报告。"),
        SignatureForm(request.POST),
        "report",
    )
