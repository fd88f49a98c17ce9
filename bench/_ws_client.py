"""A minimal WebSocket client (RFC 6455) for load generators on the server's own machine.

The clients share the two cores with the server they measure, so every microsecond they
spend is taken from it: a general client (the ``websockets`` package) spent about as much
CPU per received update as the server spent sending it. This one parses frames in
``data_received`` and hands each text message to a callback, with no queue and no task per
message. It speaks only what the halls use: text frames, unfragmented, no extensions; it
answers pings and masks what it sends, as the protocol requires.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import struct
from collections.abc import Callable

OP_TEXT, OP_CLOSE, OP_PING, OP_PONG = 0x1, 0x8, 0x9, 0xA


class Client(asyncio.Protocol):
    def __init__(
        self, on_text: Callable[[str], None], on_lost: Callable[[], None] | None = None
    ) -> None:
        self.on_text, self.on_lost = on_text, on_lost
        self.buffer = b""
        self.upgraded: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    @classmethod
    async def connect(
        cls,
        host: str,
        path: str,
        headers: dict[str, str],
        on_text: Callable[[str], None],
        on_lost: Callable[[], None] | None = None,
    ) -> Client:
        name, port = host.rsplit(":", 1)
        loop = asyncio.get_running_loop()
        _, client = await loop.create_connection(lambda: cls(on_text, on_lost), name, int(port))
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {host}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            *(f"{k}: {v}" for k, v in headers.items()),
        ]
        assert client.transport is not None
        client.transport.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await client.upgraded
        return client

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        if self.closed.done():
            return
        for future in (self.upgraded, self.closed):
            if not future.done():
                future.set_exception(ConnectionError("connection lost"))
        if self.on_lost is not None and self.upgraded.done():
            self.on_lost()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.upgraded.done():
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status = self.buffer[: self.buffer.find(b"\r\n")]
            self.buffer = self.buffer[end + 4 :]
            if b" 101 " not in status:
                self.upgraded.set_exception(ConnectionError(status.decode("latin1")))
                return
            self.upgraded.set_result(None)
        self._frames()

    def _frames(self) -> None:
        buffer, at = self.buffer, 0
        while len(buffer) - at >= 2:
            opcode, size = buffer[at] & 0x0F, buffer[at + 1] & 0x7F
            head = 2
            if size == 126:
                if len(buffer) - at < 4:
                    break
                (size,) = struct.unpack_from("!H", buffer, at + 2)
                head = 4
            elif size == 127:
                if len(buffer) - at < 10:
                    break
                (size,) = struct.unpack_from("!Q", buffer, at + 2)
                head = 10
            if len(buffer) - at < head + size:
                break
            payload = buffer[at + head : at + head + size]
            at += head + size
            if opcode == OP_TEXT:
                self.on_text(payload.decode())
            elif opcode == OP_PING:
                self._write(OP_PONG, payload)
            elif opcode == OP_CLOSE and not self.closed.done():
                self.closed.set_result(None)
        self.buffer = buffer[at:]

    def _write(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        size = len(payload)
        if size < 126:
            head = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
        elif size < 1 << 16:
            head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
        key = int.from_bytes((mask * (size // 4 + 1))[:size], "big")
        masked = (int.from_bytes(payload, "big") ^ key).to_bytes(size, "big")
        assert self.transport is not None
        self.transport.write(head + mask + masked)

    def send(self, text: str) -> None:
        self._write(OP_TEXT, text.encode())

    async def close(self) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        self._write(OP_CLOSE, struct.pack("!H", 1000))
        with contextlib.suppress(TimeoutError, ConnectionError):
            await asyncio.wait_for(asyncio.shield(self.closed), 5)
        self.transport.close()
