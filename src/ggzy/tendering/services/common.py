"""What every tendering service shares: locking, who may act, notices, the hall signal."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.db import transaction

from ggzy.accounts.models import User
from ggzy.accounts.selectors import is_centre_staff
from ggzy.disclosure.attachments import File
from ggzy.entities.models import EntityStatus, MarketEntity
from ggzy.entities.selectors import entity_of
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import Forbidden, NotFound, RuleViolation
from ggzy.kernel.ledger import canonical_json

from ..models import Lot, Notice, Project, Sector
from ..procedures import Procedure
from ..procedures import get as get_procedure


def procedure_of(project: Project) -> Procedure:
    return get_procedure(project.procedure)


def identifier(entity: MarketEntity) -> str:
    """The code a bidder is known by: its USCC, or a person's resident ID."""
    return entity.uscc or entity.resident_id


def lock_project(project_id: int) -> Project:
    try:
        return Project.objects.select_for_update().get(pk=project_id)
    except Project.DoesNotExist:
        raise NotFound("项目不存在", "no such project", code="project_not_found") from None


def lock_lot(lot_id: int) -> Lot:
    try:
        return Lot.objects.select_for_update().select_related("project").get(pk=lot_id)
    except Lot.DoesNotExist:
        raise NotFound("标段/包不存在", "no such lot", code="lot_not_found") from None


def is_manager(user: User, project: Project) -> bool:
    """The initiator's or the agent's own users run the project (招标人/代理机构)."""
    entity = entity_of(user)
    return entity is not None and entity.pk in {project.initiator_id, project.agent_id}


def require_manager(user: User, project: Project) -> None:
    if not is_manager(user, project):
        raise Forbidden(
            "只有本项目的招标人/采购人或其代理机构可以执行此操作",
            "only the project's initiator or its agent may do this",
            code="not_project_manager",
        )


def can_host(user: User, project: Project) -> bool:
    """The opening is hosted by the initiator / agent, or by the centre's staff."""
    staff = is_centre_staff(user) and user.organisation_id == project.centre_id
    return staff or is_manager(user, project)


def require_bidder(user: User) -> MarketEntity:
    entity = entity_of(user)
    if entity is None or not entity.is_respondent:
        raise Forbidden(
            "只有登记为投标人/供应商的市场主体可以投标",
            "only market entities registered as bidders may bid",
            code="not_a_bidder",
        )
    if entity.status != EntityStatus.APPROVED:
        raise Forbidden(
            "市场主体信息尚未审核通过，暂不能投标",
            "the entity's registration is not approved yet",
            code="entity_not_approved",
        )
    return entity


def require_not_suspended(project: Project) -> None:
    """An unanswered objection to the documents suspends the procedure (Reg. Art 22)."""
    if project.objections.filter(answered_at__isnull=True).exists():
        raise rules.violation(
            "works.objection_answer_max_days",
            "对招标文件的异议尚未答复，招标投标活动暂停",
            "an objection to the documents is unanswered: the procedure is suspended",
            code="procedure_suspended",
        )


def before_deadline(project: Project, *, field: str | None = None) -> datetime:
    """Now, if it is strictly before the bid deadline (to the second); else a refusal."""
    now = clock.now()
    if project.bid_deadline is None:
        raise RuleViolation(
            "项目尚未发布招标公告，没有投标截止时间",
            "the project has no tender notice and no bid deadline yet",
            code="no_deadline",
            field=field,
        )
    if now >= project.bid_deadline:
        shown = clock.local_text(project.bid_deadline)
        raise RuleViolation(
            f"投标截止时间（{shown}）已过，不再接收（依据《招标投标法实施条例》第三十六条）",
            f"the bid deadline ({shown}) has passed (Reg. Art 36)",
            code="deadline_passed",
            field=field,
        )
    return now


def digest_of(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def publish_notice(
    *,
    project: Project,
    kind: str,
    title: str,
    body: str,
    user: User | None,
    lot: Lot | None = None,
    ip: str | None = None,
    attachments: tuple[File, ...] = (),
) -> Notice:
    """Hand a notice to the disclosure service, which publishes (sanitised, masked, indexed)
    and witnesses it in the ledger; keep the trade's own record of it."""
    from ggzy.disclosure import services as disclosure
    from ggzy.disclosure.models import Category

    category = Category.WORKS if project.sector == Sector.CONSTRUCTION else Category.PROCUREMENT
    publication = disclosure.publish(
        disclosure.Notice(
            kind=kind,
            category=category,
            region=project.region,
            centre=project.centre,
            trade_code=project.code,
            trade_title=project.name,
            lot_code=lot.code if lot else "",
            title=title,
            body=body,
            attachments=attachments,
        ),
        actor=user.actor if user else "system",
        ip=ip,
    )
    return Notice.objects.create(
        project=project,
        lot=lot,
        kind=kind,
        title=title,
        body=body,
        digest=digest_of({"title": title, "body": body}),
        published_at=publication.published_at,
        published_by=user or project.created_by,
        ledger_seq=publication.ledger_seq,
        publication=publication,
    )


def hall_changed(lot_id: int) -> None:
    """Tell every open hall page of the lot to refresh, once the transaction commits."""
    from ..hall import broadcast

    transaction.on_commit(lambda: broadcast(lot_id))


OPENED_OR_LATER = frozenset(
    {
        Lot.Status.OPENED,
        Lot.Status.EVALUATING,
        Lot.Status.EVALUATED,
        Lot.Status.PUBLICITY,
        Lot.Status.AWARDED,
        Lot.Status.CONTRACTED,
    }
)


def update_project_status(project: Project) -> None:
    """A project is opened when every lot is opened or failed; failed when all failed."""
    statuses = set(project.lots.values_list("status", flat=True))
    if statuses <= {Lot.Status.FAILED}:
        project.status = Project.Status.FAILED
    elif statuses <= {Lot.Status.FAILED, *OPENED_OR_LATER}:
        project.status = Project.Status.OPENED
    else:
        return
    project.save(update_fields=["status"])
