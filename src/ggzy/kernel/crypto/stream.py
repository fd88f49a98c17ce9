"""Streaming authenticated encryption for large files, in constant memory.

The STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár, "Online
Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance", CRYPTO 2015): the file is
cut into chunks, each sealed with the suite's AEAD under

* nonce  = 8-byte random prefix (in the header) || 4-byte big-endian chunk counter
* AAD    = H(header || caller's aad) || 4-byte chunk index || 1-byte final flag

so a chunk cannot move (index), be taken from another stream (header: random prefix,
suite, chunk size), or be dropped or added at the end (only the last chunk is sealed with
the final flag set). Layout, all integers big-endian::

    "GGZYSTRM" | version u8 = 1 | len(suite) u8 | suite (ASCII) | chunk_size u32 | prefix (8)
    chunk 0 | chunk 1 | ... | final chunk          each = ciphertext || 16-byte tag

Every chunk but the last holds exactly ``chunk_size`` plaintext bytes; the last holds
0..chunk_size (an empty file is one empty final chunk). The end of the input marks the
end of the stream, so a caller embedding a stream in a bigger file hands in a reader that
stops at the stream's end.

Decryption writes each chunk only after it authenticates, but a stream cut short is only
noticed at the end: when ``decrypt_stream`` raises, throw away what it wrote.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import Protocol

from ggzy.kernel.crypto.suites import TAG_SIZE, CryptoSuite, Hasher
from ggzy.kernel.errors import InvalidInput

MAGIC = b"GGZYSTRM"
VERSION = 1
PREFIX_SIZE = 8
DEFAULT_CHUNK_SIZE = 1 << 20
MAX_CHUNK_SIZE = 1 << 24
MAX_CHUNKS = 1 << 32


class Reader(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class Writer(Protocol):
    def write(self, data: bytes, /) -> object: ...


@dataclass(frozen=True)
class StreamInfo:
    plaintext_digest: bytes  # suite hash of the plaintext
    ciphertext_digest: bytes  # suite hash of every byte of the stream, header included
    size: int  # plaintext bytes
    ciphertext_size: int  # stream bytes, header included


def _read_full(src: Reader, size: int) -> bytes:
    """Read ``size`` bytes, or fewer only at the end of the input."""
    parts: list[bytes] = []
    missing = size
    while missing > 0:
        part = src.read(missing)
        if not part:
            break
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def _header(suite: CryptoSuite, chunk_size: int, prefix: bytes) -> bytes:
    name = suite.name.encode("ascii")
    return MAGIC + bytes([VERSION, len(name)]) + name + struct.pack(">I", chunk_size) + prefix


def _chunk_aad(context: bytes, index: int, final: bool) -> bytes:
    return context + struct.pack(">IB", index, 1 if final else 0)


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def _check_chunk_size(chunk_size: int) -> None:
    if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise InvalidInput(
            f"分块大小应在 1 字节至 {MAX_CHUNK_SIZE} 字节之间（实际为 {chunk_size}）",
            f"chunk size must be 1 to {MAX_CHUNK_SIZE} bytes (got {chunk_size})",
            code="stream_malformed",
        )


def _too_many_chunks() -> InvalidInput:
    return InvalidInput(
        "文件过大：分块数超过 2^32，请增大分块大小",
        "file too large: more than 2^32 chunks, use a bigger chunk size",
        code="stream_too_large",
    )


class _HashingWriter:
    def __init__(self, dst: Writer, hasher: Hasher) -> None:
        self.dst, self.hasher, self.count = dst, hasher, 0

    def write(self, data: bytes) -> None:
        self.dst.write(data)
        self.hasher.update(data)
        self.count += len(data)


def encrypt_stream(
    suite: CryptoSuite,
    key: bytes,
    src: Reader,
    dst: Writer,
    *,
    aad: bytes = b"",
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> StreamInfo:
    """Encrypt everything ``src`` yields into ``dst``; memory stays around three chunks."""
    _check_chunk_size(chunk_size)
    prefix = os.urandom(PREFIX_SIZE)
    header = _header(suite, chunk_size, prefix)
    context = suite.hash(header + aad)
    out = _HashingWriter(dst, suite.hasher())
    plain_hash = suite.hasher()
    out.write(header)
    size = 0
    index = 0
    current = _read_full(src, chunk_size)
    while True:
        following = _read_full(src, chunk_size) if len(current) == chunk_size else b""
        final = not following
        if index >= MAX_CHUNKS:
            raise _too_many_chunks()
        plain_hash.update(current)
        size += len(current)
        aad_i = _chunk_aad(context, index, final)
        out.write(suite.aead_encrypt(key, _nonce(prefix, index), current, aad_i))
        if final:
            break
        current, index = following, index + 1
    return StreamInfo(plain_hash.digest(), out.hasher.digest(), size, out.count)


def read_stream_header(src: Reader) -> tuple[bytes, str, int, bytes]:
    """Parse a stream header: (raw header bytes, suite name, chunk size, nonce prefix)."""
    fixed = _read_full(src, len(MAGIC) + 2)
    if len(fixed) < len(MAGIC) + 2 or fixed[: len(MAGIC)] != MAGIC:
        raise InvalidInput(
            "不是 ggzy 加密数据流：文件头标识不符",
            "not a ggzy encrypted stream: the magic bytes do not match",
            code="stream_malformed",
        )
    version, name_len = fixed[len(MAGIC)], fixed[len(MAGIC) + 1]
    if version != VERSION:
        raise InvalidInput(
            f"不支持的加密数据流版本 {version}（支持 {VERSION}）",
            f"unsupported stream format version {version} (this code reads {VERSION})",
            code="stream_malformed",
        )
    rest = _read_full(src, name_len + 4 + PREFIX_SIZE)
    if len(rest) != name_len + 4 + PREFIX_SIZE:
        raise InvalidInput(
            "加密数据流的文件头不完整",
            "the stream header is truncated",
            code="stream_malformed",
        )
    name = rest[:name_len].decode("ascii", errors="replace")
    (chunk_size,) = struct.unpack(">I", rest[name_len : name_len + 4])
    _check_chunk_size(chunk_size)
    return fixed + rest, name, chunk_size, rest[name_len + 4 :]


def _diagnose(
    suite: CryptoSuite,
    key: bytes,
    nonce: bytes,
    chunk: bytes,
    context: bytes,
    index: int,
    final: bool,
) -> InvalidInput:
    """Say why chunk ``index`` failed: a chunk sealed with the other final flag tells us how."""
    try:
        suite.aead_decrypt(key, nonce, chunk, _chunk_aad(context, index, not final))
    except InvalidInput:
        return InvalidInput(
            f"加密数据流第 {index} 块认证失败：数据已被篡改、调换顺序、来自其他文件，"
            "或密钥、附加数据不符",
            f"chunk {index} of the stream failed authentication: altered, reordered, "
            "taken from another stream, or the key or associated data is wrong",
            code="stream_tampered",
        )
    if final:
        return InvalidInput(
            f"加密数据流被截断：第 {index} 块之后的数据缺失",
            f"the stream is truncated: data after chunk {index} is missing",
            code="stream_truncated",
        )
    return InvalidInput(
        f"加密数据流在结束块（第 {index} 块）之后还有多余数据",
        f"the stream has extra data after its final chunk (chunk {index})",
        code="stream_trailing_data",
    )


def decrypt_stream(
    suite: CryptoSuite, key: bytes, src: Reader, dst: Writer, *, aad: bytes = b""
) -> StreamInfo:
    """Decrypt and verify a whole stream; raise ``InvalidInput`` on any change to it."""
    header, name, chunk_size, prefix = read_stream_header(src)
    if name != suite.name:
        raise InvalidInput(
            f"密码套件不符：数据流使用 {name}，调用方指定 {suite.name}",
            f"suite mismatch: the stream uses {name}, the caller asked for {suite.name}",
            code="stream_suite_mismatch",
        )
    context = suite.hash(header + aad)
    cipher_hash = suite.hasher()
    cipher_hash.update(header)
    plain_hash = suite.hasher()
    block = chunk_size + TAG_SIZE
    count, size, index = len(header), 0, 0
    current = _read_full(src, block)
    while True:
        following = _read_full(src, block) if len(current) == block else b""
        final = not following
        if len(current) < TAG_SIZE:
            raise InvalidInput(
                f"加密数据流被截断：第 {index} 块不完整",
                f"the stream is truncated: chunk {index} is incomplete",
                code="stream_truncated",
            )
        if index >= MAX_CHUNKS:
            raise _too_many_chunks()
        nonce = _nonce(prefix, index)
        try:
            plain = suite.aead_decrypt(key, nonce, current, _chunk_aad(context, index, final))
        except InvalidInput:
            raise _diagnose(suite, key, nonce, current, context, index, final) from None
        cipher_hash.update(current)
        plain_hash.update(plain)
        dst.write(plain)
        count += len(current)
        size += len(plain)
        if final:
            break
        current, index = following, index + 1
    return StreamInfo(plain_hash.digest(), cipher_hash.digest(), size, count)
