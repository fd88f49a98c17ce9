"""The opening: too few bids, Art 31 failures both ways, escrow recovery, objections, and the
proof that nobody with the database, the storage and the server can read a bid early."""

from __future__ import annotations

import base64
import io
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection

from ggzy.core import files, platform_key
from ggzy.core.selectors import verify_ledger
from ggzy.kernel import clock
from ggzy.kernel.crypto import (
    load_certificate,
    open_envelope,
    open_with_shares,
    read_header,
    unwrap_data_key,
    unwrap_escrow_share,
)
from ggzy.kernel.errors import DomainError
from ggzy.tendering import services
from ggzy.tendering.bidfile import escrow_share, list_attachments
from ggzy.tendering.models import Bid, Lot, Notice, Project
from ggzy.tendering.services.opening import write_plaintext

from ..fixtures.tendering import World
from .flow import API, WORKS_SHEET, ok, publish, register, release, seal, upload

MARKER_PRICE = "4387654.32"


def _tender(world: World, lots: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    project = ok(register(world, lots=lots), 201)["project"]
    ok(publish(world, project["id"]), 201)
    return project


def _bid_all(world: World, lot_id: int, tmp_path: Path, count: int = 3) -> list[dict[str, Any]]:
    sheet = WORKS_SHEET | {"price": MARKER_PRICE}
    return [upload(b, lot_id, seal(b, lot_id, tmp_path, sheet)) for b in world.bidders[:count]]


def _to_opening(manual_clock: clock.ManualClock) -> None:
    manual_clock.advance(timedelta(days=21))
    services.open_due_lots()


def test_fewer_than_three_bids_means_no_opening_and_a_retender(
    world: World, tmp_path: Path, manual_clock: clock.ManualClock
) -> None:
    project = _tender(world)
    lot_id = project["lots"][0]["id"]
    _bid_all(world, lot_id, tmp_path, count=2)
    _to_opening(manual_clock)
    assert Lot.objects.get(pk=lot_id).status == Lot.Status.FAILED
    assert set(Bid.objects.values_list("status", flat=True)) == {Bid.Status.RETURNED}
    failure = Notice.objects.get(kind=Notice.Kind.FAILURE)
    assert "第二十八条" in failure.body
    again = ok(world.agent.client.post(f"{API}/projects/{project['id']}/retender"), 201)
    assert again["status"] == "registered" and again["code"] != project["code"]
    assert Project.objects.get(pk=again["id"]).retender_of_id == project["id"]


def test_art_31_bidder_fault_and_platform_fault(
    world: World, tmp_path: Path, manual_clock: clock.ManualClock
) -> None:
    project = _tender(world)
    lot_id = project["lots"][0]["id"]
    receipts = _bid_all(world, lot_id, tmp_path, count=4)
    _to_opening(manual_clock)
    good, wrong_key, damaged, silent = (r["bid_id"] for r in receipts)
    ok(release(world.bidders[0], good))
    # A wrong key is refused and may be retried within the window.
    response = world.bidders[1].client.post(
        f"{API}/bids/{wrong_key}/key", {"data_key": "00" * 32}, content_type="application/json"
    )
    assert response.json()["code"] == "envelope_key_mismatch"
    ok(release(world.bidders[1], wrong_key))
    # Storage damaged after the receipt: not the bidder's fault → treated as withdrawn.
    path = default_storage.path(Bid.objects.get(pk=damaged).file)
    data = bytearray(Path(path).read_bytes())
    data[100] ^= 0xFF
    Path(path).write_bytes(bytes(data))
    ok(release(world.bidders[2], damaged))
    assert Bid.objects.get(pk=damaged).status == Bid.Status.WITHDRAWN_AT_OPENING
    # The last bidder never releases the key: the bidder's fault → treated as revoked.
    host = world.agent.client
    early = host.post(f"{API}/lots/{lot_id}/close")
    assert early.json()["code"] == "window_open"
    manual_clock.advance(timedelta(minutes=31))
    closed = ok(host.post(f"{API}/lots/{lot_id}/close"))
    statuses = {line["ledger_seq"]: line["status"] for line in closed["record"]["bids"]}
    seqs = {r["bid_id"]: r["ledger_seq"] for r in receipts}
    assert statuses[seqs[silent]] == Bid.Status.REVOKED
    assert statuses[seqs[damaged]] == Bid.Status.WITHDRAWN_AT_OPENING
    assert "第三十一条" in Bid.objects.get(pk=silent).failure_reason
    assert platform_key.verify(closed["record"], closed["signature"])
    assert verify_ledger().ok


def test_escrow_recovers_a_lost_key(
    world: World, tmp_path: Path, verified_client: Any, manual_clock: clock.ManualClock
) -> None:
    holders = [h.pk for h, _ in world.keyholders]
    project = _tender(
        world,
        lots=[
            {
                "name": "一标段",
                "estimate": "9000000.00",
                "deposit_amount": "0",
                "escrow_threshold": 2,
                "escrow_keyholders": holders,
            }
        ],
    )
    lot_id = project["lots"][0]["id"]
    receipts = _bid_all(world, lot_id, tmp_path)
    _to_opening(manual_clock)
    lost = receipts[0]["bid_id"]
    bid = Bid.objects.get(pk=lost)
    shares = []
    for holder, key in world.keyholders:
        envelope = ok(verified_client(holder.user).get(f"{API}/bids/{lost}/envelope"))
        shares.append(
            escrow_share(
                base64.b64decode(envelope["header"]), base64.b64decode(envelope["signature"]), key
            )
        )
    # A keyholder cannot hand in another keyholder's share as a second one.
    third = verified_client(world.keyholders[2][0].user)
    refused = third.post(
        f"{API}/bids/{lost}/escrow-shares",
        {"share": base64.b64encode(shares[0]).decode()},
        content_type="application/json",
    )
    assert refused.json()["code"] == "bad_share"
    for (holder, _key), share, n in zip(world.keyholders[:2], shares, range(2), strict=False):
        client = verified_client(holder.user)
        result = ok(
            client.post(
                f"{API}/bids/{lost}/escrow-shares",
                {"share": base64.b64encode(share).decode()},
                content_type="application/json",
            )
        )
        assert result["status"] == ("submitted" if n == 0 else "decrypted")
    bid.refresh_from_db()
    assert bid.key_source == "escrow" and bid.price_sheet["price"] == MARKER_PRICE


def test_opening_objection_answered_on_the_spot(
    world: World, tmp_path: Path, manual_clock: clock.ManualClock
) -> None:
    project = _tender(world)
    lot_id = project["lots"][0]["id"]
    receipts = _bid_all(world, lot_id, tmp_path)
    _to_opening(manual_clock)
    for bidder, receipt in zip(world.bidders, receipts, strict=False):
        ok(release(bidder, receipt["bid_id"]))
    objection = ok(
        world.bidders[0].client.post(
            f"{API}/lots/{lot_id}/opening-objections",
            {"text": "第二家报价读错"},
            content_type="application/json",
        ),
        201,
    )
    assert world.agent.client.post(f"{API}/lots/{lot_id}/close").json()["code"] == "objection_open"
    ok(
        world.agent.client.post(
            f"{API}/opening-objections/{objection['id']}/answer",
            {"answer": "已复核，唱标无误"},
            content_type="application/json",
        )
    )
    record = ok(world.agent.client.post(f"{API}/lots/{lot_id}/close"))["record"]
    assert record["objections"][0]["answer"] == "已复核，唱标无误"


def _server_secrets() -> list[bytes]:
    """Every private key and secret the platform's machine holds."""
    found = [settings.SECRET_KEY.encode()]
    for root in (Path(settings.VAR_DIR), Path(settings.GGZY_CA_DIR), Path(settings.MEDIA_ROOT)):
        for path in root.rglob("*"):
            if path.is_file() and b"PRIVATE KEY" in path.read_bytes()[:200]:
                found.append(path.read_bytes())
    return found


def test_nobody_with_database_storage_and_server_can_read_a_bid_before_opening(
    world: World, tmp_path: Path, manual_clock: clock.ManualClock
) -> None:
    holders = [h.pk for h, _ in world.keyholders]
    project = _tender(
        world,
        lots=[
            {
                "name": "一标段",
                "estimate": "9000000.00",
                "deposit_amount": "0",
                "escrow_threshold": 2,
                "escrow_keyholders": holders,
            }
        ],
    )
    lot_id = project["lots"][0]["id"]
    receipts = _bid_all(world, lot_id, tmp_path)
    bid = Bid.objects.get(pk=receipts[0]["bid_id"])
    signer = load_certificate(bid.signer.pem.encode()).public_key_pem
    # 1. The database: no column of any table holds the price or the attachment text.
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')  # names from introspection
            dump = repr(cursor.fetchall()).encode()
            assert MARKER_PRICE.encode() not in dump, table
            assert b"technical proposal" not in dump, table
    # 2. The storage (and the uploads' spool): the sealed files do not contain them either.
    stored = [*Path(settings.MEDIA_ROOT).rglob("*"), *Path(settings.GGZY_UPLOAD_DIR).rglob("*")]
    assert any(p.name.endswith(".sealed") for p in stored)
    for path in stored:
        if path.is_file():
            content = path.read_bytes()
            assert MARKER_PRICE.encode() not in content and b"technical proposal" not in content
    # 3. The server: every private key it holds fails to unwrap the data key, and the one
    #    escrow keyholder the centre controls is below the threshold.
    with files.open_stored(bid.file) as src:
        sealed = read_header(src)
        attempts = 0
        for secret in _server_secrets():
            with pytest.raises((DomainError, ValueError)):
                unwrap_data_key(sealed, secret)
            attempts += 1
        assert attempts >= 3  # SECRET_KEY, the platform key, the CA key
        centre_key = world.keyholders[0][1]
        share = unwrap_escrow_share(sealed, centre_key)
        with pytest.raises(DomainError):
            open_with_shares(src, io.BytesIO(), signer_public_pem=signer, shares=[share])
        for guess in (os.urandom(32), bytes(32), bytes.fromhex(bid.ciphertext_digest)):
            with pytest.raises(DomainError):
                open_envelope(src, io.BytesIO(), signer_public_pem=signer, data_key=guess)
    # 4. The platform's own service refuses to decrypt before the opening.
    response = release(world.bidders[0], bid.pk)
    assert response.json()["code"] == "not_decrypting"
    # …and after the opening the bidder's released key reads it.
    _to_opening(manual_clock)
    ok(release(world.bidders[0], bid.pk))
    opened = Bid.objects.get(pk=bid.pk)
    assert opened.price_sheet is not None and opened.price_sheet["price"] == MARKER_PRICE
    # No plaintext copy is stored; the committee's copy is decrypted again on demand.
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        assert not path.is_file() or b"technical proposal" not in path.read_bytes()
    plain = io.BytesIO()
    write_plaintext(opened, plain)
    plain.seek(0)
    listed = list_attachments(plain)
    assert [name for name, _ in listed] == [f"tech-{bid.entity_id}.pdf"]
    # The opening listed the attachments in its own pass, without a second decryption.
    assert [tuple(a) for a in opened.attachments] == listed
