"""The evaluation method in the documents, and the committee (评标委员会): formed from the
expert draw plus the initiator's representatives, signed in (签到), seated at random
(随机座位号), a chair elected (推选主任委员), members replaced (Reg. Art 48) and added.

This is the platform's one committee. A drawn expert's ``experts.Invitation`` shows what the
committee recorded of them because every action here that changes a member copies it there
(``_copy_to_invitation``); the experts app does not write those fields."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from datetime import datetime

from django.db import transaction

from ggzy.accounts.models import Role, User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.entities.selectors import entity_of
from ggzy.evaluation import events
from ggzy.experts.models import DrawRequest, Invitation
from ggzy.experts.services.draw import check_panel
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from ggzy.kernel.ledger import canonical_json
from ggzy.kernel.text import clean_text
from ggzy.tendering.models import Lot, Opening
from ggzy.tendering.procedures import GP
from ggzy.tendering.services.common import (
    digest_of,
    lock_lot,
    procedure_of,
)

from ..method import parse_method
from ..models import Evaluation, Member
from ..scoring import draw_k, draw_seats
from .common import current_members, lock, require_runner, require_status, witness
from .flags import raise_automatic_flags, withdraw_check_flags

ART_48 = rules.REG.art(48)
ART_49 = rules.REG.art(49)

# The expert draw's procedure codes, per tendering procedure family/code.
_DRAW_PROCEDURE = {
    "gp_open": "gp_tender",
    "gp_invite": "gp_tender",
    "gp_consultation": "gp_consultation",
    "gp_negotiation": "gp_negotiation",
    "gp_inquiry": "gp_inquiry",
    "gp_single_source": "gp_negotiation",
}


def draw_procedure(lot: Lot) -> str:
    code = lot.project.procedure
    return _DRAW_PROCEDURE.get(code, "works_tender")


# --- forming the committee ---------------------------------------------------------------


def _draw_request(request_id: object, lot: Lot) -> DrawRequest:
    found = (
        DrawRequest.objects.select_for_update().filter(pk=request_id).first()
        if isinstance(request_id, int)
        else None
    )
    if found is None:
        raise NotFound("专家抽取申请不存在", "no such draw request", field="draw_request")
    if found.project_code != lot.project.code:
        raise InvalidInput(
            f"该抽取申请属于项目 {found.project_code}，不是本项目",
            f"the draw request belongs to project {found.project_code}",
            field="draw_request",
        )
    if found.status not in (DrawRequest.Status.COMPLETE, DrawRequest.Status.PUBLIC):
        raise Conflict(
            f"专家抽取尚未完成（{found.get_status_display()}）",
            "the expert draw is not complete",
            code="draw_incomplete",
            field="draw_request",
        )
    if Evaluation.objects.filter(draw_request=found).exists():
        raise Conflict(
            "该抽取申请已用于组建评标委员会",
            "the draw request already formed a committee",
            code="draw_used",
            field="draw_request",
        )
    return found


def _representatives(ids: Sequence[object], lot: Lot) -> list[User]:
    if not isinstance(ids, list | tuple) or len(set(map(str, ids))) != len(ids):
        raise InvalidInput(
            "招标人代表须为不重复的用户编号列表",
            "representatives must be a list of distinct user ids",
            field="representatives",
        )
    users: list[User] = []
    for raw in ids:
        user = User.objects.filter(pk=raw, is_active=True).first() if isinstance(raw, int) else None
        entity = entity_of(user) if user else None
        if user is None or entity is None or entity.pk != lot.project.initiator_id:
            raise InvalidInput(
                f"用户 {raw} 不是招标人/采购人（{lot.project.initiator.name}）的在职人员",
                f"user {raw} does not act for the initiator",
                field="representatives",
            )
        users.append(user)
    return users


def _check_composition(evaluation: Evaluation, experts: int, owners: int) -> None:
    check_panel(draw_procedure(evaluation.lot), experts + owners, experts, owners)


def _expert_user(invitation: Invitation) -> User:
    user = invitation.expert.user
    if user is None or not user.is_active:
        raise InvalidInput(
            f"专家 {invitation.expert.name} 尚未开通平台账号，无法在线评标",
            f"expert {invitation.expert_id} has no platform account to evaluate with",
            field="draw_request",
        )
    return user


def public_seed(lot: Lot) -> bytes:
    """The seed of the evaluation's drawings (K, ties): the digest of the signed opening
    record — public, fixed when the opening closed and unknown before, so anyone can re-run
    them."""
    opening: Opening = lot.opening
    return hashlib.sha256(opening.record_signature.encode()).digest()


def _list_digest(members: list[Member]) -> str:
    listed = [{"kind": m.kind, "name": m.name, "user": m.user_id} for m in members]
    return hashlib.sha256(canonical_json(listed).encode()).hexdigest()


@transaction.atomic
def start(
    *,
    user: User,
    lot_id: int,
    draw_request: object,
    representatives: Sequence[object] = (),
    ip: str | None = None,
) -> Evaluation:
    """Open the sealed list of drawn experts to the evaluation room and form the committee."""
    lot = lock_lot(lot_id)
    own_centre = user.organisation_id == lot.project.centre_id
    if not (is_centre_staff(user) and (own_centre or user.role == Role.ADMIN)):
        raise Forbidden(
            "只有本项目所在交易中心的工作人员才能组织评标",
            "only the staff of the project's trading centre run its evaluation",
            code="not_evaluation_staff",
        )
    if lot.status != Lot.Status.OPENED:
        raise Conflict(
            f"标段/包当前为「{lot.get_status_display()}」，开标结束后才能评标",
            "evaluation starts after the opening has closed",
            code="not_opened",
        )
    if not lot.evaluation_method:
        raise InvalidInput(
            f"招标文件未载明评标办法；招标文件没有规定的评标标准和方法不得作为评标的依据"
            f"（依据{ART_49.zh}）",
            f"the documents state no evaluation method ({ART_49.en})",
            code="no_method",
        )
    request = _draw_request(draw_request, lot)
    now = clock.now()
    evaluation = Evaluation(lot=lot, draw_request=request, started_at=now, started_by=user)
    require_runner(user, evaluation)
    if request.centre_id != lot.project.centre_id:
        raise Forbidden(
            "抽取申请与项目不属于同一交易中心",
            "the draw request belongs to another centre",
            field="draw_request",
        )
    invitations = list(
        Invitation.objects.filter(
            request=request, status=Invitation.Status.CONFIRMED, replaced_at__isnull=True
        ).select_related("expert", "expert__user")
    )
    owners = _representatives(list(representatives), lot)
    if len(owners) != request.owner_representatives:
        raise InvalidInput(
            f"抽取申请载明招标人代表 {request.owner_representatives} 人，实际提交 {len(owners)} 人",
            f"the draw request names {request.owner_representatives} representatives; "
            f"{len(owners)} given",
            field="representatives",
        )
    _check_composition(evaluation, len(invitations), len(owners))
    expert_users = {_expert_user(i).pk for i in invitations}
    if expert_users & {u.pk for u in owners}:
        raise InvalidInput(
            "同一人不能既是评标专家又是招标人代表",
            "one person cannot be both an expert and a representative",
            field="representatives",
        )
    method = parse_method(
        lot.evaluation_method, procedure=procedure_of(lot.project), category=lot.project.category
    )
    evaluation.method = method.to_json()
    if method.average_k is not None:
        seed = public_seed(lot)
        evaluation.k_seed, evaluation.k_value = seed.hex(), draw_k(method.average_k, seed)
    evaluation.save()
    members = [
        Member(
            evaluation=evaluation,
            kind=Member.Kind.EXPERT,
            invitation=i,
            user=_expert_user(i),
            name=i.expert.name,
            joined_at=now,
        )
        for i in invitations
    ] + [
        Member(
            evaluation=evaluation,
            kind=Member.Kind.REPRESENTATIVE,
            user=u,
            name=str(u),
            joined_at=now,
        )
        for u in owners
    ]
    Member.objects.bulk_create(members)
    flags = raise_automatic_flags(evaluation)
    lot.status = Lot.Status.EVALUATING
    lot.save(update_fields=["status"])
    witness(
        evaluation,
        events.EVALUATION_STARTED,
        user,
        {
            "draw_request": request.pk,
            "experts": len(invitations),
            "representatives": len(owners),
            "members_digest": _list_digest(members),
            "method_digest": digest_of(evaluation.method),
            "k_seed": evaluation.k_seed,
            "k": str(evaluation.k_value) if evaluation.k_value is not None else None,
            "flags": flags,
        },
        ip,
    )
    return evaluation


# --- in the evaluation room --------------------------------------------------------------

MIN_SEED_BYTES = 16


def _lock_member(evaluation: Evaluation, member_id: object) -> Member:
    found = (
        Member.objects.select_for_update(of=("self",))  # the invitation may be null
        .select_related("invitation")
        .filter(pk=member_id, evaluation=evaluation)
        .first()
        if isinstance(member_id, int)
        else None
    )
    if found is None:
        raise NotFound("该成员不在本评标委员会", "no such member here", field="member")
    if found.replaced_at is not None:
        raise Conflict("该成员已被更换", "the member was replaced", code="member_replaced")
    return found


def _copy_to_invitation(*members: Member) -> None:
    """Copy what the committee recorded of each drawn expert onto their invitation: the
    expert's own invitations show it, and the status ``replaced`` frees the employer's place
    in a supplementary draw and still counts as served for appraisal and pay. The only
    writer of those fields."""
    for member in members:
        invitation = member.invitation
        if invitation is None:  # an initiator's representative
            continue
        invitation.signed_in_at, invitation.seat = member.signed_in_at, member.seat
        invitation.is_chair = member.is_chair
        invitation.replaced_at = member.replaced_at
        invitation.replaced_reason = member.replaced_reason
        if member.replaced_at is not None:
            invitation.status = Invitation.Status.REPLACED
        invitation.save(
            update_fields=[
                "signed_in_at",
                "seat",
                "is_chair",
                "replaced_at",
                "replaced_reason",
                "status",
            ]
        )


def _maybe_begin_review(evaluation: Evaluation) -> None:
    """Review begins once the whole committee has signed in and has a chair."""
    members = current_members(evaluation)
    full = len(members) == evaluation.draw_request.committee_size
    ready = full and all(m.signed_in_at for m in members) and any(m.is_chair for m in members)
    if evaluation.status == Evaluation.Status.FORMING and ready:
        evaluation.status = Evaluation.Status.REVIEWING
        evaluation.save(update_fields=["status"])


def _arrival(at: datetime, member: Member) -> datetime:
    """The time the staff say the member arrived: with a time zone, not in the future and
    not before the member joined the committee."""
    if at.tzinfo is None:
        raise InvalidInput("签到时间须带时区", "the sign-in time needs a time zone", field="at")
    if at > clock.now():
        raise InvalidInput(
            "签到时间不能晚于当前时间", "the sign-in time is in the future", field="at"
        )
    if at < member.joined_at:
        raise InvalidInput(
            f"签到时间不能早于该成员加入评标委员会的时间（{clock.local_text(member.joined_at)}）",
            f"the sign-in time is before the member joined the committee "
            f"({clock.local_text(member.joined_at)})",
            field="at",
        )
    return at


@transaction.atomic
def sign_in(
    *,
    user: User,
    evaluation_id: int,
    member_id: int | None = None,
    at: datetime | None = None,
    ip: str | None = None,
) -> Member:
    """A member signs in (签到), now; the centre's staff may sign a member in on their behalf
    and record when they arrived (``at``)."""
    evaluation = lock(evaluation_id)
    require_status(evaluation, Evaluation.Status.FORMING)
    if member_id is None:
        own = evaluation.members.filter(user=user, replaced_at__isnull=True).first()
        if own is None:
            raise Forbidden(
                "您不是本评标委员会的成员", "you are not on this committee", code="not_member"
            )
        member = _lock_member(evaluation, own.pk)
    else:
        member = _lock_member(evaluation, member_id)
    if member.user_id != user.pk or at is not None:
        require_runner(user, evaluation)
    if member.signed_in_at is not None:
        raise Conflict(
            f"已签到（{clock.local_text(member.signed_in_at)}）",
            f"already signed in ({clock.local_text(member.signed_in_at)})",
            code="already_signed_in",
        )
    member.signed_in_at = clock.now() if at is None else _arrival(at, member)
    member.save(update_fields=["signed_in_at"])
    _copy_to_invitation(member)
    witness(
        evaluation,
        events.EVALUATION_SIGNED_IN,
        user,
        {"member": member.pk, "at": member.signed_in_at.isoformat()},
        ip,
    )
    _maybe_begin_review(evaluation)
    return member


@transaction.atomic
def assign_seats(
    *, user: User, evaluation_id: int, seed: bytes, ip: str | None = None
) -> dict[int, int]:
    """Give every signed-in member without a seat a random seat number (随机座位号).

    Seats run from 1 over the current members: members seated earlier keep theirs, and a
    replaced member's number goes to a newcomer. The free numbers, ascending, are shuffled
    by ``scoring.draw_seats`` from ``seed`` (the API and the page pass
    ``secrets.token_bytes(32)``) and taken by the unseated members in the order of their ids.
    The ledger records the seed and the seat map {member id: seat}, so anyone can re-run it.
    Returns that map."""
    evaluation = lock(evaluation_id)
    require_runner(user, evaluation)
    require_status(evaluation, Evaluation.Status.FORMING, Evaluation.Status.REVIEWING)
    if len(seed) < MIN_SEED_BYTES:
        raise InvalidInput(
            f"随机种子至少{MIN_SEED_BYTES}字节",
            f"the seed needs at least {MIN_SEED_BYTES} bytes",
            field="seed",
        )
    members = list(
        evaluation.members.select_for_update(of=("self",))
        .select_related("invitation")
        .filter(replaced_at__isnull=True)
        .order_by("id")
    )
    unseated = [m for m in members if m.signed_in_at is not None and m.seat is None]
    if not unseated:
        raise Conflict(
            "没有待分配座位的已签到成员",
            "no signed-in member is waiting for a seat",
            code="no_unseated",
        )
    taken = {m.seat for m in members if m.seat is not None}
    free = itertools.islice((n for n in itertools.count(1) if n not in taken), len(unseated))
    seat_map: dict[int, int] = {}
    for member, seat in zip(unseated, draw_seats(seed, list(free)), strict=True):
        member.seat = seat
        member.save(update_fields=["seat"])
        seat_map[member.pk] = seat
    _copy_to_invitation(*unseated)
    witness(
        evaluation,
        events.EVALUATION_SEATS_ASSIGNED,
        user,
        {"seed": seed.hex(), "seats": {str(k): v for k, v in seat_map.items()}},
        ip,
    )
    return seat_map


@transaction.atomic
def elect_chair(*, user: User, evaluation_id: int, member_id: int, ip: str | None = None) -> Member:
    """Record the chair the committee chose (评标委员会主任由委员会推选) among its signed-in
    members; a previous chair steps down."""
    evaluation = lock(evaluation_id)
    require_runner(user, evaluation)
    require_status(evaluation, Evaluation.Status.FORMING, Evaluation.Status.REVIEWING)
    member = _lock_member(evaluation, member_id)
    if member.signed_in_at is None:
        raise Conflict("该成员尚未签到", "the member has not signed in", code="not_signed_in")
    if member.is_chair:
        raise Conflict(
            "该成员已是主任委员", "the member is already the chair", code="already_chair"
        )
    previous = list(
        evaluation.members.select_for_update(of=("self",))
        .select_related("invitation")
        .filter(is_chair=True)
    )
    for member_before in previous:
        member_before.is_chair = False
        member_before.save(update_fields=["is_chair"])
    member.is_chair = True
    member.save(update_fields=["is_chair"])
    _copy_to_invitation(*previous, member)
    witness(evaluation, events.EVALUATION_CHAIR_ELECTED, user, {"member": member.pk}, ip)
    _maybe_begin_review(evaluation)
    return member


def _undo_conclusion(evaluation: Evaluation) -> None:
    """A change of members voids the result, the report and its signatures (redone)."""
    evaluation.result, evaluation.concluded_at = None, None
    evaluation.report_file = evaluation.report_digest = ""
    evaluation.reported_at = None
    evaluation.save(
        update_fields=["result", "concluded_at", "report_file", "report_digest", "reported_at"]
    )
    evaluation.members.update(
        report_signature="", report_certificate=None, report_signed_at=None, dissent=""
    )


@transaction.atomic
def replace_member(
    *, user: User, evaluation_id: int, member_id: int, reason: str, ip: str | None = None
) -> Member:
    """Take a member off the committee (更换评标委员会成员): their review is void (Reg. Art
    48), a result already reached is undone, and the committee waits for the newcomer (a
    supplementary draw of the same request, or another representative: ``add_member``).
    A drawn expert's invitation becomes ``replaced``; their seat number is free again."""
    evaluation = lock(evaluation_id)
    require_runner(user, evaluation)
    require_status(
        evaluation,
        Evaluation.Status.FORMING,
        Evaluation.Status.REVIEWING,
        Evaluation.Status.CONCLUDED,
        Evaluation.Status.REPORTED,
    )
    member = _lock_member(evaluation, member_id)
    clean_reason = clean_text(
        reason, field="reason", max_length=200, label_zh="更换原因", label_en="reason"
    )
    member.replaced_at, member.replaced_reason, member.is_chair = clock.now(), clean_reason, False
    member.save(update_fields=["replaced_at", "replaced_reason", "is_chair"])
    _copy_to_invitation(member)
    if evaluation.status in (Evaluation.Status.CONCLUDED, Evaluation.Status.REPORTED):
        _undo_conclusion(evaluation)
    withdrawn = withdraw_check_flags(evaluation)
    evaluation.status = Evaluation.Status.FORMING
    evaluation.save(update_fields=["status"])
    witness(
        evaluation,
        events.EVALUATION_MEMBER_REPLACED,
        user,
        {
            "member": member.pk,
            "reason_sha256": hashlib.sha256(clean_reason.encode()).hexdigest(),
            "flags_withdrawn": withdrawn,
        },
        ip,
    )
    return member


@transaction.atomic
def add_member(
    *,
    user: User,
    evaluation_id: int,
    invitation_id: int | None = None,
    representative_id: int | None = None,
    ip: str | None = None,
) -> Member:
    """Seat a newcomer: an expert confirmed from a supplementary draw of the same request,
    or another representative of the initiator."""
    evaluation = lock(evaluation_id)
    require_runner(user, evaluation)
    require_status(evaluation, Evaluation.Status.FORMING)
    members = current_members(evaluation)
    if len(members) >= evaluation.draw_request.committee_size:
        raise Conflict("评标委员会已满员", "the committee is full", code="committee_full")
    if (invitation_id is None) == (representative_id is None):
        raise InvalidInput(
            "请给出补抽专家的抽取通知，或一名招标人代表（二者选一）",
            "give either the supplementary invitation or one representative",
            field="invitation",
        )
    if invitation_id is not None:
        invitation = (
            Invitation.objects.select_related("expert", "expert__user")
            .filter(pk=invitation_id, request=evaluation.draw_request)
            .first()
        )
        if invitation is None or invitation.status != Invitation.Status.CONFIRMED:
            raise InvalidInput(
                "该抽取通知不属于本次评标或专家未确认参加",
                "the invitation is not a confirmed one of this draw request",
                field="invitation",
            )
        if Member.objects.filter(invitation=invitation).exists():
            raise Conflict("该专家已在委员会中", "already a member", code="already_member")
        kind, account, name = Member.Kind.EXPERT, _expert_user(invitation), invitation.expert.name
    else:
        (account,) = _representatives([representative_id], evaluation.lot)
        invitation, kind = None, Member.Kind.REPRESENTATIVE
        name = str(account)
    if any(m.user_id == account.pk for m in members):
        raise Conflict("此人已在委员会中", "already a member", code="already_member")
    if evaluation.members.filter(user=account, replaced_at__isnull=False).exists():
        raise Conflict(
            f"此人已被更换出本评标委员会，其评审结论无效，不得再次加入（依据{ART_48.zh}）",
            f"this person was replaced on this committee; their review is void and they "
            f"cannot rejoin ({ART_48.en})",
            code="member_replaced",
        )
    if len(members) + 1 == evaluation.draw_request.committee_size:
        experts = sum(m.kind == Member.Kind.EXPERT for m in members) + (kind == Member.Kind.EXPERT)
        _check_composition(evaluation, experts, len(members) + 1 - experts)
    member = Member.objects.create(
        evaluation=evaluation,
        kind=kind,
        invitation=invitation,
        user=account,
        name=name,
        joined_at=clock.now(),
    )
    witness(
        evaluation, events.EVALUATION_MEMBER_ADDED, user, {"member": member.pk, "kind": kind}, ip
    )
    return member


def family_of(evaluation: Evaluation) -> str:
    return procedure_of(evaluation.lot.project).family


def is_gp(evaluation: Evaluation) -> bool:
    return family_of(evaluation) == GP
