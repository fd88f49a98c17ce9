"""REST API for evaluation, mounted at /api/v1/evaluation (thin: parse, authorise, call)."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ggzy.core.http import acting_user, client_ip
from ggzy.kernel.errors import NotFound

from . import selectors
from .services import committee, flags, report, result, review, tender_method

router = Router(tags=["evaluation 电子评标"])


def _state(request: HttpRequest, evaluation_id: int) -> dict[str, Any]:
    user = acting_user(request)
    return selectors.state(user, selectors.get_evaluation(user, evaluation_id))


class MethodIn(Schema):
    method: dict[str, Any]


class StartIn(Schema):
    draw_request: int
    representatives: list[int] = []


class MemberIn(Schema):
    member: int | None = None


class SignInIn(MemberIn):
    at: datetime | None = None  # when the member arrived: staff only, default now


class ReasonIn(Schema):
    reason: str = Field(max_length=500)


class AddMemberIn(Schema):
    invitation: int | None = None
    representative: int | None = None


class SheetIn(Schema):
    checks: dict[str, Any] = {}
    scores: dict[str, Any] = {}


class VoteIn(Schema):
    votes_for: int
    votes_against: int
    ground: str = Field(max_length=2000)
    reason: str | None = None


class RejectIn(VoteIn):
    bid: int


class ConcludeIn(Schema):
    reject_all: bool = False
    ground: str = Field("", max_length=2000)


class TextIn(Schema):
    text: str = Field(max_length=2000)


class SignatureIn(Schema):
    signature: str = Field(max_length=4000)


@router.put("/lots/{lot_id}/method")
def set_method(request: HttpRequest, lot_id: int, payload: MethodIn) -> dict[str, Any]:
    lot = tender_method.set_method(
        user=acting_user(request), lot_id=lot_id, data=payload.method, ip=client_ip(request)
    )
    return {"lot": lot.code, "method": lot.evaluation_method}


@router.post("/lots/{lot_id}/start", response={201: dict[str, Any]})
def start(request: HttpRequest, lot_id: int, payload: StartIn) -> Status:
    evaluation = committee.start(
        user=acting_user(request),
        lot_id=lot_id,
        draw_request=payload.draw_request,
        representatives=payload.representatives,
        ip=client_ip(request),
    )
    return Status(201, _state(request, evaluation.pk))


@router.get("/lots/{lot_id}")
def of_lot(request: HttpRequest, lot_id: int) -> dict[str, Any]:
    evaluation = selectors.of_lot(acting_user(request), lot_id)
    return selectors.state(acting_user(request), evaluation)


@router.get("/{evaluation_id}")
def get(request: HttpRequest, evaluation_id: int) -> dict[str, Any]:
    return _state(request, evaluation_id)


@router.post("/{evaluation_id}/sign-in")
def sign_in(request: HttpRequest, evaluation_id: int, payload: SignInIn) -> dict[str, Any]:
    committee.sign_in(
        user=acting_user(request),
        evaluation_id=evaluation_id,
        member_id=payload.member,
        at=payload.at,
        ip=client_ip(request),
    )
    return _state(request, evaluation_id)


@router.post("/{evaluation_id}/seats")
def assign_seats(request: HttpRequest, evaluation_id: int) -> dict[str, Any]:
    committee.assign_seats(
        user=acting_user(request),
        evaluation_id=evaluation_id,
        seed=secrets.token_bytes(32),
        ip=client_ip(request),
    )
    return _state(request, evaluation_id)


@router.post("/{evaluation_id}/chair")
def elect_chair(request: HttpRequest, evaluation_id: int, payload: MemberIn) -> dict[str, Any]:
    if payload.member is None:
        raise NotFound("请指定成员", "name the member", field="member")
    committee.elect_chair(
        user=acting_user(request),
        evaluation_id=evaluation_id,
        member_id=payload.member,
        ip=client_ip(request),
    )
    return _state(request, evaluation_id)


@router.post("/{evaluation_id}/members/{member_id}/replace")
def replace_member(
    request: HttpRequest, evaluation_id: int, member_id: int, payload: ReasonIn
) -> dict[str, Any]:
    committee.replace_member(
        user=acting_user(request),
        evaluation_id=evaluation_id,
        member_id=member_id,
        reason=payload.reason,
        ip=client_ip(request),
    )
    return _state(request, evaluation_id)


@router.post("/{evaluation_id}/members", response={201: dict[str, Any]})
def add_member(request: HttpRequest, evaluation_id: int, payload: AddMemberIn) -> Status:
    committee.add_member(
        user=acting_user(request),
        evaluation_id=evaluation_id,
        invitation_id=payload.invitation,
        representative_id=payload.representative,
        ip=client_ip(request),
    )
    return Status(201, _state(request, evaluation_id))


@router.put("/{evaluation_id}/bids/{bid_id}/sheet")
def save_sheet(
    request: HttpRequest, evaluation_id: int, bid_id: int, payload: SheetIn
) -> dict[str, Any]:
    review.save_sheet(
        user=acting_user(request),
        evaluation_id=evaluation_id,
        bid_id=bid_id,
        checks=payload.checks,
        scores=payload.scores,
        ip=client_ip(request),
    )
    return _state(request, evaluation_id)


@router.post("/{evaluation_id}/submit")
def submit(request: HttpRequest, evaluation_id: int) -> dict[str, Any]:
    review.submit(user=acting_user(request), evaluation_id=evaluation_id, ip=client_ip(request))
    return _state(request, evaluation_id)


@router.post("/{evaluation_id}/members/{member_id}/return")
def return_sheet(
    request: HttpRequest, evaluation_id: int, member_id: int, payload: ReasonIn
) -> dict[str, Any]:
    review.return_sheet(
        user=acting_user(request),
        evaluation_id=evaluation_id,
        member_id=member_id,
        reason=payload.reason,
        ip=client_ip(request),
    )
    return _state(request, evaluation_id)


@router.post("/flags/{flag_id}/resolve")
def resolve_flag(request: HttpRequest, flag_id: int, payload: VoteIn) -> dict[str, Any]:
    flag = flags.resolve_flag(
        user=acting_user(request),
        flag_id=flag_id,
        votes_for=payload.votes_for,
        votes_against=payload.votes_against,
        ground=payload.ground,
        reason=payload.reason,
        ip=client_ip(request),
    )
    return _state(request, flag.evaluation_id)


@router.post("/{evaluation_id}/rejections", response={201: dict[str, Any]})
def reject(request: HttpRequest, evaluation_id: int, payload: RejectIn) -> Status:
    flags.reject_bid(
        user=acting_user(request),
        evaluation_id=evaluation_id,
        bid_id=payload.bid,
        reason=payload.reason,
        ground=payload.ground,
        votes_for=payload.votes_for,
        votes_against=payload.votes_against,
        ip=client_ip(request),
    )
    return Status(201, _state(request, evaluation_id))


@router.post("/{evaluation_id}/conclude")
def conclude(request: HttpRequest, evaluation_id: int, payload: ConcludeIn) -> dict[str, Any]:
    result.conclude(
        user=acting_user(request),
        evaluation_id=evaluation_id,
        reject_all=payload.reject_all,
        ground=payload.ground,
        ip=client_ip(request),
    )
    return _state(request, evaluation_id)


@router.post("/{evaluation_id}/dissent")
def dissent(request: HttpRequest, evaluation_id: int, payload: TextIn) -> dict[str, Any]:
    report.dissent(
        user=acting_user(request),
        evaluation_id=evaluation_id,
        text=payload.text,
        ip=client_ip(request),
    )
    return _state(request, evaluation_id)


@router.post("/{evaluation_id}/report")
def issue_report(request: HttpRequest, evaluation_id: int) -> dict[str, Any]:
    report.issue_report(
        user=acting_user(request), evaluation_id=evaluation_id, ip=client_ip(request)
    )
    return _state(request, evaluation_id)


@router.get("/{evaluation_id}/report/statement")
def statement(request: HttpRequest, evaluation_id: int) -> dict[str, str]:
    """What each member signs (base64), so a client can sign it with the member's key."""
    evaluation = selectors.get_evaluation(acting_user(request), evaluation_id)
    return {
        "statement": base64.b64encode(report.statement(evaluation)).decode(),
        "report_sha256": evaluation.report_digest,
    }


@router.post("/{evaluation_id}/report/signatures")
def sign_report(request: HttpRequest, evaluation_id: int, payload: SignatureIn) -> dict[str, Any]:
    report.sign_report(
        user=acting_user(request),
        evaluation_id=evaluation_id,
        signature=payload.signature,
        ip=client_ip(request),
    )
    return _state(request, evaluation_id)


@router.get("/{evaluation_id}/report.pdf")
def report_pdf(request: HttpRequest, evaluation_id: int) -> FileResponse:
    evaluation = selectors.get_evaluation(acting_user(request), evaluation_id)
    if not evaluation.report_file:
        raise NotFound("评标报告尚未生成", "the report has not been issued")
    return FileResponse(
        selectors.report_file(evaluation),
        content_type="application/pdf",
        filename=f"{evaluation.lot.code}-评标报告.pdf",
    )


@router.get("/{evaluation_id}/divergences")
def divergences(request: HttpRequest, evaluation_id: int) -> list[dict[str, Any]]:
    evaluation = selectors.get_evaluation(acting_user(request), evaluation_id, room=True)
    return result.divergences(evaluation)


@router.get("/{evaluation_id}/bids/{bid_id}/files")
def files(request: HttpRequest, evaluation_id: int, bid_id: int) -> list[dict[str, Any]]:
    bid = selectors.bid_under_review(acting_user(request), evaluation_id, bid_id)
    return [{"name": n, "size": s} for n, s in selectors.attachments(bid)]


@router.get("/{evaluation_id}/bids/{bid_id}/files/{path:name}")
def file(request: HttpRequest, evaluation_id: int, bid_id: int, name: str) -> FileResponse:
    bid = selectors.bid_under_review(acting_user(request), evaluation_id, bid_id)
    stream, _size = selectors.attachment(bid, name)
    return FileResponse(stream, as_attachment=False, filename=name)
