"""API tokens: hashed at rest, scoped, expiring, revocable; errors as bilingual JSON."""

import json
from datetime import timedelta

import pytest

from ggzy.accounts.models import ApiToken
from ggzy.accounts.services import create_token
from ggzy.core.models import LedgerEntry

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_token_is_stored_hashed_and_authenticates(client, entity_user) -> None:
    token, secret = create_token(user=entity_user, name="ERP", scopes=["read"], days=30)
    assert secret.split("_", 2)[2] not in token.digest
    assert client.get("/api/v1/accounts/me", **bearer(secret)).json()["username"] == "bidder"
    assert LedgerEntry.objects.filter(kind="token.created").count() == 1


def test_read_scope_cannot_write(client, entity_user) -> None:
    _, secret = create_token(user=entity_user, name="ro", scopes=["read"], days=30)
    response = client.post(
        "/api/v1/accounts/tokens", {"name": "x"}, content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 401


def test_create_list_and_revoke_through_the_api(client, entity_user) -> None:
    _, secret = create_token(user=entity_user, name="rw", scopes=["read", "write"], days=30)
    response = client.post(
        "/api/v1/accounts/tokens",
        {"name": "第二个", "scopes": ["read"], "days": 7},
        content_type="application/json",
        **bearer(secret),
    )
    assert response.status_code == 201
    new = response.json()
    assert new["token"].startswith("ggzy_")
    assert len(client.get("/api/v1/accounts/tokens", **bearer(secret)).json()) == 2
    revoked = client.post(f"/api/v1/accounts/tokens/{new['prefix']}/revoke", **bearer(secret))
    assert revoked.json()["revoked_at"] is not None
    assert client.get("/api/v1/accounts/me", **bearer(new["token"])).status_code == 401


def test_expired_token_is_refused(client, entity_user, manual_clock) -> None:
    _, secret = create_token(user=entity_user, name="short", scopes=["read"], days=1)
    manual_clock.advance(timedelta(days=1, seconds=1))
    assert client.get("/api/v1/accounts/me", **bearer(secret)).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "scopes": ["admin"]}, "scopes"),
        ({"name": "x", "days": 1000}, "days"),
        ({"name": ""}, "name"),
        ({"name": "x" * 500}, "name"),
        ({"name": 5, "days": "many"}, None),
    ],
)
def test_bad_token_requests_get_bilingual_4xx(client, entity_user, body, field) -> None:
    _, secret = create_token(user=entity_user, name="rw", scopes=["read", "write"], days=30)
    before = ApiToken.objects.count()
    response = client.post(
        "/api/v1/accounts/tokens", body, content_type="application/json", **bearer(secret)
    )
    assert 400 <= response.status_code < 500
    data = response.json()
    assert data["message_zh"] and data["message_en"]
    if field:
        assert data["field"] == field
    assert ApiToken.objects.count() == before


def test_malformed_json_is_a_400_not_a_500(client, entity_user) -> None:
    _, secret = create_token(user=entity_user, name="rw", scopes=["read", "write"], days=30)
    response = client.post(
        "/api/v1/accounts/tokens", "{not json", content_type="application/json", **bearer(secret)
    )
    assert response.status_code in (400, 422)
    assert set(json.loads(response.content)) >= {"code", "message_zh", "message_en", "field"}


def test_cannot_revoke_someone_elses_token(client, entity_user, centre_user) -> None:
    other, _ = create_token(user=centre_user, name="theirs", scopes=["read"], days=30)
    _, secret = create_token(user=entity_user, name="rw", scopes=["read", "write"], days=30)
    response = client.post(f"/api/v1/accounts/tokens/{other.prefix}/revoke", **bearer(secret))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
