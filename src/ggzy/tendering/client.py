"""The bidder's HTTP client for the platform API (standard library only).

Uploads are resumable: the sealed file goes up in chunks at explicit offsets, and after a
dropped connection or an offset conflict the client asks the platform how much it holds
and carries on from there. The file is read chunk by chunk, never whole.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ggzy.kernel.crypto.envelope import read_header

from . import bidfile

API = "/api/v1/tendering"
_TRANSIENT = frozenset({502, 503, 504})


class ClientError(Exception):
    """An error answer from the platform (or no answer: ``status`` 0, ``code`` "network")."""

    def __init__(
        self,
        status: int,
        code: str,
        message_zh: str,
        message_en: str,
        field: str | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.status, self.code, self.field = status, code, field
        self.message_zh, self.message_en = message_zh, message_en
        self.body = body or {}

    def __str__(self) -> str:
        return f"{self.message_zh} / {self.message_en}"


def _network_error(exc: Exception) -> ClientError:
    return ClientError(0, "network", f"无法与平台通信：{exc}", f"cannot reach the platform: {exc}")


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, ClientError):
        return exc.code in ("network", "upload_offset") or exc.status in _TRANSIENT
    return False


class Client:
    api = API  # the API's root under the platform URL; other apps' clients change it

    def __init__(
        self, base_url: str, token: str, *, timeout: float = 60.0, backoff: float = 1.0
    ) -> None:
        url = urllib.parse.urlsplit(base_url)
        if url.scheme not in ("http", "https") or not url.netloc:
            raise ClientError(
                0,
                "bad_url",
                f"平台地址无效：{base_url!r}",
                f"invalid platform URL: {base_url!r}",
            )
        self._url, self._prefix = url, url.path.rstrip("/")
        self._token, self._timeout, self._backoff = token, timeout, backoff
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            kind = (
                http.client.HTTPSConnection
                if self._url.scheme == "https"
                else http.client.HTTPConnection
            )
            self._conn = kind(self._url.netloc, timeout=self._timeout)
        return self._conn

    def _call(
        self, method: str, path: str, payload: Any = None, *, raw: bytes | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        body = raw
        if raw is not None:
            headers["Content-Type"] = "application/octet-stream"
        elif payload is not None:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        try:
            conn = self._connection()
            conn.request(method, self._prefix + self.api + path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()  # the connection is in an unknown state: start afresh next time
            raise _network_error(exc) from exc
        try:
            answer = json.loads(data) if data else {}
        except ValueError:
            answer = {}
        if not isinstance(answer, dict):
            answer = {}
        if response.status >= 400:
            raise ClientError(
                response.status,
                str(answer.get("code") or f"http_{response.status}"),
                str(answer.get("message_zh") or f"平台返回 HTTP {response.status}"),
                str(answer.get("message_en") or f"the platform answered HTTP {response.status}"),
                answer.get("field"),
                answer,
            )
        return answer

    def sealing_info(self, lot_id: int | str) -> bidfile.LotInfo:
        return bidfile.LotInfo.from_json(self._call("GET", f"/lots/{_q(lot_id)}/sealing"))

    def upload(
        self,
        path: str | os.PathLike[str],
        lot_id: int | str,
        *,
        chunk_size: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        retries: int = 5,
    ) -> dict[str, Any]:
        """Upload a sealed bid; ``retries`` failures in a row are tolerated. The receipt."""
        with Path(path).open("rb") as f:
            sealed = read_header(f)
            size = f.seek(0, os.SEEK_END)
            started = self._call(
                "POST",
                f"/lots/{_q(lot_id)}/uploads",
                {
                    "size": size,
                    "header": _b64(sealed.header_bytes),
                    "signature": _b64(sealed.signature),
                },
            )
            token = _q(started["token"])
            step = min(chunk_size or started["chunk_max"], started["chunk_max"])
            received: int | None = started["received"]
            receipt: dict[str, Any] | None = None
            failures = 0
            while receipt is None:
                try:
                    if received is None:
                        received = int(self._call("GET", f"/uploads/{token}")["received"])
                    if received < size:
                        f.seek(received)
                        chunk = f.read(min(step, size - received))
                        answer = self._call("PUT", f"/uploads/{token}?offset={received}", raw=chunk)
                        received = int(answer["received"])
                        if progress:
                            progress(received, size)
                    else:
                        receipt = self._call("POST", f"/uploads/{token}/complete")
                    failures = 0
                except ClientError as exc:
                    failures += 1
                    if not _retryable(exc) or failures > retries:
                        raise
                    received = None
                    time.sleep(min(self._backoff * 2 ** (failures - 1), 30.0))
        if (
            receipt.get("ciphertext_digest") != sealed.header.ciphertext_digest
            or receipt.get("size") != size
        ):
            raise ClientError(
                0,
                "receipt_mismatch",
                "平台回执中的密文摘要或大小与本地文件不符，请联系平台核实",
                "the receipt's ciphertext digest or size differs from the local file; "
                "ask the platform to check",
                body=receipt,
            )
        return receipt

    def withdraw(self, bid_id: int | str) -> dict[str, Any]:
        return self._call("POST", f"/bids/{_q(bid_id)}/withdraw")

    def _envelope(self, bid_id: int | str) -> tuple[bytes, bytes]:
        answer = self._call("GET", f"/bids/{_q(bid_id)}/envelope")
        return base64.b64decode(answer["header"]), base64.b64decode(answer["signature"])

    def release_key(self, bid_id: int | str, encryption_key_pem: bytes) -> dict[str, Any]:
        """Unwrap the bid's data key here, with the bidder's key, and hand it over."""
        key = bidfile.release_key(*self._envelope(bid_id), encryption_key_pem)
        return self._call("POST", f"/bids/{_q(bid_id)}/key", {"data_key": key.hex()})

    def escrow_share(self, bid_id: int | str, keyholder_key_pem: bytes) -> dict[str, Any]:
        share = bidfile.escrow_share(*self._envelope(bid_id), keyholder_key_pem)
        return self._call("POST", f"/bids/{_q(bid_id)}/escrow-shares", {"share": _b64(share)})


def _q(value: int | str) -> str:
    return urllib.parse.quote(str(value), safe="")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
