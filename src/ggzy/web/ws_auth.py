"""Who is on a WebSocket: the user of the session cookie, read once at the handshake.

Channels' ``AuthMiddlewareStack`` wraps every outgoing message in case the session changed
and must be saved. The halls never change a session, and in a busy hall that wrapper cost
about a tenth of the process's time (every update to every watcher passed through it), so
this reads the session and its user once and leaves ``send`` as the server gave it.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from channels.auth import get_user
from django.conf import settings
from django.http.cookie import parse_cookie


class SessionUserMiddleware:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        cookies: dict[str, str] = {}
        for name, value in scope.get("headers", ()):
            if name == b"cookie":
                cookies.update(parse_cookie(value.decode("latin1")))
        store = import_module(settings.SESSION_ENGINE).SessionStore
        scope = dict(
            scope, cookies=cookies, session=store(cookies.get(settings.SESSION_COOKIE_NAME))
        )
        scope["user"] = await get_user(scope)
        return await self.inner(scope, receive, send)
