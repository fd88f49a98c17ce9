"""Hash-chain randomness parties (随机数贡献方).

A party draws a random ``s_N`` and computes ``s_{i-1} = H(s_i)`` down to the anchor ``s_0``,
which it publishes (the platform records it in the ledger) before any draw. For each draw
attempt its system releases the next element ``s_1, s_2, …`` — no person needs to be
present — and anyone can check a released ``s_i`` by hashing it ``i`` times back to the
anchor. Since the anchor fixes the whole chain, a party cannot choose its value after seeing
the others'; since ``s_i`` cannot be computed from ``s_{i-1}``, nobody can predict the next
value. One honest party among them is enough for an unpredictable, unsteerable seed.

A party's secret lives with the party: ``FileSource`` reads it from a file the party keeps
(on the demo machine, under var/beacons/). A network source, so that each party's secret
stays on that party's own machine, is not built yet (see docs/expert-draw.md).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ggzy.kernel.errors import InvalidInput
from ggzy.kernel.ledger import hash_function


def walk(alg: str, value: bytes, steps: int) -> bytes:
    h = hash_function(alg)
    for _ in range(steps):
        value = h(value)
    return value


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

    def element(self, index: int) -> str:
        if not 1 <= index <= self.length:
            raise InvalidInput(
                f"随机数链已用尽或序号无效（{index}/{self.length}）",
                f"the hash chain is used up or the index is invalid ({index}/{self.length})",
                code="beacon_exhausted",
            )
        return walk(self.alg, self.top, self.length - index).hex()

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
        return Chain.from_json(self.path.read_text()).element(index)


def source_for(endpoint: str) -> Source:
    if endpoint.startswith("file:"):
        return FileSource(Path(endpoint.removeprefix("file:")))
    raise InvalidInput(
        f"无法识别的贡献服务地址：{endpoint}",
        f"unknown contribution endpoint: {endpoint}",
        code="beacon_endpoint",
    )
