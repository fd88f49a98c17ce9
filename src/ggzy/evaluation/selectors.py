"""Reads of an evaluation, scoped to who is asking.

The evaluation room — members, the centre's staff running it, the supervising department —
sees the committee and the bids. A member sees only their own sheet until they submit it;
then the other submitted sheets too. The chair sees divergences once every sheet is in.
The initiator and agent see the result and the report once the evaluation is complete.
"""

from __future__ import annotations

import tarfile
import tempfile
from datetime import datetime, timedelta
from typing import IO, Any

from django.db.models import Q
from django.urls import reverse

from ggzy.accounts.models import Role, User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.core import files
from ggzy.experts.models import Invitation
from ggzy.experts.selectors.draws import can_run_evaluation
from ggzy.kernel import rules
from ggzy.kernel.errors import NotFound
from ggzy.tendering.bidfile import ATTACHMENTS
from ggzy.tendering.models import Lot
from ggzy.tendering.price_sheet import rows
from ggzy.tendering.selectors import projects_visible_to
from ggzy.tendering.services.common import identifier, is_manager, procedure_of
from ggzy.tendering.services.opening import write_plaintext
from ggzy.workspace.todo import Todo, todo

from .models import Evaluation, Member
from .services.common import current_members, method_of
from .services.flags import REJECTION_REASONS, evaluated_bids
from .services.result import divergences
from .services.review import missing, sheet_of

ROOM = "room"  # members, running staff, supervisors
PARTY = "party"  # the initiator and its agent


def access(user: User, evaluation: Evaluation) -> str | None:
    if not user.is_authenticated:
        return None
    project = evaluation.lot.project
    if evaluation.members.filter(user=user).exists() or can_run_evaluation(
        user, evaluation.draw_request
    ):
        return ROOM
    if user.role == Role.SUPERVISOR and user.organisation_id == project.supervisor_id:
        return ROOM
    if user.role in (Role.ADMIN, Role.OVERSIGHT):
        return ROOM
    done = evaluation.status in (Evaluation.Status.COMPLETE, Evaluation.Status.FAILED)
    if done and is_manager(user, project):
        return PARTY
    return None


def get_evaluation(user: User, evaluation_id: int, *, room: bool = False) -> Evaluation:
    found = (
        Evaluation.objects.select_related("lot", "lot__project", "draw_request")
        .filter(pk=evaluation_id)
        .first()
    )
    level = access(user, found) if found else None
    if found is None or level is None or (room and level != ROOM):
        raise NotFound("评标不存在或无权查看", "no such evaluation, or not yours")
    return found


def of_lot(user: User, lot_id: int) -> Evaluation:
    found = Evaluation.objects.filter(lot_id=lot_id).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound("该标段/包尚未开始评标", "the lot's evaluation has not started")
    return get_evaluation(user, found)


def for_user(user: User) -> list[Evaluation]:
    """The evaluations a member sits on (current seat), newest first."""
    return list(
        Evaluation.objects.filter(members__user=user, members__replaced_at__isnull=True)
        .select_related("lot", "lot__project")
        .order_by("-started_at")
    )


def listed_for(user: User) -> list[Evaluation]:
    """The evaluations page: a member's current seats; centre staff: their centre's;
    supervisors: the projects they supervise; admins and oversight: all. Newest first."""
    if not user.is_authenticated:
        return []
    scope = Q(members__user=user, members__replaced_at__isnull=True)
    if user.is_superuser or user.role in (Role.ADMIN, Role.OVERSIGHT):
        scope = Q()
    elif user.role == Role.CENTRE and user.organisation_id:
        scope |= Q(draw_request__centre_id=user.organisation_id)
    elif user.role == Role.SUPERVISOR and user.organisation_id:
        scope |= Q(lot__project__supervisor_id=user.organisation_id)
    return list(
        Evaluation.objects.filter(scope)
        .distinct()
        .select_related("lot", "lot__project")
        .order_by("-started_at")[:200]
    )


def runs(user: User, evaluation: Evaluation) -> bool:
    """Whether ``user`` is centre staff running this evaluation."""
    return user.is_authenticated and can_run_evaluation(user, evaluation.draw_request)


def seatable_invitations(evaluation: Evaluation) -> list[Invitation]:
    """Confirmed invitations of the evaluation's draw (e.g. a supplementary draw) whose
    expert has no seat yet: the experts staff may add to the committee."""
    return list(
        Invitation.objects.filter(
            request=evaluation.draw_request,
            status=Invitation.Status.CONFIRMED,
            replaced_at__isnull=True,
            member__isnull=True,
        )
        .select_related("expert")
        .order_by("pk")
    )


def review_desk(user: User, evaluation: Evaluation) -> list[dict[str, Any]]:
    """The member's scoring workspace: for every bid still under review, the method's check
    and scoring items with the member's own saved answers, the price sheet and the bid's
    decrypted documents (names and sizes)."""
    me = evaluation.members.filter(user=user, replaced_at__isnull=True).first()
    if me is None:
        return []
    method = method_of(evaluation)
    own = sheet_of(me)
    family = procedure_of(evaluation.lot.project).family
    rejected = set(evaluation.rejections.values_list("bid_id", flat=True))
    desk = []
    for bid in evaluated_bids(evaluation):
        if bid.pk in rejected:
            continue
        saved = own.get(str(bid.pk), {"checks": {}, "scores": {}})
        desk.append(
            {
                "id": bid.pk,
                "entity": bid.entity.name,
                "code": identifier(bid.entity),
                "sheet": rows(bid.price_sheet, family),
                "files": attachments(bid),
                "checks": [
                    {
                        "id": c.id,
                        "name": c.name,
                        "stage": c.stage,
                        "passed": saved["checks"].get(c.id, {}).get("passed"),
                        "reason": saved["checks"].get(c.id, {}).get("reason", ""),
                    }
                    for c in method.checks
                ],
                "items": [
                    {
                        "id": i.id,
                        "name": i.name,
                        "group": i.group,
                        "max": str(i.max),
                        "value": saved["scores"].get(i.id, ""),
                    }
                    for i in method.items
                ],
            }
        )
    return desk


def submitted_sheets(state: dict[str, Any]) -> list[dict[str, Any]]:
    """The other members' submitted sheets from ``state`` (present only once the member has
    submitted their own), arranged per bid: one row per member."""
    others: dict[str, Any] = state.get("sheets", {}).get("others") or {}
    if not others:
        return []
    method = state["method"]
    tables = []
    for bid in state["bids"]:
        lines = []
        for name, sheet in sorted(others.items()):
            entry = sheet.get(str(bid["id"]), {"checks": {}, "scores": {}})
            lines.append(
                {
                    "name": name,
                    "checks": [entry["checks"].get(c["id"]) for c in method["checks"]],
                    "scores": [entry["scores"].get(i["id"], "") for i in method["items"]],
                }
            )
        if any(any(line["checks"]) or any(line["scores"]) for line in lines):
            tables.append({"bid": bid["id"], "entity": bid["entity"], "rows": lines})
    return tables


def _member_line(member: Member) -> dict[str, Any]:
    return {
        "id": member.pk,
        "name": member.name,
        "kind": member.kind,
        "kind_label": member.get_kind_display(),
        "signed_in": member.signed_in_at is not None,
        "seat": member.seat,
        "is_chair": member.is_chair,
        "submitted": member.submitted_at is not None,
        "replaced": member.replaced_at is not None,
        "dissent": member.dissent,
        "signed_report": member.report_signed_at is not None,
    }


def _sheets(evaluation: Evaluation, me: Member | None) -> dict[str, Any]:
    """The member's own sheet always; the other submitted sheets only after submitting."""
    if me is None:
        return {}
    sheets = {"own": sheet_of(me)}
    if me.submitted_at is not None:
        sheets["others"] = {
            m.name: sheet_of(m)
            for m in current_members(evaluation)
            if m.pk != me.pk and m.submitted_at is not None
        }
    return sheets


def state(user: User, evaluation: Evaluation) -> dict[str, Any]:
    """Everything one page (or API client) of the evaluation shows to ``user``."""
    lot = evaluation.lot
    family = procedure_of(lot.project).family
    level = access(user, evaluation)
    base: dict[str, Any] = {
        "id": evaluation.pk,
        "lot": {"id": lot.pk, "code": lot.code, "name": lot.name, "project": lot.project.name},
        "status": evaluation.status,
        "status_label": evaluation.get_status_display(),
        "version": evaluation.version,
        "method": evaluation.method,
        "result": evaluation.result,
        "report_digest": evaluation.report_digest,
    }
    if level != ROOM:
        return base
    me = evaluation.members.filter(user=user, replaced_at__isnull=True).first()
    rejected = {r.bid_id: r for r in evaluation.rejections.all()}
    bids: list[dict[str, Any]] = [
        {
            "id": b.pk,
            "entity": b.entity.name,
            "code": identifier(b.entity),
            "sheet": rows(b.price_sheet, family),
            "rejected": b.pk in rejected,
        }
        for b in evaluated_bids(evaluation)
    ]
    members = list(evaluation.members.order_by("id"))
    everyone_in = all(m.submitted_at for m in members if m.replaced_at is None)
    base |= {
        "me": _member_line(me) if me else None,
        "members": [_member_line(m) for m in members],
        "bids": bids,
        "flags": [
            {
                "id": f.pk,
                "bid": f.bid_id,
                "kind": f.kind,
                "label": f.get_kind_display(),
                "detail": f.detail,
                "resolution": f.resolution,
                "reason": f.resolution_reason,
            }
            for f in evaluation.flags.order_by("id")
        ],
        "rejections": [
            {
                "bid": r.bid_id,
                "reason": r.reason,
                "reason_text": REJECTION_REASONS[r.reason][0],
                "ground": r.ground,
                "votes": [r.votes_for, r.votes_against],
            }
            for r in rejected.values()
        ],
        "sheets": _sheets(evaluation, me),
        "missing": (
            missing(me, method_of(evaluation), {b["id"] for b in bids if not b["rejected"]})
            if me and evaluation.status == Evaluation.Status.REVIEWING
            else []
        ),
        "divergences": (
            divergences(evaluation)
            if everyone_in and evaluation.status == Evaluation.Status.REVIEWING
            else []
        ),
        "k_seed": evaluation.k_seed,
        "k": str(evaluation.k_value) if evaluation.k_value is not None else None,
    }
    return base


def bid_under_review(user: User, evaluation_id: int, bid_id: int) -> Any:
    """A bid the room may read (its decrypted documents beside the scoring table)."""
    evaluation = get_evaluation(user, evaluation_id, room=True)
    bid = next((b for b in evaluated_bids(evaluation) if b.pk == bid_id), None)
    if bid is None:
        raise NotFound("该投标不在评审范围内", "no such bid under evaluation", field="bid")
    return bid


def report_file(evaluation: Evaluation) -> IO[bytes]:
    """The report's PDF from the file store; the caller (a response) closes it."""
    if not evaluation.report_file:
        raise NotFound("评标报告尚未生成", "the report has not been issued")
    return files.open_stored(evaluation.report_file)


def plaintext(bid: Any) -> IO[bytes]:
    """The bid decrypted again into a temporary file (deleted when closed): no plaintext copy
    of a bid is kept on the platform."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 — the caller closes it
    write_plaintext(bid, spool)
    spool.seek(0)
    return spool


def attachments(bid: Any) -> list[tuple[str, int]]:
    """Listed at the opening, in its one decryption pass: listing needs no decryption."""
    return [(name, size) for name, size in bid.attachments]


def attachment(bid: Any, name: str) -> tuple[_Closing, int]:
    """One attachment as a readable stream (and its size); the caller closes it."""
    spool = plaintext(bid)
    tar = tarfile.open(fileobj=spool, mode="r:")  # noqa: SIM115 — closed with the spool
    member = next((m for m in tar if m.name == ATTACHMENTS + name and m.isfile()), None)
    stream = tar.extractfile(member) if member else None
    if stream is None:
        spool.close()
        raise NotFound(f"附件 {name} 不存在", f"no attachment {name!r}", field="name")
    assert member is not None  # a stream exists only for a found member
    return _Closing(stream, spool), member.size


class _Closing:
    """A tar member stream that closes the spool file under it when closed."""

    def __init__(self, stream: IO[bytes], spool: IO[bytes]) -> None:
        self._stream, self._spool = stream, spool

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def close(self) -> None:
        self._stream.close()
        self._spool.close()


# --- to-dos (待办事项) ----------------------------------------------------------------------

ASSEMBLY_RULE = "experts.assembly_max_hours_after_opening"


def todos(user: User) -> list[Todo]:
    """A member (expert or the initiator's representative): sign in, submit the sheets, sign
    the report. Centre staff: lots opened whose committee is not formed yet."""
    if not user.is_authenticated:
        return []
    found = _seats(user)
    if is_centre_staff(user):
        found += _to_start(user)
    return found


def _assembly_due(lot: Lot) -> datetime | None:
    opening = lot.project.bid_deadline
    return opening + timedelta(hours=rules.int_value(ASSEMBLY_RULE)) if opening else None


def _seats(user: User) -> list[Todo]:
    seats = Member.objects.filter(user=user, replaced_at__isnull=True).select_related(
        "evaluation__lot__project"
    )
    found = []
    for member in seats:
        evaluation, status = member.evaluation, member.evaluation.status
        if status == Evaluation.Status.FORMING and member.signed_in_at is None:
            due = _assembly_due(evaluation.lot)
            zh, en = "评标签到", "Sign in to the evaluation"
            found.append(_in_room(evaluation, "sign_in", zh, en, due))
        elif status == Evaluation.Status.REVIEWING and member.submitted_at is None:
            zh, en = "评审打分并提交评审表", "Score the bids and submit the sheet"
            found.append(_in_room(evaluation, "submit", zh, en))
        elif status == Evaluation.Status.REPORTED and not member.report_signed_at:
            found.append(_in_room(evaluation, "sign_report", "签署评标报告", "Sign the report"))
    return found


def _in_room(
    evaluation: Evaluation, kind: str, zh: str, en: str, due: datetime | None = None
) -> Todo:
    lot = evaluation.lot
    return todo(
        f"evaluation.{kind}",
        zh,
        en,
        code=lot.code,
        name=f"{lot.project.name} {lot.name}",
        link=reverse("evaluation:room", args=[evaluation.pk]),
        deadline=due,
        rule=ASSEMBLY_RULE if due else None,
    )


def _to_start(user: User) -> list[Todo]:
    lots = (
        Lot.objects.filter(
            project__in=projects_visible_to(user),
            status=Lot.Status.OPENED,
            evaluation__isnull=True,
        )
        .select_related("project")
        .order_by("project__bid_deadline", "code")
    )
    found = []
    for lot in lots:
        due = _assembly_due(lot)
        found.append(
            todo(
                "evaluation.start",
                "组建评标委员会，开始评标",
                "Form the committee and start the evaluation",
                code=lot.code,
                name=f"{lot.project.name} {lot.name}",
                link=reverse("evaluation:start", args=[lot.pk]),
                deadline=due,
                rule=ASSEMBLY_RULE if due else None,
            )
        )
    return found
