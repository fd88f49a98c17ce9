"""Reading a trade: everything one project has published, loaded once, and pages of trades."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from ggzy.awards.models import Award, Contract, Performance
from ggzy.disclosure.models import Category
from ggzy.disclosure.search import Filters
from ggzy.evaluation.models import Evaluation, Rejection
from ggzy.kernel.errors import InvalidInput
from ggzy.tendering.models import Bid, Document, Lot, Notice, Project, Sector

from .identifiers import code_of
from .values import day_start_at

_OPENED = (Bid.Status.DECRYPTED, Bid.Status.REVOKED, Bid.Status.WITHDRAWN_AT_OPENING)


def published_projects() -> QuerySet[Project]:
    """Projects with at least one published notice, in ocid order (by code)."""
    return (
        Project.objects.filter(Exists(Notice.objects.filter(project=OuterRef("pk"))))
        .select_related(
            "initiator__region",
            "agent__region",
            "supervisor__region",
            "centre",
            "retender_of",
        )
        .order_by("code")
    )


@dataclass
class Trade:
    """Everything one project has published, loaded once."""

    project: Project
    lots: list[Lot]
    notices: list[Notice]  # in publication order
    bids: dict[int, list[Bid]]  # lot id → the bids its opening record lists
    evaluations: dict[int, Evaluation]  # lot id →
    rejected: set[int]  # bid ids the committee rejected
    awards: dict[int, Award]  # lot id →
    contracts: dict[int, Contract]  # lot id →
    performances: dict[int, list[Performance]]  # contract id → in report order
    amendments: set[int] = field(default_factory=set)  # change notices issuing an amendment


def load_trade(project: Project) -> Trade:
    lots = list(project.lots.order_by("number"))
    bids: dict[int, list[Bid]] = {lot.pk: [] for lot in lots}
    for bid in (
        Bid.objects.filter(lot__project=project, status__in=_OPENED)
        .select_related("entity__region")
        .order_by("received_at", "pk")
    ):
        bids[bid.lot_id].append(bid)
    performances: dict[int, list[Performance]] = {}
    for performance in (
        Performance.objects.filter(contract__lot__project=project)
        .select_related("notice")
        .order_by("reported_on", "pk")
    ):
        performances.setdefault(performance.contract_id, []).append(performance)
    notices = list(
        Notice.objects.filter(project=project)
        .select_related("publication")
        .prefetch_related("publication__attachments")
        .order_by("published_at", "pk")
    )
    return Trade(
        project=project,
        lots=lots,
        notices=notices,
        bids=bids,
        evaluations={e.lot_id: e for e in Evaluation.objects.filter(lot__project=project)},
        rejected=set(
            Rejection.objects.filter(evaluation__lot__project=project).values_list(
                "bid_id", flat=True
            )
        ),
        awards={
            a.lot_id: a
            for a in Award.objects.filter(lot__project=project).select_related(
                "bid__entity__region", "result_notice"
            )
        },
        contracts={
            c.lot_id: c
            for c in Contract.objects.filter(lot__project=project).select_related("notice")
        },
        performances=performances,
        amendments=_amendment_notices(project, notices),
    )


def _amendment_notices(project: Project, notices: list[Notice]) -> set[int]:
    """The change notices that issued a modification (修改) rather than a clarification (澄清):
    each change notice issues the latest document issued up to its publication."""
    issued = list(
        Document.objects.filter(
            project=project,
            kind__in=[Document.Kind.CLARIFICATION, Document.Kind.AMENDMENT],
            issued_at__isnull=False,
        ).order_by("issued_at", "pk")
    )
    found = set()
    for notice in notices:
        if notice.kind != Notice.Kind.CHANGE:
            continue
        before = [d for d in issued if d.issued_at and d.issued_at <= notice.published_at]
        if before and before[-1].kind == Document.Kind.AMENDMENT:
            found.add(notice.pk)
    return found


def trade_for(ocid: str) -> Trade | None:
    code = code_of(ocid)
    if code is None:
        return None
    project = published_projects().filter(code=code).first()
    return load_trade(project) if project else None


def _filtered(projects: QuerySet[Project], filters: Filters) -> QuerySet[Project]:
    """``filters`` as the portal reads them: category (tendering trades are works or
    procurement), region code prefix, centre, and a notice published within the dates."""
    if filters.category is not None:
        if filters.category not in (Category.WORKS, Category.PROCUREMENT):
            return projects.none()
        works = Q(sector=Sector.CONSTRUCTION)
        projects = projects.filter(works if filters.category == Category.WORKS else ~works)
    if filters.region is not None:
        projects = projects.filter(
            region_id__gte=filters.region.ljust(6, "0"), region_id__lte=filters.region.ljust(6, "9")
        )
    if filters.centre is not None:
        projects = projects.filter(centre_id=filters.centre)
    if filters.date_from is not None or filters.date_to is not None:
        notices = Notice.objects.filter(project=OuterRef("pk"))
        if filters.date_from is not None:
            notices = notices.filter(published_at__gte=day_start_at(filters.date_from))
        if filters.date_to is not None:
            notices = notices.filter(
                published_at__lt=day_start_at(filters.date_to + timedelta(days=1))
            )
        projects = projects.filter(Exists(notices))
    return projects


def page_of_trades(
    after: str | None, limit: int, filters: Filters | None = None
) -> tuple[list[Trade], bool]:
    """Up to ``limit`` trades meeting ``filters`` whose ocid sorts after ``after`` (a key, so
    pages never skip or repeat a trade present on both reads), and whether more follow.
    ``after`` must be one of our ocids."""
    projects = _filtered(published_projects(), filters or Filters())
    if after is not None:
        code = code_of(after)
        if code is None:
            raise InvalidInput(
                f"分页键无效：{after}"
                f"（应为本平台的 ocid，形如 {settings.GGZY_OCID_PREFIX}-项目编号）",
                f"bad page key {after!r}: expected one of our ocids "
                f"({settings.GGZY_OCID_PREFIX}-<project code>)",
                code="bad_page_key",
                field="after",
            )
        projects = projects.filter(code__gt=code)
    page = list(projects[: limit + 1])
    return [load_trade(p) for p in page[:limit]], len(page) > limit
