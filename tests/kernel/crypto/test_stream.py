from __future__ import annotations

import io
import os
import struct
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ggzy.kernel.crypto import CryptoSuite, decrypt_stream, encrypt_stream, get_suite
from ggzy.kernel.crypto.stream import TAG_SIZE
from ggzy.kernel.errors import InvalidInput

from .conftest import flip

CHUNK = 32


def _encrypt(
    suite: CryptoSuite, key: bytes, data: bytes, aad: bytes = b"", chunk: int = CHUNK
) -> bytes:
    out = io.BytesIO()
    info = encrypt_stream(suite, key, io.BytesIO(data), out, aad=aad, chunk_size=chunk)
    assert info.size == len(data)
    assert info.ciphertext_size == len(out.getvalue())
    assert info.plaintext_digest == suite.hash(data)
    assert info.ciphertext_digest == suite.hash(out.getvalue())
    return out.getvalue()


def _decrypt(suite: CryptoSuite, key: bytes, blob: bytes, aad: bytes = b"") -> bytes:
    out = io.BytesIO()
    info = decrypt_stream(suite, key, io.BytesIO(blob), out, aad=aad)
    assert info.plaintext_digest == suite.hash(out.getvalue())
    assert info.ciphertext_digest == suite.hash(blob)
    return out.getvalue()


def _split(blob: bytes, suite: CryptoSuite, chunk: int = CHUNK) -> tuple[bytes, list[bytes]]:
    header_len = 8 + 2 + len(suite.name) + 4 + 8
    body = blob[header_len:]
    step = chunk + TAG_SIZE
    return blob[:header_len], [body[i : i + step] for i in range(0, len(body), step)]


def _code(suite: CryptoSuite, key: bytes, blob: bytes, aad: bytes = b"") -> str:
    with pytest.raises(InvalidInput) as err:
        _decrypt(suite, key, blob, aad)
    return err.value.code


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 5])
def test_round_trip(suite: CryptoSuite, size: int) -> None:
    key = os.urandom(suite.aead_key_size)
    data = os.urandom(size)
    blob = _encrypt(suite, key, data, aad=b"lot-1")
    assert _decrypt(suite, key, blob, aad=b"lot-1") == data


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(["gm", "intl"]),
    chunk=st.integers(min_value=1, max_value=24),
    blocks=st.integers(min_value=0, max_value=5),
    delta=st.integers(min_value=-2, max_value=2),
)
def test_round_trip_around_chunk_boundaries(name: str, chunk: int, blocks: int, delta: int) -> None:
    suite = get_suite(name)
    key = os.urandom(suite.aead_key_size)
    data = os.urandom(max(0, blocks * chunk + delta))
    assert _decrypt(suite, key, _encrypt(suite, key, data, chunk=chunk)) == data


def test_every_byte_is_authenticated(suite: CryptoSuite) -> None:
    key = os.urandom(suite.aead_key_size)
    blob = _encrypt(suite, key, os.urandom(2 * CHUNK + 7))
    for i in range(len(blob)):
        with pytest.raises(InvalidInput):
            _decrypt(suite, key, flip(blob, i))


def test_truncation_is_detected(suite: CryptoSuite) -> None:
    key = os.urandom(suite.aead_key_size)
    blob = _encrypt(suite, key, os.urandom(3 * CHUNK + 7))
    header, chunks = _split(blob, suite)
    assert len(chunks) == 4
    for keep in range(len(chunks)):  # drop whole chunks from the end
        code = _code(suite, key, header + b"".join(chunks[:keep]))
        assert code == "stream_truncated"
    assert _code(suite, key, blob[:-1]) == "stream_tampered"  # cut inside the final chunk


def test_exact_multiple_truncation_is_detected(suite: CryptoSuite) -> None:
    key = os.urandom(suite.aead_key_size)
    blob = _encrypt(suite, key, os.urandom(3 * CHUNK))
    header, chunks = _split(blob, suite)
    assert len(chunks) == 3  # the last full chunk carries the final flag
    assert _code(suite, key, header + b"".join(chunks[:2])) == "stream_truncated"


def test_appending_is_detected(suite: CryptoSuite) -> None:
    key = os.urandom(suite.aead_key_size)
    full = _encrypt(suite, key, os.urandom(2 * CHUNK))  # the final chunk is a full one
    _, chunks = _split(full, suite)
    assert _code(suite, key, full + chunks[0]) == "stream_trailing_data"
    assert _code(suite, key, full + b"\x00") == "stream_trailing_data"
    short = _encrypt(suite, key, os.urandom(2 * CHUNK + 3))
    # appended bytes run into the short final chunk's frame: still refused
    assert _code(suite, key, short + chunks[0]) == "stream_tampered"
    assert _code(suite, key, short + b"\x00") == "stream_tampered"


def test_reordering_is_detected(suite: CryptoSuite) -> None:
    key = os.urandom(suite.aead_key_size)
    blob = _encrypt(suite, key, os.urandom(3 * CHUNK + 1))
    header, chunks = _split(blob, suite)
    swapped = header + chunks[1] + chunks[0] + b"".join(chunks[2:])
    assert _code(suite, key, swapped) == "stream_tampered"
    duplicated = header + chunks[0] + chunks[0] + b"".join(chunks[2:])
    assert _code(suite, key, duplicated) == "stream_tampered"


def test_chunks_cannot_move_between_streams(suite: CryptoSuite) -> None:
    key = os.urandom(suite.aead_key_size)  # even under the same key
    a = _encrypt(suite, key, os.urandom(2 * CHUNK + 1))
    b = _encrypt(suite, key, os.urandom(2 * CHUNK + 1))
    header_a, chunks_a = _split(a, suite)
    _, chunks_b = _split(b, suite)
    assert _code(suite, key, header_a + chunks_b[0] + b"".join(chunks_a[1:])) == "stream_tampered"


def test_wrong_key_aad_or_suite(suite: CryptoSuite) -> None:
    key = os.urandom(suite.aead_key_size)
    blob = _encrypt(suite, key, b"sealed bid", aad=b"lot-1")
    assert _code(suite, os.urandom(suite.aead_key_size), blob, b"lot-1") == "stream_tampered"
    assert _code(suite, key, blob, b"lot-2") == "stream_tampered"
    other = get_suite("intl" if suite.name == "gm" else "gm")
    with pytest.raises(InvalidInput) as err:
        decrypt_stream(other, key, io.BytesIO(blob), io.BytesIO())
    assert err.value.code == "stream_suite_mismatch"


def test_malformed_headers(suite: CryptoSuite) -> None:
    key = os.urandom(suite.aead_key_size)
    blob = _encrypt(suite, key, b"x")
    assert _code(suite, key, b"") == "stream_malformed"
    assert _code(suite, key, b"NOTASTRM" + blob[8:]) == "stream_malformed"
    assert _code(suite, key, blob[:8] + b"\x02" + blob[9:]) == "stream_malformed"
    size_at = 8 + 2 + len(suite.name)
    huge = blob[:size_at] + struct.pack(">I", 1 << 30) + blob[size_at + 4 :]
    assert _code(suite, key, huge) == "stream_malformed"
    with pytest.raises(InvalidInput):
        encrypt_stream(suite, key, io.BytesIO(b""), io.BytesIO(), chunk_size=0)


class _Pattern(io.RawIOBase):
    """``size`` bytes of a repeating random block, generated on demand (never stored)."""

    def __init__(self, size: int) -> None:
        self._left = size
        self._block = os.urandom(1 << 16)
        self._pos = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1, /) -> bytes:
        size = self._left if size < 0 else min(size, self._left)
        out = bytearray()
        while len(out) < size:
            take = min(size - len(out), len(self._block) - self._pos)
            out += self._block[self._pos : self._pos + take]
            self._pos = (self._pos + take) % len(self._block)
        self._left -= size
        return bytes(out)


class _Sink:
    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes, /) -> int:
        self.size += len(data)
        return len(data)


def test_50_mb_stream_uses_bounded_memory(suite: CryptoSuite) -> None:
    size = 50 * 1024 * 1024
    key = os.urandom(suite.aead_key_size)
    sink = _Sink()
    tracemalloc.start()
    try:
        info = encrypt_stream(suite, key, _Pattern(size), sink)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.size == size
    assert sink.size == info.ciphertext_size
    assert peak < 8 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB for a 50 MiB stream"
