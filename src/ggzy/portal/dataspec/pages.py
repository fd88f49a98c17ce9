"""The export, paginated by key: the query, one page of a dataset, and who may read it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from ggzy.kernel import clock
from ggzy.kernel.errors import Forbidden, InvalidInput, NotFound
from ggzy.tendering.models import Lot, Notice, Project

from .datasets import Dataset
from .rows import Row, Viewer, render

DEFAULT_LIMIT = 100
MAX_LIMIT = 500

Key = tuple[int, int]
_CURSOR = re.compile(r"^(\d{1,18})-(\d{1,18})$")


@dataclass(frozen=True)
class Query:
    project: str | None = None
    lot: str | None = None
    after: Key | None = None
    limit: int = DEFAULT_LIMIT


def parse_query(
    *,
    project: str | None = None,
    lot: str | None = None,
    after: str | None = None,
    limit: str | None = None,
) -> Query:
    """Check the query parameters; anything malformed is a 400 naming the parameter."""
    if project is not None and lot is not None:
        raise InvalidInput(
            "project 与 lot 只能指定其一",
            "give either project or lot, not both",
            code="bad_query",
            field="project",
        )
    for name, value in (("project", project), ("lot", lot)):
        if value is not None and not 0 < len(value.strip()) <= 64:
            raise InvalidInput(
                f"{name} 须为 1–64 个字符的编号",
                f"{name} must be a code of 1–64 characters",
                code="bad_query",
                field=name,
            )
    key = None
    if after is not None:
        found = _CURSOR.match(after.strip())
        if found is None:
            raise InvalidInput(
                "after 须为上一页返回的 next_after",
                "after must be the next_after of the previous page",
                code="bad_query",
                field="after",
            )
        key = (int(found[1]), int(found[2]))
    size = DEFAULT_LIMIT
    if limit is not None:
        text = limit.strip()
        if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
            raise InvalidInput(
                f"limit 须为 1–{MAX_LIMIT} 的整数",
                f"limit must be an integer from 1 to {MAX_LIMIT}",
                code="bad_query",
                field="limit",
            )
        size = int(text)
    return Query(
        project=project.strip() if project else None,
        lot=lot.strip() if lot else None,
        after=key,
        limit=size,
    )


@dataclass(frozen=True)
class Page:
    dataset: Dataset
    records: list[dict[str, object]]
    next_after: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset.number,
            "table": self.dataset.spec.table,
            "name_zh": self.dataset.spec.name_zh,
            "public": self.dataset.public,
            "generated_at": render(clock.now()),
            "count": len(self.records),
            "records": self.records,
            "next_after": self.next_after,
        }


def _projects(dataset: Dataset, viewer: Viewer) -> QuerySet[Project]:
    """The projects the caller may see in ``dataset``: published ones for public datasets,
    and for exchange callers everything in their region."""
    scope = Q(pk__in=Notice.objects.values("project_id")) if dataset.public else Q(pk__in=[])
    if viewer.exchange and viewer.prefix is not None:
        scope |= Q(region__code__startswith=viewer.prefix)
    return Project.objects.filter(scope)


_RELATED = (
    "region",
    "centre",
    "supervisor",
    "initiator",
    "agent",
    "created_by",
    "catalogue_item__version",
    "catalogue_item__category",
)


def _units(dataset: Dataset, viewer: Viewer, query: Query) -> QuerySet[Any]:
    projects = _projects(dataset, viewer)
    if dataset.unit == "project":
        units: QuerySet[Any] = projects.select_related(*_RELATED)
        if query.project:
            units = units.filter(code=query.project)
        if query.lot:
            units = units.filter(lots__code=query.lot)
    else:
        units = Lot.objects.filter(project__in=projects).select_related(
            *(f"project__{name}" for name in _RELATED)
        )
        if query.project:
            units = units.filter(project__code=query.project)
        if query.lot:
            units = units.filter(code=query.lot)
    return units


def _require_found(dataset: Dataset, viewer: Viewer, query: Query) -> None:
    """A named project or lot the caller may not see is simply not found."""
    projects = _projects(dataset, viewer)
    if query.project and not projects.filter(code=query.project).exists():
        raise NotFound("项目不存在或不可见", "no such project", code="project_not_found")
    if query.lot and not Lot.objects.filter(project__in=projects, code=query.lot).exists():
        raise NotFound("标段/包不存在或不可见", "no such lot", code="lot_not_found")


def export(dataset: Dataset, viewer: Viewer, query: Query) -> Page:
    """One page of ``dataset`` in key order, after ``query.after``."""
    if not dataset.public and not viewer.exchange:
        raise Forbidden(
            f"数据集 {dataset.number} 含个人信息或不公开的信息，仅向交换方（系统管理员、"
            "行政监督、纪检监察与审计人员）提供",
            f"dataset {dataset.number} holds personal or non-public data; only admin, "
            "supervisor and oversight users may read it",
            code="restricted_dataset",
        )
    _require_found(dataset, viewer, query)
    units = _units(dataset, viewer, query).order_by("pk")
    found: list[tuple[Key, Row]] = []
    start = query.after[0] if query.after else 0
    units = units.filter(pk__gte=start)
    while len(found) <= query.limit:
        batch = list(units[:50])
        if not batch:
            break
        for unit in batch:
            for sub, row in dataset.records(unit, viewer):
                key = (unit.pk, sub)
                if query.after is None or key > query.after:
                    found.append((key, row))
        units = units.filter(pk__gt=batch[-1].pk)
    found.sort(key=lambda pair: pair[0])
    page = found[: query.limit]
    more = len(found) > query.limit
    return Page(
        dataset,
        [dataset.record(row) for _, row in page],
        f"{page[-1][0][0]}-{page[-1][0][1]}" if more else None,
    )
