"""Steps of a tender through the HTTP API only, shared by the end-to-end tests."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ggzy.kernel import clock
from ggzy.kernel.crypto import read_header
from ggzy.tendering.bidfile import LotInfo, release_key, seal_bid

from ..fixtures.clock import working_days_after
from ..fixtures.tendering import Party, World

API = "/api/v1/tendering"
FINGERPRINT = {
    "creator_id": "",
    "mac": "02:00:00:00:00:01",
    "cpu_id": "cpu",
    "disk_serial": "",
    "memory_serial": "",
    "ip": "10.0.0.8",
    "hostname": "bidder-pc",
    "os": "test",
}

WORKS_SHEET = {
    "price": "4380000.00",
    "duration_days": 365,
    "quality": "合格",
    "project_manager": "张工",
}
GP_SHEET = {"price": "1850000.00", "delivery_days": 30, "warranty_months": 24, "quality": "合格"}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


def register(
    world: World,
    *,
    procedure: str = "works_open_post",
    item: str = "CON-WORKS-HOUSING",
    supervisor: int | None = None,
    estimate: str = "9000000.00",
    lots: list[dict[str, Any]] | None = None,
    client: Client | None = None,
) -> Any:
    body = {
        "name": "长沙市第一中学教学楼新建工程",
        "catalogue_item": item,
        "procedure": procedure,
        "funding": "state",
        "estimate": estimate,
        "region": "430100",
        "centre": world.centre.pk,
        "supervisor": supervisor or world.housing.pk,
        "initiator_uscc": world.initiator.entity.uscc if world.initiator.entity else "",
        "lots": lots
        if lots is not None
        else [
            {
                "name": "施工一标段",
                "estimate": estimate,
                "ceiling_price": estimate,
                "deposit_amount": str((Decimal(estimate) / 100).quantize(Decimal("0.01"))),
            }
        ],
    }
    return (client or world.agent.client).post(
        f"{API}/projects", body, content_type="application/json"
    )


def publish(world: World, project_id: int, *, days: int = 21) -> Any:
    client = world.agent.client
    ok(
        client.post(
            f"{API}/projects/{project_id}/documents",
            {
                "title": "招标文件",
                "file": SimpleUploadedFile("招标文件.pdf", b"%PDF-1.7 tender documents"),
            },
        ),
        201,
    )
    now = clock.now()
    body = {
        "sale_starts_at": now.isoformat(),
        # five days, and five working days (procurement) whatever the calendar holds
        "sale_ends_at": working_days_after(now, 5).isoformat(),
        "bid_deadline": (now + timedelta(days=days)).isoformat(),
        "body": "欢迎投标。",
    }
    return client.post(f"{API}/projects/{project_id}/notice", body, content_type="application/json")


def sealing_info(party: Party, lot_id: int) -> LotInfo:
    return LotInfo.from_json(ok(party.client.get(f"{API}/lots/{lot_id}/sealing")))


def seal(
    party: Party,
    lot_id: int,
    tmp: Path,
    sheet: dict[str, Any],
    name: str = "bid",
    fingerprint: dict[str, str] | None = None,
) -> Path:
    assert party.entity is not None
    out = tmp / f"{name}-{party.entity.pk}.sealed"
    attachment = tmp / f"tech-{party.entity.pk}.pdf"
    attachment.write_bytes(b"%PDF technical proposal " * 100)
    seal_bid(
        lot=sealing_info(party, lot_id),
        bidder_id=party.entity.uscc,
        bidder_name=party.entity.name,
        price_sheet=sheet,
        attachments=[attachment],
        signer_key_pem=party.keys["sign_key"],
        encryption_cert_pem=party.keys["encrypt_cert"],
        out=out,
        fingerprint=fingerprint or FINGERPRINT | {"creator_id": f"tool-{party.entity.pk}"},
    )
    return out


def start_upload(client: Client, lot_id: int, path: Path) -> Any:
    with open(path, "rb") as f:
        sealed = read_header(f)
    body = {
        "size": path.stat().st_size,
        "header": base64.b64encode(sealed.header_bytes).decode(),
        "signature": base64.b64encode(sealed.signature).decode(),
    }
    return client.post(f"{API}/lots/{lot_id}/uploads", body, content_type="application/json")


def upload(party: Party, lot_id: int, path: Path, chunk: int = 64 * 1024) -> dict[str, Any]:
    """Start, send the chunks, complete: returns the signed receipt."""
    client = party.client
    token = ok(start_upload(client, lot_id, path), 201)["token"]
    data = path.read_bytes()
    for offset in range(0, len(data), chunk):
        ok(
            client.put(
                f"{API}/uploads/{token}?offset={offset}",
                data[offset : offset + chunk],
                content_type="application/octet-stream",
            )
        )
    return ok(client.post(f"{API}/uploads/{token}/complete"), 201)


def release(party: Party, bid_id: int) -> Any:
    client = party.client
    envelope = ok(client.get(f"{API}/bids/{bid_id}/envelope"))
    key = release_key(
        base64.b64decode(envelope["header"]),
        base64.b64decode(envelope["signature"]),
        party.keys["encrypt_key"],
    )
    return client.post(
        f"{API}/bids/{bid_id}/key", {"data_key": key.hex()}, content_type="application/json"
    )


def sheet_json(response: Any) -> dict[str, Any]:
    return json.loads(response.content)
