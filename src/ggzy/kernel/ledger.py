"""The hash chain and Merkle checkpoints of the ledger (数字见证账本), without storage.

Each entry's hash covers the previous entry's hash and the canonical JSON of the entry:

    hash_n = H(bytes(prev_hash) || canonical_json({seq, at, kind, actor, subject, payload}))

Checkpoints cover a contiguous range of sequence numbers; their root is an RFC 6962 Merkle
tree over the entry hashes (leaf = H(0x00 || h), node = H(0x01 || left || right)), so an
inclusion proof for one entry is a handful of hashes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives import hashes

HashFunction = Callable[[bytes], bytes]


def _sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


HASH_FUNCTIONS: dict[str, HashFunction] = {
    "sha256": lambda data: hashlib.sha256(data).digest(),
    "sm3": _sm3,
}
GENESIS_HASH = "0" * 64


def hash_function(name: str) -> HashFunction:
    try:
        return HASH_FUNCTIONS[name]
    except KeyError:
        raise ValueError(f"unknown ledger hash {name!r}; known: {sorted(HASH_FUNCTIONS)}") from None


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise TypeError("naive datetime in ledger payload")
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot put {type(value).__name__} into the ledger")


def _reject_floats(value: Any) -> None:
    if isinstance(value, float):
        raise TypeError("floats are not allowed in ledger payloads; use Decimal or str")
    if isinstance(value, dict):
        for item in value.values():
            _reject_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _reject_floats(item)


def canonical_json(value: Any) -> str:
    """Sorted keys, no insignificant whitespace, UTF-8 text; no floats (they don't round-trip)."""
    _reject_floats(value)
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    )


def format_instant(moment: datetime) -> str:
    return str(_default(moment))


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str
    kind: str
    actor: str
    subject: str
    body: str  # canonical JSON of the payload
    prev_hash: str
    hash: str
    alg: str


def content(seq: int, at: str, kind: str, actor: str, subject: str, body: str) -> bytes:
    """Canonical JSON of {seq, at, kind, actor, subject, payload}, with ``body`` (already
    canonical) spliced in as the payload rather than parsed and dumped again."""

    def text(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)

    return (
        f'{{"actor":{text(actor)},"at":{text(at)},"kind":{text(kind)},'
        f'"payload":{body},"seq":{seq},"subject":{text(subject)}}}'
    ).encode()


def chain_hash(alg: str, prev_hash: str, entry_content: bytes) -> str:
    return hash_function(alg)(bytes.fromhex(prev_hash) + entry_content).hex()


def compute_hash(entry: Entry) -> str:
    data = content(entry.seq, entry.at, entry.kind, entry.actor, entry.subject, entry.body)
    return chain_hash(entry.alg, entry.prev_hash, data)


@dataclass(frozen=True)
class Problem:
    seq: int
    code: str
    message_zh: str
    message_en: str


def verify_chain(
    entries: Iterable[Entry], *, start_seq: int = 1, start_hash: str = GENESIS_HASH
) -> tuple[int, Problem | None]:
    """Walk entries in sequence order; return (entries checked, first problem or None)."""
    expected_seq, expected_prev, checked = start_seq, start_hash, 0
    for entry in entries:
        if entry.seq != expected_seq:
            if entry.seq > expected_seq:
                return checked, Problem(
                    expected_seq,
                    "missing",
                    f"第 {expected_seq} 条账本记录缺失（被删除）",
                    f"ledger entry #{expected_seq} is missing (deleted)",
                )
            return checked, Problem(
                entry.seq,
                "out_of_order",
                f"第 {entry.seq} 条账本记录顺序错乱",
                f"ledger entry #{entry.seq} is out of order",
            )
        try:
            recomputed = compute_hash(entry)
        except (ValueError, TypeError):
            recomputed = None
        if recomputed != entry.hash:
            return checked, Problem(
                entry.seq,
                "altered",
                f"第 {entry.seq} 条账本记录的内容与其哈希不符（被篡改）",
                f"ledger entry #{entry.seq} does not match its hash (altered)",
            )
        if entry.prev_hash != expected_prev:
            return checked, Problem(
                entry.seq,
                "broken_link",
                f"第 {entry.seq} 条账本记录与前一条不衔接（前一条被篡改、插入或重排）",
                f"ledger entry #{entry.seq} does not link to the previous entry "
                "(the previous one was altered, or an entry was inserted or reordered)",
            )
        expected_seq, expected_prev, checked = entry.seq + 1, entry.hash, checked + 1
    return checked, None


# --- Merkle trees (RFC 6962) ------------------------------------------------------------


def _leaf(h: HashFunction, data: bytes) -> bytes:
    return h(b"\x00" + data)


def _node(h: HashFunction, left: bytes, right: bytes) -> bytes:
    return h(b"\x01" + left + right)


def _split(n: int) -> int:
    """The largest power of two smaller than n."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _root(h: HashFunction, leaves: Sequence[bytes]) -> bytes:
    if len(leaves) == 1:
        return _leaf(h, leaves[0])
    k = _split(len(leaves))
    return _node(h, _root(h, leaves[:k]), _root(h, leaves[k:]))


def merkle_root(alg: str, entry_hashes: Sequence[str]) -> str:
    if not entry_hashes:
        raise ValueError("a Merkle tree needs at least one leaf")
    return _root(hash_function(alg), [bytes.fromhex(x) for x in entry_hashes]).hex()


def inclusion_proof(alg: str, entry_hashes: Sequence[str], index: int) -> list[str]:
    """The audit path of leaf ``index``: sibling hashes from the leaf up to the root."""
    if not 0 <= index < len(entry_hashes):
        raise IndexError(index)
    h = hash_function(alg)
    leaves = [bytes.fromhex(x) for x in entry_hashes]

    def path(m: int, nodes: Sequence[bytes]) -> list[bytes]:
        if len(nodes) == 1:
            return []
        k = _split(len(nodes))
        if m < k:
            return [*path(m, nodes[:k]), _root(h, nodes[k:])]
        return [*path(m - k, nodes[k:]), _root(h, nodes[:k])]

    return [x.hex() for x in path(index, leaves)]


def verify_inclusion(
    alg: str, entry_hash: str, index: int, size: int, proof: Sequence[str], root: str
) -> bool:
    """Check an audit path (RFC 6962 §2.1.1 verification algorithm)."""
    if not 0 <= index < size:
        return False
    h = hash_function(alg)
    fn, sn = index, size - 1
    r = _leaf(h, bytes.fromhex(entry_hash))
    for sibling_hex in proof:
        sibling = bytes.fromhex(sibling_hex)
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = _node(h, sibling, r)
            while fn % 2 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = _node(h, r, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r.hex() == root
