"""Hash-chain randomness parties (随机数贡献方).

A party draws a random ``s_N`` and computes ``s_{i-1} = H(s_i)`` down to the anchor ``s_0``,
which it publishes (the platform records it in the ledger) before any draw. For each draw
attempt its system releases the next element ``s_1, s_2, …`` — no person needs to be
present — and anyone can check a released ``s_i`` by hashing it ``i`` times back to the
anchor. Since the anchor fixes the whole chain, a party cannot choose its value after seeing
the others'; since ``s_i`` cannot be computed from ``s_{i-1}``, nobody can predict the next
value. One honest party among them is enough for an unpredictable, unsteerable seed.

A party's secret lives with the party. In production each party runs ``ggzy beacon serve``
on its own machine (``experts.beacon_server``) and the platform asks it over HTTP
(``HttpSource``); ``FileSource`` reads a chain file directly, as the demo does with files
under var/beacons/.
"""

from __future__ import annotations

import json
import secrets
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from ggzy.kernel.errors import Conflict, InvalidInput
from ggzy.kernel.ledger import hash_function


def walk(alg: str, value: bytes, steps: int) -> bytes:
    h = hash_function(alg)
    for _ in range(steps):
        value = h(value)
    return value


STRIDE = 256
_MARKS: dict[Chain, dict[int, bytes]] = {}


@dataclass(frozen=True)
class Chain:
    alg: str
    length: int
    top: bytes  # s_N, the secret

    @classmethod
    def create(cls, alg: str, length: int) -> Chain:
        return cls(alg, length, secrets.token_bytes(32))

    @property
    def anchor(self) -> str:
        return walk(self.alg, self.top, self.length).hex()

    def _marks(self) -> dict[int, bytes]:
        """The top and every STRIDE-th element, computed once per chain, so that a release
        costs at most STRIDE hashes."""
        marks = _MARKS.get(self)
        if marks is None:
            h, value, marks = hash_function(self.alg), self.top, {self.length: self.top}
            for index in range(self.length - 1, 0, -1):
                value = h(value)
                if index % STRIDE == 0:
                    marks[index] = value
            _MARKS[self] = marks
        return marks

    def element(self, index: int) -> str:
        if not 1 <= index <= self.length:
            raise InvalidInput(
                f"随机数链已用尽或序号无效（{index}/{self.length}）",
                f"the hash chain is used up or the index is invalid ({index}/{self.length})",
                code="beacon_exhausted",
            )
        above = min(index + (-index) % STRIDE, self.length)
        return walk(self.alg, self._marks()[above], above - index).hex()

    def to_json(self) -> str:
        return json.dumps({"alg": self.alg, "length": self.length, "top": self.top.hex()})

    @classmethod
    def from_json(cls, text: str) -> Chain:
        data = json.loads(text)
        return cls(data["alg"], int(data["length"]), bytes.fromhex(data["top"]))


def check_release(alg: str, anchor: str, index: int, value: str) -> bool:
    """Whether ``value`` is element ``index`` of the chain committed to by ``anchor``."""
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        return False
    return index >= 1 and walk(alg, raw, index).hex() == anchor


class Source(Protocol):
    def release(self, index: int, purpose: str) -> str: ...


@dataclass(frozen=True)
class FileSource:
    path: Path

    def release(self, index: int, purpose: str) -> str:
        return _load(self.path, self.path.stat().st_mtime_ns).element(index)


@lru_cache(maxsize=16)
def _load(path: Path, mtime_ns: int) -> Chain:
    return Chain.from_json(path.read_text())


@dataclass(frozen=True)
class HttpSource:
    url: str

    def release(self, index: int, purpose: str) -> str:
        body = json.dumps({"index": index, "purpose": purpose}).encode()
        request = urllib.request.Request(  # noqa: S310 — an http(s) URL registered by the centre
            self.url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return str(json.loads(response.read())["value"])
        except (OSError, ValueError, KeyError) as exc:
            raise Conflict(
                f"随机数贡献方服务 {self.url} 未能提供第 {index} 个随机数：{exc}",
                f"the randomness party at {self.url} did not release secret #{index}: {exc}",
                code="beacon_unreachable",
            ) from None


def source_for(endpoint: str) -> Source:
    if endpoint.startswith("file:"):
        return FileSource(Path(endpoint.removeprefix("file:")))
    if endpoint.startswith(("https://", "http://")):
        return HttpSource(endpoint)
    raise InvalidInput(
        f"无法识别的贡献服务地址：{endpoint}",
        f"unknown contribution endpoint: {endpoint}",
        code="beacon_endpoint",
    )
