"""The WebSocket's user comes from the session cookie, read once at the handshake, and the
server's ``send`` reaches the consumer as it is (no per-message wrapper)."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import Client

from ggzy.accounts.models import User
from ggzy.web.ws_auth import SessionUserMiddleware
from tests.fixtures.threads import off_loop

pytestmark = pytest.mark.django_db(transaction=True)


def _handshake(cookie: str | None) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def inner(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.update(scope=scope, send=send)

    async def send(message: dict[str, Any]) -> None:
        pass

    headers = [(b"origin", b"http://testserver")]
    if cookie is not None:
        headers.append((b"cookie", cookie.encode()))
    scope = {"type": "websocket", "path": "/ws/", "headers": headers}
    off_loop(async_to_sync(SessionUserMiddleware(inner)), scope, None, send)
    assert seen["send"] is send
    return seen["scope"]


def test_a_logged_in_session_gives_its_user() -> None:
    user = User.objects.create_user(username="bidder-ws", password="x")
    browser = Client()
    browser.force_login(user)
    session = browser.cookies["sessionid"].value
    scope = _handshake(f"lang=zh-hans; sessionid={session}")
    assert scope["user"].pk == user.pk and scope["cookies"]["sessionid"] == session


@pytest.mark.parametrize("cookie", [None, "", "sessionid=forged", "sessionid=; x", "=;=;"])
def test_no_or_a_bad_session_is_anonymous(cookie: str | None) -> None:
    assert not _handshake(cookie)["user"].is_authenticated
