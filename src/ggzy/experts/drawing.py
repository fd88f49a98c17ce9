"""The draw itself, as pure functions: the seed, a deterministic random generator, and the
choice of experts and venues. Given the same seed and snapshot, anyone gets the same result
(a supervisor re-runs it with ``ggzy experts verify-draw``).

Randomness: ``seed = H("ggzy-expert-draw/1" || request || attempt || snapshot digest ||
each party's revealed secret, in party order)``. The generator is H(seed || label || counter)
in counter mode; integers below n come by rejection sampling, so every index is equally
likely. Experts are taken by a partial Fisher–Yates shuffle of the bucket's eligible list
(sorted by id), skipping anyone already chosen and, when the one-per-employer rule is on,
anyone whose employer already has a member.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from ggzy.kernel.ledger import hash_function

DOMAIN = b"ggzy-expert-draw/1"


def snapshot_digest(alg: str, snapshot: object) -> str:
    """The digest of the snapshot's canonical JSON. A snapshot holds only JSON's own types
    (ints, strings, booleans, lists, objects), for which ``json.dumps`` with sorted keys is
    exactly ``canonical_json`` — without its walk over every value looking for floats."""
    text = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hash_function(alg)(text.encode()).hex()


def draw_seed(
    alg: str, *, request_id: int, attempt: int, snapshot_digest: str, reveals: Sequence[str]
) -> bytes:
    h = hash_function(alg)
    material = b"|".join(
        [DOMAIN, str(request_id).encode(), str(attempt).encode(), snapshot_digest.encode()]
        + [bytes.fromhex(r) for r in reveals]
    )
    return h(material)


class Generator:
    """Counter-mode generator over the ledger's hash (SM3 or SHA-256)."""

    def __init__(self, alg: str, seed: bytes, label: str) -> None:
        self._h: Callable[[bytes], bytes] = hash_function(alg)
        self._prefix = seed + b"|" + label.encode() + b"|"
        self._counter = 0

    def _u64(self) -> int:
        block = self._h(self._prefix + self._counter.to_bytes(8, "big"))
        self._counter += 1
        return int.from_bytes(block[:8], "big")

    def below(self, n: int) -> int:
        """A uniformly random integer in [0, n)."""
        if n <= 0:
            raise ValueError("n must be positive")
        limit = (1 << 64) - (1 << 64) % n
        while True:
            value = self._u64()
            if value < limit:
                return value % n


class Candidate(NamedTuple):
    expert_id: int
    employer: str


@dataclass(frozen=True)
class Bucket:
    key: str
    count: int
    eligible: Sequence[Candidate]


@dataclass
class Selection:
    chosen: dict[str, list[int]] = field(default_factory=dict)
    # Candidates passed over because their employer already had a member.
    skipped_same_employer: list[int] = field(default_factory=list)
    venues: list[int] = field(default_factory=list)


class NotEnough(Exception):
    def __init__(self, bucket: str, wanted: int, found: int) -> None:
        super().__init__(bucket)
        self.bucket, self.wanted, self.found = bucket, wanted, found


def _shuffled(gen: Generator, items: Sequence[Candidate]) -> Iterator[Candidate]:
    """Yield items in random order, lazily (partial Fisher–Yates)."""
    pool = list(items)
    for i in range(len(pool)):
        j = i + gen.below(len(pool) - i)
        pool[i], pool[j] = pool[j], pool[i]
        yield pool[i]


def select(
    alg: str,
    seed: bytes,
    buckets: Sequence[Bucket],
    *,
    one_per_employer: bool,
    taken_employers: Sequence[str] = (),
    venue_pool: Sequence[int] = (),
    venue_count: int = 0,
) -> Selection:
    """Choose ``count`` experts per bucket, and ``venue_count`` venues from ``venue_pool``."""
    result = Selection()
    chosen_ids: set[int] = set()
    employers = set(taken_employers)
    for bucket in buckets:
        gen = Generator(alg, seed, f"bucket:{bucket.key}")
        picked: list[int] = []
        for candidate in _shuffled(gen, sorted(bucket.eligible, key=lambda c: c.expert_id)):
            if len(picked) == bucket.count:
                break
            if candidate.expert_id in chosen_ids:
                continue
            if one_per_employer and candidate.employer in employers:
                result.skipped_same_employer.append(candidate.expert_id)
                continue
            picked.append(candidate.expert_id)
            chosen_ids.add(candidate.expert_id)
            employers.add(candidate.employer)
        if len(picked) < bucket.count:
            raise NotEnough(bucket.key, bucket.count, len(picked))
        result.chosen[bucket.key] = picked
    if venue_count:
        gen = Generator(alg, seed, "venues")
        if venue_count > len(venue_pool):
            raise NotEnough("venues", venue_count, len(venue_pool))
        order = _shuffled(gen, [Candidate(v, "") for v in sorted(venue_pool)])
        result.venues = [next(order).expert_id for _ in range(venue_count)]
    return result
