"""At the evaluation (评标现场): sign-in, random seats, the chair, replacing a member.

These act on the confirmed invitations of one draw request and only the centre staff of the
request's centre (who run the evaluation and may read the sealed list) may call them. An
expert signs in only themself. A replaced member's scores are void (Reg. Art 48): the
tendering app reads ``Invitation.replaced_at``; the supplementary draw that brings the
replacement is ``services.draw``.

Seats are random but checkable: ``assign_seats`` takes the seed from its caller (the view
or API passes ``secrets.token_bytes(32)``), derives the permutation deterministically
with the draw's generator (``experts.drawing``), and records the seed's digest and the
seat map in the ledger.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db import transaction

from ggzy.accounts.models import Role, User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.core.services import record
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from ggzy.kernel.text import clean_text

from ..drawing import Generator
from ..models import DrawRequest, Invitation

MIN_SEED_BYTES = 16


def can_run_evaluation(user: User, request: DrawRequest) -> bool:
    """Centre staff of the request's own centre (or an administrator)."""
    if not is_centre_staff(user):
        return False
    return user.role == Role.ADMIN or user.is_superuser or user.organisation_id == request.centre_id


def _require_runner(user: User, request: DrawRequest) -> None:
    if not can_run_evaluation(user, request):
        raise Forbidden(
            "只有组织本次评标的交易中心工作人员才能办理",
            "only the staff of the trading centre running this evaluation may do this",
        )


def _lock_request(request: DrawRequest | int) -> DrawRequest:
    request_id = request.pk if isinstance(request, DrawRequest) else request
    found = DrawRequest.objects.select_for_update().filter(pk=request_id).first()
    if found is None:
        raise NotFound(
            f"抽取申请 {request_id} 不存在", f"no draw request {request_id}", field="request"
        )
    if found.status == DrawRequest.Status.CANCELLED:
        raise Conflict(
            "该抽取申请已取消", "the draw request was cancelled", code="request_cancelled"
        )
    return found


def _lock_invitation(invitation: Invitation | int) -> tuple[Invitation, DrawRequest]:
    invitation_id = invitation.pk if isinstance(invitation, Invitation) else invitation
    request_id = (
        Invitation.objects.filter(pk=invitation_id).values_list("request_id", flat=True).first()
    )
    if request_id is None:
        raise NotFound(
            f"抽取通知 {invitation_id} 不存在", f"no invitation {invitation_id}", field="invitation"
        )
    request = _lock_request(request_id)  # lock order: request, then invitation
    found = Invitation.objects.select_for_update().select_related("expert").get(pk=invitation_id)
    return found, request


def _require_member(invitation: Invitation, *, signed_in: bool) -> None:
    """A current member: confirmed, not replaced (and, if asked, signed in)."""
    if invitation.status != Invitation.Status.CONFIRMED or invitation.replaced_at is not None:
        raise Conflict(
            f"该专家不是本次评标的在任成员（{invitation.get_status_display()}）",
            f"the expert is not a current member of this committee ({invitation.status})",
            code="not_member",
            field="invitation",
        )
    if signed_in and invitation.signed_in_at is None:
        raise Conflict(
            "该专家尚未签到",
            "the expert has not signed in",
            code="not_signed_in",
            field="invitation",
        )


def _subject(request: DrawRequest) -> str:
    return f"draw-request:{request.pk}"


@transaction.atomic
def sign_in(
    *,
    invitation: Invitation | int,
    by: User,
    at: datetime | None = None,
    ip: str | None = None,
) -> Invitation:
    """Record a confirmed member's arrival (签到) at ``at`` (default: now)."""
    found, request = _lock_invitation(invitation)
    own = found.expert.user_id is not None and found.expert.user_id == by.pk
    if not own:
        _require_runner(by, request)
    _require_member(found, signed_in=False)
    if found.signed_in_at is not None:
        raise Conflict(
            f"该专家已于{found.signed_in_at.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M}签到",
            "the expert has already signed in",
            code="already_signed_in",
        )
    moment = at or clock.now()
    if moment.tzinfo is None:
        raise InvalidInput("签到时间须带时区", "the sign-in time needs a time zone", field="at")
    if moment > clock.now():
        raise InvalidInput(
            "签到时间不能晚于当前时间", "the sign-in time is in the future", field="at"
        )
    found.signed_in_at = moment
    found.save(update_fields=["signed_in_at"])
    record(
        "expert.signed_in",
        subject=_subject(request),
        actor=by.actor,
        ip=ip,
        payload={"request_id": request.pk, "invitation_id": found.pk, "at": moment.isoformat()},
    )
    return found


def permutation(seed: bytes, items: list[int]) -> list[int]:
    """Fisher–Yates shuffle of ``items`` driven by ``seed``: deterministic, unbiased (the
    draw's own generator, under the label "seats")."""
    generator = Generator("sha256", seed, "seats")
    result = list(items)
    for i in range(len(result) - 1, 0, -1):
        j = generator.below(i + 1)
        result[i], result[j] = result[j], result[i]
    return result


@transaction.atomic
def assign_seats(
    *, request: DrawRequest | int, seed: bytes, by: User, ip: str | None = None
) -> dict[int, int]:
    """Give every signed-in member without a seat a random seat number (随机座位号).

    Seats run 1..n over the current members; members seated earlier keep theirs, and a
    replaced member's number goes to the newcomer. The permutation follows from ``seed``
    (pass ``secrets.token_bytes(32)``); the ledger records SHA-256(seed) and the seat map
    {invitation id: seat}. Returns that map for the newly seated members."""
    locked = _lock_request(request)
    _require_runner(by, locked)
    if not isinstance(seed, bytes) or len(seed) < MIN_SEED_BYTES:
        raise InvalidInput(
            f"随机种子至少{MIN_SEED_BYTES}字节",
            f"the seed needs at least {MIN_SEED_BYTES} bytes",
            field="seed",
        )
    members = list(
        Invitation.objects.select_for_update()
        .filter(
            request=locked,
            status=Invitation.Status.CONFIRMED,
            replaced_at__isnull=True,
            signed_in_at__isnull=False,
        )
        .order_by("pk")
    )
    unseated = [m for m in members if m.seat is None]
    if not unseated:
        raise Conflict(
            "没有待分配座位的已签到专家",
            "no signed-in member is waiting for a seat",
            code="no_unseated",
        )
    taken = {m.seat for m in members if m.seat is not None}
    free: list[int] = []
    number = 1
    while len(free) < len(unseated):
        if number not in taken:
            free.append(number)
        number += 1
    seats = permutation(seed, free)
    seat_map: dict[int, int] = {}
    for member, seat in zip(unseated, seats, strict=True):
        member.seat = seat
        member.save(update_fields=["seat"])
        seat_map[member.pk] = seat
    record(
        "expert.seats_assigned",
        subject=_subject(locked),
        actor=by.actor,
        ip=ip,
        payload={
            "request_id": locked.pk,
            "seed_sha256": hashlib.sha256(seed).hexdigest(),
            "seats": {str(k): v for k, v in sorted(seat_map.items())},
        },
    )
    return seat_map


@transaction.atomic
def elect_chair(
    *, request: DrawRequest | int, invitation: Invitation | int, by: User, ip: str | None = None
) -> Invitation:
    """Record the chair the committee chose (评标委员会主任由委员会推选) among its signed-in,
    non-replaced members; a previous chair steps down."""
    found, locked = _lock_invitation(invitation)
    request_id = request.pk if isinstance(request, DrawRequest) else request
    if found.request_id != request_id:
        raise InvalidInput(
            "该专家不属于此次评标",
            "the invitation belongs to another draw request",
            field="invitation",
        )
    _require_runner(by, locked)
    _require_member(found, signed_in=True)
    if found.is_chair:
        raise Conflict("该专家已是主任", "the expert is already the chair", code="already_chair")
    Invitation.objects.filter(request=locked, is_chair=True).update(is_chair=False)
    found.is_chair = True
    found.save(update_fields=["is_chair"])
    record(
        "expert.chair_elected",
        subject=_subject(locked),
        actor=by.actor,
        ip=ip,
        payload={"request_id": locked.pk, "invitation_id": found.pk},
    )
    return found


@transaction.atomic
def replace_member(
    *, invitation: Invitation | int, reason: str, by: User, ip: str | None = None
) -> Invitation:
    """Take a member off the committee during evaluation (更换评标专家): their scores are
    void (Reg. Art 48). The invitation's status becomes ``replaced`` with ``replaced_at``
    and the reason; the replacement comes from ``draw.supplementary_draw``."""
    found, locked = _lock_invitation(invitation)
    _require_runner(by, locked)
    clean_reason = clean_text(
        reason, field="reason", max_length=200, label_zh="替换原因", label_en="reason"
    )
    _require_member(found, signed_in=False)
    found.status = Invitation.Status.REPLACED
    found.replaced_at = clock.now()
    found.replaced_reason = clean_reason
    found.is_chair = False
    found.save(update_fields=["status", "replaced_at", "replaced_reason", "is_chair"])
    record(
        "expert.member_replaced",
        subject=_subject(locked),
        actor=by.actor,
        ip=ip,
        payload={
            "request_id": locked.pk,
            "invitation_id": found.pk,
            "reason_sha256": hashlib.sha256(clean_reason.encode()).hexdigest(),
        },
    )
    return found
