"""Sealed envelopes: a file encrypted under a fresh data key, the key wrapped to recipients.

``seal`` draws a random data key, encrypts the payload with :mod:`stream`, wraps the data
key to each recipient's public key (and, optionally, splits it k-of-n among escrow
keyholders and wraps each share to one keyholder), and appends a JSON header that the
sender signs. Anyone holding the sender's public key can check the header and the
ciphertext (``verify_envelope``) without being able to decrypt anything; only a recipient's
private key, a released data key or k escrow shares open it (``open_envelope``).

Container (integers big-endian; the header goes last so sealing is one pass)::

    "GGZYSEAL" | version u8 = 1 | stream (see stream.py) | header | signature
    | len(header) u32 | len(signature) u32 | "GGZYSEAL"

The header is canonical JSON (sorted keys, no spaces, UTF-8, no floats); the signature
covers exactly those bytes. See docs/crypto.md for the fields.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import os
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ggzy.kernel.crypto.canonical import canonical_json
from ggzy.kernel.crypto.shamir import Share, combine, split
from ggzy.kernel.crypto.stream import (
    DEFAULT_CHUNK_SIZE,
    Reader,
    Writer,
    decrypt_stream,
    encrypt_stream,
)
from ggzy.kernel.crypto.suites import CryptoSuite, get_suite
from ggzy.kernel.errors import InvalidInput

MAGIC = b"GGZYSEAL"
VERSION = 1
FORMAT = "ggzy-sealed-envelope"
STREAM_AAD = b"ggzy/envelope/v1"
_PREAMBLE = MAGIC + bytes([VERSION])
_FOOTER = struct.Struct(">II")
_FOOTER_SIZE = _FOOTER.size + len(MAGIC)
MAX_HEADER_SIZE = 1 << 20
MAX_SIGNATURE_SIZE = 1024
_MAX_JSON_INT = 2**53 - 1


class SeekableReader(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...

    def seek(self, offset: int, whence: int = ..., /) -> int: ...


@dataclass(frozen=True)
class Recipient:
    key_id: str  # suite hash (hex) of the recipient's SubjectPublicKeyInfo DER
    wrapped_key: bytes


@dataclass(frozen=True)
class EscrowShare:
    key_id: str
    index: int
    wrapped_share: bytes


@dataclass(frozen=True)
class Escrow:
    """Split the data key ``threshold``-of-len(keyholders) among these public keys."""

    threshold: int
    keyholders: Sequence[bytes]


@dataclass(frozen=True)
class EnvelopeHeader:
    suite: str
    sender_key_id: str
    recipients: tuple[Recipient, ...]
    escrow_threshold: int  # 0: no escrow
    escrow_shares: tuple[EscrowShare, ...]
    metadata: dict[str, Any]
    key_check: str  # H(label || data key): tells a released key right from wrong
    plaintext_commitment: str  # H(label || salt || H(plaintext)), salt derived from the key
    ciphertext_digest: str  # H(stream bytes)
    ciphertext_size: int
    size: int  # plaintext bytes
    chunk_size: int

    def to_json(self) -> dict[str, Any]:
        escrow = None
        if self.escrow_threshold:
            escrow = {
                "threshold": self.escrow_threshold,
                "shares": [
                    {"key_id": s.key_id, "index": s.index, "wrapped_share": _b64(s.wrapped_share)}
                    for s in self.escrow_shares
                ],
            }
        return {
            "format": FORMAT,
            "version": VERSION,
            "suite": self.suite,
            "sender_key_id": self.sender_key_id,
            "recipients": [
                {"key_id": r.key_id, "wrapped_key": _b64(r.wrapped_key)} for r in self.recipients
            ],
            "escrow": escrow,
            "metadata": self.metadata,
            "key_check": self.key_check,
            "plaintext_commitment": self.plaintext_commitment,
            "ciphertext_digest": self.ciphertext_digest,
            "ciphertext_size": self.ciphertext_size,
            "size": self.size,
            "chunk_size": self.chunk_size,
        }

    @classmethod
    def from_json(cls, obj: Any) -> EnvelopeHeader:
        try:
            if obj["format"] != FORMAT or obj["version"] != VERSION:
                raise _malformed("格式或版本不受支持", "unsupported format or version")
            escrow = obj["escrow"]
            shares: tuple[EscrowShare, ...] = ()
            threshold = 0
            if escrow is not None:
                threshold = _int(escrow["threshold"])
                shares = tuple(
                    EscrowShare(_hex(s["key_id"]), _int(s["index"]), _unb64(s["wrapped_share"]))
                    for s in escrow["shares"]
                )
            if not isinstance(obj["metadata"], dict):
                raise _malformed("元数据不是对象", "metadata is not an object")
            return cls(
                suite=get_suite(obj["suite"]).name,
                sender_key_id=_hex(obj["sender_key_id"]),
                recipients=tuple(
                    Recipient(_hex(r["key_id"]), _unb64(r["wrapped_key"]))
                    for r in obj["recipients"]
                ),
                escrow_threshold=threshold,
                escrow_shares=shares,
                metadata=obj["metadata"],
                key_check=_hex(obj["key_check"]),
                plaintext_commitment=_hex(obj["plaintext_commitment"]),
                ciphertext_digest=_hex(obj["ciphertext_digest"]),
                ciphertext_size=_int(obj["ciphertext_size"]),
                size=_int(obj["size"]),
                chunk_size=_int(obj["chunk_size"]),
            )
        except (KeyError, TypeError) as exc:
            raise _malformed(
                "缺少字段或字段类型错误", f"missing or mistyped field ({exc})"
            ) from exc


@dataclass(frozen=True)
class SealedHeader:
    """A header as read from (or written to) a container, with the exact signed bytes."""

    header: EnvelopeHeader
    header_bytes: bytes
    signature: bytes
    stream_offset: int = len(_PREAMBLE)


@dataclass(frozen=True)
class OpenedEnvelope:
    sealed: SealedHeader
    plaintext_digest: bytes  # plain suite hash of the plaintext, for archives
    recovered_from: str  # "recipient" | "data_key" | "escrow"


# -- helpers ----------------------------------------------------------------------------


def _malformed(zh: str, en: str) -> InvalidInput:
    return InvalidInput(
        f"密封信封格式错误：{zh}", f"malformed sealed envelope: {en}", code="envelope_malformed"
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise TypeError("base64 field is not a string")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _malformed("base64 字段无法解码", "a base64 field does not decode") from exc


def _hex(text: Any) -> str:
    if not isinstance(text, str) or not text or any(c not in "0123456789abcdef" for c in text):
        raise _malformed("十六进制字段格式错误", "a hex field is not lower-case hex")
    return text


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _malformed("整数字段格式错误", "an integer field is not a non-negative integer")
    return value


def _check_json_value(value: Any, path: str) -> None:
    if value is None or isinstance(value, bool | str):
        return
    if isinstance(value, int):
        if abs(value) > _MAX_JSON_INT:
            raise InvalidInput(
                f"元数据 {path} 的整数超出 ±2^53，无法在各平台精确表示",
                f"metadata {path}: integer beyond ±2^53 is not portable JSON",
                code="envelope_metadata_invalid",
            )
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_json_value(item, f"{path}[{i}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidInput(
                    f"元数据 {path} 的键必须是字符串",
                    f"metadata {path}: keys must be strings",
                    code="envelope_metadata_invalid",
                )
            _check_json_value(item, f"{path}.{key}")
        return
    raise InvalidInput(
        f"元数据 {path} 的类型 {type(value).__name__} 不可用：只允许字符串、整数、布尔、空值、"
        "列表和对象（金额请用字符串或以分为单位的整数）",
        f"metadata {path}: type {type(value).__name__} not allowed; use strings, integers, "
        "booleans, null, lists and objects (money as a string or integer fen)",
        code="envelope_metadata_invalid",
    )


def _key_check(suite: CryptoSuite, data_key: bytes) -> str:
    return suite.hash(b"ggzy/envelope/key-check/v1\x00" + data_key).hex()


def _commitment(suite: CryptoSuite, data_key: bytes, plaintext_digest: bytes) -> str:
    salt = suite.hash(b"ggzy/envelope/commit-salt/v1\x00" + data_key)
    return suite.hash(b"ggzy/envelope/plaintext/v1\x00" + salt + plaintext_digest).hex()


class _Window:
    """Read ``length`` bytes of ``src`` from ``start``: the stream inside a container."""

    def __init__(self, src: SeekableReader, start: int, length: int) -> None:
        src.seek(start)
        self._src, self._left = src, length

    def read(self, size: int = -1, /) -> bytes:
        if size < 0 or size > self._left:
            size = self._left
        data = self._src.read(size) if size else b""
        self._left -= len(data)
        return data


# -- sealing ----------------------------------------------------------------------------


def seal(
    suite: CryptoSuite,
    src: Reader,
    dst: Writer,
    *,
    signer_private_pem: bytes,
    recipients: Sequence[bytes],
    metadata: Mapping[str, Any] | None = None,
    escrow: Escrow | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> SealedHeader:
    """Encrypt ``src`` into the container ``dst``; wrap the key to ``recipients`` (PEMs)."""
    if not recipients and escrow is None:
        raise InvalidInput(
            "至少需要一个收件人或托管方，否则无人能打开信封",
            "at least one recipient or an escrow is needed, or nobody could open the envelope",
            code="envelope_no_recipient",
        )
    meta = dict(metadata or {})
    _check_json_value(meta, "metadata")
    data_key = os.urandom(suite.aead_key_size)
    wrapped = tuple(
        Recipient(suite.key_id(pem), suite.wrap_key(pem, data_key)) for pem in recipients
    )
    shares: tuple[EscrowShare, ...] = ()
    if escrow is not None:
        pieces = split(data_key, escrow.threshold, len(escrow.keyholders))
        shares = tuple(
            EscrowShare(suite.key_id(pem), piece.index, suite.wrap_key(pem, piece.to_bytes()))
            for pem, piece in zip(escrow.keyholders, pieces, strict=True)
        )
    key_ids = [r.key_id for r in wrapped] + [s.key_id for s in shares]
    if len(set(key_ids)) != len(key_ids):
        raise InvalidInput(
            "同一公钥在收件人或托管方中出现了两次",
            "the same public key appears twice among recipients and keyholders",
            code="envelope_duplicate_recipient",
        )
    sender_key_id = suite.key_id(suite.public_key(signer_private_pem))

    dst.write(_PREAMBLE)
    info = encrypt_stream(suite, data_key, src, dst, aad=STREAM_AAD, chunk_size=chunk_size)
    header = EnvelopeHeader(
        suite=suite.name,
        sender_key_id=sender_key_id,
        recipients=wrapped,
        escrow_threshold=escrow.threshold if escrow else 0,
        escrow_shares=shares,
        metadata=json.loads(canonical_json(meta)),
        key_check=_key_check(suite, data_key),
        plaintext_commitment=_commitment(suite, data_key, info.plaintext_digest),
        ciphertext_digest=info.ciphertext_digest.hex(),
        ciphertext_size=info.ciphertext_size,
        size=info.size,
        chunk_size=chunk_size,
    )
    header_bytes = canonical_json(header.to_json())
    signature = suite.sign(signer_private_pem, header_bytes)
    dst.write(header_bytes + signature + _FOOTER.pack(len(header_bytes), len(signature)) + MAGIC)
    return SealedHeader(header, header_bytes, signature)


# -- reading and checking, no private key needed ----------------------------------------


def read_header(src: SeekableReader) -> SealedHeader:
    """Read the signed header of a container (the signature is *not* checked here)."""
    src.seek(0)
    if src.read(len(_PREAMBLE)) != _PREAMBLE:
        raise _malformed("文件头标识或版本不符", "wrong magic bytes or version")
    end = src.seek(0, os.SEEK_END)
    if end < len(_PREAMBLE) + _FOOTER_SIZE:
        raise _malformed("文件过短", "file too short")
    src.seek(end - _FOOTER_SIZE)
    footer = src.read(_FOOTER_SIZE)
    if footer[_FOOTER.size :] != MAGIC:
        raise _malformed(
            "文件尾标识不符（文件可能被截断）", "wrong trailing magic (truncated file?)"
        )
    header_len, sig_len = _FOOTER.unpack(footer[: _FOOTER.size])
    stream_len = end - _FOOTER_SIZE - header_len - sig_len - len(_PREAMBLE)
    if header_len > MAX_HEADER_SIZE or sig_len > MAX_SIGNATURE_SIZE or stream_len < 0:
        raise _malformed("文件头或签名长度不合理", "implausible header or signature length")
    src.seek(len(_PREAMBLE) + stream_len)
    header_bytes = src.read(header_len)
    signature = src.read(sig_len)
    sealed = parse_header(header_bytes, signature)
    if sealed.header.ciphertext_size != stream_len:
        raise _malformed(
            f"密文长度 {stream_len} 与文件头记载的 {sealed.header.ciphertext_size} 不符",
            f"ciphertext is {stream_len} bytes, the header says {sealed.header.ciphertext_size}",
        )
    return sealed


def container_size(sealed: SealedHeader) -> int:
    """The byte length of the whole container that ``sealed`` heads."""
    return (
        len(_PREAMBLE)
        + sealed.header.ciphertext_size
        + len(sealed.header_bytes)
        + len(sealed.signature)
        + _FOOTER_SIZE
    )


def parse_header(header_bytes: bytes, signature: bytes) -> SealedHeader:
    """Parse header bytes sent apart from the container (the signature is *not* checked)."""
    if len(header_bytes) > MAX_HEADER_SIZE or len(signature) > MAX_SIGNATURE_SIZE:
        raise _malformed("文件头或签名长度不合理", "implausible header or signature length")
    try:
        obj = json.loads(header_bytes.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _malformed("文件头不是 UTF-8 JSON", "header is not UTF-8 JSON") from exc
    if canonical_json(obj) != header_bytes:
        raise _malformed("文件头不是规范 JSON", "header is not canonical JSON")
    return SealedHeader(EnvelopeHeader.from_json(obj), header_bytes, signature)


def verify_header_signature(sealed: SealedHeader, signer_public_pem: bytes) -> None:
    """Raise unless the header was signed by the holder of ``signer_public_pem``."""
    suite = get_suite(sealed.header.suite)
    if suite.key_id(signer_public_pem) != sealed.header.sender_key_id:
        raise InvalidInput(
            "签名人不符：信封不是由该公钥的持有人签署的",
            "wrong signer: the envelope was not signed by the holder of this public key",
            code="envelope_wrong_signer",
        )
    if not suite.verify(signer_public_pem, sealed.header_bytes, sealed.signature):
        raise InvalidInput(
            "信封签名无效：文件头或签名已被篡改",
            "invalid envelope signature: the header or the signature was altered",
            code="envelope_bad_signature",
        )


def _digest_mismatch() -> InvalidInput:
    return InvalidInput(
        "密文摘要与已签名的文件头不符：密文已被篡改或替换",
        "the ciphertext digest differs from the signed header: the ciphertext was altered",
        code="envelope_digest_mismatch",
    )


def check_ciphertext(src: SeekableReader, sealed: SealedHeader) -> None:
    """Re-hash the stored ciphertext and compare it with the signed header."""
    suite = get_suite(sealed.header.suite)
    window = _Window(src, sealed.stream_offset, sealed.header.ciphertext_size)
    hasher = suite.hasher()
    while chunk := window.read(1 << 20):
        hasher.update(chunk)
    if not hmac.compare_digest(hasher.digest().hex(), sealed.header.ciphertext_digest):
        raise _digest_mismatch()


def verify_envelope(src: SeekableReader, signer_public_pem: bytes) -> SealedHeader:
    """The receipt check: header well formed, signed by the sender, ciphertext untouched."""
    sealed = read_header(src)
    verify_header_signature(sealed, signer_public_pem)
    check_ciphertext(src, sealed)
    return sealed


# -- getting the data key ---------------------------------------------------------------


def _check_key(sealed: SealedHeader, data_key: bytes) -> bytes:
    suite = get_suite(sealed.header.suite)
    if len(data_key) != suite.aead_key_size or not hmac.compare_digest(
        _key_check(suite, data_key), sealed.header.key_check
    ):
        raise InvalidInput(
            "数据密钥与信封不符：不是封装此信封时使用的密钥",
            "the data key does not match the envelope: it is not the key it was sealed with",
            code="envelope_key_mismatch",
        )
    return data_key


def unwrap_data_key(sealed: SealedHeader, recipient_private_pem: bytes) -> bytes:
    """A recipient recovers the data key (e.g. on the bidder's own machine, to release it)."""
    suite = get_suite(sealed.header.suite)
    key_id = suite.key_id(suite.public_key(recipient_private_pem))
    entry = next((r for r in sealed.header.recipients if r.key_id == key_id), None)
    if entry is None:
        raise InvalidInput(
            "该私钥不是本信封的收件人",
            "this private key is not among the envelope's recipients",
            code="envelope_not_recipient",
        )
    return _check_key(sealed, suite.unwrap_key(recipient_private_pem, entry.wrapped_key))


def unwrap_escrow_share(sealed: SealedHeader, keyholder_private_pem: bytes) -> Share:
    """A keyholder recovers their share of the data key."""
    suite = get_suite(sealed.header.suite)
    key_id = suite.key_id(suite.public_key(keyholder_private_pem))
    entry = next((s for s in sealed.header.escrow_shares if s.key_id == key_id), None)
    if entry is None:
        raise InvalidInput(
            "该私钥不是本信封的托管方",
            "this private key is not among the envelope's escrow keyholders",
            code="envelope_not_keyholder",
        )
    share = Share.from_bytes(suite.unwrap_key(keyholder_private_pem, entry.wrapped_share))
    if share.index != entry.index or share.threshold != sealed.header.escrow_threshold:
        raise _malformed("托管分片与文件头不符", "escrow share does not match the header")
    return share


def recover_data_key(sealed: SealedHeader, shares: Sequence[Share]) -> bytes:
    """Combine at least ``escrow_threshold`` keyholders' shares into the data key."""
    if not sealed.header.escrow_threshold:
        raise InvalidInput(
            "本信封没有设置密钥托管", "this envelope has no key escrow", code="envelope_no_escrow"
        )
    if any(s.threshold != sealed.header.escrow_threshold for s in shares):
        raise _malformed("分片的门限与文件头不符", "share threshold differs from the header")
    return _check_key(sealed, combine(shares))


# -- opening ----------------------------------------------------------------------------


def open_envelope(
    src: SeekableReader,
    dst: Writer,
    *,
    signer_public_pem: bytes,
    recipient_private_pem: bytes | None = None,
    data_key: bytes | None = None,
) -> OpenedEnvelope:
    """Check the signature, then decrypt with a recipient's private key or a released key.

    Everything is verified: signature, key check, every chunk, ciphertext digest, size and
    the plaintext commitment. On an error ``dst`` may hold partial output: discard it.
    """
    if (recipient_private_pem is None) == (data_key is None):
        raise InvalidInput(
            "请提供收件人私钥或已公开的数据密钥，二者选一",
            "give either a recipient private key or a released data key, not both or neither",
            code="envelope_open_args",
        )
    sealed = read_header(src)
    verify_header_signature(sealed, signer_public_pem)
    if recipient_private_pem is not None:
        key, source = unwrap_data_key(sealed, recipient_private_pem), "recipient"
    else:
        assert data_key is not None
        key, source = _check_key(sealed, data_key), "data_key"
    return _decrypt(src, dst, sealed, key, source)


def open_with_shares(
    src: SeekableReader, dst: Writer, *, signer_public_pem: bytes, shares: Sequence[Share]
) -> OpenedEnvelope:
    """Open through the escrow: k keyholders' shares stand in for the lost private key."""
    sealed = read_header(src)
    verify_header_signature(sealed, signer_public_pem)
    return _decrypt(src, dst, sealed, recover_data_key(sealed, shares), "escrow")


def _decrypt(
    src: SeekableReader, dst: Writer, sealed: SealedHeader, key: bytes, source: str
) -> OpenedEnvelope:
    header = sealed.header
    suite = get_suite(header.suite)
    window = _Window(src, sealed.stream_offset, header.ciphertext_size)
    info = decrypt_stream(suite, key, window, dst, aad=STREAM_AAD)
    if info.ciphertext_digest.hex() != header.ciphertext_digest:
        raise _digest_mismatch()
    if info.size != header.size or not hmac.compare_digest(
        _commitment(suite, key, info.plaintext_digest), header.plaintext_commitment
    ):
        raise InvalidInput(
            "明文与已签名的承诺值不符",
            "the plaintext does not match the signed commitment",
            code="envelope_digest_mismatch",
        )
    return OpenedEnvelope(sealed, info.plaintext_digest, source)
