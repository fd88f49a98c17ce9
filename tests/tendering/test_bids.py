"""Sealed bids: every bad input is refused with a precise reason and nothing half-stored."""

from __future__ import annotations

import base64
import importlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

from ggzy.core import files
from ggzy.kernel import clock
from ggzy.kernel.crypto import load_certificate
from ggzy.tendering.models import Bid, Project, Upload
from ggzy.tendering.services.bids import complete_upload

from ..fixtures.tendering import Party, World
from .flow import API, WORKS_SHEET, ok, publish, register, seal, start_upload, upload


@pytest.fixture
def lot(world: World) -> dict[str, Any]:
    project = ok(register(world), 201)["project"]
    ok(publish(world, project["id"]), 201)
    return project["lots"][0]


def _refused(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert body["message_zh"] and body["message_en"]


def _upload_bytes(party: Party, lot_id: int, path: Path, data: bytes) -> Any:
    token = ok(start_upload(party.client, lot_id, path), 201)["token"]
    ok(
        party.client.put(
            f"{API}/uploads/{token}?offset=0", data, content_type="application/octet-stream"
        )
    )
    return party.client.post(f"{API}/uploads/{token}/complete")


def test_receipt_is_signed_and_in_the_ledger(
    world: World, lot: dict[str, Any], tmp_path: Path
) -> None:
    bidder = world.bidders[0]
    receipt = upload(bidder, lot["id"], seal(bidder, lot["id"], tmp_path, WORKS_SHEET))
    entry = ok(world.bidders[1].client.get(f"/api/v1/ledger/entries/{receipt['ledger_seq']}"))
    assert entry["entry"]["hash"] == receipt["ledger_hash"]
    assert receipt["ciphertext_digest"] == Bid.objects.get().ciphertext_digest
    # The public ledger names no bidder before the opening, only a pseudonym.
    public = ok(bidder.client.get("/api/v1/ledger/entries?after=0&limit=1000"))
    received = [e for e in public if e["kind"] == "bid.received"]
    assert received and bidder.entity.uscc not in received[0]["body"]


def test_tampered_ciphertext_is_refused_and_nothing_stored(
    world: World, lot: dict[str, Any], tmp_path: Path
) -> None:
    bidder = world.bidders[0]
    path = seal(bidder, lot["id"], tmp_path, WORKS_SHEET)
    data = bytearray(path.read_bytes())
    data[200] ^= 0x01
    _refused(_upload_bytes(bidder, lot["id"], path, bytes(data)), 400, "envelope_digest_mismatch")
    assert not Bid.objects.exists()


def test_tampered_header_or_signature_is_refused(
    world: World, lot: dict[str, Any], tmp_path: Path
) -> None:
    bidder = world.bidders[0]
    path = seal(bidder, lot["id"], tmp_path, WORKS_SHEET)
    from ggzy.kernel.crypto import read_header

    with open(path, "rb") as f:
        sealed = read_header(f)
    header = json.loads(sealed.header_bytes)
    header["size"] += 1
    forged = json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    bad_sig = bytearray(sealed.signature)
    bad_sig[-3] ^= 0xFF
    for head, sig, code in [
        (forged.encode(), sealed.signature, "envelope_bad_signature"),
        (sealed.header_bytes, bytes(bad_sig), "envelope_bad_signature"),
        (b"not json", sealed.signature, "envelope_malformed"),
    ]:
        body = {
            "size": path.stat().st_size,
            "header": base64.b64encode(head).decode(),
            "signature": base64.b64encode(sig).decode(),
        }
        response = bidder.client.post(
            f"{API}/lots/{lot['id']}/uploads", body, content_type="application/json"
        )
        assert response.status_code == 400, response.content
        assert response.json()["code"] in {code, "size_mismatch"}
    _refused(
        bidder.client.post(
            f"{API}/lots/{lot['id']}/uploads",
            {"size": 10, "header": "%%%", "signature": ""},
            content_type="application/json",
        ),
        400,
        "bad_base64",
    )


def test_bid_for_another_lot_is_refused(world: World, tmp_path: Path) -> None:
    first = ok(register(world), 201)["project"]
    ok(publish(world, first["id"]), 201)
    second = ok(register(world), 201)["project"]
    ok(publish(world, second["id"]), 201)
    bidder = world.bidders[0]
    path = seal(bidder, first["lots"][0]["id"], tmp_path, WORKS_SHEET)
    _refused(start_upload(bidder.client, second["lots"][0]["id"], path), 400, "wrong_lot")


def test_unsealed_file_is_refused(world: World, lot: dict[str, Any]) -> None:
    body = {
        "size": 100,
        "header": base64.b64encode(b'{"plain":"bid"}').decode(),
        "signature": base64.b64encode(b"x").decode(),
    }
    response = world.bidders[0].client.post(
        f"{API}/lots/{lot['id']}/uploads", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"].startswith("envelope_")


def test_one_second_late_is_refused(
    world: World, lot: dict[str, Any], tmp_path: Path, manual_clock: clock.ManualClock
) -> None:
    bidder = world.bidders[0]
    path = seal(bidder, lot["id"], tmp_path, WORKS_SHEET)
    deadline = Project.objects.get(lots__id=lot["id"]).bid_deadline
    assert deadline is not None
    manual_clock.set(deadline - timedelta(seconds=1))
    token = ok(start_upload(bidder.client, lot["id"], path), 201)["token"]
    manual_clock.set(deadline)
    _refused(
        bidder.client.put(
            f"{API}/uploads/{token}?offset=0",
            path.read_bytes(),
            content_type="application/octet-stream",
        ),
        422,
        "deadline_passed",
    )
    _refused(start_upload(bidder.client, lot["id"], path), 422, "deadline_passed")
    assert not Bid.objects.exists()


def test_duplicate_and_replacement(world: World, lot: dict[str, Any], tmp_path: Path) -> None:
    bidder = world.bidders[0]
    path = seal(bidder, lot["id"], tmp_path, WORKS_SHEET)
    first = upload(bidder, lot["id"], path)
    _refused(start_upload(bidder.client, lot["id"], path), 409, "duplicate_bid")
    second = upload(bidder, lot["id"], seal(bidder, lot["id"], tmp_path, WORKS_SHEET, "v2"))
    statuses = dict(Bid.objects.values_list("pk", "status"))
    assert statuses == {first["bid_id"]: "replaced", second["bid_id"]: "submitted"}


def test_resume_after_interruption_and_wrong_offset(
    world: World, lot: dict[str, Any], tmp_path: Path
) -> None:
    bidder = world.bidders[0]
    path = seal(bidder, lot["id"], tmp_path, WORKS_SHEET)
    data = path.read_bytes()
    token = ok(start_upload(bidder.client, lot["id"], path), 201)["token"]
    ok(
        bidder.client.put(
            f"{API}/uploads/{token}?offset=0", data[:1000], content_type="application/octet-stream"
        )
    )
    conflict = bidder.client.put(
        f"{API}/uploads/{token}?offset=0", data[:1000], content_type="application/octet-stream"
    )
    assert conflict.status_code == 409 and conflict.json()["received"] == 1000
    assert ok(bidder.client.get(f"{API}/uploads/{token}"))["received"] == 1000
    ok(
        bidder.client.put(
            f"{API}/uploads/{token}?offset=1000",
            data[1000:],
            content_type="application/octet-stream",
        )
    )
    first = ok(bidder.client.post(f"{API}/uploads/{token}/complete"), 201)
    again = ok(bidder.client.post(f"{API}/uploads/{token}/complete"), 201)
    assert first == again


def _sent(bidder: Party, lot_id: int, path: Path) -> Upload:
    """An upload with every chunk received, not yet completed."""
    token = ok(start_upload(bidder.client, lot_id, path), 201)["token"]
    ok(
        bidder.client.put(
            f"{API}/uploads/{token}?offset=0",
            path.read_bytes(),
            content_type="application/octet-stream",
        )
    )
    return Upload.objects.get(token=token)


def test_a_bid_waits_in_the_spool_then_moves_to_the_file_store(
    world: World, lot: dict[str, Any], tmp_path: Path
) -> None:
    bidder = world.bidders[0]
    path = seal(bidder, lot["id"], tmp_path, WORKS_SHEET)
    sent = _sent(bidder, lot["id"], path)
    spool = Path(sent.path)
    assert spool.parent == Path(settings.GGZY_UPLOAD_DIR)
    assert spool.read_bytes() == path.read_bytes()
    assert not Path(settings.MEDIA_ROOT, "tendering", "bids").exists()  # nothing stored yet
    receipt = ok(bidder.client.post(f"{API}/uploads/{sent.token}/complete"), 201)
    bid = Bid.objects.get(pk=receipt["bid_id"])
    assert bid.file == f"tendering/bids/{bid.lot.code}/{sent.token}.sealed"
    assert Upload.objects.get(pk=sent.pk).bid == bid
    assert not spool.exists()
    with files.open_stored(bid.file) as stored:
        assert stored.read() == path.read_bytes()


def test_a_completion_stored_but_not_committed_is_completed_again(
    world: World, lot: dict[str, Any], tmp_path: Path
) -> None:
    bidder = world.bidders[0]
    path = seal(bidder, lot["id"], tmp_path, WORKS_SHEET)
    sent = _sent(bidder, lot["id"], path)

    class CommitFailed(Exception):
        pass

    def complete_then_fail() -> None:
        with transaction.atomic():
            complete_upload(user=bidder.user, token=sent.token)
            raise CommitFailed

    # The file moved into the store, then the transaction did not commit.
    with pytest.raises(CommitFailed):
        complete_then_fail()
    name = f"tendering/bids/{sent.lot.code}/{sent.token}.sealed"
    assert not Bid.objects.exists() and not Path(sent.path).exists()
    assert default_storage.exists(name)
    # The retry verifies the stored file and completes under the same name.
    receipt = ok(bidder.client.post(f"{API}/uploads/{sent.token}/complete"), 201)
    assert Bid.objects.get(pk=receipt["bid_id"]).file == name
    # A spool file and no stored one at all (lost by the operator): a clear refusal.
    lost = _sent(bidder, lot["id"], seal(bidder, lot["id"], tmp_path, WORKS_SHEET, "v2"))
    Path(lost.path).unlink()
    _refused(bidder.client.post(f"{API}/uploads/{lost.token}/complete"), 409, "upload_lost")


def test_an_upload_begun_by_an_earlier_version_completes_in_place(
    world: World, lot: dict[str, Any], tmp_path: Path
) -> None:
    bidder = world.bidders[0]
    path = seal(bidder, lot["id"], tmp_path, WORKS_SHEET)
    sent = _sent(bidder, lot["id"], path)
    # An earlier version received chunks straight into MEDIA_ROOT, under the stored name.
    name = f"tendering/bids/{sent.lot.code}/{sent.token}.sealed"
    in_place = Path(settings.MEDIA_ROOT) / name
    in_place.parent.mkdir(parents=True)
    Path(sent.path).rename(in_place)
    Upload.objects.filter(pk=sent.pk).update(path=str(in_place))
    receipt = ok(bidder.client.post(f"{API}/uploads/{sent.token}/complete"), 201)
    assert Bid.objects.get(pk=receipt["bid_id"]).file == name
    assert files.read_stored(name) == path.read_bytes()


def test_the_migration_names_stored_bids_and_links_uploads(
    world: World, lot: dict[str, Any], tmp_path: Path
) -> None:
    bidder = world.bidders[0]
    receipt = upload(bidder, lot["id"], seal(bidder, lot["id"], tmp_path, WORKS_SHEET))
    migration = importlib.import_module("ggzy.tendering.migrations.0007_file_store")
    bid = Bid.objects.get(pk=receipt["bid_id"])
    name = bid.file
    migration.backward(apps, None)
    absolute = str(Path(settings.MEDIA_ROOT) / name)
    assert Bid.objects.get(pk=bid.pk).file == absolute
    # As an earlier version left it: the upload's path was the bid's file, no link.
    Upload.objects.filter(bid=bid).update(bid=None, path=absolute)
    migration.forward(apps, None)
    assert Bid.objects.get(pk=bid.pk).file == name
    assert Upload.objects.get(path=absolute).bid_id == bid.pk


def test_revoked_and_foreign_certificates(
    world: World, lot: dict[str, Any], tmp_path: Path
) -> None:
    alice, bob = world.bidders[:2]
    # Bob seals in his own name but with Alice's signing key: not his bound certificate.
    bob_keys = dict(bob.keys)
    bob.keys["sign_key"] = alice.keys["sign_key"]
    _refused(
        start_upload(bob.client, lot["id"], seal(bob, lot["id"], tmp_path, WORKS_SHEET)),
        400,
        "signer_not_bound",
    )
    bob.keys.update(bob_keys)
    # Alice's signing certificate is revoked by the CA.
    world.ca.revoke(load_certificate(alice.keys["sign_cert"]).serial)
    _refused(
        start_upload(alice.client, lot["id"], seal(alice, lot["id"], tmp_path, WORKS_SHEET)),
        400,
        "cert_revoked",
    )


def test_certificate_expired_before_deadline(
    world: World, tmp_path: Path, manual_clock: clock.ManualClock
) -> None:
    project = ok(register(world), 201)["project"]
    ok(publish(world, project["id"], days=400), 201)
    lot_id = project["lots"][0]["id"]
    carol = world.bidders[2]
    manual_clock.advance(timedelta(days=370))
    response = start_upload(carol.client, lot_id, seal(carol, lot_id, tmp_path, WORKS_SHEET))
    assert response.status_code == 400
    assert response.json()["code"] == "cert_expired"


def test_price_sheet_with_missing_or_non_numeric_fields_cannot_be_sealed(
    world: World, lot: dict[str, Any], tmp_path: Path
) -> None:
    from ggzy.kernel.errors import InvalidInput

    bidder = world.bidders[0]
    for sheet in [
        {"price": "abc", "duration_days": 10, "quality": "合格", "project_manager": "张"},
        {"duration_days": 10, "quality": "合格", "project_manager": "张"},
        WORKS_SHEET | {"price": ["1.00", "2.00"]},
    ]:
        with pytest.raises(InvalidInput) as caught:
            seal(bidder, lot["id"], tmp_path, sheet)
        assert caught.value.code == "bid_price_sheet_invalid"
