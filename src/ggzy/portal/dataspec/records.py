"""Which records each dataset has: for one project or lot, its records' sub-keys and rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q

from ggzy.deposits.models import Deposit
from ggzy.evaluation.models import Evaluation
from ggzy.tendering.models import Bid, Lot, Notice, Project
from ggzy.tendering.procedures import PROCEDURES

from .rows import Row, Viewer, reverse_one

Records = Iterator[tuple[int, Row]]


def project_record(project: Project, viewer: Viewer) -> Records:
    yield 0, Row(viewer, project, lots=list(project.lots.order_by("number")))


def lot_record(lot: Lot, viewer: Viewer) -> Records:
    yield 0, Row(viewer, lot.project, lot=lot)


FOLLOW_UPS = (Notice.Kind.CHANGE, Notice.Kind.TERMINATION)
TENDER_NOTICES = (Notice.Kind.TENDER, Notice.Kind.PREQUALIFICATION, *FOLLOW_UPS)


def _public_notice(project: Project) -> bool:
    """Whether the procedure publishes a tender notice, or invites named bidders instead."""
    return PROCEDURES[project.procedure].public_notice


def tender_notices(project: Project, viewer: Viewer) -> Records:
    """The notices of a procedure with a public notice, and their changes (invitation
    procedures: 505)."""
    if not _public_notice(project):
        return
    lots = list(project.lots.order_by("number"))
    for notice in project.notices.filter(kind__in=TENDER_NOTICES).order_by("pk"):
        covered = [lot for lot in lots if lot.pk == notice.lot_id] if notice.lot_id else lots
        yield notice.pk, Row(viewer, project, lots=covered, notice=notice)


def documents(lot: Lot, viewer: Viewer) -> Records:
    evaluation = reverse_one(lot, "evaluation")
    for document in lot.project.documents.filter(issued_at__isnull=False).order_by("pk"):
        yield (
            document.pk,
            Row(viewer, lot.project, lot=lot, document=document, evaluation=evaluation),
        )


def invitations(lot: Lot, viewer: Viewer) -> Records:
    """The invitation and its changes (投标邀请内容及变更内容), for invitation procedures."""
    if _public_notice(lot.project):
        return
    notices = lot.project.notices.filter(kind__in=(Notice.Kind.INVITATION, *FOLLOW_UPS))
    for notice in notices.filter(Q(lot__isnull=True) | Q(lot=lot)).order_by("pk"):
        yield notice.pk, Row(viewer, lot.project, lot=lot, notice=notice)


def opening_record(lot: Lot, viewer: Viewer) -> Records:
    opening = reverse_one(lot, "opening")
    if opening is None or not opening.record:
        return
    notice = lot.notices.filter(kind=Notice.Kind.OPENING_RECORD).order_by("pk").first()
    yield 0, Row(viewer, lot.project, lot=lot, notice=notice, extra={"opening": opening})


NOT_LISTED = (Bid.Status.WITHDRAWN, Bid.Status.REPLACED, Bid.Status.RETURNED)


def bidders(lot: Lot, viewer: Viewer) -> Records:
    """Bidders stay anonymous until the opening (Law Art 22), for supervisors too."""
    if reverse_one(lot, "opening") is None:
        return
    first: dict[int, Deposit] = {}
    for deposit in Deposit.objects.filter(lot=lot).order_by("recorded_at", "pk"):
        first.setdefault(deposit.entity_id, deposit)
    bids = lot.bids.exclude(status__in=NOT_LISTED).select_related("entity", "submitted_by")
    for bid in bids.order_by("pk"):
        yield bid.pk, Row(viewer, lot.project, lot=lot, bid=bid, deposit=first.get(bid.entity_id))


def experts(lot: Lot, viewer: Viewer) -> Records:
    """The committee exists once the evaluation starts; identities were sealed till then."""
    evaluation = reverse_one(lot, "evaluation")
    if evaluation is None:
        return
    members = evaluation.members.filter(replaced_at__isnull=True).select_related(
        "invitation__expert", "user"
    )
    for member in members.order_by("pk"):
        yield member.pk, Row(viewer, lot.project, lot=lot, member=member, evaluation=evaluation)


def report(lot: Lot, viewer: Viewer) -> Records:
    evaluation = reverse_one(lot, "evaluation")
    if evaluation is None or evaluation.reported_at is None:
        return
    yield 0, Row(viewer, lot.project, lot=lot, evaluation=evaluation)


def _ranked(evaluation: Evaluation) -> list[dict[str, Any]]:
    result = evaluation.result or {}
    rows = {line["bid"]: line for line in result.get("rows", [])}
    return [rows[bid] for bid in result.get("candidates", []) if bid in rows]


def candidates(lot: Lot, viewer: Viewer) -> Records:
    """Public once the candidates' publicity is out (works); exchange callers once the
    evaluation is complete (procurement candidates are not published on their own)."""
    evaluation = reverse_one(lot, "evaluation")
    publicity = reverse_one(lot, "publicity")
    if evaluation is None or not evaluation.result:
        return
    if publicity is None and (viewer.public or evaluation.completed_at is None):
        return
    bids = {b.pk: b for b in Bid.objects.filter(lot=lot).select_related("entity")}
    shows = publicity is not None and publicity.shows_scores
    for line in _ranked(evaluation):
        bid = bids[line["bid"]]
        yield (
            int(line["rank"]),
            Row(
                viewer,
                lot.project,
                lot=lot,
                bid=bid,
                evaluation=evaluation,
                result_row=line,
                extra={"shows_scores": shows},
            ),
        )


def publicity(lot: Lot, viewer: Viewer) -> Records:
    publicity = reverse_one(lot, "publicity")
    if publicity is None:
        return
    evaluation = reverse_one(lot, "evaluation")
    bids = {b.pk: b for b in Bid.objects.filter(lot=lot).select_related("entity")}
    row = Row(viewer, lot.project, lot=lot, notice=publicity.notice, evaluation=evaluation)
    candidates = [
        {"name": bids[line["bid"]].entity.name, "code": row.code_of(bids[line["bid"]].entity)}
        for line in (_ranked(evaluation) if evaluation else [])
    ]
    row.extra = {"publicity": publicity, "candidates": candidates}
    yield 0, row


def contract(lot: Lot, viewer: Viewer) -> Records:
    contract = reverse_one(lot, "contract")
    if contract is None or contract.notice is None:
        return
    row = Row(viewer, lot.project, lot=lot, bid=contract.award.bid, notice=contract.notice)
    row.extra = {"contract": contract}
    yield 0, row


def result(lot: Lot, viewer: Viewer) -> Records:
    award = reverse_one(lot, "award")
    if award is None:
        return
    row = Row(viewer, lot.project, lot=lot, bid=award.bid, notice=award.result_notice)
    row.extra = {"award": award}
    yield 0, row


def fingerprints(lot: Lot, viewer: Viewer) -> Records:
    """Every bid file received for the lot, withdrawn ones too, once the opening began."""
    if reverse_one(lot, "opening") is None:
        return
    for bid in lot.bids.select_related("entity").order_by("pk"):
        yield bid.pk, Row(viewer, lot.project, lot=lot, bid=bid)
