"""Who is asking, what one record is made from, and where each of its values comes from:
a path on the record's context, a computed value, a constant, or ``Absent``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model
from django.urls import NoReverseMatch, reverse

from ggzy.accounts.models import Role, User
from ggzy.accounts.selectors import region_prefix
from ggzy.deposits.models import Deposit
from ggzy.disclosure.policy import mask
from ggzy.entities.models import EntityKind, MarketEntity
from ggzy.evaluation.models import Evaluation, Member
from ggzy.kernel import clock
from ggzy.tendering.models import Bid, Document, Lot, Notice, Project, Sector

from .deal_code import unified_deal_code

EXCHANGE_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.OVERSIGHT})


@dataclass(frozen=True)
class Viewer:
    """The caller: ``exchange`` callers may read the exchange datasets within ``prefix``."""

    user: User | None
    exchange: bool
    prefix: str | None  # region-code prefix of an exchange caller; None for the public
    base_url: str = ""

    @property
    def public(self) -> bool:
        return not self.exchange


def viewer_for(user: Any, *, base_url: str = "") -> Viewer:
    """The public unless ``user`` is an admin, supervisor or oversight user."""
    if isinstance(user, User) and (user.role in EXCHANGE_ROLES or user.is_superuser):
        prefix = region_prefix(user)
        if prefix is not None:
            return Viewer(user, True, prefix, base_url.rstrip("/"))
    return Viewer(user if isinstance(user, User) else None, False, None, base_url.rstrip("/"))


def reverse_one(instance: Model, name: str) -> Any:
    """A reverse one-to-one relation, or None."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


@dataclass
class Row:
    """What one record is made from; the field table reads it by attribute paths."""

    viewer: Viewer
    project: Project
    lot: Lot | None = None
    lots: list[Lot] = field(default_factory=list)  # the lots a project-level record covers
    notice: Notice | None = None
    document: Document | None = None
    bid: Bid | None = None
    deposit: Deposit | None = None
    member: Member | None = None
    evaluation: Evaluation | None = None
    result_row: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def tenderer(self) -> MarketEntity:
        return self.project.initiator

    @property
    def agent(self) -> MarketEntity | None:
        return self.project.agent

    @property
    def udc(self) -> str:
        assert self.lot is not None
        return unified_deal_code(self.lot)

    @property
    def udcs(self) -> str:
        return ",".join(unified_deal_code(lot) for lot in self.covered)

    @property
    def lot_codes(self) -> str:
        return ",".join(lot.code for lot in self.covered)

    @property
    def covered(self) -> list[Lot]:
        return self.lots or ([self.lot] if self.lot else [])

    @property
    def title(self) -> str:
        """Project name + lot name, as the platform titles a lot's notices."""
        return self.project.name + (self.lot.name if self.lot else "")

    @property
    def result(self) -> dict[str, Any]:
        return (self.evaluation.result if self.evaluation else None) or {}

    @property
    def evaluation_id(self) -> int | None:
        return self.evaluation.pk if self.evaluation else None

    @property
    def construction(self) -> bool:
        return self.project.sector == Sector.CONSTRUCTION

    def personal(self, value: str | None) -> str | None:
        """A personal number (ID, mobile): masked for the public."""
        return mask(value) if value and self.viewer.public else value

    def code_of(self, entity: MarketEntity | None) -> str | None:
        """An entity's code: the USCC (public by law), or a person's resident ID (masked)."""
        if entity is None:
            return None
        if entity.kind == EntityKind.LEGAL:
            return entity.uscc
        return self.personal(entity.resident_id)

    def url(self, name: str, *args: object) -> str | None:
        try:
            return self.viewer.base_url + reverse(name, args=args)
        except NoReverseMatch:
            return None

    def notice_url(self, notice: Notice | None) -> str | None:
        """The public page of a notice (the disclosure portal; the trade's page before)."""
        if notice is None:
            return None
        publication = reverse_one(notice, "publication")
        if publication is not None:
            return self.url("disclosure:notice", publication.uid) or self.url(
                "tendering:notice", notice.pk
            )
        return self.url("tendering:notice", notice.pk)


@dataclass(frozen=True)
class Computed:
    fn: Callable[[Row], object]
    note: str  # where the value comes from, for people


@dataclass(frozen=True)
class Const:
    value: object
    note: str = ""


@dataclass(frozen=True)
class Absent:
    """The platform genuinely has no such data; ``why`` says so in docs and the API."""

    why: str


Source = str | Computed | Const | Absent


def resolve(source: Source, row: Row) -> object:
    if isinstance(source, str):
        value: object = row
        for name in source.split("."):
            if value is None:
                return None
            value = value.get(name) if isinstance(value, Mapping) else getattr(value, name)
        return value
    if isinstance(source, Computed):
        return source.fn(row)
    if isinstance(source, Const):
        return source.value
    return None


def describe(source: Source) -> str:
    if isinstance(source, str):
        return source
    if isinstance(source, Computed):
        return source.note
    if isinstance(source, Const):
        return f"固定值「{source.value}」" + (f"：{source.note}" if source.note else "")
    return f"无：{source.why}"


def render(value: object) -> object:
    """JSON values: times in Asia/Shanghai ISO 8601, money as exact strings, "" as null."""
    if isinstance(value, datetime):
        return value.astimezone(clock.SHANGHAI).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    text = str(value)
    return text or None
