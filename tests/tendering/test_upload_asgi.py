"""Token-authenticated chunks stream through `ggzy.asgi` straight to the bid file."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from ggzy.accounts.services import create_token
from ggzy.asgi import application
from ggzy.tendering.models import Bid, Upload

from ..fixtures.tendering import World
from .flow import API, WORKS_SHEET, ok, publish, register, seal, start_upload

pytestmark = pytest.mark.django_db(transaction=True)


def _put(token: str, path: str, offset: int, body: bytes, *, pieces: int = 3) -> tuple[int, Any]:
    """One PUT through the ASGI application, the body split over several messages."""
    step = max(1, len(body) // pieces)
    parts = [body[i : i + step] for i in range(0, len(body), step)] or [b""]
    messages = [
        {"type": "http.request", "body": p, "more_body": i < len(parts) - 1}
        for i, p in enumerate(parts)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "PUT",
        "path": path,
        "query_string": f"offset={offset}".encode(),
        "headers": [
            (b"authorization", f"Bearer {token}".encode()),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    # A thread of its own: the browser tests' Playwright loop may own this thread's loop.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, application(scope, receive, send)).result()
    status = sent[0]["status"]
    return status, json.loads(sent[1]["body"])


def test_chunks_stream_through_the_asgi_route(world: World, tmp_path: Path) -> None:
    project = ok(register(world), 201)["project"]
    ok(publish(world, project["id"]), 201)
    lot_id = project["lots"][0]["id"]
    bidder = world.bidders[0]
    path = seal(bidder, lot_id, tmp_path, WORKS_SHEET)
    upload_token = ok(start_upload(bidder.client, lot_id, path), 201)["token"]
    _, secret = create_token(user=bidder.user, name="bid tool", scopes=["read", "write"], days=30)
    data = path.read_bytes()
    url = f"{API}/uploads/{upload_token}"
    status, body = _put(secret, url, 0, data[:5000])
    assert (status, body["received"]) == (200, 5000)
    status, body = _put(secret, url, 0, data[:5000])
    assert status == 409 and body["code"] == "upload_offset" and body["received"] == 5000
    status, body = _put("not-a-token", url, 5000, data[5000:])
    assert status == 401
    status, body = _put(secret, url, 5000, data[5000:])
    assert (status, body["received"]) == (200, len(data))
    receipt = ok(bidder.client.post(f"{API}/uploads/{upload_token}/complete"), 201)
    assert Bid.objects.get(pk=receipt["bid_id"]).ciphertext_digest == receipt["ciphertext_digest"]
    assert Upload.objects.get(token=upload_token).received == len(data)
