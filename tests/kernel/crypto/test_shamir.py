from __future__ import annotations

import itertools
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ggzy.kernel.crypto.shamir import Share, combine, split
from ggzy.kernel.errors import InvalidInput


@st.composite
def _split_case(draw: st.DrawFn) -> tuple[bytes, int, int, list[int]]:
    secret = draw(st.binary(min_size=1, max_size=48))
    n = draw(st.integers(min_value=2, max_value=12))
    k = draw(st.integers(min_value=2, max_value=n))
    chosen = draw(st.permutations(range(n)))
    return secret, k, n, list(chosen)


@settings(max_examples=150, deadline=None)
@given(_split_case())
def test_any_k_shares_recover_the_secret(case: tuple[bytes, int, int, list[int]]) -> None:
    secret, k, n, order = case
    shares = split(secret, k, n)
    assert len(shares) == n
    assert {s.index for s in shares} == set(range(1, n + 1))
    picked = [shares[i] for i in order[:k]]
    assert combine(picked) == secret
    assert combine([shares[i] for i in order]) == secret  # more than k is fine too
    with pytest.raises(InvalidInput) as err:
        combine(picked[: k - 1])
    assert err.value.code == "shamir_too_few_shares"


def test_every_subset_of_three_of_five() -> None:
    secret = os.urandom(32)
    shares = split(secret, 3, 5)
    for subset in itertools.combinations(shares, 3):
        assert combine(list(subset)) == secret


@settings(max_examples=50, deadline=None)
@given(st.binary(min_size=32, max_size=32))
def test_fewer_shares_forced_through_give_no_information(secret: bytes) -> None:
    """Interpolating k-1 shares as if k were k-1 does not give the secret back."""
    shares = split(secret, 3, 5)
    lying = [Share(s.index, 2, s.data) for s in shares[:2]]
    assert combine(lying) != secret  # fails with probability 2^-256


def test_shares_are_random() -> None:
    secret = b"\x00" * 16
    assert split(secret, 2, 3)[0].data != split(secret, 2, 3)[0].data
    assert split(secret, 2, 3)[0].data != secret


def test_serialisation() -> None:
    share = split(b"data key", 2, 3)[1]
    assert Share.from_bytes(share.to_bytes()) == share
    for bad in (b"", b"\x01\x02\x00x", b"\x09\x02\x01x", b"\x01\x01\x01x"):
        with pytest.raises(InvalidInput):
            Share.from_bytes(bad)


@pytest.mark.parametrize(
    ("secret", "k", "n"),
    [(b"s", 1, 3), (b"s", 4, 3), (b"s", 2, 256), (b"", 2, 3), (b"s", 0, 0)],
)
def test_split_validation(secret: bytes, k: int, n: int) -> None:
    with pytest.raises(InvalidInput) as err:
        split(secret, k, n)
    assert err.value.code == "shamir_invalid"


def test_split_allows_255_shares() -> None:
    shares = split(b"k", 2, 255)
    assert combine([shares[0], shares[254]]) == b"k"


def test_combine_validation() -> None:
    a, b, c = split(b"secret", 2, 3)
    cases = {
        "shamir_too_few_shares": [[], [a]],
        "shamir_duplicate_index": [[a, a], [a, Share(a.index, 2, b.data)]],
        "shamir_inconsistent": [[a, Share(b.index, 3, b.data)], [a, Share(c.index, 2, b"x")]],
        "shamir_share_malformed": [[a, Share(0, 2, b.data)]],
    }
    for code, bad_sets in cases.items():
        for shares in bad_sets:
            with pytest.raises(InvalidInput) as err:
                combine(shares)
            assert err.value.code == code
