"""Every endpoint of /api/v1/catalogue, with good and bad input: 4xx, never 500, nothing
half-saved."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ggzy.accounts.models import User
from ggzy.accounts.services import create_token
from ggzy.catalogue.models import CatalogueItem, CatalogueVersion
from ggzy.core.models import LedgerEntry

from .conftest import TODAY

BASE = "/api/v1/catalogue"
Headers = Callable[[User], dict[str, str]]

ITEM = {
    "category": "CON-WORKS",
    "name": "城市更新工程施工",
    "name_en": "Urban renewal works",
    "supervising_industry": "housing",
    "procedure_families": ["open_tender"],
    "must_enter": True,
    "entry_threshold": "4000000.00",
    "voluntary_threshold": "1000000.00",
}


def send(
    client: Client, method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
) -> Any:
    data = body if isinstance(body, str) else json.dumps(body) if body is not None else None
    return getattr(client, method)(
        url, data=data, content_type="application/json", headers=headers or {}
    )


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["message_zh"] and body["message_en"]
    if code:
        assert body["code"] == code
    return dict(body)


def ledger_size() -> int:
    return LedgerEntry.objects.count()


# --- public reads ----------------------------------------------------------------------


def test_current_is_public(client: Client, catalogue_2019: CatalogueVersion) -> None:
    response = client.get(f"{BASE}/current")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == 1
    assert body["title"] == "湖南省公共资源交易目录（2019年本）"
    assert body["status"] == "published"
    assert body["effective_from"] == "2019-01-01"
    assert len(body["items"]) == body["item_count"] == 30
    housing = next(i for i in body["items"] if i["code"] == "CON-WORKS-HOUSING")
    assert housing["entry_threshold"] == "4000000.00"
    assert housing["voluntary_threshold"] == "1000000.00"
    assert housing["family"] == "works" and housing["sector"] == "construction"
    assert housing["supervising_industry_name"] == "住房城乡建设"
    land = next(i for i in body["items"] if i["code"] == "LAND-STATE-CONSTRUCTION")
    assert land["entry_threshold"] is None and land["must_enter"] is True


def test_current_filters_and_dates(client: Client, catalogue_2019: CatalogueVersion) -> None:
    land = client.get(f"{BASE}/current", {"family": "land"}).json()
    assert [i["code"] for i in land["items"]] == ["LAND-STATE-CONSTRUCTION", "LAND-SMALL-PARCEL"]
    assert_error(client.get(f"{BASE}/current", {"family": "nope"}), 400, "unknown_family")
    assert_error(client.get(f"{BASE}/current", {"on": "2018-06-01"}), 404, "no_catalogue")
    assert_error(client.get(f"{BASE}/current", {"on": "yesterday"}), 422)


def test_current_without_any_catalogue(client: Client, db: None) -> None:
    assert_error(client.get(f"{BASE}/current"), 404, "no_catalogue")


def test_versions_hide_drafts_from_the_public(
    client: Client, draft: CatalogueVersion, editor: User, city_staff: User, bearer: Headers
) -> None:
    public = client.get(f"{BASE}/versions").json()
    assert [v["number"] for v in public] == [1]
    mine = client.get(f"{BASE}/versions", headers=bearer(editor)).json()
    assert [v["number"] for v in mine] == [2, 1]
    assert mine[0]["status"] == "draft" and mine[0]["based_on"] == 1
    theirs = client.get(f"{BASE}/versions", headers=bearer(city_staff)).json()
    assert [v["number"] for v in theirs] == [1]


def test_version_detail(
    client: Client, draft: CatalogueVersion, editor: User, bearer: Headers
) -> None:
    published = client.get(f"{BASE}/versions/{draft.based_on_id}")
    assert published.status_code == 200
    assert len(published.json()["items"]) == 30
    assert_error(client.get(f"{BASE}/versions/{draft.pk}"), 404, "not_found")
    own = client.get(f"{BASE}/versions/{draft.pk}", headers=bearer(editor))
    assert own.status_code == 200 and own.json()["status"] == "draft"
    assert_error(client.get(f"{BASE}/versions/99999"), 404)
    assert client.get(f"{BASE}/versions/abc").status_code in {404, 422}


# --- drafts ----------------------------------------------------------------------------


def test_create_draft(
    client: Client, catalogue_2019: CatalogueVersion, editor: User, bearer: Headers, frozen_clock
) -> None:
    response = send(
        client,
        "post",
        f"{BASE}/versions",
        {"title": "2026年本", "document_number": "湘1号"},
        bearer(editor),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["based_on"] == 1 and len(body["items"]) == 30
    based = send(
        client,
        "post",
        f"{BASE}/versions",
        {"title": "另一版", "based_on": body["id"]},
        bearer(editor),
    )
    assert based.status_code == 201 and based.json()["based_on"] == body["number"]


def test_create_draft_needs_provincial_staff(
    client: Client,
    catalogue_2019: CatalogueVersion,
    city_staff: User,
    entity_user: User,
    bearer: Headers,
) -> None:
    assert_error(send(client, "post", f"{BASE}/versions", {"title": "x"}), 401, "unauthenticated")
    for user in (city_staff, entity_user):
        response = send(client, "post", f"{BASE}/versions", {"title": "x"}, bearer(user))
        assert_error(response, 403, "forbidden")
    assert CatalogueVersion.objects.count() == 1


def test_read_only_token_cannot_write(
    client: Client, catalogue_2019: CatalogueVersion, editor: User
) -> None:
    _, secret = create_token(user=editor, name="只读", scopes=["read"], days=30)
    response = send(
        client, "post", f"{BASE}/versions", {"title": "x"}, {"Authorization": f"Bearer {secret}"}
    )
    assert_error(response, 401)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"title": "<script>alert(1)</script>"}, 400, "title"),
        ({"title": "目" * 5000}, 400, "title"),
        ({"title": ""}, 400, "title"),
        ({"title": "好", "document_number": "号" * 101}, 400, "document_number"),
        ({"title": 2026}, 422, "title"),
        ({}, 422, "title"),
        ({"title": "好", "based_on": 424242}, 404, "id"),
        ('{"title": ', 400, None),
    ],
)
def test_create_draft_bad_input(
    client: Client,
    catalogue_2019: CatalogueVersion,
    editor: User,
    bearer: Headers,
    body: Any,
    status: int,
    field: str | None,
) -> None:
    headers = bearer(editor)
    before = ledger_size()
    response = send(client, "post", f"{BASE}/versions", body, headers)
    assert assert_error(response, status)["field"] == field
    assert CatalogueVersion.objects.count() == 1
    assert ledger_size() == before


# --- items -----------------------------------------------------------------------------


def test_put_creates_then_updates_an_item(
    client: Client, draft: CatalogueVersion, editor: User, bearer: Headers
) -> None:
    url = f"{BASE}/versions/{draft.pk}/items/con-works-renewal"
    created = send(client, "put", url, ITEM, bearer(editor))
    assert created.status_code == 201, created.content
    assert created.json()["code"] == "CON-WORKS-RENEWAL"
    assert created.json()["entry_threshold"] == "4000000.00"
    updated = send(client, "put", url, {**ITEM, "entry_threshold": 5000000}, bearer(editor))
    assert updated.status_code == 200
    assert updated.json()["entry_threshold"] == "5000000.00"
    assert draft.items.filter(code="CON-WORKS-RENEWAL").count() == 1


@pytest.mark.parametrize(
    ("changes", "status", "field", "code"),
    [
        ({"category": "NO-SUCH"}, 400, "category", "unknown_category"),
        ({"entry_threshold": "-100"}, 400, "entry_threshold", "negative_amount"),
        ({"entry_threshold": "四百万"}, 400, "entry_threshold", "money_format"),
        ({"entry_threshold": "¥4,000,000"}, 400, "entry_threshold", "money_format"),
        ({"entry_threshold": "Infinity"}, 400, "entry_threshold", "money_not_finite"),
        ({"entry_threshold": "9" * 40}, 400, "entry_threshold", "money_range"),
        ({"entry_threshold": 4000000.5}, 400, "entry_threshold", "money_float"),
        ({"entry_threshold": [1]}, 400, "entry_threshold", "money_format"),
        ({"entry_threshold": True}, 400, "entry_threshold", "money_format"),
        ({"voluntary_threshold": "5000000"}, 400, "voluntary_threshold", None),
        ({"name": "<a href='javascript:x'>链接</a>"}, 400, "name", "text_markup"),
        ({"name": "x" * 100_000}, 400, "name", "text_too_long"),
        ({"notes": "<iframe src=//evil>"}, 400, "notes", "text_markup"),
        ({"supervising_industry": "army"}, 400, "supervising_industry", "unknown_industry"),
        ({"procedure_families": ["auction"]}, 400, "procedure_families", "procedure_not_allowed"),
        ({"procedure_families": ["x" * 1000]}, 400, "procedure_families", "unknown_procedure"),
        ({"must_enter": "yes"}, 422, "must_enter", None),
        ({"sort_order": 10**12}, 400, "sort_order", None),
        ({"name": None}, 422, "name", None),
    ],
)
def test_put_item_bad_input(
    client: Client,
    draft: CatalogueVersion,
    editor: User,
    bearer: Headers,
    changes: dict[str, Any],
    status: int,
    field: str,
    code: str | None,
) -> None:
    headers = bearer(editor)
    before = ledger_size()
    url = f"{BASE}/versions/{draft.pk}/items/CON-WORKS-NEW"
    body = assert_error(send(client, "put", url, {**ITEM, **changes}, headers), status, code)
    assert body["field"] == field
    assert not CatalogueItem.objects.filter(code="CON-WORKS-NEW").exists()
    assert ledger_size() == before


@pytest.mark.parametrize("code", ["bad code", "1ABC", "A%3Cb%3E", "A" * 300])
def test_put_item_bad_code(
    client: Client, draft: CatalogueVersion, editor: User, bearer: Headers, code: str
) -> None:
    response = send(client, "put", f"{BASE}/versions/{draft.pk}/items/{code}", ITEM, bearer(editor))
    assert assert_error(response, 400, "invalid_code")["field"] == "code"


def test_put_item_malformed_json(
    client: Client, draft: CatalogueVersion, editor: User, bearer: Headers
) -> None:
    url = f"{BASE}/versions/{draft.pk}/items/CON-X"
    assert_error(send(client, "put", url, "{not json", bearer(editor)), 400)
    assert_error(send(client, "put", url, "[]", bearer(editor)), 422)


def test_editing_a_published_version_is_a_conflict(
    client: Client,
    draft: CatalogueVersion,
    catalogue_2019: CatalogueVersion,
    editor: User,
    bearer: Headers,
) -> None:
    url = f"{BASE}/versions/{catalogue_2019.pk}/items/CON-WORKS-HOUSING"
    response = send(client, "put", url, {**ITEM, "entry_threshold": "1"}, bearer(editor))
    assert_error(response, 409, "version_not_draft")
    assert_error(send(client, "delete", url, headers=bearer(editor)), 409, "version_not_draft")
    item = catalogue_2019.items.get(code="CON-WORKS-HOUSING")
    assert str(item.entry_threshold) == "4000000.00"


def test_other_users_cannot_edit(
    client: Client,
    draft: CatalogueVersion,
    catalogue_2019: CatalogueVersion,
    city_staff: User,
    bearer: Headers,
) -> None:
    # Drafts are invisible to them; published versions are visible but not theirs to edit.
    url = f"{BASE}/versions/{draft.pk}/items/CON-X"
    assert_error(send(client, "put", url, ITEM, bearer(city_staff)), 404)
    url = f"{BASE}/versions/{catalogue_2019.pk}/items/CON-X"
    assert_error(send(client, "put", url, ITEM, bearer(city_staff)), 403, "forbidden")
    assert_error(send(client, "put", url, ITEM), 401)


def test_delete_item(
    client: Client, draft: CatalogueVersion, editor: User, bearer: Headers
) -> None:
    url = f"{BASE}/versions/{draft.pk}/items/forest-rights"
    response = send(client, "delete", url, headers=bearer(editor))
    assert response.status_code == 204
    assert not draft.items.filter(code="FOREST-RIGHTS").exists()
    assert_error(send(client, "delete", url, headers=bearer(editor)), 404, "not_found")
    bad = f"{BASE}/versions/{draft.pk}/items/<b>"
    assert_error(send(client, "delete", bad, headers=bearer(editor)), 400, "invalid_code")


# --- publish ---------------------------------------------------------------------------


def test_publish(
    client: Client,
    draft: CatalogueVersion,
    catalogue_2019: CatalogueVersion,
    editor: User,
    bearer: Headers,
) -> None:
    url = f"{BASE}/versions/{draft.pk}/publish"
    day = (TODAY + timedelta(days=7)).isoformat()
    response = send(client, "post", url, {"effective_from": day}, bearer(editor))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    assert response.json()["effective_from"] == day
    old = client.get(f"{BASE}/versions/{catalogue_2019.pk}").json()
    assert (old["status"], old["effective_to"]) == ("superseded", day)
    assert client.get(f"{BASE}/current").json()["number"] == 1  # not in force yet
    assert client.get(f"{BASE}/current", {"on": day}).json()["number"] == draft.number
    again = send(client, "post", url, {"effective_from": day}, bearer(editor))
    assert_error(again, 409, "version_not_draft")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"effective_from": (TODAY - timedelta(days=1)).isoformat()}, 400, "effective_from_past"),
        ({"effective_from": "2019-01-01"}, 400, "effective_from_past"),
        ({"effective_from": "not-a-date"}, 422, None),
        ({"effective_from": "2026-02-30"}, 422, None),
        ({}, 422, None),
    ],
)
def test_publish_bad_input(
    client: Client,
    draft: CatalogueVersion,
    editor: User,
    bearer: Headers,
    body: dict[str, str],
    status: int,
    code: str | None,
) -> None:
    headers = bearer(editor)
    before = ledger_size()
    response = send(client, "post", f"{BASE}/versions/{draft.pk}/publish", body, headers)
    result = assert_error(response, status, code)
    assert result["field"] == "effective_from"
    draft.refresh_from_db()
    assert draft.is_draft
    assert CatalogueVersion.objects.get(number=1).status == "published"
    assert ledger_size() == before


def test_publish_needs_provincial_staff(
    client: Client,
    draft: CatalogueVersion,
    catalogue_2019: CatalogueVersion,
    city_staff: User,
    bearer: Headers,
) -> None:
    url = f"{BASE}/versions/{catalogue_2019.pk}/publish"
    response = send(client, "post", url, {"effective_from": TODAY.isoformat()}, bearer(city_staff))
    assert_error(response, 403)


# --- fuzz: any text in any field gives 2xx or 4xx, never 500 ---------------------------


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    field=st.sampled_from(["name", "name_en", "notes", "entry_threshold", "category"]),
    value=st.text(max_size=300),
)
def test_put_item_never_fails_with_500(
    client: Client, draft: CatalogueVersion, editor: User, field: str, value: str
) -> None:
    headers = {"Authorization": f"Bearer {_token(editor)}"}
    url = f"{BASE}/versions/{draft.pk}/items/CON-FUZZ"
    response = send(client, "put", url, {**ITEM, field: value}, headers)
    assert response.status_code in {200, 201, 400, 422}, response.content


_tokens: dict[int, str] = {}


def _token(user: User) -> str:
    if user.pk not in _tokens or not user.api_tokens.exists():
        _, _tokens[user.pk] = create_token(user=user, name="fuzz", scopes=["read", "write"], days=1)
    return _tokens[user.pk]


def test_openapi_lists_the_catalogue_endpoints(client: Client, db: None) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/catalogue/current",
        "/api/v1/catalogue/versions",
        "/api/v1/catalogue/versions/{version_id}",
        "/api/v1/catalogue/versions/{version_id}/items/{code}",
        "/api/v1/catalogue/versions/{version_id}/publish",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/catalogue/versions/{version_id}/items/{code}"]) == {"put", "delete"}
