"""The bidder's client and the ``ggzy bid`` commands, against a small stand-in platform."""

from __future__ import annotations

import base64
import io
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from ggzy.cli import main
from ggzy.kernel.crypto import (
    DevCA,
    Share,
    get_suite,
    open_envelope,
    read_header,
    recover_data_key,
)
from ggzy.tendering import bidfile
from ggzy.tendering.client import Client, ClientError
from tests.conftest import START

TOKEN = "ggzy_test_token"
CHUNK_MAX = 4096
LOT = {
    "lot_id": 7,
    "lot_code": "GC-2026-0042-01",
    "project_code": "GC-2026-0042",
    "family": "works",
    "suite": "intl",
    "bid_deadline": (START + timedelta(days=8, minutes=30)).isoformat(),
    "escrow": None,
    "price_sheet_fields": [],
}


class Platform:
    """Just enough of the tendering API: sealing info, resumable uploads, key release."""

    def __init__(self) -> None:
        self.lot: dict[str, Any] = dict(LOT)
        self.faults: dict[int, str] = {}  # PUT number → "drop_after" | "drop_before" | "conflict"
        self.puts = 0
        self.upload: dict[str, Any] = {}
        self.posted: dict[str, Any] = {}

    def answer(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> Any:
        """(status, JSON) or a fault name."""
        if path == "/lots/7/sealing":
            return 200, self.lot
        if method == "POST" and path == "/lots/7/uploads":
            start = json.loads(body)
            self.upload = {**start, "data": bytearray(), "status": "receiving"}
            return 201, {
                "token": "t1",
                "received": 0,
                "size": start["size"],
                "chunk_max": CHUNK_MAX,
            }
        if path == "/uploads/t1" and method == "GET":
            up = self.upload
            return 200, {
                "token": "t1",
                "received": len(up["data"]),
                "size": up["size"],
                "status": up["status"],
            }
        if method == "PUT" and path == "/uploads/t1":
            self.puts += 1
            fault = self.faults.get(self.puts)
            data = self.upload["data"]
            if fault == "drop_before":
                return fault
            if fault == "conflict" or int(query["offset"][0]) != len(data) or len(body) > CHUNK_MAX:
                return 409, {
                    "code": "upload_offset",
                    "message_zh": "续传位置不符",
                    "message_en": "wrong offset",
                    "field": "offset",
                    "received": len(data),
                }
            data.extend(body)
            return fault or (200, {"received": len(data)})
        if method == "POST" and path == "/uploads/t1/complete":
            sealed = read_header(io.BytesIO(bytes(self.upload["data"])))
            assert base64.b64decode(self.upload["header"]) == sealed.header_bytes
            assert base64.b64decode(self.upload["signature"]) == sealed.signature
            self.upload["status"] = "complete"
            return 201, {
                "bid_id": 1,
                "lot_code": LOT["lot_code"],
                "bidder": "9135X",
                "ledger_seq": 42,
                "ledger_hash": "ab" * 32,
                "at": (START + timedelta(hours=1)).isoformat(),
                "ciphertext_digest": sealed.header.ciphertext_digest,
                "size": len(self.upload["data"]),
                "platform_key_id": "k1",
                "signature": "c2ln",
            }
        if path == "/bids/1/envelope":
            return 200, {"header": self.upload["header"], "signature": self.upload["signature"]}
        if method == "POST" and path.startswith("/bids/1/"):
            self.posted[path.rsplit("/", 1)[1]] = json.loads(body or b"{}")
            return 200, {"bid_id": 1, "status": "ok"}
        return 404, {"code": "not_found", "message_zh": "不存在", "message_en": "not found"}


@pytest.fixture
def platform() -> Iterator[tuple[Platform, str]]:
    state = Platform()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def handle_any(self) -> None:
            url = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers["Authorization"] != f"Bearer {TOKEN}":
                result: Any = (
                    401,
                    {
                        "code": "unauthenticated",
                        "message_zh": "未登录",
                        "message_en": "not authenticated",
                        "field": None,
                    },
                )
            else:
                path = url.path.removeprefix("/base/api/v1/tendering")
                result = state.answer(self.command, path, parse_qs(url.query), body)
            if isinstance(result, str):  # a dropped connection: no answer at all
                self.close_connection = True
                return
            status, payload = result
            raw = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        do_GET = do_POST = do_PUT = handle_any

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_port}/base"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Bidder's certificates and keys as files, and two escrow keyholders' key pairs."""
    folder = tmp_path_factory.mktemp("pki")
    ca = DevCA.create(folder / "ca", "intl")
    for usage in ("sign", "encrypt"):
        cert, key = ca.issue("某某建设有限公司", usage=usage, serial_number_attr="9135X")
        (folder / f"{usage}.crt.pem").write_bytes(cert)
        (folder / f"{usage}.key.pem").write_bytes(key)
    for n in (1, 2):
        private, public = ca.suite.generate_keypair()
        (folder / f"holder{n}.key.pem").write_bytes(private)
        (folder / f"holder{n}.pub.pem").write_bytes(public)
    return folder


@pytest.fixture(autouse=True)
def _environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GGZY_CREATOR_ID_FILE", str(tmp_path / "creator-id"))
    monkeypatch.delenv("GGZY_TOKEN", raising=False)


def _seal_args(pki: Path, tmp_path: Path, *lot: str) -> list[str]:
    sheet = tmp_path / "price.json"
    sheet.write_text(
        '{"price": 1234567.8, "duration_days": 180, "quality": "合格", "project_manager": "张三"}'
    )
    attachment = tmp_path / "技术标.pdf"
    attachment.write_bytes(b"%PDF" * 5000)
    return [
        "bid", "seal", *lot,
        "--sheet", str(sheet),
        "--attach", str(attachment),
        "--sign-key", str(pki / "sign.key.pem"),
        "--encrypt-cert", str(pki / "encrypt.crt.pem"),
        "--bidder-id", "9135X",
        "--bidder-name", "某某建设有限公司",
        "--out", str(tmp_path / "bid.sealed"),
    ]  # fmt: skip


def _plaintext(pki: Path, sealed: Path) -> bytes:
    suite = get_suite("intl")
    plain = io.BytesIO()
    with sealed.open("rb") as src:
        open_envelope(
            src,
            plain,
            signer_public_pem=suite.public_key((pki / "sign.key.pem").read_bytes()),
            recipient_private_pem=(pki / "encrypt.key.pem").read_bytes(),
        )
    return plain.getvalue()


def test_seal_offline_with_lot_info(
    pki: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lot_file = tmp_path / "lot.json"
    lot_file.write_text(json.dumps(LOT))
    assert main(_seal_args(pki, tmp_path, "--lot-info", str(lot_file))) == 0
    assert "GC-2026-0042-01" in capsys.readouterr().out
    plain = _plaintext(pki, tmp_path / "bid.sealed")
    sheet = json.loads(bidfile.read_price_sheet(io.BytesIO(plain)))
    assert sheet["price"] == "1234567.80"  # a JSON number, kept exact
    assert bidfile.list_attachments(io.BytesIO(plain)) == [("技术标.pdf", 20000)]


def test_seal_errors_print_chinese_then_english(
    pki: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lot_file = tmp_path / "lot.json"
    lot_file.write_text(json.dumps({**LOT, "family": "gp"}))  # the sheet is a works sheet
    assert main(_seal_args(pki, tmp_path, "--lot-info", str(lot_file))) == 1
    zh, en = capsys.readouterr().err.splitlines()
    assert zh.startswith("开标一览表有误") and "交货" in zh
    assert en.startswith("the price sheet has problems") and "duration_days" in en
    assert not (tmp_path / "bid.sealed").exists()
    assert main(_seal_args(pki, tmp_path)) == 1
    assert "--lot-info" in capsys.readouterr().err


def test_seal_online_upload_and_release(
    pki: Path,
    tmp_path: Path,
    platform: tuple[Platform, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state, url = platform
    state.lot["escrow"] = {
        "threshold": 2,
        "keyholders": [
            {"key_id": str(n), "name": f"holder {n}",
             "public_pem": (pki / f"holder{n}.pub.pem").read_text()}
            for n in (1, 2)
        ],
    }  # fmt: skip
    monkeypatch.setenv("GGZY_TOKEN", TOKEN)
    server = ["--server", url]
    assert main(_seal_args(pki, tmp_path, *server, "--lot", "7")) == 0
    sealed = tmp_path / "bid.sealed"
    capsys.readouterr()

    assert main(["bid", "upload", *server, "--lot", "7", str(sealed)]) == 0
    out, err = capsys.readouterr()
    receipt = json.loads(out)
    assert receipt["bid_id"] == 1 and receipt["size"] == sealed.stat().st_size
    assert "100%" in err
    assert bytes(state.upload["data"]) == sealed.read_bytes()

    assert main(["bid", "release-key", *server, "--bid", "1",
                 "--encrypt-key", str(pki / "encrypt.key.pem")]) == 0  # fmt: skip
    data_key = bytes.fromhex(state.posted["key"]["data_key"])
    with sealed.open("rb") as src:
        header = read_header(src)
    assert len(data_key) == 32 and header.header.escrow_threshold == 2

    shares = []
    for n in (1, 2):
        assert main(["bid", "escrow-share", *server, "--bid", "1",
                     "--key", str(pki / f"holder{n}.key.pem")]) == 0  # fmt: skip
        shares.append(Share.from_bytes(base64.b64decode(state.posted["escrow-shares"]["share"])))
    assert recover_data_key(header, shares) == data_key

    assert main(["bid", "withdraw", *server, "--bid", "1"]) == 0
    assert "withdraw" in state.posted


@pytest.mark.parametrize(
    "faults",
    [
        {2: "drop_after"},  # the chunk arrived, the answer was lost
        {2: "drop_before"},  # the connection broke before the chunk arrived
        {3: "conflict", 5: "drop_after", 6: "drop_before"},
    ],
)
def test_upload_resumes(
    pki: Path, tmp_path: Path, platform: tuple[Platform, str], faults: dict[int, str]
) -> None:
    state, url = platform
    state.faults = faults
    lot = bidfile.LotInfo.from_json(LOT)
    info = bidfile.seal_bid(
        lot=lot,
        bidder_id="9135X",
        bidder_name="某某建设有限公司",
        price_sheet={"price": "1", "duration_days": 1, "quality": "q", "project_manager": "p"},
        attachments=[],
        signer_key_pem=(pki / "sign.key.pem").read_bytes(),
        encryption_cert_pem=(pki / "encrypt.crt.pem").read_bytes(),
        out=tmp_path / "bid.sealed",
        fingerprint={},
    )
    seen: list[int] = []
    client = Client(url, TOKEN, backoff=0)
    receipt = client.upload(info.path, 7, chunk_size=1000, progress=lambda n, _: seen.append(n))
    assert bytes(state.upload["data"]) == info.path.read_bytes()
    assert receipt["ciphertext_digest"] == info.ciphertext_digest
    assert seen[-1] == info.size and seen == sorted(seen)
    lost = sum(fault != "drop_after" for fault in faults.values())  # chunks sent again
    assert state.puts == -(-info.size // 1000) + lost


def test_upload_gives_up_and_reports_errors(
    tmp_path: Path, platform: tuple[Platform, str], pki: Path
) -> None:
    state, url = platform
    state.faults = dict.fromkeys(range(1, 100), "drop_before")
    sealed = tmp_path / "bid.sealed"
    lot_file = tmp_path / "lot.json"
    lot_file.write_text(json.dumps(LOT))
    assert main(_seal_args(pki, tmp_path, "--lot-info", str(lot_file))) == 0
    with pytest.raises(ClientError) as err:
        Client(url, TOKEN, backoff=0).upload(sealed, 7, retries=2)
    assert err.value.code == "network" and state.puts == 3
    with pytest.raises(ClientError) as err:
        Client(url, "wrong").sealing_info(7)
    assert (err.value.status, err.value.code, err.value.message_zh) == (
        401,
        "unauthenticated",
        "未登录",
    )
    with pytest.raises(ClientError) as err:
        Client("ftp://example", TOKEN)
    assert err.value.code == "bad_url"
