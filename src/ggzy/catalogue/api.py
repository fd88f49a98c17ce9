"""The trading catalogue API at /api/v1/catalogue (thin: parse, authorise, call a service).

Reading the published catalogue is public. Drafts are shown only to provincial centre
staff, who alone may create, edit and publish them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import StrictBool, StrictInt, StrictStr, WithJsonSchema

from ggzy.accounts.auth import api_auth
from ggzy.accounts.models import Industry, User
from ggzy.core.http import acting_user
from ggzy.kernel.errors import NotFound

from . import selectors, services
from .models import CatalogueItem, CatalogueVersion
from .validation import ItemSpec

router = Router(tags=["catalogue 交易目录"])

# Any JSON value is accepted here and checked by ``kernel.money.yuan``, so a float, a
# list or "4,000,000" gets the same precise 400 as on every other entry point.
AmountIn = Annotated[
    Any,
    WithJsonSchema(
        {
            "anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}],
            "description": '金额（元），十进制字符串，最多两位小数，如 "4000000.00" / '
            "amount in yuan as a decimal string",
        }
    ),
]


class ItemOut(Schema):
    code: str
    name: str
    name_en: str
    category: str
    category_name: str
    family: str
    sector: str
    description: str
    must_enter: bool
    entry_threshold: str | None
    voluntary_threshold: str | None
    supervising_industry: str
    supervising_industry_name: str
    procedure_families: list[str]
    notes: str
    legal_basis: str
    sort_order: int


class VersionOut(Schema):
    id: int
    number: int
    title: str
    document_number: str
    status: str
    based_on: int | None
    effective_from: date | None
    effective_to: date | None
    published_at: datetime | None
    item_count: int


class VersionDetailOut(VersionOut):
    items: list[ItemOut]


class DraftIn(Schema):
    title: StrictStr
    document_number: StrictStr = ""
    based_on: StrictInt | None = None


class ItemIn(Schema):
    category: StrictStr
    name: StrictStr
    supervising_industry: StrictStr
    procedure_families: list[StrictStr]
    must_enter: StrictBool = True
    entry_threshold: AmountIn = None
    voluntary_threshold: AmountIn = None
    name_en: StrictStr = ""
    description: StrictStr = ""
    notes: StrictStr = ""
    legal_basis: StrictStr = ""
    sort_order: StrictInt = 0


class PublishIn(Schema):
    effective_from: date


def _item_out(item: CatalogueItem) -> dict[str, Any]:
    category = item.category
    return {
        **services.item_state(item),
        "category_name": category.name_zh,
        "family": category.family,
        "sector": category.sector,
        "supervising_industry_name": str(Industry(item.supervising_industry).label),
    }


def _version_out(version: CatalogueVersion, *, with_items: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": version.pk,
        "number": version.number,
        "title": version.title,
        "document_number": version.document_number,
        "status": version.status,
        "based_on": version.based_on.number if version.based_on else None,
        "effective_from": version.effective_from,
        "effective_to": version.effective_to,
        "published_at": version.published_at,
        "item_count": version.items.count(),
    }
    if with_items:
        body["items"] = [_item_out(item) for item in selectors.items_of(version)]
    return body


def _viewer(request: HttpRequest) -> User | None:
    """The caller on a public endpoint, when a token or a verified session says who it is."""
    for backend in api_auth:
        user = backend(request)
        if user:
            return user
    return None


def _spec(payload: ItemIn) -> ItemSpec:
    return ItemSpec(**payload.dict())


@router.get("/current", response=VersionDetailOut, auth=None)
def current(request: HttpRequest, on: date | None = None, family: str | None = None) -> Any:
    """The catalogue in force today (or on ``on``), optionally one family's items only."""
    version = selectors.current_version(on)
    if version is None:
        raise NotFound(
            "尚无生效的交易目录", "no trading catalogue is in force", code="no_catalogue"
        )
    body = _version_out(version)
    body["items"] = [_item_out(item) for item in selectors.items_of(version, family)]
    return body


@router.get("/versions", response=list[VersionOut], auth=None)
def list_versions(request: HttpRequest) -> Any:
    return [_version_out(v) for v in selectors.versions_visible_to(_viewer(request))]


@router.get("/versions/{version_id}", response=VersionDetailOut, auth=None)
def get_version(request: HttpRequest, version_id: int) -> Any:
    version = selectors.version_for(_viewer(request), version_id)
    return _version_out(version, with_items=True)


@router.post("/versions", response={201: VersionDetailOut})
def create_draft(request: HttpRequest, payload: DraftIn) -> Any:
    user = acting_user(request)
    based_on = None
    if payload.based_on is not None:
        based_on = selectors.version_for(user, payload.based_on)
    version = services.create_draft(
        actor_user=user,
        title=payload.title,
        document_number=payload.document_number,
        based_on=based_on,
    )
    return Status(201, _version_out(version, with_items=True))


@router.put("/versions/{version_id}/items/{code}", response={200: ItemOut, 201: ItemOut})
def put_item(request: HttpRequest, version_id: int, code: str, payload: ItemIn) -> Any:
    user = acting_user(request)
    version = selectors.version_for(user, version_id)
    item, created = services.upsert_item(
        actor_user=user, version=version, code=code, spec=_spec(payload)
    )
    return Status(201 if created else 200, _item_out(item))


@router.delete("/versions/{version_id}/items/{code}", response={204: None})
def delete_item(request: HttpRequest, version_id: int, code: str) -> Any:
    user = acting_user(request)
    version = selectors.version_for(user, version_id)
    services.remove_item(actor_user=user, version=version, code=code)
    return Status(204, None)


@router.post("/versions/{version_id}/publish", response=VersionOut)
def publish(request: HttpRequest, version_id: int, payload: PublishIn) -> Any:
    user = acting_user(request)
    version = selectors.version_for(user, version_id)
    published = services.publish(
        actor_user=user, version=version, effective_from=payload.effective_from
    )
    return _version_out(published)
