"""The two crypto suites, chosen by name: ``get_suite("gm")`` (国密) or ``get_suite("intl")``.

Both speak bytes and PEM (PKCS#8 private keys, SubjectPublicKeyInfo public keys), so the
same code loads a key from a file, a database column or a certificate.

GM (国密):
  hash SM3 and AEAD SM4-GCM with a 128-bit key (``cryptography``); signatures SM2 with
  Z_A over the default ID 1234567812345678, DER (r, s) (``tongsuopy``, native Tongsuo);
  key wrapping SM2 public-key encryption, C1C3C2 (``_sm2``: tongsuopy + gmssl).
INTL:
  SHA-256, ECDSA P-256 (DER), AES-256-GCM, and key wrapping by ECIES: ephemeral P-256
  ECDH, HKDF-SHA256, AES-256-GCM (all ``cryptography``).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import textwrap
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.exceptions import UnsupportedAlgorithm as CUnsupported
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from tongsuopy.crypto import hashes as t_hashes
from tongsuopy.crypto import serialization as t_serialization
from tongsuopy.crypto.asymciphers import ec as t_ec
from tongsuopy.crypto.exceptions import InternalError as TInternalError
from tongsuopy.crypto.exceptions import InvalidSignature as TInvalidSignature
from tongsuopy.crypto.exceptions import UnsupportedAlgorithm as TUnsupported

from ggzy.kernel.crypto import _sm2
from ggzy.kernel.errors import InvalidInput

NONCE_SIZE = 12
TAG_SIZE = 16
SM2_DEFAULT_ID = b"1234567812345678"  # GB/T 35276-2017; Tongsuo applies it by default


class Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...

    def digest(self) -> bytes: ...


class CryptoSuite(Protocol):
    name: str
    hash_name: str
    digest_size: int
    aead_key_size: int
    signature_oid: str  # X.509 signatureAlgorithm
    curve_oid: str  # namedCurve in SubjectPublicKeyInfo

    def hash(self, data: bytes) -> bytes: ...

    def hasher(self) -> Hasher: ...

    def generate_keypair(self) -> tuple[bytes, bytes]: ...

    def public_key(self, private_pem: bytes) -> bytes: ...

    def key_id(self, public_pem: bytes) -> str: ...

    def sign(self, private_pem: bytes, data: bytes) -> bytes: ...

    def verify(self, public_pem: bytes, data: bytes, signature: bytes) -> bool: ...

    def wrap_key(self, public_pem: bytes, data_key: bytes) -> bytes: ...

    def unwrap_key(self, private_pem: bytes, wrapped: bytes) -> bytes: ...

    def aead_encrypt(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes: ...

    def aead_decrypt(self, key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes: ...


# -- shared pieces ----------------------------------------------------------------------


class _CryptographyHasher:
    def __init__(self, algorithm: hashes.HashAlgorithm) -> None:
        self._hash = hashes.Hash(algorithm)

    def update(self, data: bytes, /) -> None:
        self._hash.update(data)

    def digest(self) -> bytes:
        return self._hash.finalize()


class _SuiteBase:
    """Hashing and PEM handling, alike in both suites. ``_serialization`` is the library that
    can serialise the suite's keys (tongsuopy for SM2); both spell the API the same way."""

    _hash_algorithm: hashes.HashAlgorithm
    _serialization: Any

    def hash(self, data: bytes) -> bytes:
        h = self.hasher()
        h.update(data)
        return h.digest()

    def hasher(self) -> Hasher:
        # hashlib (OpenSSL) releases the GIL while hashing large buffers, so uploads and
        # openings hash in parallel threads; ``cryptography`` is the fallback where the
        # local OpenSSL lacks the algorithm.
        name = self._hash_algorithm.name
        if name in hashlib.algorithms_available:
            return hashlib.new(name)
        return _CryptographyHasher(self._hash_algorithm)

    def _pem_pair(self, key: Any) -> tuple[bytes, bytes]:
        """(private PEM, public PEM) of a freshly generated key."""
        ser = self._serialization
        private_pem = key.private_bytes(
            ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption()
        )
        return bytes(private_pem), self._public_pem(key.public_key())

    def _public_pem(self, key: Any) -> bytes:
        ser = self._serialization
        return bytes(key.public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo))

    def _key_id(self, key: Any) -> str:
        ser = self._serialization
        der = key.public_bytes(ser.Encoding.DER, ser.PublicFormat.SubjectPublicKeyInfo)
        return self.hash(bytes(der)).hex()


def _key_error(kind: str, suite: str) -> InvalidInput:
    return InvalidInput(
        f"密钥格式错误：无法解析 PEM 格式的{'私钥' if kind == 'private' else '公钥'}",
        f"malformed key: the {kind} key is not a readable PEM key for the {suite} suite",
        code="key_malformed",
    )


def _wrong_key(expected_zh: str, expected_en: str) -> InvalidInput:
    return InvalidInput(
        f"密钥类型不符：本套件需要 {expected_zh} 密钥",
        f"wrong key type: this suite needs {expected_en} keys",
        code="key_wrong_type",
    )


def _check_aead_args(key: bytes, nonce: bytes, size: int) -> None:
    if len(key) != size:
        raise InvalidInput(
            f"对称密钥长度应为 {size} 字节，实际为 {len(key)} 字节",
            f"the symmetric key must be {size} bytes, got {len(key)}",
            code="key_wrong_size",
        )
    if len(nonce) != NONCE_SIZE:
        raise InvalidInput(
            f"随机数（nonce）长度应为 {NONCE_SIZE} 字节",
            f"the nonce must be {NONCE_SIZE} bytes",
            code="nonce_wrong_size",
        )


def _decrypt_failed() -> InvalidInput:
    return InvalidInput(
        "解密失败：密文或附加数据已被篡改，或密钥不正确",
        "decryption failed: the ciphertext or associated data was altered, or the key is wrong",
        code="decrypt_failed",
    )


def _unwrap_failed() -> InvalidInput:
    return InvalidInput(
        "数据密钥解封失败：封装数据已被篡改，或私钥与之不匹配",
        "key unwrap failed: the wrapped key was altered or does not belong to this private key",
        code="unwrap_failed",
    )


def _check_data_key(data_key: bytes) -> None:
    if not 16 <= len(data_key) <= 64:
        raise InvalidInput(
            "待封装的数据密钥长度应在 16 至 64 字节之间",
            "the data key to wrap must be 16 to 64 bytes long",
            code="key_wrong_size",
        )


def public_pem_from_der(der: bytes) -> bytes:
    """PEM-armour a SubjectPublicKeyInfo (works for SM2 keys, which ``cryptography`` refuses)."""
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode("ascii"), 64))
    return f"-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n".encode("ascii")


# -- GM ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _sm2_public(pem: bytes) -> Any:
    try:
        key = t_serialization.load_pem_public_key(pem)
    except TUnsupported as exc:
        raise _wrong_key("SM2", "SM2") from exc
    except (ValueError, TypeError) as exc:
        raise _key_error("public", "GM") from exc
    if not isinstance(key, t_ec.EllipticCurvePublicKey):
        raise _wrong_key("SM2", "SM2")
    return key


def _sm2_private(pem: bytes) -> Any:
    try:
        key = t_serialization.load_pem_private_key(pem, password=None)
    except TUnsupported as exc:
        raise _wrong_key("SM2", "SM2") from exc
    except (ValueError, TypeError) as exc:
        raise _key_error("private", "GM") from exc
    if not isinstance(key, t_ec.EllipticCurvePrivateKey):
        raise _wrong_key("SM2", "SM2")
    return key


class GmSuite(_SuiteBase):
    """国密: SM3, SM2 signatures and key wrapping, SM4-GCM."""

    name = "gm"
    hash_name = "sm3"
    digest_size = 32
    aead_key_size = 16
    signature_oid = "1.2.156.10197.1.501"  # SM2-with-SM3
    curve_oid = "1.2.156.10197.1.301"  # sm2p256v1
    _hash_algorithm = hashes.SM3()
    _serialization = t_serialization

    def generate_keypair(self) -> tuple[bytes, bytes]:
        return self._pem_pair(t_ec.generate_private_key(t_ec.SM2()))

    def public_key(self, private_pem: bytes) -> bytes:
        return self._public_pem(_sm2_private(private_pem).public_key())

    def key_id(self, public_pem: bytes) -> str:
        return self._key_id(_sm2_public(public_pem))

    def sign(self, private_pem: bytes, data: bytes) -> bytes:
        key = _sm2_private(private_pem)
        return bytes(key.sign(data, t_ec.ECDSA(t_hashes.SM3())))

    def verify(self, public_pem: bytes, data: bytes, signature: bytes) -> bool:
        key = _sm2_public(public_pem)
        try:
            key.verify(signature, data, t_ec.ECDSA(t_hashes.SM3()))
        except (TInvalidSignature, TInternalError, ValueError):
            # tongsuopy reports a signature that is not valid DER as an InternalError
            return False
        return True

    def wrap_key(self, public_pem: bytes, data_key: bytes) -> bytes:
        _check_data_key(data_key)
        numbers = _sm2_public(public_pem).public_numbers()
        return _sm2.encrypt((numbers.x, numbers.y), data_key)

    def unwrap_key(self, private_pem: bytes, wrapped: bytes) -> bytes:
        value = _sm2_private(private_pem).private_numbers().private_value
        try:
            return _sm2.decrypt(value, wrapped)
        except _sm2.Sm2DecryptError as exc:
            raise _unwrap_failed() from exc

    def aead_encrypt(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        _check_aead_args(key, nonce, self.aead_key_size)
        enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        enc.authenticate_additional_data(aad)
        return enc.update(plaintext) + enc.finalize() + enc.tag

    def aead_decrypt(self, key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
        _check_aead_args(key, nonce, self.aead_key_size)
        if len(ciphertext) < TAG_SIZE:
            raise _decrypt_failed()
        body, tag = ciphertext[:-TAG_SIZE], ciphertext[-TAG_SIZE:]
        dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        dec.authenticate_additional_data(aad)
        try:
            return dec.update(body) + dec.finalize()
        except InvalidTag as exc:
            raise _decrypt_failed() from exc


# -- INTL -------------------------------------------------------------------------------

_ECIES_VERSION = b"\x01"
_ECIES_INFO = b"ggzy/ecies-p256-hkdf-sha256-aes256gcm/v1"
_POINT_SIZE = 65


@functools.lru_cache(maxsize=256)
def _p256_public(pem: bytes) -> ec.EllipticCurvePublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except CUnsupported as exc:
        raise _wrong_key("P-256 (secp256r1)", "P-256 (secp256r1)") from exc
    except ValueError as exc:
        raise _key_error("public", "INTL") from exc
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise _wrong_key("P-256 (secp256r1)", "P-256 (secp256r1)")
    return key


def _p256_private(pem: bytes) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except CUnsupported as exc:
        raise _wrong_key("P-256 (secp256r1)", "P-256 (secp256r1)") from exc
    except (ValueError, TypeError) as exc:
        raise _key_error("private", "INTL") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise _wrong_key("P-256 (secp256r1)", "P-256 (secp256r1)")
    return key


def _ecies_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    info = _ECIES_INFO + ephemeral + recipient
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)


def _point(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


class IntlSuite(_SuiteBase):
    """International: SHA-256, ECDSA P-256, AES-256-GCM, ECIES on P-256."""

    name = "intl"
    hash_name = "sha256"
    digest_size = 32
    aead_key_size = 32
    signature_oid = "1.2.840.10045.4.3.2"  # ecdsa-with-SHA256
    curve_oid = "1.2.840.10045.3.1.7"  # prime256v1
    _hash_algorithm = hashes.SHA256()
    _serialization = serialization

    def generate_keypair(self) -> tuple[bytes, bytes]:
        return self._pem_pair(ec.generate_private_key(ec.SECP256R1()))

    def public_key(self, private_pem: bytes) -> bytes:
        return self._public_pem(_p256_private(private_pem).public_key())

    def key_id(self, public_pem: bytes) -> str:
        return self._key_id(_p256_public(public_pem))

    def sign(self, private_pem: bytes, data: bytes) -> bytes:
        return _p256_private(private_pem).sign(data, ec.ECDSA(hashes.SHA256()))

    def verify(self, public_pem: bytes, data: bytes, signature: bytes) -> bool:
        key = _p256_public(public_pem)
        try:
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        except (InvalidSignature, ValueError):
            return False
        return True

    def wrap_key(self, public_pem: bytes, data_key: bytes) -> bytes:
        _check_data_key(data_key)
        recipient = _p256_public(public_pem)
        ephemeral = ec.generate_private_key(ec.SECP256R1())
        eph_point = _point(ephemeral.public_key())
        kek = _ecies_key(ephemeral.exchange(ec.ECDH(), recipient), eph_point, _point(recipient))
        # The key-encryption key is used once, so a fixed nonce is safe.
        sealed = AESGCM(kek).encrypt(bytes(NONCE_SIZE), data_key, _ECIES_VERSION)
        return _ECIES_VERSION + eph_point + sealed

    def unwrap_key(self, private_pem: bytes, wrapped: bytes) -> bytes:
        key = _p256_private(private_pem)
        head = 1 + _POINT_SIZE
        if len(wrapped) <= head + TAG_SIZE or wrapped[:1] != _ECIES_VERSION:
            raise _unwrap_failed()
        eph_point = wrapped[1:head]
        try:
            ephemeral = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), eph_point)
            shared = key.exchange(ec.ECDH(), ephemeral)
            kek = _ecies_key(shared, eph_point, _point(key.public_key()))
            return AESGCM(kek).decrypt(bytes(NONCE_SIZE), wrapped[head:], _ECIES_VERSION)
        except (ValueError, InvalidTag) as exc:
            raise _unwrap_failed() from exc

    def aead_encrypt(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        _check_aead_args(key, nonce, self.aead_key_size)
        return AESGCM(key).encrypt(nonce, plaintext, aad)

    def aead_decrypt(self, key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
        _check_aead_args(key, nonce, self.aead_key_size)
        try:
            return AESGCM(key).decrypt(nonce, ciphertext, aad)
        except InvalidTag as exc:
            raise _decrypt_failed() from exc


# -- registry ---------------------------------------------------------------------------

_SUITES: dict[str, CryptoSuite] = {"gm": GmSuite(), "intl": IntlSuite()}
SUITE_NAMES = tuple(_SUITES)


def get_suite(name: str) -> CryptoSuite:
    try:
        return _SUITES[name]
    except KeyError:
        raise InvalidInput(
            f"未知的密码套件 {name!r}：可选 gm（国密）或 intl（国际）",
            f"unknown crypto suite {name!r}: choose gm (国密) or intl (international)",
            code="suite_unknown",
        ) from None


def suite_for_curve(curve_oid: str) -> CryptoSuite | None:
    return next((s for s in _SUITES.values() if s.curve_oid == curve_oid), None)
