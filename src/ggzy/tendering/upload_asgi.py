"""Bid chunks straight from the socket to the upload's spool file
(`PUT /api/v1/tendering/uploads/<token>`; the complete bid then moves to the file store).

Django's ASGI handler reads a whole request body before the view runs (spooled to memory,
then to a temporary file) and runs synchronous views one at a time, so two hundred bidders
uploading at once would queue behind each other and each chunk would be written twice.
Requests authenticated with an API token take this route instead: the same service checks
run first (`plan_chunk`), then each body message is written at its offset and hashed as it
arrives, in a worker thread, so server memory stays at a few buffers per upload whatever the
file size. Browser sessions keep using the Django view (same services).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import IO, Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async

from ggzy.accounts.models import ApiToken, User
from ggzy.accounts.services import authenticate_token
from ggzy.core.http import error_body
from ggzy.kernel.errors import DomainError, InvalidInput

from .services.bids import ChunkPlan, commit_chunk, plan_chunk, write_piece

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[..., Awaitable[None]]

PATH = re.compile(r"^/api/v1/tendering/uploads/(?P<token>[0-9a-f]{32})$")
FLUSH = 1024 * 1024


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization" and value[:7].lower() == b"bearer ":
            return str(value[7:].decode("latin-1").strip())
    return None


def handles(scope: Scope) -> bool:
    return (
        scope["type"] == "http"
        and scope.get("method") == "PUT"
        and PATH.match(scope.get("path", "")) is not None
        and _bearer(scope) is not None
    )


def _user(raw: str) -> User | None:
    token = authenticate_token(raw)
    if token is None or ApiToken.Scope.WRITE not in token.scopes:
        return None
    return token.user


def _length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                break
    raise InvalidInput(
        "缺少或无效的 Content-Length", "missing or invalid Content-Length", code="bad_chunk"
    )


def _offset(scope: Scope) -> object:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("offset", [""])
    try:
        return int(values[0])
    except ValueError:
        return values[0]


@database_sync_to_async
def _plan(raw: str, token: str, offset: object, length: int) -> ChunkPlan | None:
    user = _user(raw)
    if user is None:
        return None
    return plan_chunk(user=user, token=token, offset=offset, length=length)


@database_sync_to_async
def _commit(plan: ChunkPlan, written: int) -> int:
    return commit_chunk(plan, written)


async def _respond(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


async def _drain(receive: Receive) -> None:
    while (await receive()).get("more_body", False):
        pass


async def _stream(plan: ChunkPlan, receive: Receive) -> int:
    """Write the body at the plan's offset as it arrives; returns the bytes written."""
    written, pending = 0, bytearray()
    out: IO[bytes] = await asyncio.to_thread(open, plan.path, "r+b")
    try:
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            pending += message.get("body", b"")
            more = message.get("more_body", False)
            if len(pending) > plan.length - written:
                break  # more bytes than declared: refused by commit_chunk's length check
            if len(pending) >= FLUSH or not more:
                data = bytes(pending)
                pending.clear()
                await asyncio.to_thread(write_piece, plan, out, plan.offset + written, data)
                written += len(data)
    finally:
        await asyncio.to_thread(out.close)
    return written


async def upload_chunk(scope: Scope, receive: Receive, send: Send) -> None:
    match = PATH.match(scope["path"])
    assert match is not None
    try:
        plan = await _plan(_bearer(scope) or "", match["token"], _offset(scope), _length(scope))
        if plan is None:
            await _drain(receive)
            body = error_body(
                "unauthenticated", "令牌无效或没有写权限", "invalid token or no write scope"
            )
            await _respond(send, 401, body)
            return
        received = await _commit(plan, await _stream(plan, receive))
    except DomainError as exc:
        await _respond(send, exc.status, exc.as_dict())
        return
    await _respond(
        send,
        200,
        {"token": plan.token, "received": received, "size": plan.size, "status": "receiving"},
    )


def with_streaming_uploads(app: ASGIApp) -> ASGIApp:
    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        if handles(scope):
            await upload_chunk(scope, receive, send)
        else:
            await app(scope, receive, send)

    return route
