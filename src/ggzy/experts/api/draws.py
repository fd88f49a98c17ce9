"""Draw API: requests, draws, replies, reveals and verification (thin: parse, call, answer)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from ggzy.core.http import acting_user
from ggzy.kernel.errors import Forbidden

from ..models import DrawAttempt, DrawRequest, Invitation
from ..selectors import draws as selectors
from ..services import draw as services
from ..verification import verify_attempt

router = Router(tags=["experts 专家抽取"])


class RequirementIn(Schema):
    specialty: str = Field(max_length=16)
    venue: str = Field(default="main", max_length=16)
    count: int


class DrawRequestIn(Schema):
    project_code: str = Field(max_length=64)
    lot_name: str = Field(max_length=200)
    procedure: str = Field(max_length=32)
    supervisor_id: int
    initiator_uscc: str = Field(max_length=40)
    agent_uscc: str = Field(default="", max_length=40)
    bidder_usccs: list[str] = Field(default=[], max_length=200)
    opening_at: datetime
    mode: str = Field(default="local", max_length=8)
    committee_size: int
    owner_representatives: int = 0
    requirements: list[RequirementIn] = Field(max_length=30)
    main_venue_id: int
    secondary_venue_count: int = 0
    reply_minutes: int = 30


class ReplyIn(Schema):
    accept: bool
    reason: str = Field(default="", max_length=200)


class SupplementaryIn(Schema):
    bucket: str = Field(max_length=64)
    count: int = Field(default=1, ge=1, le=10)


def invitation_out(invitation: Invitation, *, names: bool) -> dict[str, Any]:
    return {
        "id": invitation.pk,
        "attempt": invitation.attempt.number,
        "bucket": invitation.bucket,
        "venue": invitation.venue.name,
        "status": invitation.status,
        "reply_by": invitation.reply_by,
        "expert": invitation.expert.name if names else None,
        "employer": invitation.expert.employer_name if names else None,
    }


def attempt_out(attempt: DrawAttempt) -> dict[str, Any]:
    return {
        "number": attempt.number,
        "supplementary": attempt.supplementary,
        "status": attempt.status,
        "started_at": attempt.started_at,
        "snapshot_digest": attempt.snapshot_digest,
        "contributions": attempt.contributions,
        "eligible": {b["key"]: len(b["eligible"]) for b in attempt.snapshot["buckets"]},
        "exclusions": attempt.snapshot["exclusions"],
        "result_digest": attempt.result_digest,
    }


def request_out(request: DrawRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "project_code": request.project_code,
        "lot_name": request.lot_name,
        "procedure": request.procedure,
        "mode": request.mode,
        "status": request.status,
        "opening_at": request.opening_at,
        "committee_size": request.committee_size,
        "owner_representatives": request.owner_representatives,
        "requirements": request.requirements,
        "supervisor": request.supervisor.name,
        "main_venue": request.main_venue.name,
        "attempts": [attempt_out(a) for a in request.attempts.all()],
        "invitations": [
            invitation_out(i, names=True)
            for i in request.invitations.select_related("attempt", "venue", "expert")
        ],
    }


@router.get("/venues")
def list_venues(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": v.pk, "name": v.name} for v in selectors.venues()]


@router.get("/parties", auth=None)
def list_parties(request: HttpRequest) -> list[dict[str, Any]]:
    """The randomness parties and their published anchors (commitments)."""
    return [
        {
            "id": p.pk,
            "name": p.name,
            "organisation": p.organisation.name,
            "anchor": p.anchor,
            "alg": p.alg,
            "length": p.length,
            "next_index": p.next_index,
        }
        for p in selectors.parties()
    ]


@router.post("", response={201: dict})
def create_request(request: HttpRequest, payload: DrawRequestIn) -> Status:
    created = services.create_request(user=acting_user(request), **payload.dict())
    return Status(201, request_out(created))


@router.get("")
def list_requests(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": r.pk,
            "project_code": r.project_code,
            "lot_name": r.lot_name,
            "status": r.status,
            "opening_at": r.opening_at,
        }
        for r in selectors.requests_visible_to(acting_user(request)).order_by("-created_at")[:200]
    ]


@router.get("/invitations/mine")
def my_invitations(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {**invitation_out(i, names=False), "lot_name": i.request.lot_name}
        for i in selectors.invitations_of(acting_user(request)).select_related("attempt")
    ]


@router.post("/invitations/{invitation_id}/reply")
def reply(request: HttpRequest, invitation_id: int, payload: ReplyIn) -> dict[str, Any]:
    invitation = services.respond(
        user=acting_user(request),
        invitation_id=invitation_id,
        accept=payload.accept,
        reason=payload.reason,
    )
    return invitation_out(invitation, names=False)


@router.get("/{request_id}")
def get_request(request: HttpRequest, request_id: int) -> dict[str, Any]:
    return request_out(selectors.get_request(acting_user(request), request_id))


@router.post("/{request_id}/draw")
def run_draw(request: HttpRequest, request_id: int) -> dict[str, Any]:
    user = acting_user(request)
    selectors.get_request(user, request_id)
    services.draw(user=user, request_id=request_id)
    return request_out(selectors.get_request(user, request_id))


@router.post("/{request_id}/supplementary")
def supplementary(
    request: HttpRequest, request_id: int, payload: SupplementaryIn
) -> dict[str, Any]:
    user = acting_user(request)
    selectors.get_request(user, request_id)
    if user.role not in ("centre", "admin"):
        raise Forbidden("只有交易中心工作人员可以补抽", "only centre staff run supplementary draws")
    services.supplementary_draw(
        request_id=request_id, bucket=payload.bucket, count=payload.count, actor=user.actor
    )
    return request_out(selectors.get_request(user, request_id))


@router.post("/{request_id}/publish")
def publish(request: HttpRequest, request_id: int) -> dict[str, Any]:
    user = acting_user(request)
    selectors.get_request(user, request_id)
    return request_out(services.publish_reveals(user=user, request_id=request_id))


@router.get("/{request_id}/verify")
def verify(request: HttpRequest, request_id: int) -> dict[str, Any]:
    """Re-run every attempt of the request from its record (supervisors' check)."""
    draw_request = selectors.get_request(acting_user(request), request_id)
    verdicts = [verify_attempt(a) for a in draw_request.attempts.all()]
    return {
        "ok": all(v.ok for v in verdicts),
        "attempts": [
            {"number": v.attempt.number, "ok": v.ok, "problems": v.problems} for v in verdicts
        ],
    }
