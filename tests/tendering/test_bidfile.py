"""Sealing a bid on the bidder's side and reading it back as the platform does at opening."""

from __future__ import annotations

import io
import json
import tarfile
import tracemalloc
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ggzy.kernel import clock
from ggzy.kernel.crypto import (
    DevCA,
    Escrow,
    Share,
    get_suite,
    open_envelope,
    read_header,
    recover_data_key,
)
from ggzy.kernel.errors import InvalidInput
from ggzy.tendering import bidfile
from ggzy.tendering.bidfile import LotInfo, seal_bid
from ggzy.tendering.price_sheet import validate
from tests.conftest import START

SHEET = {"price": "1234567.80", "duration_days": 180, "quality": "合格", "project_manager": "张三"}
FINGERPRINT = {"creator_id": "c0ffee", "mac": "02:00:00:00:00:01", "ip": "10.0.0.7"}
SEALED_AT = (START + timedelta(minutes=30)).astimezone(clock.SHANGHAI)
DEADLINE = (SEALED_AT + timedelta(days=8)).isoformat()


@dataclass(frozen=True)
class Keys:
    suite: str
    sign_cert: bytes
    sign_key: bytes
    encrypt_cert: bytes
    encrypt_key: bytes
    keyholders: tuple[tuple[bytes, bytes], ...]  # (private, public)


@pytest.fixture(autouse=True)
def _creator_id_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GGZY_CREATOR_ID_FILE", str(tmp_path / "creator-id"))


@pytest.fixture(scope="module", params=["gm", "intl"])
def keys(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Keys:
    ca = DevCA.create(tmp_path_factory.mktemp("ca"), request.param)
    sign_cert, sign_key = ca.issue("某某建设有限公司", usage="sign", serial_number_attr="9135X")
    enc_cert, enc_key = ca.issue("某某建设有限公司", usage="encrypt", serial_number_attr="9135X")
    holders = tuple(ca.suite.generate_keypair() for _ in range(3))
    return Keys(request.param, sign_cert, sign_key, enc_cert, enc_key, holders)


def _lot(keys: Keys, *, escrow: bool = False, family: str = "works") -> LotInfo:
    return LotInfo(
        lot_code="GC-2026-0042-01",
        project_code="GC-2026-0042",
        family=family,
        suite=keys.suite,
        escrow=Escrow(2, [pub for _, pub in keys.keyholders]) if escrow else None,
    )


def _seal(keys: Keys, out: Path, **overrides: Any) -> bidfile.SealedBidInfo:
    args: dict[str, Any] = {
        "lot": _lot(keys),
        "bidder_id": "91350100M000100Y43",
        "bidder_name": "某某建设有限公司",
        "price_sheet": SHEET,
        "attachments": [],
        "signer_key_pem": keys.sign_key,
        "encryption_cert_pem": keys.encrypt_cert,
        "out": out,
        "fingerprint": FINGERPRINT,
        "clock": clock.ManualClock(SEALED_AT),
    }
    return seal_bid(**{**args, **overrides})


def _open(keys: Keys, path: Path, **key: bytes) -> bytes:
    plain = io.BytesIO()
    with path.open("rb") as src:
        suite = get_suite(keys.suite)
        signer = suite.public_key(keys.sign_key)
        open_envelope(src, plain, signer_public_pem=signer, **key)
    return plain.getvalue()


def test_round_trip(keys: Keys, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "技术标.pdf").write_bytes(b"%PDF technical" * 1000)
    (docs / "empty.txt").write_bytes(b"")
    out = tmp_path / "bid.sealed"

    info = _seal(keys, out, attachments=[docs / "技术标.pdf", docs / "empty.txt"])

    assert info.path == out and info.size == out.stat().st_size
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bid.sealed", "docs"]  # no leftovers
    assert info.metadata == {
        "format": "ggzy-bid/1",
        "lot": "GC-2026-0042-01",
        "project": "GC-2026-0042",
        "bidder": "91350100M000100Y43",
        "bidder_name": "某某建设有限公司",
        "fingerprint": FINGERPRINT,
        "sealed_at": SEALED_AT.isoformat(timespec="seconds"),
        "tool": "ggzy-bid/0.1.0",
    }
    with out.open("rb") as f:
        header = read_header(f)
    assert (header.header_bytes, header.signature) == (info.header_bytes, info.signature)

    plain = _open(keys, out, recipient_private_pem=keys.encrypt_key)
    assert json.loads(bidfile.read_price_sheet(io.BytesIO(plain))) == SHEET
    assert bidfile.list_attachments(io.BytesIO(plain)) == [("技术标.pdf", 14000), ("empty.txt", 0)]
    with tarfile.open(fileobj=io.BytesIO(plain)) as tar:
        assert tar.getnames() == [
            "price-sheet.json",
            "attachments/技术标.pdf",
            "attachments/empty.txt",
        ]
        member = tar.extractfile("attachments/技术标.pdf")
        assert member is not None and member.read() == b"%PDF technical" * 1000
        assert tar.getmember("price-sheet.json").uname == ""

    data_key = bidfile.release_key(info.header_bytes, info.signature, keys.encrypt_key)
    assert _open(keys, out, data_key=data_key) == plain


def test_read_price_sheet_from_a_path(keys: Keys, tmp_path: Path) -> None:
    info = _seal(keys, tmp_path / "bid.sealed", fingerprint=None)
    assert set(info.metadata["fingerprint"]) >= {"creator_id", "mac", "ip", "cpu_id"}
    plain = tmp_path / "bid.tar"
    plain.write_bytes(_open(keys, info.path, recipient_private_pem=keys.encrypt_key))
    assert json.loads(bidfile.read_price_sheet(plain)) == SHEET
    assert bidfile.list_attachments(str(plain)) == []


def test_escrow_k_of_n_recovers_the_key(keys: Keys, tmp_path: Path) -> None:
    info = _seal(keys, tmp_path / "bid.sealed", lot=_lot(keys, escrow=True))
    shares = [
        Share.from_bytes(bidfile.escrow_share(info.header_bytes, info.signature, private))
        for private, _ in (keys.keyholders[0], keys.keyholders[2])
    ]
    with info.path.open("rb") as f:
        sealed = read_header(f)
    data_key = recover_data_key(sealed, shares)
    assert data_key == bidfile.release_key(info.header_bytes, info.signature, keys.encrypt_key)
    assert json.loads(
        bidfile.read_price_sheet(io.BytesIO(_open(keys, info.path, data_key=data_key)))
    )
    with pytest.raises(InvalidInput) as err:
        recover_data_key(sealed, shares[:1])
    assert err.value.code == "shamir_too_few_shares"


@pytest.mark.parametrize(
    ("sheet", "fields"),
    [
        ({k: v for k, v in SHEET.items() if k != "quality"}, ["quality"]),
        ({**SHEET, "price": "about a million"}, ["price"]),
        ({**SHEET, "price": ["1000000.00", "990000.00"]}, ["price"]),
        ({**SHEET, "discount": "5%"}, ["discount"]),
        (
            {"price": 1.5, "duration_days": "soon", "bonus": 1},
            ["price", "duration_days", "quality", "project_manager", "bonus"],
        ),
    ],
)
def test_bad_price_sheet_is_refused_with_every_problem(
    keys: Keys, tmp_path: Path, sheet: dict[str, Any], fields: list[str]
) -> None:
    with pytest.raises(InvalidInput) as err:
        _seal(keys, tmp_path / "bid.sealed", price_sheet=sheet)
    assert err.value.code == "bid_price_sheet_invalid"
    _, problems = validate(sheet, "works")
    assert [p.field for p in problems] == fields
    for problem in problems:
        assert problem.zh in err.value.message_zh
        assert problem.en in err.value.message_en
    assert list(tmp_path.iterdir()) == []


def test_sign_certificate_is_not_an_encryption_certificate(keys: Keys, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as err:
        _seal(keys, tmp_path / "bid.sealed", encryption_cert_pem=keys.sign_cert)
    assert err.value.code == "cert_wrong_usage"


def test_suite_mismatch_is_refused(keys: Keys, tmp_path: Path) -> None:
    other = "intl" if keys.suite == "gm" else "gm"
    lot = LotInfo("GC-1-01", "GC-1", "works", other)
    with pytest.raises(InvalidInput) as err:
        _seal(keys, tmp_path / "bid.sealed", lot=lot)
    assert err.value.code == "bid_suite_mismatch"


def test_attachment_names_must_differ(keys: Keys, tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "报价.XLSX").write_bytes(folder.encode())
    (tmp_path / "b" / "报价.xlsx").write_bytes(b"c")
    for clash in (["a/报价.XLSX", "b/报价.XLSX"], ["a/报价.XLSX", "b/报价.xlsx"]):
        with pytest.raises(InvalidInput) as err:
            _seal(keys, tmp_path / "bid.sealed", attachments=[tmp_path / p for p in clash])
        assert err.value.code == "bid_attachment_name"
    with pytest.raises(InvalidInput) as err:
        _seal(keys, tmp_path / "bid.sealed", attachments=[tmp_path / "a"])
    assert err.value.code == "bid_attachment_missing"
    assert not (tmp_path / "bid.sealed").exists()


@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    path = tmp_path / "drawings.bin"
    with path.open("wb") as f:
        for i in range(50):
            f.write(bytes([i]) * (1 << 20))
    return path


def test_a_50_mib_attachment_seals_in_bounded_memory(
    keys: Keys, tmp_path: Path, big_file: Path
) -> None:
    out = tmp_path / "bid.sealed"
    tracemalloc.start()
    try:
        info = _seal(keys, out, attachments=[big_file])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20, f"peak {peak / (1 << 20):.1f} MiB"
    assert info.plaintext_size > 50 << 20
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bid.sealed", "drawings.bin"]


def _tar(*members: tuple[str, bytes]) -> io.BytesIO:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    buf.seek(0)
    return buf


@pytest.mark.parametrize(
    "members",
    [
        [("attachments/a.pdf", b"x"), ("price-sheet.json", b"{}")],
        [("attachments/a.pdf", b"x")],
        [],
    ],
)
def test_price_sheet_must_come_first(members: list[tuple[str, bytes]]) -> None:
    with pytest.raises(InvalidInput) as err:
        bidfile.read_price_sheet(_tar(*members))
    assert err.value.code == "bid_no_price_sheet"


def test_opened_bid_is_checked() -> None:
    with pytest.raises(InvalidInput) as err:
        bidfile.read_price_sheet(_tar(("price-sheet.json", b" " * (64 * 1024 + 1))))
    assert err.value.code == "bid_price_sheet_too_large"
    for name in ("attachments/../etc/passwd", "other/a.pdf", "attachments/"):
        with pytest.raises(InvalidInput) as err:
            bidfile.list_attachments(_tar(("price-sheet.json", b"{}"), (name, b"x")))
        assert err.value.code == "bid_malformed"
    with pytest.raises(InvalidInput) as err:
        bidfile.read_price_sheet(io.BytesIO(b"not a tar at all" * 100))
    assert err.value.code in ("bid_malformed", "bid_no_price_sheet")


def test_lot_info_from_the_platform_description(keys: Keys) -> None:
    public = [pub.decode() for _, pub in keys.keyholders]
    lot = LotInfo.from_json(
        {
            "lot_id": 7,
            "lot_code": "GC-1-01",
            "project_code": "GC-1",
            "family": "gp",
            "suite": keys.suite,
            "bid_deadline": DEADLINE,
            "escrow": {
                "threshold": 2,
                "keyholders": [{"key_id": "x", "name": "公证处", "public_pem": p} for p in public],
            },
            "price_sheet_fields": [],
        }
    )
    assert lot.escrow is not None and lot.escrow.threshold == 2
    assert list(lot.escrow.keyholders) == [p.encode() for p in public]
    assert (lot.family, lot.bid_deadline) == ("gp", DEADLINE)
    bad: Any
    for bad in ({}, {"lot_code": "x", "project_code": "y", "family": "roads", "suite": "gm"}, []):
        with pytest.raises(InvalidInput) as err:
            LotInfo.from_json(bad)
        assert err.value.code == "bid_lot_info"
