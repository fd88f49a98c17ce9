"""Notices, tender documents, amendments, downloads and objections, with every period checked."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import IO

from django.core.files.base import File
from django.db import transaction

from ggzy.accounts.models import User
from ggzy.core.services import record
from ggzy.disclosure.attachments import public_format
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import InvalidInput, NotFound, RuleViolation
from ggzy.kernel.text import clean_text
from ggzy.tendering import events
from ggzy.workcalendar.periods import days_between, notice_text, require_period

from ..models import Document, Download, Lot, Notice, Objection, Project
from ..periods import periods
from ..procedures import Procedure
from .common import (
    before_deadline,
    lock_project,
    procedure_of,
    publish_notice,
    require_bidder,
    require_manager,
)

MAX_DOCUMENT_BYTES = 200 * 1024 * 1024


def _whole_seconds(value: datetime, field: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidInput(
            "时间须带时区（如 2026-12-20T09:30:00+08:00）",
            "times need a timezone (e.g. 2026-12-20T09:30:00+08:00)",
            code="invalid_time",
            field=field,
        )
    return value.replace(microsecond=0)


def check_schedule(
    procedure: Procedure, *, issue_at: datetime, sale_ends_at: datetime, deadline: datetime
) -> None:
    """Every period of a tender notice, each refusal citing its article."""
    if not issue_at < deadline or sale_ends_at < issue_at or sale_ends_at > deadline:
        raise InvalidInput(
            "时间顺序有误：须 文件发售开始 ≤ 发售截止 ≤ 投标截止",
            "times out of order: sale start ≤ sale end ≤ bid deadline",
            code="schedule_order",
            field="bid_deadline",
        )
    require_period(
        procedure.doc_sale_rule,
        issue_at,
        sale_ends_at,
        "招标文件发售（提供）期",
        "the document sale period",
        "sale_ends_at",
    )
    require_period(
        procedure.tender_period_rule,
        issue_at,
        deadline,
        "自招标文件开始发出至投标截止",
        "the time from issuing the documents to the deadline",
        "bid_deadline",
    )


@transaction.atomic
def upload_document(
    *,
    user: User,
    project_id: int,
    title: str,
    file: IO[bytes],
    filename: str,
    kind: str = Document.Kind.TENDER,
    affects_bids: bool = True,
) -> Document:
    """Store a new version of the documents (not yet issued)."""
    project = lock_project(project_id)
    require_manager(user, project)
    if kind not in Document.Kind.values:
        raise InvalidInput("文件类型无效", "invalid document kind", code="invalid", field="kind")
    name = clean_text(
        filename, field="file", max_length=200, label_zh="文件名", label_en="file name"
    )
    public_format(name)  # GP documents are published with the result (GP Reg. Art 43)
    hasher, size = hashlib.sha256(), 0
    for chunk in iter(lambda: file.read(1 << 20), b""):
        hasher.update(chunk)
        size += len(chunk)
        if size > MAX_DOCUMENT_BYTES:
            raise InvalidInput(
                "文件超过 200 MB", "the file is over 200 MB", code="file_too_large", field="file"
            )
    if size == 0:
        raise InvalidInput("文件为空", "the file is empty", code="file_empty", field="file")
    file.seek(0)
    version = (
        project.documents.order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    document = Document(
        project=project,
        version=version,
        kind=kind,
        title=clean_text(title, field="title", max_length=200, label_zh="标题", label_en="title"),
        filename=name,
        size=size,
        digest=hasher.hexdigest(),
        affects_bids=affects_bids,
        uploaded_by=user,
        uploaded_at=clock.now(),
    )
    document.file.save(name, File(file), save=False)
    document.save()
    record(
        events.DOCUMENT_UPLOADED,
        subject=f"project:{project.code}",
        payload={"version": version, "kind": kind, "digest": document.digest, "size": size},
        actor=user.actor,
    )
    return document


def _pending_document(project: Project, kinds: tuple[str, ...]) -> Document:
    document = (
        project.documents.filter(kind__in=kinds, issued_at__isnull=True)
        .order_by("-version")
        .first()
    )
    if document is None:
        raise RuleViolation(
            "请先上传招标/采购文件",
            "upload the documents first",
            code="no_document",
            field="document",
        )
    return document


@transaction.atomic
def publish_tender_notice(
    *,
    user: User,
    project_id: int,
    sale_starts_at: datetime,
    sale_ends_at: datetime,
    bid_deadline: datetime,
    body: str,
    ip: str | None = None,
) -> Notice:
    """Publish the tender notice and issue the documents: the bid deadline is set here."""
    project = lock_project(project_id)
    require_manager(user, project)
    if project.status != Project.Status.REGISTERED:
        raise RuleViolation(
            "招标公告已发布", "the tender notice is already out", code="already_published"
        )
    if not project.lots.exists():
        raise RuleViolation("请先设置至少一个标段/包", "add at least one lot first", code="no_lots")
    procedure = procedure_of(project)
    now = clock.now()
    start = max(_whole_seconds(sale_starts_at, "sale_starts_at"), now.replace(microsecond=0))
    end = _whole_seconds(sale_ends_at, "sale_ends_at")
    deadline = _whole_seconds(bid_deadline, "bid_deadline")
    check_schedule(procedure, issue_at=start, sale_ends_at=end, deadline=deadline)
    document = _pending_document(project, (Document.Kind.TENDER,))
    text = clean_text(
        body,
        field="body",
        max_length=20000,
        multiline=True,
        label_zh="公告正文",
        label_en="notice body",
    )
    document.issued_at = start
    document.save(update_fields=["issued_at"])
    project.sale_starts_at, project.sale_ends_at = start, end
    project.bid_deadline, project.documents_issued_at = deadline, start
    project.status = Project.Status.NOTICE
    project.save(
        update_fields=[
            "sale_starts_at",
            "sale_ends_at",
            "bid_deadline",
            "documents_issued_at",
            "status",
        ]
    )
    project.lots.update(status=Lot.Status.BIDDING)
    kind = Notice.Kind.TENDER if procedure.public_notice else Notice.Kind.INVITATION
    schedule = (
        f"\n\n项目编号：{project.code}\n招标/采购方式：{procedure.name_zh}\n"
        f"文件获取时间：{clock.local_text(start)} 至 {clock.local_text(end)}\n"
        f"投标截止及开标时间：{clock.local_text(deadline)}（网上不见面开标）"
    )
    schedule += notice_text(*(period for period, _, _ in periods(project)))
    return publish_notice(
        project=project,
        kind=kind,
        title=f"{project.name}{Notice.Kind(kind).label}",
        body=text + schedule,
        user=user,
        ip=ip,
    )


@transaction.atomic
def amend(
    *,
    user: User,
    project_id: int,
    body: str,
    new_deadline: datetime | None = None,
    ip: str | None = None,
) -> Notice:
    """Issue the latest uploaded clarification / amendment (澄清、修改), moving the deadline
    when less than the minimum time remains (Law Art 23; Reg. Art 21; GP Reg. Art 31)."""
    project = lock_project(project_id)
    require_manager(user, project)
    if project.status != Project.Status.NOTICE or project.bid_deadline is None:
        raise RuleViolation(
            "只能在公告后、开标前澄清或修改",
            "amend only between notice and opening",
            code="not_in_notice",
        )
    suspended = project.objections.filter(answered_at__isnull=True).exists()
    now = clock.now()
    if now >= project.bid_deadline and not suspended:
        before_deadline(project)
    document = _pending_document(project, (Document.Kind.CLARIFICATION, Document.Kind.AMENDMENT))
    procedure = procedure_of(project)
    deadline = project.bid_deadline
    if new_deadline is not None:
        deadline = _whole_seconds(new_deadline, "new_deadline")
        if deadline <= now:
            raise InvalidInput(
                "新的投标截止时间须晚于当前时间",
                "the new deadline must be later than now",
                code="schedule_order",
                field="new_deadline",
            )
    rule_id = procedure.clarification_rule
    if document.affects_bids and rule_id is not None:
        minimum = rules.int_value(rule_id)
        if days_between(now, deadline) < minimum:
            raise rules.violation(
                rule_id,
                f"澄清或修改可能影响投标文件编制，须在投标截止时间至少{minimum}日前发出；"
                f"距截止（{clock.local_text(deadline)}）不足{minimum}日，应当顺延投标截止时间",
                f"a clarification that affects bids must be issued at least {minimum} days "
                f"before the deadline ({clock.local_text(deadline)}); move the deadline",
                field="new_deadline",
                code="deadline_must_move",
            )
    document.issued_at = now
    document.save(update_fields=["issued_at"])
    moved = deadline != project.bid_deadline
    if moved:
        assert project.documents_issued_at is not None
        require_period(
            procedure.tender_period_rule,
            project.documents_issued_at,
            deadline,
            "自招标文件开始发出至投标截止",
            "the time from issuing the documents to the deadline",
            "new_deadline",
        )
        project.bid_deadline = deadline
        project.save(update_fields=["bid_deadline"])
    text = clean_text(
        body,
        field="body",
        max_length=20000,
        multiline=True,
        label_zh="公告正文",
        label_en="notice body",
    )
    tail = f"\n\n投标截止及开标时间{'顺延至' if moved else '不变：'}{clock.local_text(deadline)}"
    return publish_notice(
        project=project,
        kind=Notice.Kind.CHANGE,
        title=f"{project.name}变更公告（第{document.version}版文件）",
        body=text + tail,
        user=user,
        ip=ip,
    )


def _issued_document(document_id: int) -> Document:
    document = (
        Document.objects.select_related("project")
        .filter(pk=document_id, issued_at__isnull=False)
        .first()
    )
    if document is None:
        raise NotFound("文件不存在或尚未发出", "no such issued document", code="document_not_found")
    return document


@transaction.atomic
def record_download(*, user: User, document_id: int, ip: str | None = None) -> Document:
    """A bidder obtains the documents; every download is on record (per bidder)."""
    document = _issued_document(document_id)
    entity = require_bidder(user)
    project = document.project
    if document.issued_at and clock.now() < document.issued_at:
        raise RuleViolation(
            "文件尚未开始发售", "the documents are not on sale yet", code="not_on_sale"
        )
    Download.objects.create(document=document, entity=entity, user=user, at=clock.now(), ip=ip)
    record(
        events.DOCUMENT_DOWNLOADED,
        subject=f"project:{project.code}",
        payload={"version": document.version, "digest": document.digest},
        actor=user.actor,
        ip=ip,
    )
    return document


@transaction.atomic
def raise_objection(*, user: User, project_id: int, text: str, ip: str | None = None) -> Objection:
    """An objection to the documents (异议): suspends the procedure until answered."""
    project = lock_project(project_id)
    entity = require_bidder(user)
    if project.status != Project.Status.NOTICE:
        raise RuleViolation(
            "项目不在招标公告期内", "the project is not in its notice period", code="not_in_notice"
        )
    if not Download.objects.filter(document__project=project, entity=entity).exists():
        raise RuleViolation(
            "获取招标文件后方可提出异议",
            "obtain the documents before objecting",
            code="no_download",
        )
    now = before_deadline(project)
    rule_id = procedure_of(project).objection_rule
    assert project.bid_deadline is not None
    if rule_id is not None and days_between(now, project.bid_deadline) < rules.int_value(rule_id):
        raise rules.violation(
            rule_id,
            f"对招标文件的异议应当在投标截止时间{rules.int_value(rule_id)}日前提出",
            f"objections to the documents are due {rules.int_value(rule_id)} days before the "
            "deadline",
            code="objection_too_late",
        )
    objection = Objection.objects.create(
        project=project,
        entity=entity,
        raised_by=user,
        text=clean_text(
            text,
            field="text",
            max_length=5000,
            multiline=True,
            label_zh="异议内容",
            label_en="objection",
        ),
        raised_at=now,
        answer_due=now + timedelta(days=rules.int_value("works.objection_answer_max_days")),
    )
    record(
        events.OBJECTION_RAISED,
        subject=f"project:{project.code}",
        payload={"objection": objection.pk, "answer_due": objection.answer_due.isoformat()},
        actor=user.actor,
        ip=ip,
    )
    return objection


@transaction.atomic
def answer_objection(
    *, user: User, objection_id: int, answer: str, ip: str | None = None
) -> Objection:
    objection = (
        Objection.objects.select_for_update()
        .select_related("project")
        .filter(pk=objection_id)
        .first()
    )
    if objection is None:
        raise NotFound("异议不存在", "no such objection", code="objection_not_found")
    require_manager(user, objection.project)
    if objection.answered_at is not None:
        raise RuleViolation("该异议已答复", "already answered", code="already_answered")
    objection.answer = clean_text(
        answer, field="answer", max_length=5000, multiline=True, label_zh="答复", label_en="answer"
    )
    objection.answered_at, objection.answered_by = clock.now(), user
    objection.save(update_fields=["answer", "answered_at", "answered_by"])
    late = objection.answered_at > objection.answer_due
    record(
        events.OBJECTION_ANSWERED,
        subject=f"project:{objection.project.code}",
        payload={"objection": objection.pk, "late": late},
        actor=user.actor,
        ip=ip,
    )
    return objection
