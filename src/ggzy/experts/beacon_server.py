"""A randomness party's own release service (`ggzy beacon serve`), run by the supervising
department (or a notary) on its own machine, so its secrets never sit on the platform.

GET /  → {"alg", "length", "anchor", "last_released"}
POST / {"index": i, "purpose": "draw:12:1"} → {"index": i, "value": s_i}

Secrets are released strictly in order: the next index, or the last one again for the same
purpose (a retry). Nobody — the platform included — can obtain a later secret in advance,
so every use of the party shows up as a consumed index. Every release is appended to the
party's own log (JSON lines), which is also where the service resumes after a restart.
"""

from __future__ import annotations

import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ggzy.kernel import clock
from ggzy.kernel.errors import DomainError

from .beacon import Chain

MAX_BODY = 4096


class Releaser:
    def __init__(self, chain_path: Path, log_path: Path) -> None:
        self.chain = Chain.from_json(chain_path.read_text())
        self.log_path = log_path
        self.lock = threading.Lock()
        self.last_index, self.last_purpose = 0, ""
        if log_path.exists():
            for line in log_path.read_text().splitlines():
                entry = json.loads(line)
                self.last_index, self.last_purpose = entry["index"], entry["purpose"]

    def describe(self) -> dict[str, Any]:
        return {
            "alg": self.chain.alg,
            "length": self.chain.length,
            "anchor": self.chain.anchor,
            "last_released": self.last_index,
        }

    def release(self, index: int, purpose: str) -> tuple[HTTPStatus, dict[str, Any]]:
        with self.lock:
            retry = index == self.last_index and purpose == self.last_purpose and index > 0
            if not retry and index != self.last_index + 1:
                return HTTPStatus.CONFLICT, {
                    "error": f"only index {self.last_index + 1} can be released next",
                }
            value = self.chain.element(index)
            if not retry:
                with self.log_path.open("a") as log:
                    log.write(
                        json.dumps({"index": index, "purpose": purpose, "at": str(clock.now())})
                        + "\n"
                    )
                self.last_index, self.last_purpose = index, purpose
            return HTTPStatus.OK, {"index": index, "value": value}


def make_server(releaser: Releaser, host: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: HTTPStatus, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._answer(HTTPStatus.OK, releaser.describe())

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                if not 0 < length <= MAX_BODY:
                    raise ValueError("body size")
                body = json.loads(self.rfile.read(length))
                index, purpose = int(body["index"]), str(body["purpose"])[:200]
            except (ValueError, KeyError, TypeError):
                self._answer(HTTPStatus.BAD_REQUEST, {"error": "expected {index, purpose}"})
                return
            try:
                self._answer(*releaser.release(index, purpose))
            except DomainError as exc:  # an exhausted chain
                self._answer(HTTPStatus.CONFLICT, {"error": exc.message_en})

        def log_message(self, format: str, *args: Any) -> None:
            return

    return ThreadingHTTPServer((host, port), Handler)
