"""k-of-n secret sharing (Shamir, 1979) of a byte string, byte by byte over GF(2^8).

Each byte of the secret is the constant term of its own random polynomial of degree k-1
with coefficients in GF(2^8) (the AES field, x^8 + x^4 + x^3 + x + 1); share ``i`` holds the
polynomials' values at x = i. Any k shares give the secret back by Lagrange interpolation
at 0; k-1 shares are consistent with every possible secret, so they say nothing about it.

A share carries its index and the threshold, so ``combine`` refuses too few shares instead
of returning a wrong secret. Randomness comes from ``secrets``. The table look-ups are not
constant-time; splitting and combining are rare, offline key-escrow operations.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from ggzy.kernel.errors import InvalidInput

MAX_SHARES = 255
_FORMAT = 1


def _tables() -> tuple[list[int], list[int]]:
    exp, log = [0] * 510, [0] * 256
    x = 1
    for power in range(255):
        exp[power] = x
        log[x] = power
        doubled = (x << 1) ^ (0x11B if x & 0x80 else 0)
        x ^= doubled  # multiply by the generator 3 = x + 1
    for power in range(255, 510):
        exp[power] = exp[power - 255]
    return exp, log


_EXP, _LOG = _tables()


def _mul(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    return _EXP[_LOG[a] + _LOG[b]]


def _div(a: int, b: int) -> int:
    if a == 0:
        return 0
    return _EXP[(_LOG[a] - _LOG[b]) % 255]


@dataclass(frozen=True)
class Share:
    index: int  # the x coordinate, 1..255
    threshold: int  # k: how many shares recover the secret
    data: bytes  # one y value per secret byte

    def to_bytes(self) -> bytes:
        return bytes([_FORMAT, self.threshold, self.index]) + self.data

    @classmethod
    def from_bytes(cls, raw: bytes) -> Share:
        if len(raw) < 4 or raw[0] != _FORMAT or raw[1] < 2 or raw[2] == 0:
            raise InvalidInput(
                "密钥分片格式错误",
                "malformed secret share",
                code="shamir_share_malformed",
            )
        return cls(index=raw[2], threshold=raw[1], data=bytes(raw[3:]))


def split(secret: bytes, k: int, n: int) -> list[Share]:
    """Split ``secret`` into ``n`` shares of which any ``k`` recover it."""
    if not secret:
        raise InvalidInput(
            "待分割的秘密不能为空", "the secret to split is empty", code="shamir_invalid"
        )
    if k < 2:
        raise InvalidInput(
            f"门限 k 至少为 2（实际为 {k}）：k = 1 等于把秘密原样交给每个人",
            f"threshold k must be at least 2 (got {k}): k = 1 hands everyone the secret",
            code="shamir_invalid",
        )
    if n > MAX_SHARES:
        raise InvalidInput(
            f"分片数 n 最多为 {MAX_SHARES}（实际为 {n}）",
            f"at most {MAX_SHARES} shares (got n = {n})",
            code="shamir_invalid",
        )
    if k > n:
        raise InvalidInput(
            f"门限 k（{k}）不能大于分片数 n（{n}）",
            f"threshold k ({k}) cannot exceed the number of shares n ({n})",
            code="shamir_invalid",
        )
    # coefficients[j] holds the k-1 random higher coefficients of byte j's polynomial
    coefficients = [secrets.token_bytes(k - 1) for _ in secret]
    shares = []
    for x in range(1, n + 1):
        ys = bytearray()
        for byte, coeffs in zip(secret, coefficients, strict=True):
            y = 0
            for c in reversed(coeffs):  # Horner, highest degree first
                y = _mul(y, x) ^ c
            ys.append(_mul(y, x) ^ byte)
        shares.append(Share(index=x, threshold=k, data=bytes(ys)))
    return shares


def combine(shares: Sequence[Share]) -> bytes:
    """Recover the secret from at least ``threshold`` distinct shares of one split."""
    if not shares:
        raise InvalidInput("没有提供任何密钥分片", "no shares given", code="shamir_too_few_shares")
    threshold, length = shares[0].threshold, len(shares[0].data)
    if any(s.threshold != threshold or len(s.data) != length for s in shares):
        raise InvalidInput(
            "密钥分片不一致：门限或长度不同，可能来自不同的分割",
            "inconsistent shares: thresholds or lengths differ; they may come from "
            "different splits",
            code="shamir_inconsistent",
        )
    indexes = [s.index for s in shares]
    if any(not 1 <= i <= MAX_SHARES for i in indexes):
        raise InvalidInput(
            f"密钥分片序号应在 1 至 {MAX_SHARES} 之间",
            f"share indexes must be 1 to {MAX_SHARES}",
            code="shamir_share_malformed",
        )
    if len(set(indexes)) != len(indexes):
        raise InvalidInput(
            "密钥分片序号重复：同一分片不能使用两次",
            "duplicate share index: the same share cannot count twice",
            code="shamir_duplicate_index",
        )
    if len(shares) < threshold:
        raise InvalidInput(
            f"密钥分片不足：需要 {threshold} 片，只提供了 {len(shares)} 片",
            f"too few shares: {threshold} needed, {len(shares)} given",
            code="shamir_too_few_shares",
        )
    chosen = shares[:threshold]
    # Lagrange basis at 0: l_i(0) = prod_{j != i} x_j / (x_j - x_i); minus is xor here.
    weights = []
    for share in chosen:
        weight = 1
        for other in chosen:
            if other.index != share.index:
                weight = _mul(weight, _div(other.index, other.index ^ share.index))
        weights.append(weight)
    secret = bytearray(length)
    for share, weight in zip(chosen, weights, strict=True):
        for pos, y in enumerate(share.data):
            secret[pos] ^= _mul(y, weight)
    return bytes(secret)
