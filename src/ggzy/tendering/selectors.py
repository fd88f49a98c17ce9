"""Reads for tendering, scoped to what each role may see.

Before the opening nobody learns who bid (Law Art 22): bidders see only their own bids,
the initiator and agent see nothing of the bids, centre staff and supervisors see counts.
From the opening on, names and prices are read out and public.
"""

from __future__ import annotations

import base64
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from ggzy.accounts.models import STAFF_ROLES, Role, User
from ggzy.entities.models import MarketEntity
from ggzy.entities.selectors import entity_of
from ggzy.kernel import clock
from ggzy.kernel.errors import Forbidden, NotFound
from ggzy.workspace.todo import Todo, todo

from .models import Bid, Document, Lot, Notice, Objection, Opening, Project
from .price_sheet import FIELDS, rows
from .procedures import get as get_procedure
from .services.common import can_host, identifier

LIVE = [Bid.Status.SUBMITTED]
READ_OUT = [
    Bid.Status.SUBMITTED,
    Bid.Status.DECRYPTED,
    Bid.Status.REVOKED,
    Bid.Status.WITHDRAWN_AT_OPENING,
]


def projects_visible_to(user: User) -> QuerySet[Project]:
    rows = Project.objects.select_related("region", "centre", "supervisor", "initiator", "agent")
    if not user.is_authenticated:
        return rows.exclude(status=Project.Status.REGISTERED)
    if user.role in (Role.ADMIN, Role.OVERSIGHT):
        return rows
    if user.role == Role.CENTRE:
        return rows.filter(centre_id=user.organisation_id)
    if user.role == Role.SUPERVISOR:
        return rows.filter(supervisor_id=user.organisation_id)
    entity = entity_of(user)
    own = Q(initiator=entity) | Q(agent=entity) if entity else Q(pk__in=[])
    return rows.filter(own | ~Q(status=Project.Status.REGISTERED))


def managed_projects(user: User) -> QuerySet[Project]:
    """The projects the user's entity runs as initiator or agent (招标人/代理机构)."""
    entity = entity_of(user)
    if entity is None:
        return Project.objects.none()
    return projects_visible_to(user).filter(Q(initiator=entity) | Q(agent=entity))


def get_project(user: User, project_id: int) -> Project:
    project = projects_visible_to(user).filter(pk=project_id).first()
    if project is None:
        raise NotFound("项目不存在", "no such project", code="project_not_found")
    return project


def get_lot(user: User, lot_id: int) -> Lot:
    lot = Lot.objects.select_related("project").filter(pk=lot_id).first()
    if lot is None or not projects_visible_to(user).filter(pk=lot.project_id).exists():
        raise NotFound("标段/包不存在", "no such lot", code="lot_not_found")
    return lot


def sees_counts(user: User, project: Project) -> bool:
    """Centre staff and the project's supervisors see how many bids are in, never who."""
    return user.is_authenticated and (
        (user.role == Role.CENTRE and user.organisation_id == project.centre_id)
        or (user.role == Role.SUPERVISOR and user.organisation_id == project.supervisor_id)
        or user.role in (Role.ADMIN, Role.OVERSIGHT)
    )


def can_watch(user: User, lot: Lot) -> bool:
    """Who may watch the live hall: the host, the lot's bidders, supervisors and oversight."""
    if not user.is_authenticated:
        return False
    if sees_counts(user, lot.project) or can_host(user, lot.project):
        return True
    entity = entity_of(user)
    return entity is not None and lot.bids.filter(entity=entity).exists()


def sealing_info(lot: Lot) -> dict[str, Any]:
    """What a bidder's machine needs to seal a bid for this lot."""
    from django.conf import settings

    procedure = get_procedure(lot.project.procedure)
    holders = list(lot.escrow_keyholders.all())
    return {
        "lot_id": lot.pk,
        "lot_code": lot.code,
        "project_code": lot.project.code,
        "family": procedure.family,
        "suite": settings.GGZY_CRYPTO_SUITE,
        "bid_deadline": lot.project.bid_deadline.isoformat() if lot.project.bid_deadline else None,
        "escrow": {
            "threshold": lot.escrow_threshold,
            "keyholders": [
                {"key_id": h.key_id, "name": h.name, "public_pem": h.public_pem} for h in holders
            ],
        }
        if lot.escrow_threshold
        else None,
        "price_sheet_fields": [
            {
                "name": f.name,
                "label_zh": f.label_zh,
                "label_en": f.label_en,
                "kind": f.kind,
                "required": f.required,
            }
            for f in FIELDS[procedure.family]
        ],
    }


def bids_of(user: User, lot: Lot | None = None) -> QuerySet[Bid]:
    entity = entity_of(user)
    rows = (
        Bid.objects.select_related("lot__project").filter(entity=entity)
        if entity
        else Bid.objects.none()
    )
    return rows.filter(lot=lot) if lot else rows


def issued_documents(project: Project) -> QuerySet[Document]:
    return project.documents.filter(issued_at__isnull=False).order_by("version")


def public_notices() -> QuerySet[Notice]:
    return Notice.objects.select_related("project", "lot")


def _shown_record(record: dict[str, Any] | None, family: str) -> dict[str, Any] | None:
    """The signed record as is, each line with its price sheet ready to show."""
    if record is None:
        return None
    lines = [line | {"sheet_rows": rows(line["price_sheet"], family)} for line in record["bids"]]
    return record | {"bids": lines}


def _bid_line(bid: Bid, *, reveal: bool) -> dict[str, Any]:
    line: dict[str, Any] = {
        "id": bid.pk,
        "status": bid.status,
        "status_label": str(bid.get_status_display()),
        "received_at": bid.received_at.isoformat(),
    }
    if reveal:
        line |= {
            "bidder": bid.entity.name,
            "bidder_id": identifier(bid.entity),
            "price_sheet": bid.price_sheet,
            "sheet_rows": rows(bid.price_sheet, get_procedure(bid.lot.project.procedure).family),
            "problems": bid.price_sheet_problems,
            "failure_reason": bid.failure_reason,
        }
    return line


def hall_state(user: User, lot: Lot) -> dict[str, Any]:
    """Everything the hall page shows, as the viewer may see it."""
    project = lot.project
    opening = Opening.objects.filter(lot=lot).first()
    entity = entity_of(user)
    state: dict[str, Any] = {
        "lot": {
            "id": lot.pk,
            "code": lot.code,
            "name": lot.name,
            "status": lot.status,
            "status_label": str(lot.get_status_display()),
        },
        "project": {"id": project.pk, "code": project.code, "name": project.name},
        "now": clock.now().isoformat(),
        "deadline": project.bid_deadline.isoformat() if project.bid_deadline else None,
        "is_host": can_host(user, project),
        "opening": None,
        "bids": [],
        "own_bids": [],
    }
    if entity is not None:
        state["own_bids"] = [
            _bid_line(b, reveal=True)
            for b in lot.bids.filter(entity=entity).exclude(status=Bid.Status.REPLACED)
        ]
    if opening is None:
        if sees_counts(user, project):
            state["bid_count"] = lot.bids.filter(status__in=LIVE).count()
        return state
    state["opening"] = {
        "status": opening.status,
        "started_at": opening.started_at.isoformat(),
        "window_ends_at": opening.window_ends_at.isoformat(),
        "version": opening.version,
        "sign_ins": [s.entity.name for s in opening.sign_ins.select_related("entity")],
        "objections": [
            {"id": o.pk, "bidder": o.entity.name, "text": o.text, "answer": o.answer}
            for o in opening.objections.select_related("entity")
        ],
        "record": opening.record,  # exactly what was signed
        "shown_record": _shown_record(opening.record, get_procedure(project.procedure).family),
        "record_signature": opening.record_signature,
    }
    state["bids"] = [
        _bid_line(b, reveal=True)
        for b in lot.bids.filter(status__in=READ_OUT).select_related("entity")
    ]
    return state


def require_watch(user: User, lot: Lot) -> None:
    if not can_watch(user, lot):
        raise Forbidden(
            "您不能进入本标段的开标大厅",
            "you may not enter this lot's opening hall",
            code="not_in_hall",
        )


def envelope_of(user: User, bid_id: int) -> dict[str, str]:
    """The signed header, for the bid's own bidder or one of the lot's escrow keyholders."""
    bid = Bid.objects.select_related("lot", "entity").filter(pk=bid_id).first()
    allowed = bid is not None and (
        bid.entity.users.filter(user=user).exists()
        or bid.lot.escrow_keyholders.filter(user=user).exists()
    )
    if bid is None or not allowed:
        raise NotFound("投标文件不存在", "no such bid", code="bid_not_found")
    return {
        "header": base64.b64encode(bytes(bid.header)).decode(),
        "signature": base64.b64encode(bytes(bid.signature)).decode(),
    }


# --- to-dos (待办事项) ----------------------------------------------------------------------


def todos(user: User) -> list[Todo]:
    """Openings today for the centre that hosts them and those who watch them; notices to
    publish and objections to answer for the initiator and agent; bid deadlines and the
    decryption window for bidders."""
    if not user.is_authenticated:
        return []
    if user.role in STAFF_ROLES:
        return _openings_today(user)
    entity = entity_of(user)
    if entity is None:
        return []
    return [
        *_notices_to_publish(user),
        *_objections_to_answer(user),
        *_bid_deadlines(user, entity),
        *_decryptions(entity),
    ]


def _lot_todo(lot: Lot, kind: str, zh: str, en: str, link: str, **when: Any) -> Todo:
    return todo(
        kind, zh, en, code=lot.code, name=f"{lot.project.name} {lot.name}", link=link, **when
    )


def _openings_today(user: User) -> list[Todo]:
    start = datetime.combine(clock.today(), time(), clock.SHANGHAI)
    lots = (
        Lot.objects.filter(project__in=projects_visible_to(user))
        .filter(
            Q(status=Lot.Status.OPENING)
            | Q(
                status=Lot.Status.BIDDING,
                project__bid_deadline__gte=start,
                project__bid_deadline__lt=start + timedelta(days=1),
            )
        )
        .select_related("project", "opening")
        .order_by("project__bid_deadline", "code")
    )
    hosts = user.role in (Role.CENTRE, Role.ADMIN)
    found = []
    for lot in lots:
        hall = reverse("tendering:hall", args=[lot.pk])
        if lot.status == Lot.Status.OPENING:
            found.append(
                _lot_todo(
                    lot,
                    "tendering.opening_running",
                    "开标进行中（投标人解密中）",
                    "Opening under way (bidders decrypting)",
                    hall,
                    deadline=lot.opening.window_ends_at,
                )
            )
        else:
            found.append(
                _lot_todo(
                    lot,
                    "tendering.opening_today",
                    "今日开标：主持开标" if hosts else "今日开标：在线监督",
                    "Opening today: host it" if hosts else "Opening today: watch it online",
                    hall,
                    deadline=lot.project.bid_deadline,
                )
            )
    return found


def _notices_to_publish(user: User) -> list[Todo]:
    registered = managed_projects(user).filter(status=Project.Status.REGISTERED)
    return [
        todo(
            "tendering.publish_notice",
            "发布招标（采购）公告",
            "Publish the tender (procurement) notice",
            code=project.code,
            name=project.name,
            link=reverse("tendering:project", args=[project.pk]),
        )
        for project in registered.order_by("created_at")
    ]


def _objections_to_answer(user: User) -> list[Todo]:
    waiting = Objection.objects.filter(
        project__in=managed_projects(user),
        stage=Objection.Stage.DOCUMENTS,
        answered_at__isnull=True,
    ).select_related("project")
    return [
        todo(
            "tendering.answer_objection",
            "答复对招标文件的异议",
            "Answer an objection to the documents",
            code=objection.project.code,
            name=objection.project.name,
            link=reverse("tendering:project", args=[objection.project_id]),
            deadline=objection.answer_due,
            rule="works.objection_answer_max_days",
        )
        for objection in waiting
    ]


def _bid_deadlines(user: User, entity: MarketEntity) -> list[Todo]:
    """Lots still open for bids that the entity takes part in: it downloaded the documents,
    paid a deposit (``deposits.Deposit``, reached by its relation name) or has a live bid,
    which it may replace until the deadline."""
    live = set(bids_of(user).filter(status__in=LIVE).values_list("lot_id", flat=True))
    lots = (
        Lot.objects.filter(
            project__in=projects_visible_to(user),
            status=Lot.Status.BIDDING,
            project__bid_deadline__gt=clock.now(),
        )
        .filter(
            Q(project__documents__downloads__entity=entity)
            | Q(deposits__entity=entity)
            | Q(pk__in=live)
        )
        .distinct()
        .select_related("project")
    )
    found = []
    for lot in lots:
        submitted = lot.pk in live
        found.append(
            _lot_todo(
                lot,
                "tendering.bid_replaceable" if submitted else "tendering.bid_due",
                "投标截止（已递交，截止前可替换）" if submitted else "递交投标文件",
                "Bid deadline (bid in; replaceable until then)" if submitted else "Submit a bid",
                reverse("tendering:bid", args=[lot.pk]),
                deadline=lot.project.bid_deadline,
            )
        )
    return found


def _decryptions(entity: MarketEntity) -> list[Todo]:
    """Openings under way where the entity's sealed bid still waits for its key."""
    waiting = Bid.objects.filter(
        entity=entity, status__in=LIVE, lot__opening__status=Opening.Status.DECRYPTING
    ).select_related("lot__project", "lot__opening")
    return [
        _lot_todo(
            bid.lot,
            "tendering.decrypt",
            "开标大厅：签到并解密投标文件",
            "Opening hall: sign in and decrypt your bid",
            reverse("tendering:hall", args=[bid.lot_id]),
            deadline=bid.lot.opening.window_ends_at,
        )
        for bid in waiting
    ]
