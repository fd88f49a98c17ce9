from __future__ import annotations

import pytest

from ggzy.kernel.crypto import CryptoSuite, get_suite

SUITES = ("gm", "intl")


@pytest.fixture(params=SUITES)
def suite(request: pytest.FixtureRequest) -> CryptoSuite:
    return get_suite(request.param)


_KEYS: dict[tuple[str, int], tuple[bytes, bytes]] = {}


def keypair(suite: CryptoSuite, slot: int = 0) -> tuple[bytes, bytes]:
    """A (private, public) PEM pair per suite and slot, made once per test run."""
    if (suite.name, slot) not in _KEYS:
        _KEYS[suite.name, slot] = suite.generate_keypair()
    return _KEYS[suite.name, slot]


def flip(data: bytes, position: int, mask: int = 0x01) -> bytes:
    return data[:position] + bytes([data[position] ^ mask]) + data[position + 1 :]
