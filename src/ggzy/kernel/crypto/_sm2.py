"""SM2 public-key encryption (GB/T 32918.4-2016), ciphertext laid out C1 || C3 || C2.

No installed library offers this safely, so the scheme's few steps are written here:

* ``tongsuopy`` (native Tongsuo) has no SM2 encryption in its public API; it computes the
  ephemeral point C1 = [k]G (through key derivation) and checks points on load;
* ``gmssl`` does the remaining point multiplication in pure Python (``CryptSM2._kg``);
* ``cryptography`` does SM3 (the KDF and C3).

``gmssl.CryptSM2.encrypt/decrypt`` themselves are *not* used: ``encrypt`` draws k from
``random`` (Mersenne Twister, predictable), ``decrypt`` neither checks C3 nor that C1 is on
the curve, and the constructor's ``lstrip("04")`` corrupts keys whose x starts with 0/4.

C1 is written with its 0x04 point-format byte, as the standard encodes points, so the
output is ``04 || x1 || y1 || C3 (32) || C2``; drop that first byte to feed
``gmssl.sm2.CryptSM2(mode=1).decrypt``.
"""

from __future__ import annotations

import hmac
import secrets

from cryptography.hazmat.primitives import hashes
from gmssl import sm2 as gmssl_sm2
from tongsuopy.crypto.asymciphers import ec as t_ec

# GB/T 32918.5-2017 recommended curve parameters.
P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123

_C1_LEN = 65
_C3_LEN = 32
OVERHEAD = _C1_LEN + _C3_LEN

# Only the point arithmetic of this object is used; the key strings are placeholders.
_ARITH = gmssl_sm2.CryptSM2(private_key="", public_key="00" * 64)


class Sm2DecryptError(ValueError):
    """The ciphertext is malformed, was altered, or belongs to another key."""


def _sm3(data: bytes) -> bytes:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize()


def _kdf(z: bytes, length: int) -> bytes:
    out = bytearray()
    counter = 1
    while len(out) < length:
        out += _sm3(z + counter.to_bytes(4, "big"))
        counter += 1
    return bytes(out[:length])


def _xy(x: int, y: int) -> bytes:
    return x.to_bytes(32, "big") + y.to_bytes(32, "big")


def on_curve(x: int, y: int) -> bool:
    """The curve's cofactor is 1, so a point on the curve is in the prime-order group."""
    return 0 <= x < P and 0 <= y < P and (y * y - (x * x * x + A * x + B)) % P == 0


def _multiply(k: int, x: int, y: int) -> tuple[int, int]:
    out = _ARITH._kg(k, f"{x:064x}{y:064x}")
    if out is None:  # point at infinity: impossible for 0 < k < N and a valid point
        raise Sm2DecryptError("point at infinity")
    return int(out[:64], 16), int(out[64:128], 16)


def _base_multiply(k: int) -> tuple[int, int]:
    numbers = t_ec.derive_private_key(k, t_ec.SM2()).public_key().public_numbers()
    return numbers.x, numbers.y


def encrypt(public: tuple[int, int], message: bytes, *, k: int | None = None) -> bytes:
    """Encrypt ``message`` to the public point ``public``; ``k`` is only for known-answer tests."""
    if not message:
        raise ValueError("SM2 encryption needs a non-empty message")
    if not on_curve(*public):
        raise ValueError("public key is not on the SM2 curve")
    while True:
        scalar = k if k is not None else secrets.randbelow(N - 1) + 1
        x1, y1 = _base_multiply(scalar)
        x2, y2 = _multiply(scalar, *public)
        t = _kdf(_xy(x2, y2), len(message))
        if any(t):
            break
        if k is not None:
            raise ValueError("this k gives an all-zero key stream")
    c2 = bytes(m ^ s for m, s in zip(message, t, strict=True))
    c3 = _sm3(x2.to_bytes(32, "big") + message + y2.to_bytes(32, "big"))
    return b"\x04" + _xy(x1, y1) + c3 + c2


def decrypt(private_value: int, ciphertext: bytes) -> bytes:
    if len(ciphertext) <= OVERHEAD or ciphertext[0] != 0x04:
        raise Sm2DecryptError("not an SM2 C1C3C2 ciphertext")
    x1 = int.from_bytes(ciphertext[1:33], "big")
    y1 = int.from_bytes(ciphertext[33:65], "big")
    if not on_curve(x1, y1):
        raise Sm2DecryptError("C1 is not on the curve")
    c3 = ciphertext[_C1_LEN:OVERHEAD]
    c2 = ciphertext[OVERHEAD:]
    x2, y2 = _multiply(private_value, x1, y1)
    t = _kdf(_xy(x2, y2), len(c2))
    if not any(t):
        raise Sm2DecryptError("all-zero key stream")
    message = bytes(c ^ s for c, s in zip(c2, t, strict=True))
    check = _sm3(x2.to_bytes(32, "big") + message + y2.to_bytes(32, "big"))
    if not hmac.compare_digest(check, c3):
        raise Sm2DecryptError("C3 does not match")
    return message
