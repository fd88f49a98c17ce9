"""Values the running platform keeps encrypted at rest (密封): a drawn expert list until the
result is public, a bid's released data key after the opening.

The key is derived from the platform's secret key, so the values are unreadable in database
dumps and backups; the running platform can decrypt them, and the selectors decide for whom.
Each use passes its own associated data, so a sealed value cannot be moved to another use.
"""

from __future__ import annotations

import json
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from ggzy.kernel.crypto import get_suite


def _key(size: int) -> bytes:
    return HKDF(hashes.SHA256(), size, salt=None, info=b"ggzy-expert-seal/1").derive(
        settings.SECRET_KEY.encode()
    )


def seal(value: object, aad: bytes) -> str:
    suite = get_suite(settings.GGZY_CRYPTO_SUITE)
    nonce = secrets.token_bytes(12)
    body = suite.aead_encrypt(_key(suite.aead_key_size), nonce, json.dumps(value).encode(), aad)
    return f"{suite.name}:{nonce.hex()}:{body.hex()}"


def unseal(sealed: str, aad: bytes) -> object:
    name, nonce, body = sealed.split(":")
    suite = get_suite(name)
    key = _key(suite.aead_key_size)
    plain = suite.aead_decrypt(key, bytes.fromhex(nonce), bytes.fromhex(body), aad)
    return json.loads(plain)
